"""The rules of "we did": drafting, publishing, updating, the public lists.

An answer covers items of any kind in the moderation queue (feedback now; ideas next).
Publishing is one transaction: the response, every linked item marked answered, the
first entry of its history, the emails each kind sends its people, and the audit log.
Either all of it is saved or none of it. Services change and flush; the view commits.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, select

from portal.extensions import db
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.moderation.flags import stop_if_disclosure
from portal.moderation.kinds import kind_of
from portal.moderation.models import ModerationItem
from portal.moderation.redaction import remove_details_of
from portal.moderation.rules import mark_reviewed, snapshot
from portal.moderation.services import audit_item, load_for_update
from portal.responses.models import RESPONSE_STATUSES, Response, ResponseUpdate
from portal.shared.pagination import Page, QueryFilters, choice, cursor, keyset_page
from portal.staff import audit
from portal.staff.models import StaffUser
from portal.timeutil import uk_today, utcnow

PUBLIC_PAGE_SIZE = 20
FIRST_PUBLISHED = N_("First published")  # the note on a response's first update (stored: translated where shown)
AUDIENCE_FILTERS = {"adults": _l("Adults"), "young-people": _l("Young people")}  # labels translated where shown
MAX_LINKED = 500


class ResponseError(ValueError):
    """The response cannot be saved or published as it is; the message says why."""


def latest_published(limit: int = 3) -> list[Response]:
    """The newest published answers, for the home page."""
    return list(
        db.session.scalars(
            select(Response)
            .where(Response.state == "published")
            .order_by(Response.published_at.desc(), Response.id.desc())
            .limit(limit)
        )
    )


def published_for_young_people(limit: int = 5) -> list[Response]:
    """Published answers to young people's feedback, newest first (for /young-people)."""
    return list(
        db.session.scalars(
            select(Response)
            .where(Response.state == "published", Response.answers_young_people.is_(True))
            .order_by(Response.published_at.desc(), Response.id.desc())
            .limit(limit)
        )
    )


# ---- drafting --------------------------------------------------------------------------


def response_snapshot(response: Response) -> dict:
    return {
        "state": response.state,
        "status": response.status,
        "you_said": response.you_said,
        "we_did": response.we_did,
        "reason": response.reason,
        "responsible": response.responsible,
        "action_date": response.action_date.isoformat() if response.action_date else None,
        "young_people_summary": response.young_people_summary,
        "theme_id": response.theme_id,
    }


def why_not_linkable(item: ModerationItem, response_id: int | None = None) -> str | None:
    """Why an item cannot be part of a response (for the moderator), or None if it can."""
    if not item.can_be_public:  # the one rule; the moderator is told which half of it
        return _("flagged for safeguarding") if item.is_held else _("hidden")
    if "answer" not in kind_of(item).actions:
        return _("not something an answer can cover")
    if item.response_id is not None and item.response_id != response_id:
        return _("already part of another answer")
    return None


def create_draft(ids: list[int], actor: StaffUser) -> tuple[Response, list[tuple[ModerationItem, str]]]:
    """A draft answer linked to the selected submissions that can be answered.

    Returns the draft and the submissions left out, with why. Raises ResponseError when
    none of them can be answered.
    """
    if not ids:
        raise ResponseError(_("Select the items this answer is for first."))
    if len(ids) > MAX_LINKED:
        raise ResponseError(_("One answer can cover at most %(limit)s items.", limit=MAX_LINKED))
    submissions = load_for_update(ids)
    usable, skipped = [], []
    for submission in submissions:
        why = why_not_linkable(submission)
        if why:
            skipped.append((submission, why))
        else:
            usable.append(submission)
    if not usable:
        raise ResponseError(_("None of the selected items can be answered: %(items)s.", items="; ".join(
            _("%(reference)s is %(why)s", reference=s.display_reference, why=why) for s, why in skipped[:5])))
    themes = [s.theme_id for s in usable if s.theme_id]
    response = Response(
        theme_id=max(set(themes), key=themes.count) if themes else None,
        you_said="",
        we_did="",
        status="planned",
        responsible="",
        action_date=uk_today(),
        state="draft",
        created_by_id=actor.id,
    )
    db.session.add(response)
    db.session.flush()
    for item in usable:
        before = snapshot(item)
        item.response_id = response.id
        mark_reviewed(item)
        audit_item("link", item, before, actor)
    _set_audiences(response, usable)
    audit.record("response.create", "response", response.id, after={"submissions": [s.id for s in usable]}, actor=actor)
    return response, skipped


