"""Event mode: a facilitator's idea board at a street stall, handed from person to person.

Staff (under /moderate/events, facilitators; moderators may look): make an event, open
and close it, see what was recorded at it, print its poster with a QR code.

Public: `/event/<code>` shows the event and the top ideas of each theme on show, with the
same support control as the board. Visiting an open event's page puts the device into
the event (`session["event_id"]`), so what it supports and proposes is recorded against
the event, channel "event" (portal.ideas.public.current_event). A closed or unopened
event's page says so, takes the device out of it, and records nothing.

The event tablet. A facilitator signs in on the tablet, opens the event's staff page and
presses "Use this device as the event tablet". That signs them out (participants must
never reach staff screens), and starts tablet mode: `session["event_tablet"]`. In tablet
mode every page has a "Next person" button, and:

- "Next person" ends the session and starts a fresh one that keeps only the event and
  tablet mode, with a fresh device token: the next participant is a new device (one
  support each) and sees nothing of the last one's answers (idea and "tell us" drafts,
  confirmations, supports).
- After two minutes without a touch the same happens by itself. On the server (so it
  works without JavaScript): a request more than two minutes after the last one resets
  first. With JavaScript (static/src/app.mjs) a warning comes 20 seconds before, with an
  "I am still here" button, and the screen is cleared at two minutes; while someone is
  using the page (typing an idea, say) it tells the server they are still there.
- Signing in as staff on the tablet, or the event closing, ends tablet mode.
"""

import re
import secrets
import time
from datetime import date

from flask import abort, current_app, flash, make_response, redirect, request, session, url_for
from flask_login import current_user, logout_user
from wtforms import HiddenField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.core.models import ordered_themes
from portal.extensions import db
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.ideas import bp, eventmode, services
from portal.ideas.models import Event
from portal.ideas.tablet import EVENT, SEEN, TABLET, pages_not_kept, start_afresh
from portal.shared.devices import device_hash, device_token, has_device
from portal.shared.forms import Form
from portal.shared.fragments import render
from portal.shared.links import public_url
from portal.shared.pages import private, staff
from portal.staff import audit
from portal.staff.auth import role_required
from portal.timeutil import uk_today

MADE = "events_made"  # staff: the event forms already sent, {form token: event id}
IDLE_SECONDS = 120  # the default; EVENT_TABLET_IDLE_SECONDS in the config changes it
WARNING_SECONDS = 20  # how long before the reset the JavaScript warns
# Requests that do not count as a person touching the screen, or that reset by themselves.
NOT_A_TOUCH = {None, "static", "ideas.event_next_person"}

BAD_CHARACTER = _l("What you wrote contains a character we cannot accept. Remove it and try again")
DATE_PROBLEM = _l("The date of the event must be a real date, for example 27 3 2026")
DATE_RANGE = _l("The date of the event must be within a year of today")


def idle_seconds() -> int:
    return int(current_app.config.get("EVENT_TABLET_IDLE_SECONDS", IDLE_SECONDS))


