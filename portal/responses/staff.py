"""You said, we did: the staff screens for drafting, publishing and updating answers,
under /moderate/responses. Every route is behind sign-in with the moderator role."""

from flask import abort, flash, make_response, redirect, request, url_for
from flask_login import current_user

from portal.core.models import ordered_themes
from portal.extensions import db
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.moderation.flags import HeldForSafeguarding
from portal.moderation.models import ModerationItem
from portal.moderation.redaction import KIND_LABELS
from portal.responses import bp
from portal.responses.forms import STATUS_HINTS, ResponseForm
from portal.responses.models import RESPONSE_STATUSES, Response
from portal.responses.services import (
    FIRST_PUBLISHED,
    ResponseError,
    count_linked,
    create_draft,
    delete_draft,
    linked_items,
    post_update,
    publish,
    save_draft,
    staff_list,
    unlink,
    updates_for,
)
from portal.shared.fragments import render, wants_fragment
from portal.shared.numbers import parse_id
from portal.shared.redirects import safe_next
from portal.staff.auth import role_required


@bp.get("/moderate/responses")
@role_required("moderator")
def manage():
    """Drafts and published answers, newest first."""
    drafts = staff_list("draft", request.args.get("drafts_before", "")[:60])
    published = staff_list("published", request.args.get("published_before", "")[:60])
    counts = count_linked([r.id for r in drafts.items + published.items])
    return render("responses/manage.html", drafts=drafts.items, published=published.items, counts=counts,
                  next_drafts=drafts.next_cursor, next_published=published.next_cursor, statuses=RESPONSE_STATUSES)


def _ids() -> list[int]:
    return [ident for ident in (parse_id(v) for v in request.form.getlist("ids")[:500]) if ident is not None]


@bp.post("/moderate/responses/new")
@role_required("moderator")
def create():
    """Start a draft answer from the items selected in the queue ("Answer selected")."""
    try:
        response, skipped = create_draft(_ids(), current_user._get_current_object())
    except ResponseError as error:
        db.session.rollback()
        return _back_to_queue(str(error))
    db.session.commit()
    message = _("Draft answer started.")
    if skipped:
        message += " " + _("Left out: %(items)s.", items="; ".join(
            _("%(reference)s (%(why)s)", reference=s.display_reference, why=why) for s, why in skipped[:5]))
    flash(message, "success")
    target = url_for("responses.edit", response_id=response.id)
    if wants_fragment():
        reply = make_response("", 204)
        reply.headers["HX-Redirect"] = target  # a whole new page, not a swap into the queue
        return reply
    return redirect(target, code=303)


def _back_to_queue(message: str):
    """Nothing could be answered: back to the queue with the reason. With htmx the queue's
    status line shows it (its `#queue-status` region), so the page stays as it was."""
    next_url = safe_next(request.form.get("next"), url_for("moderation.queue"), within="/moderate")
    if wants_fragment():
        reply = make_response(render("responses/_queue_status.html", message=message))
        reply.headers["HX-Retarget"] = "#queue-status"
        reply.headers["HX-Reswap"] = "innerHTML"
        return reply
    flash(message, "info")
    return redirect(next_url, code=303)


def _response_or_404(response_id: int) -> Response:
    response = db.session.get(Response, response_id)
    if response is None:
        abort(404)
    return response


def _edit_page(response: Response, form: ResponseForm, problem: str | None = None):
    # Errors come back with 200, like every form here: the page itself says what is wrong.
    submissions = linked_items(response.id)
    return render(
        "responses/edit.html",
        response=response,
        form=form,
        submissions=submissions,
        updates=updates_for([response.id]).get(response.id, []) if response.state == "published" else [],
        status_hints=STATUS_HINTS,
        statuses=RESPONSE_STATUSES,
        first_note=FIRST_PUBLISHED,
        problem=problem,
        has_errors=bool(problem),
    )


@bp.get("/moderate/responses/<int:response_id>")
@role_required("moderator")
def edit(response_id: int):
    """The answer's form: a draft to finish and publish, or a published one to update."""
    response = _response_or_404(response_id)
    return _edit_page(response, ResponseForm.for_response(response, ordered_themes()))


def _removed_message(kinds: list[str]) -> str:
    if not kinds:
        return ""
    return " " + _("Personal details from the original feedback were taken out: %(details)s.",
                   details=", ".join(_(KIND_LABELS[k]) for k in kinds))


@bp.post("/moderate/responses/<int:response_id>")
@role_required("moderator")
def save(response_id: int):
    """Save a draft, or (for a published answer) publish an update that is kept with its date."""
    response = _response_or_404(response_id)
    form = ResponseForm(ordered_themes())
    publishing = response.state == "published"
    if not form.check(publishing=publishing):
        return _edit_page(response, form)
    actor = current_user._get_current_object()
    try:
        if publishing:
            removed = post_update(response, form.fields(), form.note.data or "", actor)
            message = _("Update published.")
        else:
            removed = save_draft(response, form.fields(), actor)
            message = _("Draft saved.")
    except HeldForSafeguarding as held:
        db.session.commit()  # the flags only
        return _edit_page(response, form, problem=str(held))
    except ResponseError as error:
        db.session.rollback()
        return _edit_page(response, form, problem=str(error))
    db.session.commit()
    flash(message + _removed_message(removed), "success")
    return redirect(url_for("responses.edit", response_id=response.id), code=303)


@bp.post("/moderate/responses/<int:response_id>/publish")
@role_required("moderator")
def publish_response(response_id: int):
    """Publish a draft: linked feedback is marked answered and submitters are emailed once."""
    response = _response_or_404(response_id)
    form = ResponseForm(ordered_themes())
    if not form.check(publishing=True):
        return _edit_page(response, form)
    try:
        queued, removed = publish(response, form.fields(), current_user._get_current_object())
    except HeldForSafeguarding as held:
        db.session.commit()  # the flags only: nothing was published
        return _edit_page(response, form, problem=str(held))
    except ResponseError as error:
        db.session.rollback()
        return _edit_page(response, form, problem=str(error))
    db.session.commit()
    flash(ngettext("Published. %(num)d person will be emailed that their feedback was answered.",
                   "Published. %(num)d people will be emailed that their feedback was answered.", queued)
          + _removed_message(removed), "success")
    return redirect(url_for("responses.edit", response_id=response.id), code=303)


@bp.post("/moderate/responses/<int:response_id>/unlink")
@role_required("moderator")
def unlink_submission(response_id: int):
    """Take one item out of a draft answer; it goes back to the queue."""
    response = _response_or_404(response_id)
    ident = parse_id(request.form.get("submission_id", ""))
    submission = db.session.get(ModerationItem, ident) if ident is not None else None
    if submission is None:
        abort(404)
    try:
        unlink(response, submission, current_user._get_current_object())
    except ResponseError as error:
        db.session.rollback()
        flash(str(error), "info")
    else:
        db.session.commit()
        flash(_("%(reference)s taken out of this answer.", reference=submission.display_reference), "success")
    return redirect(url_for("responses.edit", response_id=response.id), code=303)


@bp.post("/moderate/responses/<int:response_id>/delete")
@role_required("moderator")
def delete(response_id: int):
    """Throw away a draft; its items go back to the queue."""
    response = _response_or_404(response_id)
    try:
        delete_draft(response, current_user._get_current_object())
    except ResponseError as error:
        db.session.rollback()
        flash(str(error), "info")
        return redirect(url_for("responses.edit", response_id=response_id), code=303)
    db.session.commit()
    flash(_("Draft deleted. Its items are back in the queue."), "success")
    return redirect(url_for("responses.manage"), code=303)

