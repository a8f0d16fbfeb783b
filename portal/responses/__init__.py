"""You said, we did: answers to items of any kind, their history, the public list, termly
reports and the feed (public.py), and drafting and publishing them (staff.py)."""

from flask import Blueprint, Flask

bp = Blueprint("responses", __name__)

from portal.responses import public, staff  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from portal.core.contributions import PageSection, StaffLink, contribute
    from portal.i18n import N_
    from portal.responses.demo import seed_demo_responses
    from portal.responses.services import latest_published, published_for_young_people

    app.register_blueprint(bp)
    contribute(
        app,
        page_sections=[
            PageSection("home", "responses/_home_latest.html", lambda: {"latest_responses": latest_published(limit=3)}),
            PageSection("young_people", "responses/_young_people_answers.html",
                        lambda: {"responses": published_for_young_people(5)}),
        ],
        public_nav=[(30, N_("You said, we did"), "responses.index")],
        staff_links=[StaffLink(N_("Responses (we did)"), "responses.manage",
                               N_("Draft, publish and update \"you said, we did\" answers."), ("moderator",), 30)],
        demo_seeder=("responses", seed_demo_responses),
    )
