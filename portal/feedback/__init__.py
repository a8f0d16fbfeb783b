from flask import Blueprint

bp = Blueprint("feedback", __name__)

from portal.feedback import views  # noqa: E402,F401
