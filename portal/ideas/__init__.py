"""The idea board: the seven themes, proposing and supporting ideas (one support per
device), verification by emailed code, event mode for a facilitator's tablet, and, for
staff, results by idea and audience and the list of unusual bursts. Ideas are a kind in
the shared moderation queue."""

from flask import Blueprint, Flask

bp = Blueprint("ideas", __name__)

from portal.ideas import events, kind, public, results_staff, staff  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from portal.core import retention
    from portal.core.contributions import HomeCard, PageSection, StaffLink, contribute
    from portal.core.models import ordered_themes
    from portal.i18n import N_
    from portal.ideas import retention as ideas_retention
    from portal.ideas.demo import seed_demo_ideas

    app.register_blueprint(bp)
    contribute(
        app,
        home_cards=[
            HomeCard(N_("Ideas for the seven topics"), "ideas.index",
                     N_("Share your own idea for your area, or support other people's ideas. "
                        "We answer the ideas people support.")),
        ],
        page_sections=[PageSection("young_people", "ideas/_young_people.html", lambda: {"themes": ordered_themes()})],
        public_nav=[(25, N_("Ideas"), "ideas.index")],
        staff_links=[
            StaffLink(N_("Events"), "ideas.events_manage",
                      N_("Open and close an idea board event, and print its poster with a QR code."),
                      ("facilitator", "moderator"), 40),
            StaffLink(N_("Idea results"), "ideas.results",
                      N_("Ideas and supports by theme, area, audience and channel; download as CSV."),
                      ("moderator", "facilitator"), 50),
            StaffLink(N_("Unusual bursts of supports"), "ideas.anomalies",
                      N_("Bursts from one address, one event or a short time, for a person to judge."),
                      ("moderator",), 60),
        ],
        demo_seeder=("ideas", seed_demo_ideas),
    )
    retention.contribute(app, rules=ideas_retention.RULES, sources=ideas_retention.SOURCES)
