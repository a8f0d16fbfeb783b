"""Moderation: the one queue every kind of item goes through, the item page, redaction,
safeguarding (detection, the lead's queue, the word list), the staff home and the audit
log. Kinds register themselves (`portal.moderation.kinds`); this package imports none."""

from flask import Blueprint, Flask

bp = Blueprint("moderation", __name__, url_prefix="/moderate")

from portal.moderation import staff  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from portal.core.contributions import contribute
    from portal.i18n import N_
    from portal.moderation.flags import init_cli
    from portal.moderation.safeguarding import seed_default_phrases

    app.register_blueprint(bp)
    init_cli(app)
    contribute(app, staff_nav=[(10, N_("Staff home"), "moderation.home")], reference_seeder=seed_default_phrases)
