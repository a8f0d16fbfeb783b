"""The People's Advisory Group: up to 32 residents and Equalities Forum members who meet
quarterly and are asked about the design, delivery and communication of projects.
Applying in question pages; seats capped by area; offers answered by emailed link; for
staff, stages, a fair draw, members' terms, declarations, meetings and focus groups.
Applications are a kind in the shared moderation queue."""

from flask import Blueprint, Flask

bp = Blueprint("advisory", __name__)

from portal.advisory import kind, public, staff  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from portal.advisory import retention as advisory_retention
    from portal.advisory.demo import seed_demo_advisory
    from portal.advisory.seats import SETTINGS, area_count_problem
    from portal.core import retention
    from portal.core.contributions import HomeCard, StaffLink, contribute
    from portal.i18n import N_

    app.register_blueprint(bp)
    contribute(
        app,
        home_cards=[
            HomeCard(N_("Join the People’s Advisory Group"), "advisory.index",
                     N_("Up to 32 local people who meet four times a year and help shape projects. "
                        "See how many seats are open in your area.")),
        ],
        public_nav=[(40, N_("Advisory group"), "advisory.index")],
        staff_links=[
            StaffLink(N_("People’s Advisory Group"), "advisory.staff_index",
                      N_("Applications by area, seats filled and open, offers, the waiting list and fair draws."),
                      ("moderator",), 70),
            StaffLink(N_("Advisory group members"), "advisory.staff_members",
                      N_("Terms ending, declarations due, quarterly meetings and focus group invitations."),
                      ("moderator", "facilitator"), 80),
        ],
        demo_seeder=("advisory", seed_demo_advisory),
        settings=SETTINGS,
        area_count_checks=[area_count_problem],
    )
    retention.contribute(app, rules=advisory_retention.RULES, sources=advisory_retention.SOURCES)