def linked_items(response_id: int) -> list[ModerationItem]:
    return list(db.session.scalars(
        select(ModerationItem).where(ModerationItem.response_id == response_id)
        .order_by(ModerationItem.created_at, ModerationItem.id)
    ).unique())


def _originals(items: list[ModerationItem]) -> list[str]:
    """What the people answered wrote and left as contact: kept out of the council's words."""
    return [item.original_text for item in items] + [item.email for item in items if getattr(item, "email", None)]


def _set_audiences(response: Response, submissions: list[ModerationItem]) -> None:
    response.answers_young_people = any(s.audience == "young_person" for s in submissions)
    response.answers_adults = any(s.audience != "young_person" for s in submissions)


@dataclass
class ResponseFields:
    you_said: str = ""
    we_did: str = ""
    status: str = "planned"
    reason: str = ""
    responsible: str = ""
    action_date: date | None = None
    young_people_summary: str = ""
    theme_id: int | None = None


def problems_for_publishing(fields: ResponseFields) -> dict[str, str]:
    """Field name -> what is missing, for a response that is about to be public."""
    problems = {}
    if not fields.you_said.strip():
        problems["you_said"] = _("Enter what people said, in a short summary")
    if not fields.we_did.strip():
        problems["we_did"] = _("Enter what was done or will be done")
    if fields.status not in RESPONSE_STATUSES:
        problems["status"] = _("Choose the status")
    if fields.status == "not_taken_forward" and not fields.reason.strip():
        problems["reason"] = _("Enter the reason it was not taken forward: people asked to know why")
    if not fields.responsible.strip():
        problems["responsible"] = _("Enter the service or role responsible")
    if fields.action_date is None:
        problems["action_date"] = _("Enter the date it was done or will be done")
    return problems


def _clean(text: str, originals: list[str]) -> tuple[str, list[str]]:
    # The council's words may quote a resident: take out any of their details.
    return remove_details_of((text or "").strip(), originals)


def apply_fields(response: Response, fields: ResponseFields, submissions: list[ModerationItem]) -> list[str]:
    """Copy the form onto the response, removing any submitter's details; kinds removed."""
    originals = _originals(submissions)
    removed: list[str] = []
    cleaned = {}
    for name in ("you_said", "we_did", "reason", "young_people_summary", "responsible"):
        text, kinds = _clean(getattr(fields, name), originals)
        cleaned[name] = text
        removed += [k for k in kinds if k not in removed]
    response.you_said = cleaned["you_said"]
    response.we_did = cleaned["we_did"]
    response.status = fields.status if fields.status in RESPONSE_STATUSES else "planned"
    response.reason = cleaned["reason"] or None
    response.responsible = cleaned["responsible"]
    if fields.action_date:
        response.action_date = fields.action_date
    response.young_people_summary = cleaned["young_people_summary"] or None
    response.theme_id = fields.theme_id
    return removed


def save_draft(response: Response, fields: ResponseFields, actor: StaffUser) -> list[str]:
    if response.state != "draft":
        raise ResponseError(_("This answer is already published: post an update instead."))
    before = response_snapshot(response)
    removed = apply_fields(response, fields, linked_items(response.id))
    audit.record("response.save_draft", "response", response.id, before=before, after=response_snapshot(response), actor=actor)
    return removed


