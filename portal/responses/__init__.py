from flask import Blueprint

bp = Blueprint("responses", __name__)

from portal.responses import views  # noqa: E402,F401
