"""The two ways to tell us: residents at /tell-us, young people at /young-people/tell-us.

Both are the same machine: a list of question steps kept in a draft in the
server-side session, then check answers, then the optional equality questions and
the confirmation. What differs is the steps (young people give an age band first,
and under-13s never see the email step) and the words, which for young people are
written for a 10-year-old.
"""

from dataclasses import dataclass, field

from portal.feedback.models import AGE_BANDS
from portal.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Journey:
    name: str  # endpoint prefix: "tell_us" or "yp"
    audience: str  # Submission.audience
    prefix: str  # URL prefix
    steps: tuple[str, ...]
    words: dict = field(hash=False, compare=False)

    @property
    def young(self) -> bool:
        return self.audience == "young_person"

    @property
    def draft_key(self) -> str:
        return f"{self.name}_draft"

    @property
    def done_key(self) -> str:
        return f"{self.name}_done"

    @property
    def equality_key(self) -> str:
        return f"{self.name}_equality"

    def endpoint(self, view: str) -> str:
        return f"feedback.{self.name}_{view}"

    # The draft key each step fills in. A key that is present, even as None, is answered.
    STEP_KEYS = {"age": "age_band", "care": "care", "about": "theme", "where": "area", "message": "body", "reply": "email"}

    def applies(self, step: str, draft: dict) -> bool:
        """Whether this step is asked, given the answers so far."""
        band = draft.get("age_band")
        if step == "care":
            return band != "18_25_care"  # the band itself says they have been in care
        if step == "reply" and self.young:
            return band is not None and band != "under_13"  # never contact details from under-13s
        return True

    def asked_steps(self, draft: dict) -> list[str]:
        return [step for step in self.steps if self.applies(step, draft)]

    def first_missing(self, draft: dict) -> str | None:
        for step in self.asked_steps(draft):
            if self.STEP_KEYS[step] not in draft:
                return step
        return None

    def next_step(self, step: str, draft: dict) -> str | None:
        """The next step asked after this one (this one need not be asked itself)."""
        later = self.steps[self.steps.index(step) + 1:]
        return next((s for s in later if self.applies(s, draft)), None)

    def previous_step(self, step: str, draft: dict) -> str | None:
        earlier = self.steps[: self.steps.index(step)]
        return next((s for s in reversed(earlier) if self.applies(s, draft)), None)

# Every word here is shown to people, so each is marked with lazy_gettext: it is
# translated when a page shows it, in that page's language. The keys, and the values in
# "options" and "age_labels", are what is stored and compared: they stay plain.

ADULT_WORDS = {
    "about": {
        "title": _l("What is your feedback about?"),
        "hint": _l("Choose the one that fits best. If none of them fit, choose ‘Something else’."),
        "required": _l("Select what your feedback is about"),
        "something_else": _l("Something else"),
    },
    "where": {
        "title": _l("Which area is it about?"),
        "hint": _l("If it is not about one place, choose the area you live in."),
        "required": _l("Select the area it is about, or select ‘Prefer not to say’"),
        "elsewhere": _l("Somewhere else"),
        "prefer_not": _l("Prefer not to say"),
    },
    "message": {
        "title": _l("What do you want to tell us?"),
        "hint": _l("Use your own words. Do not write your name, address or phone number, or anyone else’s. "
                   "We may publish a short version of what people tell us."),
        "empty": _l("Enter what you want to tell us"),
        "too_long": _l("What you want to tell us must be 2,000 characters or fewer"),
    },
    "reply": {
        "title": _l("Do you want us to email you when we answer?"),
        "label": _l("Email address (optional)"),
        "hint": _l("We will only use it to tell you when we have answered. If you do not want an email, "
                   "leave this empty. You can still check with your reference number."),
        "why": _l("Why we ask for your email address"),
        "why_text": _l("Only the people who answer feedback can see it. We never publish it or use it for "
                       "anything else. We delete it %(period)s after we answer."),
    },
    "check": {
        "title": _l("Check your answers before sending"),
        "about": _l("What it is about"),
        "where": _l("Area"),
        "message": _l("Your feedback"),
        "reply": _l("Email for a reply"),
        "not_provided": _l("Not provided"),
        "send_heading": _l("Now send your feedback"),
        "send_text": _l("We will give you a reference number so you can see what happens to it."),
        "button": _l("Send feedback"),
    },
}

# For young people: short sentences and everyday words, as they would say it.
YOUNG_WORDS = {
    "age": {
        "title": _l("How old are you?"),
        "hint": _l("We ask so we know who is talking to us. We never ask for your birthday."),
        "required": _l("Choose how old you are"),
    },
    "care": {
        "title": _l("Are you in care, or have you been in care? (optional)"),
        "hint": _l("This means you live, or lived, with foster carers, in a children’s home, or in another "
                   "place the council found for you. You do not have to answer. Just press Continue. "
                   "We ask because we want to hear from children in care."),
        "invalid": _l("Choose one of the answers, or leave them all and press Continue"),
        "options": [("yes", _l("Yes")), ("no", _l("No")), ("prefer_not", _l("Prefer not to say"))],
    },
    "about": {
        "title": _l("What do you want to tell us about?"),
        "hint": _l("Pick the one that fits best."),
        "required": _l("Choose what you want to tell us about"),
        "something_else": _l("Something else"),
    },
    "where": {
        "title": _l("Which part of Bradford District is it about?"),
        "hint": _l("Pick the place where it happened, or where you live. You do not have to tell us."),
        "required": _l("Choose a place, or choose ‘Prefer not to say’"),
        "elsewhere": _l("Somewhere else"),
        "prefer_not": _l("Prefer not to say"),
    },
    "message": {
        "title": _l("What do you want to tell us?"),
        "hint": _l("Say it in your own words. Please do not write your name, your school, where you live "
                   "or anyone else’s name."),
        "empty": _l("Write what you want to tell us"),
        "too_long": _l("Your message is too long. It must be 2,000 characters or fewer"),
    },
    "reply": {
        "title": _l("Do you want us to email you when we have an answer?"),
        "label": _l("Your email address (optional)"),
        "hint": _l("You do not have to. If you leave it empty, you can still use your reference number "
                   "to see what happened."),
        "why": _l("What we do with your email address"),
        "why_text": _l("We only use it to tell you we have answered. Nobody else sees it. We delete it "
                       "%(period)s after we answer."),
    },
    "check": {
        "title": _l("Check what you are sending"),
        "age": _l("Your age"),
        "care": _l("In care now or before"),
        "about": _l("About"),
        "where": _l("Where"),
        "message": _l("What you told us"),
        "reply": _l("Email"),
        "not_provided": _l("Not given"),
        "send_heading": _l("Ready to send?"),
        "send_text": _l("We will give you a reference number. You can use it to see what we did."),
        "button": _l("Send"),
    },
    "age_labels": {
        "under_13": _l("Under 13"),
        "13_15": _l("13 to 15"),
        "16_17": _l("16 or 17"),
        "18_25_care": _l("18 to 25, and I have been in care"),
    },
}

assert set(YOUNG_WORDS["age_labels"]) == set(AGE_BANDS)

ADULT = Journey("tell_us", "adult", "/tell-us", ("about", "where", "message", "reply"), ADULT_WORDS)
YOUNG = Journey("yp", "young_person", "/young-people/tell-us",
                ("age", "care", "about", "where", "message", "reply"), YOUNG_WORDS)
JOURNEYS = {ADULT.name: ADULT, YOUNG.name: YOUNG}
