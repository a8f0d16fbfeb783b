"""Staff: an idea's own moderation actions, beside the shared ones: its public title,
and merging a duplicate into another idea."""

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.i18n import gettext as _
from portal.ideas import bp, services
from portal.ideas.models import TITLE_MAX, Idea
from portal.moderation.flags import HeldForSafeguarding, stop_if_disclosure
from portal.moderation.redaction import redact
from portal.shared.numbers import parse_id
from portal.shared.pages import staff
from portal.shared.references import parse_reference
from portal.shared.text import clean_text
from portal.staff import audit
from portal.staff.auth import role_required


def _idea_or_404(idea_id: int) -> Idea:
    idea = db.session.get(Idea, idea_id)
    if idea is None:
        abort(404)
    return idea


def _back(idea: Idea):
    return redirect(url_for("moderation.item", item_id=idea.id), code=303)


@bp.post("/moderate/ideas/<int:idea_id>/title")
@staff
@role_required("moderator")
def staff_title(idea_id: int):
    idea = _idea_or_404(idea_id)
    typed = clean_text(request.form.get("public_title", "")).strip()
    if idea.is_held:
        flash(_("This item is held for the safeguarding lead and can never be published."), "error")
        return _back(idea)
    if not typed or len(typed) > TITLE_MAX:
        flash(_("Enter a public title of %(max)s characters or fewer.", max=TITLE_MAX), "error")
        return _back(idea)
    title = redact(typed)[0].strip()
    try:
        stop_if_disclosure([idea], [title], "found in a title a moderator approved", actor=current_user)
    except HeldForSafeguarding as held:
        db.session.commit()  # the flag only
        flash(str(held), "info")
        return _back(idea)
    audit.record("idea.title", "idea", idea.id, before={"public_title": idea.public_title},
                 after={"public_title": title}, actor=current_user)
    idea.public_title = title
    db.session.commit()
    flash(_("Public title saved."), "success")
    return _back(idea)


def _find_target(typed: str) -> Idea | None:
    typed = (typed or "").strip().lstrip("#")
    number = parse_id(typed)
    if number is not None:
        return db.session.get(Idea, number)
    reference = parse_reference(typed)
    return db.session.scalar(select(Idea).where(Idea.reference == reference)) if reference else None


@bp.post("/moderate/ideas/<int:idea_id>/merge")
@staff
@role_required("moderator")
def staff_merge(idea_id: int):
    """Merge a duplicate into another idea (audited); its supports move across."""
    source = _idea_or_404(idea_id)
    target = _find_target(request.form.get("target", ""))
    if target is None:
        flash(_("We could not find that idea. Enter its number or its reference."), "error")
        return _back(source)
    if source.merged_into_id is not None:
        flash(_("This idea has already been merged, so nothing changed."), "info")
        return _back(source)
    try:
        moved = services.merge(source, target, current_user)
    except ValueError:
        db.session.rollback()
        flash(_("That idea cannot take the supports: choose another that is not hidden, merged or flagged."), "error")
        return _back(source)
    db.session.commit()
    flash(_("Merged into #%(id)s. %(moved)s supports moved across.", id=target.id, moved=moved), "success")
    return _back(source)
