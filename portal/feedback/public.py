"""Tell us (residents), young people's space and feedback, and tracking by reference.

How a journey runs
------------------
Each question page is GET (show it, with the saved answer) and POST (validate, save to
the draft in the server-side session, redirect: Post/Redirect/Get). Steps are taken in
order (ASVS 2.3.1): going straight to a later step sends the person back to the first
one they have not answered. "Change" links from check answers carry ``?change=1`` and
return to check answers, via any question the change made necessary (for example, a
young person who changes their age band from under 13 to 13-15 is then asked about a
reply by email).

Check answers → stored at once → equality questions (optional) → confirmation
-----------------------------------------------------------------------------
The GOV.UK equality pattern puts the questions between check answers and confirmation.
We keep that order, but "Send" on check answers stores the feedback first, in its own
committed transaction, so nothing is lost if someone closes the page at the equality
questions. The equality page then opens by saying the feedback was sent and giving the
reference, so leaving there loses nothing either. It offers "Answer the questions" and
"Skip the questions" as two buttons of exactly the same look and weight (ICO Children's
Code standard 13: no nudges), every question has "Prefer not to say", and every question
page has "Skip the rest of the questions". Answers are stored in EqualityAnswers with no
link to the feedback.

Nobody is asked the equality questions when what they wrote was flagged for
safeguarding: they go straight to the confirmation, which shows where to get help now.
Under-13s are never asked them (see equality.py).

Also here: /track (rate limited against guessing) and, for the safeguarding lead and
admins, /moderate/safeguarding-phrases, where the word list that raises flags is edited.
"""

import secrets
import time

