from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderate")

from portal.moderation import views  # noqa: E402,F401
