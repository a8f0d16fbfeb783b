"""Staff screens. Every route here is behind sign-in, and each names the roles it allows.

Queue actions post a real form. With htmx the updated rows, the counts and a status
message come back in place; without JavaScript the same post redirects back to the queue
with its filters (303, Post/Redirect/Get).
"""

from urllib.parse import parse_qs, urlsplit

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.core.contributions import StaffLink, contributions
from portal.core.models import ordered_areas, ordered_themes
from portal.extensions import db
from portal.i18n import LANGUAGES, N_
from portal.i18n import gettext as _
from portal.moderation import bp
from portal.moderation.flags import ESCALATE_AFTER_WORKING_HOURS, HeldForSafeguarding, overdue_flags
from portal.moderation.forms import (
    NoteForm,
    PhraseForm,
    QueueFilterForm,
    RedactionForm,
    SafeguardingOutcomeForm,
)
from portal.moderation.kinds import all_kinds, kind_of
from portal.moderation.models import (
    SAFEGUARDING_OUTCOMES,
    ModerationItem,
    SafeguardingPhrase,
)
from portal.moderation.redaction import KIND_LABELS, redact
from portal.moderation.safeguarding import (
    CATEGORIES,
    FORMER_CATEGORIES,
    ROUTES,
    add_phrase,
    comparable_pattern,
    set_phrase_active,
)
from portal.moderation.services import (
    HIDE_REASONS,
    ActionError,
    AuditFilters,
    QueueFilters,
    apply_action,
    audit_page,
    history_for,
    landing_counts,
    notes_for,
    queue_page,
    record_safeguarding_outcome,
    safeguarding_actions_for,
    safeguarding_queue,
    save_public_text,
)
from portal.shared.fragments import render, render_pieces, wants_fragment
from portal.shared.numbers import parse_id
from portal.shared.redirects import safe_next
from portal.staff.auth import role_required
from portal.timeutil import UK, as_aware, uk_today, utcnow

# (label, endpoint, hint, roles allowed): shown when registered and the person may use it.
# Label and hint are translated when the page is made.
STAFF_LINKS = [
    StaffLink(N_("Moderation queue"), "moderation.queue", N_("Review, hide, redact and answer everything that came in."),
              ("moderator",), 10),
    StaffLink(N_("Safeguarding queue"), "moderation.safeguarding", N_("Flagged items: record what was done."),
              ("safeguarding_lead",), 20),
    StaffLink(N_("Safeguarding words"), "moderation.safeguarding_phrases",
              N_("The words and phrases that flag feedback for safeguarding."), ("safeguarding_lead",), 80),
    StaffLink(N_("Audit log"), "moderation.audit_log", N_("Every staff action: who, what, when, before and after."),
              ("admin",), 90),
]


@bp.get("")
@role_required()
def home():
    """Staff landing page: what this person may do, and what is waiting."""
    links = [
        {"label": _(link.label), "href": url_for(link.endpoint), "hint": _(link.hint)}
        for link in sorted([*STAFF_LINKS, *contributions().staff_links], key=lambda link: link.position)
        if link.endpoint in current_app.view_functions and current_user.has_role(*link.roles)
    ]
    sees_flags = current_user.has_role("safeguarding_lead")
    return render("moderation/home.html", counts=landing_counts(), staff_links=links,
                  overdue_flags=overdue_flags() if sees_flags else [],
                  escalate_after=ESCALATE_AFTER_WORKING_HOURS)


# ---- the queue -----------------------------------------------------------------------


def queue_next(target: str | None) -> str:
    """Where a queue action returns to: a page of the staff screens, else the queue."""
    return safe_next(target, url_for("moderation.queue"), within="/moderate")


def _queue_context(args, with_counts: bool = False) -> dict:
    """Everything the queue template needs. Whole-table counts only after an action: a
    page view runs one keyset query and nothing that grows with the queue."""
    themes, areas = ordered_themes(), ordered_areas()
    theme_ids = {theme.slug: theme.id for theme in themes}
    area_ids = {area.slug: area.id for area in areas}
    filters = QueueFilters.read(args, theme_ids, area_ids)
    page = queue_page(filters, theme_ids, area_ids, can_see_held=current_user.has_role("safeguarding_lead"), today=uk_today())
    return {
        "filters": filters,
        "page": page,
        "filter_form": QueueFilterForm(args, themes, areas),
        "counts": landing_counts() if with_counts else None,
        "select_all": args.get("select") == "all",
        "here": url_for("moderation.queue", **filters.query_args()),
        "today": uk_today(),
        "hide_reasons": HIDE_REASONS,
        "can_clear": current_user.has_role("safeguarding_lead"),
        "can_see_held": current_user.has_role("safeguarding_lead"),
        "kinds": all_kinds(),
        "kind_filters": {name for kind in all_kinds().values() for name in kind.filters},
    }