from flask import (
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address

from portal.core.contributions import sections_for
from portal.core.models import ordered_areas, ordered_themes
from portal.extensions import ADDRESS_CEILING, limiter
from portal.feedback import bp, lookups, services
from portal.feedback.forms import (
    BODY_MAX,
    CheckForm,
    ChoiceForm,
    EthnicBackgroundForm,
    MessageForm,
    ReplyForm,
    TrackForm,
)
from portal.feedback.journeys import ADULT, JOURNEYS, YOUNG, Journey
from portal.feedback.kind import FEEDBACK
from portal.i18n import current_language
from portal.i18n import gettext as _
from portal.moderation.kinds import all_kinds
from portal.moderation.safeguarding import help_for, tel_href
from portal.shared import equality
from portal.shared.devices import device_or_address
from portal.shared.fragments import render
from portal.shared.links import public_base_url, url_if_served
from portal.shared.pagecache import cached_page
from portal.shared.pages import private
from portal.shared.references import format_reference, parse_reference


def submit_limit() -> str:
    # Per device (see device_or_address): a class on one school connection is 35 devices.
    return current_app.config.get("FEEDBACK_SUBMIT_RATE_LIMIT", "30 per hour")


# ---- helpers ------------------------------------------------------------------------


def _draft(journey: Journey) -> dict:
    return dict(session.get(journey.draft_key) or {})


def _step_url(journey: Journey, step: str | None, change: bool = False) -> str:
    if step is None:
        return url_for(journey.endpoint("check"))
    return url_for(journey.endpoint("step"), step=step, **({"change": 1} if change else {}))


def _after_answer(journey: Journey, step: str, draft: dict, change: bool) -> str:
    missing = journey.first_missing(draft)
    if change:
        return _step_url(journey, missing, change=True)
    following = journey.next_step(step, draft)
    return _step_url(journey, following or missing)


def _after_submit_url(journey: Journey) -> str:
    if session.get(journey.equality_key):
        return url_for(journey.endpoint("equality"))
    return url_for(journey.endpoint("confirmation"))


# Theme and area names come from the database and are shown in the page's language
# (local_name and friends); the slug is the value sent and stored.
def _theme_items(journey: Journey) -> list[dict]:
    items = [
        {"value": theme.slug, "text": theme.local_name,
         "hint": (theme.local_plain_description or theme.local_description) if journey.young
         else theme.local_description}
        for theme in ordered_themes()
    ]
    return items + [{"divider": _("or")},
                    {"value": services.SOMETHING_ELSE, "text": journey.words["about"]["something_else"]}]


def _area_items(journey: Journey) -> list[dict]:
    words = journey.words["where"]
    items = [{"value": area.slug, "text": area.local_name} for area in ordered_areas()]
    return items + [
        {"value": services.ELSEWHERE, "text": words["elsewhere"]},
        {"divider": _("or")},
        {"value": services.PREFER_NOT, "text": words["prefer_not"]},
    ]


def _age_items(journey: Journey) -> list[dict]:
    return [{"value": value, "text": text} for value, text in journey.words["age_labels"].items()]


def _items_to_choices(items: list[dict]) -> list[tuple[str, str]]:
    return [(item["value"], item["text"]) for item in items if "divider" not in item]


# ---- start pages and the young people's space ----------------------------------------


@bp.get("/tell-us")
@private
def tell_us_start():
    """Start page for residents: what it is for, what happens, then "Start now"."""
    return render("feedback/start.html", journey=ADULT, target_days=services.target_working_days())


@bp.get("/young-people")
@cached_page(30)
def young_people():
    """The young people's space: what happens to what they say, and what we did (the
    answers are a section contributed by "you said, we did")."""
    return render("feedback/young_people.html", sections=sections_for("young_people"))


@bp.get("/young-people/tell-us", endpoint="yp_start")
@private
def young_people_tell_us():
    """Start page for young people, with the privacy notice in their words."""
    return render("feedback/yp_start.html", journey=YOUNG)


# ---- question pages -----------------------------------------------------------------


def question(journey_name: str, step: str):
    journey = JOURNEYS[journey_name]
    draft = _draft(journey)
    change = request.args.get("change") == "1"

    if not journey.applies(step, draft):
        # Not asked of this person (e.g. an email from an under-13): never shown, never saved.
        return redirect(_after_answer(journey, step, draft, change))
    asked = journey.asked_steps(draft)
    missing = journey.first_missing(draft)
    if missing is not None and asked.index(missing) < asked.index(step):
        return redirect(_step_url(journey, missing))

    words = journey.words.get(step, {})
    key = journey.STEP_KEYS[step]
    # Saved answers fill the page on GET only: a POST is judged on what it sent, nothing else.
    saved = draft.get(key) if request.method == "GET" else None
    context = {"journey": journey, "step": step, "words": words, "change": change}

    if step in ("age", "care", "about", "where"):
        if step == "age":
            items = _age_items(journey)
        elif step == "care":
            items = [{"value": value, "text": text} for value, text in words["options"]]
        elif step == "about":
            items = _theme_items(journey)
        else:
            items = _area_items(journey)
        form = ChoiceForm(_items_to_choices(items), words.get("required"), words.get("invalid"), answer=saved)
        template, context["items"] = "feedback/question_radios.html", items
    elif step == "message":
        form = MessageForm(words["empty"], words["too_long"], body=saved)
        template, context["maxlength"] = "feedback/message.html", BODY_MAX
    else:
        form = ReplyForm(email=saved)
        template = "feedback/reply.html"

    if form.validate_on_submit():
        if step == "message" and form.website.data:
            return _honeypot(journey)
        draft.setdefault("token", secrets.token_urlsafe(24))
        if step == "message":
            draft["body"] = form.body.data
        elif step == "reply":
            draft["email"] = form.email.data or None
        else:
            draft[key] = form.answer.data
        if step == "age" and draft["age_band"] == "under_13":
            draft.pop("email", None)  # in case they had given one under an older band
        session[journey.draft_key] = draft
        return redirect(_after_answer(journey, step, draft, change))

    previous = journey.previous_step(step, draft)
    if change:
        context["back_url"] = url_for(journey.endpoint("check"))
    elif previous:
        context["back_url"] = _step_url(journey, previous)
    else:
        context["back_url"] = url_for(journey.endpoint("start"))
    return render(template, form=form, **context)


def _honeypot(journey: Journey):
    """A bot filled in the hidden field: store nothing, say so plainly, start over."""
    session.pop(journey.draft_key, None)
    return render_template("feedback/not_sent.html", journey=journey), 400


# ---- check answers and submit --------------------------------------------------------


def _check_rows(journey: Journey, draft: dict) -> list[dict]:
    words = journey.words["check"]
    themes = {theme.slug: theme.local_name for theme in ordered_themes()}
    areas = {area.slug: area.local_name for area in ordered_areas()}
    values = {
        "age": journey.words.get("age_labels", {}).get(draft.get("age_band"), ""),
        "care": dict(journey.words.get("care", {}).get("options", [])).get(draft.get("care")),
        "about": themes.get(draft.get("theme"), journey.words["about"]["something_else"]),
        "where": areas.get(draft.get("area")) or {
            services.ELSEWHERE: journey.words["where"]["elsewhere"],
            services.PREFER_NOT: journey.words["where"]["prefer_not"],
        }.get(draft.get("area"), ""),
        "message": draft.get("body") or "",
        "reply": draft.get("email"),
    }
    return [
        {"step": step, "key": words[step], "value": values[step] or words["not_provided"],
         "multiline": step == "message", "href": _step_url(journey, step, change=True)}
        for step in journey.asked_steps(draft)
    ]


def check(journey_name: str):
    journey = JOURNEYS[journey_name]
    draft = _draft(journey)
    done = session.get(journey.done_key) or {}
    form = CheckForm(draft_token=draft.get("token")) if request.method == "GET" else CheckForm()

    if request.method == "POST":  # the CSRF token was checked before this ran
        if form.website.data:
            return _honeypot(journey)
        token = form.draft_token.data
        if token and token == done.get("token"):
            # Sent already (a double click, a refresh, a replayed form): the same confirmation.
            return redirect(_after_submit_url(journey))
        if not draft:
            return redirect(_after_submit_url(journey) if done else url_for(journey.endpoint("start")))
        missing = journey.first_missing(draft)
        if missing is not None:
            return redirect(_step_url(journey, missing))
        if token != draft.get("token"):
            return redirect(url_for(journey.endpoint("check")))  # an old page: show the answers now held
        try:
            result = services.submit_feedback(draft, journey.audience, language=current_language().code)
        except services.DraftIncomplete:
            return redirect(_step_url(journey, journey.asked_steps(draft)[0]))
        submission = result.submission
        flagged = submission.safeguarding_state != "none"
        session.pop(journey.draft_key, None)
        session[journey.done_key] = {"reference": submission.reference, "token": draft["token"], "at": time.time()}
        session.pop(journey.equality_key, None)
        if not flagged and equality.eligible(submission.audience, submission.age_band):
            session[journey.equality_key] = services.equality_state_for(submission)
        return redirect(_after_submit_url(journey))

    if not draft:
        return redirect(url_for(journey.endpoint("confirmation")) if done else _step_url(journey, journey.steps[0]))
    missing = journey.first_missing(draft)
    if missing is not None:
        return redirect(_step_url(journey, missing))
    return render("feedback/check.html", journey=journey, words=journey.words["check"], form=form,
                  rows=_check_rows(journey, draft),
                  back_url=_step_url(journey, journey.asked_steps(draft)[-1]))


# ---- equality monitoring ------------------------------------------------------------


def _equality_state(journey: Journey) -> dict | None:
    state = session.get(journey.equality_key)
    return dict(state) if state else None


def _finish_equality(journey: Journey, state: dict | None, outcome: str):
    stored = services.store_equality_answers(state) if state else None
    session.pop(journey.equality_key, None)
    done = dict(session.get(journey.done_key) or {})
    if done:
        done["equality"] = "answered" if stored is not None else outcome
        session[journey.done_key] = done
    return redirect(url_for(journey.endpoint("confirmation")))


def equality_intro(journey_name: str):
    journey = JOURNEYS[journey_name]
    state = _equality_state(journey)
    done = session.get(journey.done_key)
    if not state or not done:
        return redirect(url_for(journey.endpoint("confirmation")))
    questions = equality.questions_for(state["audience"], state.get("age_band"), state.get("answers"))
    if request.method == "POST":
        if request.form.get("choice") == "answer":
            return redirect(url_for(journey.endpoint("equality_question"), slug=questions[0].slug))
        return _finish_equality(journey, state, "skipped")
    return render("feedback/equality_intro.html", journey=journey, reference=format_reference(done["reference"]),
                  count=len(questions))


def equality_skip(journey_name: str):
    journey = JOURNEYS[journey_name]
    return _finish_equality(journey, _equality_state(journey), "skipped")


def equality_question(journey_name: str, slug: str):
    journey = JOURNEYS[journey_name]
    state = _equality_state(journey)
    if not state:
        return redirect(url_for(journey.endpoint("confirmation")))
    answers = dict(state.get("answers") or {})
    audience, band = state["audience"], state.get("age_band")
    questions = equality.questions_for(audience, band, answers)
    slugs = [q.slug for q in questions]
    if slug not in slugs:
        return redirect(url_for(journey.endpoint("equality")))
    index = slugs.index(slug)
    question_ = questions[index]
    young = journey.young

    if question_.slug == "ethnic-background":
        group = answers.get("ethnic_group")
        if group is None:
            return redirect(url_for(journey.endpoint("equality_question"), slug="ethnic-group"))
        options = [*equality.background_options(group), equality.PREFER_NOT]
        prefill = {"answer": answers.get("ethnic_background"), "other": answers.get("ethnic_background_other")}
        form = EthnicBackgroundForm(options, _equality_required(young), **(prefill if request.method == "GET" else {}))
        title = equality.background_title(group)
    else:
        options = question_.options(young)
        prefill = {"answer": answers.get(question_.column)} if request.method == "GET" else {}
        form = ChoiceForm(options, _equality_required(young), **prefill)
        title = question_.text(young)

    if form.validate_on_submit():
        answers[question_.column] = form.answer.data
        if question_.slug == "ethnic-background":
            other = form.other.data if form.answer.data in equality.OTHER_BACKGROUNDS else None
            answers["ethnic_background_other"] = other or None
        if question_.slug == "ethnic-group" and answers.get("ethnic_background") not in {
            value for value, _label in equality.background_options(form.answer.data)
        }:
            answers.pop("ethnic_background", None)
            answers.pop("ethnic_background_other", None)
        state["answers"] = answers
        session[journey.equality_key] = state
        following = equality.questions_for(audience, band, answers)
        following_slugs = [q.slug for q in following]
        position = following_slugs.index(slug) + 1
        if position >= len(following):
            return _finish_equality(journey, state, "skipped")
        return redirect(url_for(journey.endpoint("equality_question"), slug=following_slugs[position]))

    items = []
    for value, text in options:
        item = {"value": value, "text": text}
        if value == "prefer_not":
            items.append({"divider": _("or")})
        items.append(item)
    back_url = (url_for(journey.endpoint("equality_question"), slug=slugs[index - 1]) if index
                else url_for(journey.endpoint("equality")))
    return render(
        "feedback/equality_question.html", journey=journey, form=form, question=question_, title=title,
        hint=equality.hint_for(question_, young, questions), items=items, number=index + 1, total=len(questions), back_url=back_url,
        other_values=equality.OTHER_BACKGROUNDS,
    )


def _equality_required(young: bool) -> str:
    if young:
        return _("Choose an answer, or choose ‘Prefer not to say’")
    return _("Select an answer, or select ‘Prefer not to say’")


# ---- confirmation -------------------------------------------------------------------


# On a shared tablet the next person must not find the last person's confirmation.
CONFIRMATION_WINDOW_SECONDS = 30 * 60


def _done_submission(journey: Journey):
    done = session.get(journey.done_key)
    if not done:
        return None, None
    if time.time() - done.get("at", 0) > CONFIRMATION_WINDOW_SECONDS:
        session.pop(journey.done_key, None)
        return None, None
    return done, services.find_by_reference(done["reference"])


def finish(journey_name: str):
    """"I have finished": forget this journey's draft and confirmation on this device."""
    journey = JOURNEYS[journey_name]
    for key in (journey.draft_key, journey.done_key, journey.equality_key):
        session.pop(key, None)
    flash(_("Your answers have been cleared from this device."), "success")
    return redirect(url_for(journey.endpoint("start")))


def confirmation(journey_name: str):
    journey = JOURNEYS[journey_name]
    done, submission = _done_submission(journey)
    if submission is None:
        return redirect(url_for(journey.endpoint("start")))
    categories = (submission.safeguarding_categories or "").split(",") if submission.safeguarding_categories else []
    return render(
        "feedback/confirmation.html", journey=journey, submission=submission,
        reference=format_reference(submission.reference), equality_outcome=done.get("equality"),
        help_items=help_for(categories, submission.audience), tel_href=tel_href,
        target_days=services.target_working_days(),
        track_url=url_for("feedback.track", reference=format_reference(submission.reference)),
        responses_url=url_if_served("responses.index"),
    )


def receipt(journey_name: str):
    """A small text file to keep: the reference and what happens next, not what was written."""
    journey = JOURNEYS[journey_name]
    _done, submission = _done_submission(journey)
    if submission is None:
        return redirect(url_for(journey.endpoint("start")))
    reference = format_reference(submission.reference)
    base = public_base_url()
    text = render_template(
        "feedback/receipt.txt", journey=journey, submission=submission, reference=reference,
        track_url=base + url_for("feedback.track", reference=reference),
    )
    response = make_response(text.replace("\n", "\r\n"))
    response.mimetype = "text/plain"
    response.headers["Content-Disposition"] = f'attachment; filename="your-place-{reference}.txt"'
    response.headers["Cache-Control"] = "no-store"  # one person's receipt, never in a shared cache
    return response


# ---- tracking -----------------------------------------------------------------------


# Lookups are limited by wrong guesses, per address (portal.feedback.lookups): opening the
# empty form, or finding your own reference, is never counted.


@bp.get("/track")
@private
def track_form():
    """Type a reference: forgiving of case, spaces and dashes."""
    looking_up = "reference" in request.args
    if looking_up:
        lookups.refuse_if_guessing()
    form = TrackForm(formdata=request.args if looking_up else None)
    if looking_up and form.validate():
        typed = form.reference.data or ""
        if not typed.strip():
            form.reference.errors.append(_("Enter your reference number"))
        else:
            reference = parse_reference(typed)
            if reference is not None:
                return redirect(url_for("feedback.track", reference=format_reference(reference)))
            lookups.count_wrong_guess()
            return _not_found(typed, form)
    return render("feedback/track_form.html", form=form)


@bp.get("/track/<reference>")
@private
def track(reference: str):
    """Status of one submission, or of any other kind of item with a reference (an idea,
    an application): received, being reviewed, answered."""
    lookups.refuse_if_guessing()
    parsed = parse_reference(reference)
    submission = services.find_tracked(parsed) if parsed else None
    if submission is None:
        return _track_other_kind(parsed, reference)
    view = services.track_view(submission)
    response_url = None
    if view["response_id"]:
        response_url = url_if_served("responses.show", response_id=view["response_id"])
    return render("feedback/track_status.html", submission=submission, view=view,
                  reference=format_reference(submission.reference), response_url=response_url)


def _track_other_kind(parsed: str | None, typed: str):
    """References are one series across kinds: ask each kind that can be tracked."""
    for kind in all_kinds().values():
        if parsed is None or kind.find_by_reference is None or kind.name == FEEDBACK.name:
            continue
        item = kind.find_by_reference(parsed)
        if item is not None:
            view = kind.track_view(item)
            response_url = url_if_served("responses.show", response_id=view["response_id"]) if view["response_id"] else None
            return render(kind.track_template, item=item, view=view, reference=format_reference(parsed),
                          response_url=response_url)
    lookups.count_wrong_guess()
    return _not_found(typed, TrackForm(formdata=None, reference=typed))


def _not_found(typed: str, form: TrackForm):
    """A helpful page for a reference we do not have: it may be a typo."""
    return render_template("feedback/track_not_found.html", typed=typed, form=form), 404


# ---- routes for both journeys -------------------------------------------------------

limited_check = limiter.limit(ADDRESS_CEILING, methods=["POST"], key_func=get_remote_address)(
    limiter.limit(submit_limit, methods=["POST"], key_func=device_or_address)(check))


def _register(journey: Journey) -> None:
    prefix, name = journey.prefix, journey.name
    defaults = {"journey_name": name}

    def rule(path: str, view: str, func, methods=("GET",)):
        # Every step holds a person's own answers: never cached.
        bp.add_url_rule(prefix + path, endpoint=f"{name}_{view}", view_func=private(func), methods=list(methods),
                        defaults=defaults)

    rule(f"/<any({','.join(journey.steps)}):step>", "step", question, ("GET", "POST"))
    rule("/check-your-answers", "check", limited_check, ("GET", "POST"))
    rule("/equality", "equality", equality_intro, ("GET", "POST"))
    rule("/equality/skip", "equality_skip", equality_skip, ("POST",))
    rule("/equality/<slug>", "equality_question", equality_question, ("GET", "POST"))
    rule("/confirmation", "confirmation", confirmation)
    rule("/confirmation/receipt.txt", "receipt", receipt)
    rule("/finish", "finish", finish, ("POST",))


_register(ADULT)
_register(YOUNG)