# ---- the form ------------------------------------------------------------------------


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class EventForm(Form):
    """Name, place, date (GOV.UK date input) and the themes on show. Validation only."""

    name = StringField(filters=[_strip], validators=[
        DataRequired(_l("Enter the name of the event")),
        Length(max=eventmode.NAME_MAX, message=_l("The name of the event must be %(max)s characters or fewer",
                                                  max=eventmode.NAME_MAX)),
    ])
    place = StringField(filters=[_strip], validators=[
        DataRequired(_l("Enter where the event is")),
        Length(max=eventmode.PLACE_MAX, message=_l("Where the event is must be %(max)s characters or fewer",
                                                   max=eventmode.PLACE_MAX)),
    ])
    held_day = StringField(filters=[_strip])
    held_month = StringField(filters=[_strip])
    held_year = StringField(filters=[_strip])
    themes = SelectMultipleField(validate_choice=False)
    # Names this filling-in of the form, so sending it twice (a replay, a double click
    # without JavaScript) makes one event, not two.
    once = HiddenField()

    def __init__(self, themes, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.themes.choices = [(theme.slug, theme.local_name) for theme in themes]
        self._theme_ids = {theme.slug: theme.id for theme in themes}
        self.held_on: date | None = None

    def validate_name(self, field):
        if "\x00" in (field.data or ""):
            raise ValidationError(str(BAD_CHARACTER))

    def validate_place(self, field):
        if "\x00" in (field.data or ""):
            raise ValidationError(str(BAD_CHARACTER))

    def validate_held_day(self, field):
        parts = [(self.held_day.data or ""), (self.held_month.data or ""), (self.held_year.data or "")]
        if not any(parts):
            raise _error(_l("Enter the date of the event"))
        if not (re.fullmatch(r"[0-9]{1,2}", parts[0]) and re.fullmatch(r"[0-9]{1,2}", parts[1])
                and re.fullmatch(r"[0-9]{4}", parts[2])):
            raise _error(DATE_PROBLEM)
        try:
            held_on = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise _error(DATE_PROBLEM) from None
        today = uk_today()
        if abs((held_on - today).days) > 366:
            raise _error(DATE_RANGE)
        self.held_on = held_on

    def validate_themes(self, field):
        chosen = field.data or []
        if not chosen:
            raise _error(_l("Select at least one theme to show at the event"))
        if any(slug not in self._theme_ids for slug in chosen):
            raise _error(_l("Select themes from the list"))

    def theme_ids(self) -> list[int]:
        return sorted({self._theme_ids[slug] for slug in self.themes.data})


def _error(message) -> ValidationError:
    return ValidationError(str(message))


# ---- staff: the events ---------------------------------------------------------------


def _event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return event


def _event_url(event: Event) -> str:
    return public_url(url_for("ideas.event_page", code=event.code))


@bp.get("/moderate/events")
@staff
@role_required("facilitator", "moderator")
def events_manage():
    """Every event, the latest first (a page at a time), with what was recorded at each."""
    page = eventmode.events_page(after=request.args.get("after", "")[:100],
                                 before=request.args.get("before", "")[:100])
    return render("ideas/events/manage.html", page=page, counts=eventmode.counts([e.id for e in page.items]),
                  can_run=current_user.has_role("facilitator"))


@bp.route("/moderate/events/new", methods=["GET", "POST"])
@staff
@role_required("facilitator")
def event_new():
    themes = ordered_themes()
    form = EventForm(themes)
    made = dict(session.get(MADE) or {})
    if request.method == "POST" and form.once.data and form.once.data in made:
        flash(_("You have made this event already, so nothing changed."), "info")
        return redirect(url_for("ideas.event_manage", event_id=made[form.once.data]), code=303)
    if form.validate_on_submit():
        event = eventmode.create_event(form.name.data, form.place.data, form.held_on, form.theme_ids(),
                                       current_user)
        db.session.commit()
        if form.once.data and len(form.once.data) <= 64:
            made[form.once.data] = event.id
            session[MADE] = dict(list(made.items())[-20:])
        flash(_("Event made. Its code is %(code)s. Open it when you are ready to start.", code=event.code), "success")
        return redirect(url_for("ideas.event_manage", event_id=event.id), code=303)
    if not form.once.data:
        form.once.data = secrets.token_urlsafe(16)
    return render("ideas/events/new.html", form=form)


@bp.get("/moderate/events/<int:event_id>")
@staff
@role_required("facilitator", "moderator")
def event_manage(event_id: int):
    event = _event_or_404(event_id)
    supports, ideas = eventmode.counts([event.id])[event.id]
    return render("ideas/events/show.html", event=event, supports=supports, ideas=ideas, url=_event_url(event),
                  can_run=current_user.has_role("facilitator"))


@bp.post("/moderate/events/<int:event_id>/open")
@staff
@role_required("facilitator")
def event_open(event_id: int):
    event = _event_or_404(event_id)
    if eventmode.open_event(event, current_user):
        db.session.commit()
        flash(_("The event is open. Supports and ideas from its page now count for the event."), "success")
    else:
        flash(_("The event was already open, so nothing changed."), "info")
    return redirect(url_for("ideas.event_manage", event_id=event.id), code=303)


@bp.post("/moderate/events/<int:event_id>/close")
@staff
@role_required("facilitator")
def event_close(event_id: int):
    event = _event_or_404(event_id)
    if eventmode.close_event(event, current_user):
        db.session.commit()
        flash(_("The event is closed. Its page now says so and records nothing."), "success")
    else:
        flash(_("The event was not open, so nothing changed."), "info")
    return redirect(url_for("ideas.event_manage", event_id=event.id), code=303)


@bp.get("/moderate/events/<int:event_id>/poster")
@staff
@role_required("facilitator", "moderator")
def event_poster(event_id: int):
    """A page to print: the code, big; the address; the QR code."""
    event = _event_or_404(event_id)
    url = _event_url(event)
    return render("ideas/events/poster.html", event=event, url=url,
                  qr=eventmode.qr_svg(url, title=_("QR code for %(url)s", url=url)))


# ---- public: the event's page --------------------------------------------------------


@bp.get("/event/<code>")
@private
def event_page(code: str):
    """The event and its themes' top ideas. An open event puts this device into it."""
    event = eventmode.find_by_code(code)
    if event is None:
        abort(404)
    if code != event.code:
        return redirect(url_for("ideas.event_page", code=event.code))
    if not event.is_open:
        if session.get(TABLET):
            start_afresh(None)  # the event is over: this tablet is an ordinary device again
        else:
            session.pop(EVENT, None)
        return render("ideas/events/public.html", event=event, ideas={}, supported=set())
    if session.get(EVENT) != event.id:
        session[EVENT] = event.id
    ideas = eventmode.top_ideas(event)
    device = device_hash(device_token(create=False)) if has_device() else None
    supported = services.supported_by(device, [idea.id for found in ideas.values() for idea in found])
    return render("ideas/events/public.html", event=event, ideas=ideas, supported=supported,
                  here=url_for("ideas.event_page", code=event.code))


@bp.post("/event/<code>/tablet")
@role_required("facilitator")
def event_tablet_start(code: str):
    """A facilitator makes this device the event's tablet, and is signed out on it."""
    event = eventmode.find_by_code(code)
    if event is None:
        abort(404)
    if not event.is_open:
        flash(_("Open the event first: a tablet can only be used while its event is open."), "error")
        return redirect(url_for("ideas.event_manage", event_id=event.id), code=303)
    audit.record("event.tablet_started", "event", event.id, after={"code": event.code}, actor=current_user)
    db.session.commit()
    logout_user()
    start_afresh(event.id)
    flash(_("This device is now the event tablet. You have been signed out, so nobody can reach staff "
            "screens from it. Sign in again on it to stop."), "success")
    return redirect(url_for("ideas.event_page", code=event.code), code=303)


@bp.post("/event/next-person")
@private
def event_next_person():
    """"Next person": a fresh session and a fresh device; only the event and tablet mode stay."""
    if not session.get(TABLET):
        return redirect(url_for("ideas.index"), code=303)  # not a tablet: nothing to clear
    event = services.open_event(session.get(EVENT))
    if event is None:
        return _tablet_event_over()
    if current_user.is_authenticated:
        logout_user()
    start_afresh(event.id)
    flash(_("The screen has been cleared. Nothing from the last person is kept on this tablet."), "success")
    return _go(url_for("ideas.event_page", code=event.code))


@bp.post("/event/still-here")
@private
def event_still_here():
    """The page's script says someone is using it (typing, say): the clock starts again."""
    return "", 204


# ---- tablet mode on every request ----------------------------------------------------


def _go(url: str):
    """A redirect; for htmx's own requests (the support control) a whole-page one."""
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


def _tablet_event_over():
    event = db.session.get(Event, session.get(EVENT)) if isinstance(session.get(EVENT), int) else None
    start_afresh(None)
    return _go(url_for("ideas.event_page", code=event.code) if event else url_for("ideas.index"))


@bp.before_app_request
def _tablet_mode():
    """In tablet mode: leave it when the event is over, and start afresh for the next
    person when nobody has touched the screen for two minutes (works without JavaScript)."""
    if not session.get(TABLET):
        return None
    pages_not_kept()
    if request.endpoint in NOT_A_TOUCH:
        return None
    event = services.open_event(session.get(EVENT))
    if event is None:
        if request.endpoint == "ideas.event_page":
            return None  # it says the event is over, and ends tablet mode itself
        return _tablet_event_over()
    now = time.time()
    seen = session.get(SEEN)
    if isinstance(seen, int | float) and now - seen > idle_seconds():
        start_afresh(event.id)
        flash(_("This screen was cleared for the next person, because nobody had touched it for 2 minutes."),
              "info")
        return _go(url_for("ideas.event_page", code=event.code))
    session[SEEN] = now
    return None


@bp.app_context_processor
def _tablet_context() -> dict:
    if not session.get(TABLET):
        return {"event_tablet": None}
    idle = idle_seconds()
    return {"event_tablet": {"reset": idle, "warn": max(idle - WARNING_SECONDS, 1), "warning": min(WARNING_SECONDS, idle)}}
