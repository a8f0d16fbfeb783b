"""Tell us: the adult and young people's journeys, references and tracking, equality
monitoring kept apart. Feedback is a kind in the shared moderation queue."""

from flask import Blueprint, Flask

bp = Blueprint("feedback", __name__)

from portal.feedback import kind, public  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from portal.core import retention
    from portal.core.contributions import HomeCard, contribute
    from portal.feedback import retention as feedback_retention
    from portal.feedback.demo import seed_demo_feedback
    from portal.i18n import N_

    app.register_blueprint(bp)
    contribute(
        app,
        home_cards=[
            HomeCard(N_("Tell us what you think"), "feedback.tell_us_start",
                     N_("About jobs, learning English, feeling safe, places to meet, or anything else. "
                     "It takes a few minutes and you do not need an account.")),
            HomeCard(N_("Young people: have your say"), "feedback.young_people",
                     N_("For anyone under 18, and care leavers up to 25. We will listen and tell you what happened.")),
            HomeCard(N_("Track your feedback"), "feedback.track_form",
                     N_("Use the reference number you were given to see what has happened to what you told us.")),
        ],
        public_nav=[(10, N_("Tell us"), "feedback.tell_us_start"), (20, N_("Young people"), "feedback.young_people"),
                    (40, N_("Track your feedback"), "feedback.track_form")],
        demo_seeder=("submissions", seed_demo_feedback),
    )
    retention.contribute(app, rules=feedback_retention.RULES, sources=feedback_retention.SOURCES)
