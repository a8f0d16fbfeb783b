"""Home, the statements, and the health check."""

from datetime import date

from flask import Response

from portal.core import bp
from portal.core.services import home_page_data
from portal.shared.fragments import render
from portal.shared.links import url_if_served


@bp.get("/")
def home():
    """What is open now, the seven themes and their pillars, the latest answers."""
    return render("core/home.html", **home_page_data())


# When the accessibility statement was written, last reviewed and the site last tested:
# dates, so each language writes them its own way.
STATEMENT_PREPARED = date(2026, 11, 23)
STATEMENT_REVIEWED = date(2026, 12, 1)
SITE_TESTED = date(2026, 12, 1)


@bp.get("/accessibility")
def accessibility():
    """Accessibility statement in the regulations' model format."""
    return render("core/accessibility.html", prepared_on=STATEMENT_PREPARED, reviewed_on=STATEMENT_REVIEWED,
                  tested_on=SITE_TESTED)


@bp.get("/privacy")
def privacy():
    """Privacy notice, with a plain version for young people."""
    return render("core/privacy.html")


@bp.get("/young-people/privacy")
def young_people_privacy():
    """The privacy notice for young people, in their own words (ICO Children's Code,
    standard 4). Its periods are the privacy notice's: the two must always agree."""
    return render("core/young_people_privacy.html")


@bp.get("/childrens-code")
def childrens_code():
    """How the portal follows each of the ICO Children's Code's 15 standards, in order."""
    return render("core/childrens_code.html", young_people_url=url_if_served("feedback.young_people"),
                  track_url=url_if_served("feedback.track_form"))


@bp.get("/cookies")
def cookies():
    """Cookies: essential only, so no banner."""
    return render("core/cookies.html")


@bp.get("/healthz")
def healthz():
    """Liveness for the load balancer: no database, no template."""
    return Response("ok", mimetype="text/plain")
