"""You said, we did: the public pages (the list, one response) — being built now."""

from flask import abort
from sqlalchemy import select

from portal.extensions import db
from portal.responses import bp
from portal.responses.models import Response
from portal.templating import render


@bp.get("/you-said-we-did")
def index():
    responses = list(
        db.session.scalars(
            select(Response).where(Response.state == "published").order_by(Response.published_at.desc(), Response.id.desc()).limit(50)
        )
    )
    return render("responses/index.html", responses=responses)


@bp.get("/you-said-we-did/<int:response_id>")
def show(response_id: int):
    response = db.session.get(Response, response_id)
    if response is None or response.state != "published":
        abort(404)
    return render("responses/show.html", response=response)