def _stop_if_disclosure(fields: ResponseFields, submissions: list[ModerationItem], actor: StaffUser,
                        note: str = "") -> None:
    # What the council publishes can quote residents: a disclosure in it sends the
    # linked items to the lead and stops publication (HeldForSafeguarding).
    stop_if_disclosure(submissions, [fields.you_said, fields.we_did, fields.reason, fields.young_people_summary, note],
                       "found in the wording of an answer about to be published", actor=actor)


def publish(response: Response, fields: ResponseFields, actor: StaffUser) -> tuple[int, list[str]]:
    """Publish a draft: everything in one transaction. Returns (emails queued, kinds removed)."""
    if response.state != "draft":
        raise ResponseError(_("This answer is already published."))
    problems = problems_for_publishing(fields)
    if problems:
        raise ResponseError(next(iter(problems.values())))
    submissions = load_for_update([s.id for s in linked_items(response.id)])
    if not submissions:
        raise ResponseError(_("This answer is not linked to any feedback. Start it from the queue with \"Answer selected\"."))
    blocked = [(s, why_not_linkable(s, response.id)) for s in submissions]
    blocked = [(s, why) for s, why in blocked if why]
    if blocked:
        raise ResponseError(_("Remove these from the answer before publishing: %(items)s.", items="; ".join(
            _("%(reference)s (%(why)s)", reference=s.display_reference, why=why) for s, why in blocked)))
    _stop_if_disclosure(fields, submissions, actor)
    before = response_snapshot(response)
    removed = apply_fields(response, fields, submissions)
    now = utcnow()
    response.state = "published"
    response.published_at = now
    response.updated_at = now
    _set_audiences(response, submissions)
    db.session.add(ResponseUpdate(response_id=response.id, published_at=now, status=response.status,
                                  we_did=response.we_did, reason=response.reason, note=FIRST_PUBLISHED,
                                  author_id=actor.id))
    queued = 0
    for item in submissions:
        was = snapshot(item)
        item.status = "answered"
        item.answered_at = item.answered_at or now
        audit_item("answer", item, was, actor)
        notify = kind_of(item).notify_answered
        queued += notify(item, response) if notify else 0
    audit.record("response.publish", "response", response.id, before=before, after=response_snapshot(response),
                 detail=f"{len(submissions)} submissions answered, {queued} emails queued", actor=actor)
    _figures_changed()
    return queued, removed


def post_update(response: Response, fields: ResponseFields, note: str, actor: StaffUser) -> list[str]:
    """Change a published answer: the change is kept as a dated update shown on its page."""
    if response.state != "published":
        raise ResponseError(_("Only a published answer can be updated."))
    problems = problems_for_publishing(fields)
    if problems:
        raise ResponseError(next(iter(problems.values())))
    if len(note) > 2000:
        raise ResponseError(_("The note about what changed must be 2,000 characters or fewer."))
    submissions = linked_items(response.id)
    _stop_if_disclosure(fields, submissions, actor, note)
    before = response_snapshot(response)
    removed = apply_fields(response, fields, submissions)
    note_text, _kinds = _clean(note, _originals(submissions))
    now = utcnow()
    response.updated_at = now
    db.session.add(ResponseUpdate(response_id=response.id, published_at=now, status=response.status,
                                  we_did=response.we_did, reason=response.reason, note=note_text, author_id=actor.id))
    audit.record("response.update", "response", response.id, before=before, after=response_snapshot(response),
                 detail=note_text or None, actor=actor)
    _figures_changed()
    return removed


def unlink(response: Response, item: ModerationItem, actor: StaffUser) -> None:
    """Take one item out of a draft answer (it goes back to the queue)."""
    if response.state != "draft":
        raise ResponseError(_("Items cannot be taken out of a published answer."))
    if item.response_id != response.id:
        raise ResponseError(_("That item is not part of this answer."))
    before = snapshot(item)
    item.response_id = None
    audit_item("unlink", item, before, actor)
    db.session.flush()
    _set_audiences(response, linked_items(response.id))


