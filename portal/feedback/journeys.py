"""The two ways to tell us: residents at /tell-us, young people at /young-people/tell-us.

Both are the same machine: a list of question steps kept in a draft in the
server-side session, then check answers, then the optional equality questions and
the confirmation. What differs is the steps (young people give an age band first,
and under-13s never see the email step) and the words, which for young people are
written for a 10-year-old.
"""

from dataclasses import dataclass, field

from portal.feedback.models import AGE_BANDS


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

ADULT_WORDS = {
    "start_title": "Tell us what you think",
    "about": {
        "title": "What is your feedback about?",
        "hint": "Choose the one that fits best. If none of them fit, choose ‘Something else’.",
        "required": "Select what your feedback is about",
        "something_else": "Something else",
    },
    "where": {
        "title": "Which area is it about?",
        "hint": "If it is not about one place, choose the area you live in.",
        "required": "Select the area it is about, or select ‘Prefer not to say’",
        "elsewhere": "Somewhere else",
        "prefer_not": "Prefer not to say",
    },
    "message": {
        "title": "What do you want to tell us?",
        "hint": "Tell us in your own words. Do not include your name, address or phone number, or anyone "
        "else’s: we may publish a summary of what people tell us.",
        "empty": "Enter what you want to tell us",
        "too_long": "What you want to tell us must be 2,000 characters or fewer",
    },
    "reply": {
        "title": "Do you want us to email you when we answer?",
        "label": "Email address (optional)",
        "hint": "We will only use it to tell you when we have answered. Leave it empty if you do "
        "not want an email: you can always check with your reference number.",
        "why": "Why we ask for your email address",
        "why_text": "Only the people who answer feedback can see it. We never publish it, never use it "
        "for anything else and delete it 90 days after we answer.",
    },
    "check": {
        "title": "Check your answers before sending",
        "about": "What it is about",
        "where": "Area",
        "message": "Your feedback",
        "reply": "Email for a reply",
        "not_provided": "Not provided",
        "send_heading": "Now send your feedback",
        "send_text": "We will give you a reference number so you can see what happens to it.",
        "button": "Send feedback",
    },
}

YOUNG_WORDS = {
    "start_title": "Tell us what you think",
    "age": {
        "title": "How old are you?",
        "hint": "We ask so we know which young people we are hearing from. We never ask for your birthday.",
        "required": "Choose how old you are",
    },
    "care": {
        "title": "Are you in care, or have you been in care? (optional)",
        "hint": "This means living with foster carers, in a children’s home, or somewhere else the "
        "council arranged. You do not have to answer: you can just press Continue. We ask so "
        "that children in care are listened to.",
        "invalid": "Choose one of the answers, or leave them all and press Continue",
        "options": [("yes", "Yes"), ("no", "No"), ("prefer_not", "Prefer not to say")],
    },
    "about": {
        "title": "What do you want to tell us about?",
        "hint": "Pick the one that fits best.",
        "required": "Choose what you want to tell us about",
        "something_else": "Something else",
    },
    "where": {
        "title": "Which part of Bradford District is it about?",
        "hint": "Pick the one nearest to where it happened or where you live. You do not have to tell us.",
        "required": "Choose a place, or choose ‘Prefer not to say’",
        "elsewhere": "Somewhere else",
        "prefer_not": "Prefer not to say",
    },
    "message": {
        "title": "What do you want to tell us?",
        "hint": "Use your own words. Please do not write your name, your school, where you live or "
        "anyone else’s name.",
        "empty": "Write what you want to tell us",
        "too_long": "Your message is too long. It must be 2,000 characters or fewer",
    },
    "reply": {
        "title": "Do you want us to email you when we have an answer?",
        "label": "Your email address (optional)",
        "hint": "You do not have to. If you leave it empty you can still use your reference number "
        "to see what happened.",
        "why": "What we do with your email address",
        "why_text": "We only use it to tell you we have answered. Nobody else sees it. We delete it "
        "90 days after we answer.",
    },
    "check": {
        "title": "Check what you are sending",
        "age": "Your age",
        "care": "In care now or before",
        "about": "About",
        "where": "Where",
        "message": "What you told us",
        "reply": "Email",
        "not_provided": "Not given",
        "send_heading": "Ready to send?",
        "send_text": "We will give you a reference number. You can use it to see what we did.",
        "button": "Send",
    },
    "age_labels": {
        "under_13": "Under 13",
        "13_15": "13 to 15",
        "16_17": "16 or 17",
        "18_25_care": "18 to 25, and I have been in care",
    },
}

assert set(YOUNG_WORDS["age_labels"]) == set(AGE_BANDS)

ADULT = Journey("tell_us", "adult", "/tell-us", ("about", "where", "message", "reply"), ADULT_WORDS)
YOUNG = Journey("yp", "young_person", "/young-people/tell-us",
                ("age", "care", "about", "where", "message", "reply"), YOUNG_WORDS)
JOURNEYS = {ADULT.name: ADULT, YOUNG.name: YOUNG}