@bp.get("/queue")
@role_required("moderator")
def queue():
    """Everything that came in: waiting items in due-date order, filters, keyset pages."""
    return render("moderation/queue.html", block="results", **_queue_context(request.args))


def _selected_ids() -> list[int]:
    values = request.form.getlist("ids")
    if request.form.get("one"):
        values = [request.form["one"]]
    return [ident for ident in (parse_id(value) for value in values[:500]) if ident is not None]


def after_queue_action(message: str, ok: bool):
    """htmx: the refreshed rows, counts and a status message; otherwise redirect back."""
    next_url = queue_next(request.form.get("next"))
    if wants_fragment() and urlsplit(next_url).path == url_for("moderation.queue"):
        args = MultiDict([(k, v) for k, values in parse_qs(urlsplit(next_url).query).items() for v in values])
        context = _queue_context(args, with_counts=True)
        return render_pieces(
            "moderation/queue.html", ["results", "counts", "status"],
            oob=True, status_message=message, status_ok=ok, **context,
        )
    if ok:
        counts = landing_counts()
        waiting, overdue = f"{counts['waiting']:,}", f"{counts['overdue']:,}"
        message += " " + _("Now %(waiting)s waiting, %(overdue)s past the target answer time.",
                           waiting=waiting, overdue=overdue)
    flash(message, "success" if ok else "info")
    return redirect(next_url, code=303)


def _run_action(action: str):
    try:
        result = apply_action(
            action, _selected_ids(), current_user._get_current_object(),
            reason=request.form.get("reason", ""), detail=request.form.get("reason_detail", ""),
            note=request.form.get("note", ""),
        )
    except ActionError as error:
        db.session.rollback()
        return after_queue_action(str(error), ok=False)
    db.session.commit()
    return after_queue_action(result.message, ok=bool(result.changed))


@bp.post("/actions/review")
@role_required("moderator")
def action_review():
    """Mark the selected items as reviewed (received → being reviewed)."""
    return _run_action("review")


@bp.post("/actions/hide")
@role_required("moderator")
def action_hide():
    """Hide the selected items from every list, with a reason (kept, never deleted)."""
    return _run_action("hide")


@bp.post("/actions/restore")
@role_required("moderator")
def action_restore():
    """Bring hidden items back to where they were."""
    return _run_action("restore")


@bp.post("/actions/flag")
@role_required("moderator", "safeguarding_lead")
def action_flag():
    """Flag the selected items for the safeguarding lead; they can then never be published."""
    return _run_action("flag")


@bp.post("/actions/clear-flag")
@role_required("safeguarding_lead")
def action_clear_flag():
    """Clear a safeguarding flag (the safeguarding lead and admins only)."""
    return _run_action("clear_flag")


@bp.post("/actions/note")
@role_required("moderator")
def action_note():
    """Add an internal note to the selected items (never shown to the public)."""
    return _run_action("note")


# ---- one item: redaction, notes, history ---------------------------------------------


def _item_or_404(item_id: int) -> ModerationItem:
    item = db.session.get(ModerationItem, item_id)
    if item is None:
        abort(404)
    return item


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
@role_required("moderator")
def item(item_id: int):
    """One item of any kind: the original (private), its public wording, notes, actions
    and history. Posting saves the public wording: `redact()` runs again on what the
    moderator typed."""
    item = _item_or_404(item_id)
    can_see_original = not item.is_held or current_user.has_role("safeguarding_lead")
    auto_text, auto_kinds = redact(item.original_text)
    form = RedactionForm(data={"public_text": item.public_text or auto_text} if request.method == "GET" else None)
    if request.method == "POST" and form.validate_on_submit():
        try:
            removed_now = save_public_text(item, form.public_text.data, form.words(), current_user._get_current_object())
        except HeldForSafeguarding as held:
            db.session.commit()  # the flag, and nothing else: the wording was not saved
            flash(str(held), "info")
            return redirect(url_for("moderation.item", item_id=item.id), code=303)
        except ActionError as error:
            db.session.rollback()
            form.public_text.errors.append(str(error))
        else:
            db.session.commit()
            message = _("Public wording saved.")
            if removed_now:
                message += " " + _("Also removed: %(details)s.", details=", ".join(_(KIND_LABELS[kind]) for kind in removed_now))
            flash(message, "success")
            return redirect(url_for("moderation.item", item_id=item.id), code=303)
    return render(
        "moderation/item.html",
        item=item,
        kind=kind_of(item),
        form=form,
        note_form=NoteForm(formdata=None),
        held=item.is_held,
        can_see_original=can_see_original,
        auto_kinds=[_(KIND_LABELS[kind]) for kind in auto_kinds],
        notes=notes_for(item.id),
        history=history_for(item),
        safeguarding_actions=safeguarding_actions_for([item.id]).get(item.id, []),
        hide_reasons=HIDE_REASONS,
        can_clear=current_user.has_role("safeguarding_lead"),
        here=url_for("moderation.item", item_id=item.id),
        today=uk_today(),
        outcomes=SAFEGUARDING_OUTCOMES,
        languages=LANGUAGES,
    )