def delete_draft(response: Response, actor: StaffUser) -> None:
    """Throw a draft away; its submissions go back to the queue unanswered."""
    if response.state != "draft":
        raise ResponseError(_("A published answer cannot be deleted."))
    for item in linked_items(response.id):
        before = snapshot(item)
        item.response_id = None
        audit_item("unlink", item, before, actor)
    audit.record("response.delete_draft", "response", response.id, before=response_snapshot(response), actor=actor)
    db.session.flush()
    db.session.delete(response)


# ---- public reads -----------------------------------------------------------------------


@dataclass(frozen=True)
class PublicFilters(QueryFilters):
    theme: str = choice()
    area: str = choice()
    audience: str = choice(allowed=AUDIENCE_FILTERS)
    status: str = choice(allowed=RESPONSE_STATUSES)
    before: str = cursor()
    after: str = cursor()

    @classmethod
    def read(cls, args, theme_slugs=(), area_slugs=()) -> "PublicFilters":
        return cls.from_args(args, theme=set(theme_slugs), area=set(area_slugs))

    @property
    def is_filtered(self) -> bool:
        return bool(self.theme or self.area or self.audience or self.status)


def public_page(filters: PublicFilters, theme_ids: dict, area_ids: dict, page_size: int = PUBLIC_PAGE_SIZE) -> Page:
    """Published answers, newest first, keyset on (published_at, id): `before` is the
    older page's cursor, `after` the newer page's."""
    statement = select(Response).where(Response.state == "published")
    if filters.theme:
        statement = statement.where(Response.theme_id == theme_ids[filters.theme])
    if filters.area:
        statement = statement.where(exists().where(
            ModerationItem.response_id == Response.id, ModerationItem.area_id == area_ids[filters.area]))
    if filters.audience == "young-people":
        statement = statement.where(Response.answers_young_people.is_(True))
    elif filters.audience == "adults":
        statement = statement.where(Response.answers_adults.is_(True))
    if filters.status:
        statement = statement.where(Response.status == filters.status)
    return keyset_page(db.session, statement, (Response.published_at, Response.id), forward_from=filters.before,
                       back_from=filters.after, ascending=False, page_size=page_size)


def updates_for(response_ids: list[int]) -> dict[int, list[ResponseUpdate]]:
    if not response_ids:
        return {}
    found: dict[int, list[ResponseUpdate]] = {}
    for update in db.session.scalars(
        select(ResponseUpdate).where(ResponseUpdate.response_id.in_(response_ids))
        .order_by(ResponseUpdate.published_at, ResponseUpdate.id)
    ):
        found.setdefault(update.response_id, []).append(update)
    return found


def what_people_said(response_id: int) -> tuple[int, int, list[tuple[str, str]]]:
    """(how many items it answers, how many from young people, the approved public
    wording of those that may be shown, each with the language it was written in).
    One query; never the original text."""
    rows = db.session.execute(
        select(ModerationItem.audience, ModerationItem.public_text, ModerationItem.language,
               ModerationItem.may_be_public.label("shown"))
        .where(ModerationItem.response_id == response_id, ModerationItem.can_be_public)
        .order_by(ModerationItem.created_at, ModerationItem.id)
    ).all()
    quotes = [(r.public_text, r.language) for r in rows if r.shown and r.public_text]
    return len(rows), sum(1 for r in rows if r.audience == "young_person"), quotes


def _figures_changed() -> None:
    from portal.responses.figures import clear_cache

    clear_cache()


def count_linked(response_ids: list[int]) -> dict[int, int]:
    if not response_ids:
        return {}
    return dict(db.session.execute(
        select(ModerationItem.response_id, func.count()).where(ModerationItem.response_id.in_(response_ids))
        .group_by(ModerationItem.response_id)
    ).all())


def staff_list(state: str, before: str = "", page_size: int = 50) -> Page:
    """Drafts or published answers for the staff list, newest first, keyset on (created_at, id)."""
    return keyset_page(db.session, select(Response).where(Response.state == state), (Response.created_at, Response.id),
                       forward_from=before, ascending=False, page_size=page_size)
