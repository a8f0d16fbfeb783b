"""Accessible error pages, the same look as every other page."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: ("Sorry, there is a problem with that request", "Please go back and try again."),
    403: ("You do not have permission to see this page", "If you think you should, ask an admin for access."),
    404: ("Page not found", "If you typed the web address, check it is correct. If you pasted it, check you copied all of it."),
    405: ("Sorry, that did not work", "That page cannot be used in that way. Go back and try again."),
    413: ("What you sent is too big", "Please make it shorter and try again."),
    429: ("You have tried too many times", "To keep the site safe we have paused this for a short while. Please wait a few minutes and try again."),
    500: ("Sorry, there is a problem with the service", "Please try again later. What you had already sent us is safe."),
}


def init_app(app: Flask) -> None:
    def render_error(code: int, title: str | None = None, detail: str | None = None):
        default_title, default_detail = MESSAGES.get(code, MESSAGES[500])
        return (
            render_template(
                "errors/error.html", code=code, title=title or default_title, detail=detail or default_detail
            ),
            code,
        )

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            "Your form could not be sent",
            "This can happen if the page was open for a long time or was sent twice. "
            "Nothing was saved. Go back, refresh the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code in MESSAGES:
            return render_error(error.code)
        return error

    @app.errorhandler(500)
    def server_error(error):
        # Flask has logged the traceback already; the person gets a calm page.
        return render_error(500)