# ---- safeguarding --------------------------------------------------------------------


@bp.get("/safeguarding")
@role_required("safeguarding_lead")
def safeguarding():
    """Flagged items for the safeguarding lead, oldest first, and what was done."""
    open_items, dealt_with = safeguarding_queue()
    actions = safeguarding_actions_for([s.id for s in open_items + dealt_with])
    return render(
        "moderation/safeguarding.html",
        open_items=open_items,
        dealt_with=dealt_with,
        actions=actions,
        routes=ROUTES,
        category_labels={**FORMER_CATEGORIES, **CATEGORIES},
        overdue_ids={i.id for i in open_items if i.flag_due_at and as_aware(i.flag_due_at) <= utcnow()},
        form=SafeguardingOutcomeForm(formdata=None),
        outcomes=SAFEGUARDING_OUTCOMES,
    )


@bp.route("/safeguarding/<int:item_id>", methods=["GET", "POST"])
@role_required("safeguarding_lead")
def safeguarding_outcome(item_id: int):
    """Record what was done about one flagged item (escalated, referred, no action, cleared)."""
    item = _item_or_404(item_id)
    form = SafeguardingOutcomeForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            record_safeguarding_outcome(item, form.outcome.data, form.note.data or "", current_user._get_current_object())
        except ActionError as error:
            db.session.rollback()
            form.outcome.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Recorded for %(reference)s: %(outcome)s.", reference=item.display_reference,
                    outcome=_(SAFEGUARDING_OUTCOMES[form.outcome.data])), "success")
            return redirect(url_for("moderation.safeguarding"), code=303)
    return render(
        "moderation/safeguarding_outcome.html",
        item=item,
        form=form,
        actions=safeguarding_actions_for([item.id]).get(item.id, []),
    )


# ---- audit log -----------------------------------------------------------------------


@bp.get("/audit")
@role_required("admin")
def audit_log():
    """Every staff action, newest first, filtered by action, person, subject or date."""
    filters = AuditFilters.from_args(request.args)
    page = audit_page(filters)
    return render("moderation/audit.html", events=page.items, filters=filters, next_cursor=page.next_cursor,
                  uk_time=lambda moment: as_aware(moment).astimezone(UK))


@bp.route("/safeguarding-phrases", methods=["GET", "POST"])
@role_required("safeguarding_lead")
def safeguarding_phrases():
    """The words and phrases that flag a message: data, so they can change without a release.

    Adding one takes effect for the next message sent; switching one off keeps its history.
    """
    phrases = list(db.session.scalars(select(SafeguardingPhrase).order_by(SafeguardingPhrase.category, SafeguardingPhrase.phrase)))
    form = PhraseForm(CATEGORIES, {comparable_pattern(p.phrase) for p in phrases})
    if request.method == "POST" and request.form.get("toggle"):
        phrase_id = parse_id(request.form.get("toggle"))
        row = db.session.get(SafeguardingPhrase, phrase_id) if phrase_id is not None else None
        if row is None:
            abort(404)
        set_phrase_active(row, request.form.get("active") == "1")
        db.session.commit()
        if row.active:
            flash(_("“%(phrase)s” is in use again.", phrase=row.phrase), "success")
        else:
            flash(_("“%(phrase)s” is no longer used.", phrase=row.phrase), "success")
        return redirect(url_for("moderation.safeguarding_phrases"))
    if form.validate_on_submit():
        row = add_phrase(form.phrase.data, form.category.data)
        db.session.commit()
        flash(_("“%(phrase)s” added. It applies to every message sent from now on.", phrase=row.phrase), "success")
        return redirect(url_for("moderation.safeguarding_phrases"))
    grouped = {key: [p for p in phrases if p.category == key] for key in CATEGORIES}
    return render("moderation/safeguarding_phrases.html", form=form, grouped=grouped, categories=CATEGORIES)
