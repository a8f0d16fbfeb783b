"""Spotting words that suggest someone is at risk.

A flag never stops anyone submitting: it keeps the item out of every public view,
puts it first for the safeguarding lead, and shows the person where help is now.
A wrong flag loses nothing; the lead can clear it.
"""

import re
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from portal.i18n import lazy_gettext as _l
from portal.moderation.detection import Detector, compile_detector, normalise_pattern
from portal.moderation.models import SafeguardingPhrase

# Category key (stored on items and phrases, compared) -> its label for staff (shown only).
# The order is the order of urgency the safeguarding queue shows them in.
CATEGORIES = {
    "child_at_risk": _l("A child may be at risk"),
    "professional_allegation": _l("An allegation against someone who works with children or adults at risk"),
    "self_harm": _l("Self-harm or suicide"),
    "domestic_abuse": _l("Domestic abuse"),
    "exploitation": _l("Exploitation or modern slavery"),
    "adult_at_risk": _l("An adult may be at risk"),
    "hate_crime": _l("Hate crime against a person"),
    "threat": _l("A threat of violence"),
}
# Labels for categories items were flagged with before the list above replaced them.
FORMER_CATEGORIES = {"abuse": _l("Abuse")}

# Where the lead takes each category, and what to write down. Staff-facing only; the
# council's local numbers live in its safeguarding procedures, not here.
ROUTES = {
    "child_at_risk": {
        "route": _l("Children’s Services Front Door (MASH): a contact about a child, the same working day; "
                    "999 if the child is in danger now."),
        "record": _l("The child’s words as written, what is known of age, school and area, whether the child "
                     "asked for help, and the time you made the contact."),
    },
    "professional_allegation": {
        "route": _l("The Local Authority Designated Officer (LADO), within one working day. Do not tell the "
                    "person named or their employer first."),
        "record": _l("The role of the person named (not only their name), where it happened, who is at risk now, "
                     "and the LADO’s reference for the allegations log."),
    },
    "self_harm": {
        "route": _l("If a life is at risk now, 999. For a young person, the Front Door (MASH); for an adult, "
                    "their GP or NHS 111 option 2 (mental health crisis), with consent where possible."),
        "record": _l("Whether harm has happened or is planned, when, and any contact details given; the help "
                     "shown to the person on the confirmation page."),
    },
    "domestic_abuse": {
        "route": _l("Children in the home: the Front Door (MASH). An adult at high risk: the police and a MARAC "
                    "referral. Forced marriage: the Forced Marriage Unit (020 7008 0151) as well."),
        "record": _l("Who is harmed, who is harming (their relationship, not a guess), whether children live "
                     "there, and any risk of a planned trip abroad."),
    },
    "exploitation": {
        "route": _l("A child: the Front Door (MASH) and the exploitation hub. An adult: police 101 or the "
                    "Modern Slavery Helpline (08000 121 700). Radicalisation: the Prevent referral."),
        "record": _l("Places, transport and times mentioned, ages, any debt or threats, and who else may be "
                     "involved."),
    },
    "adult_at_risk": {
        "route": _l("Adult Social Care safeguarding: a concern about an adult with care and support needs, "
                    "the same working day; 999 if in danger now."),
        "record": _l("Who is at risk, their care and support needs if known, who is causing harm (their role), "
                     "and any money or property involved."),
    },
    "hate_crime": {
        "route": _l("Police 101 (999 if it is happening now) or True Vision (report-it.org.uk), with the person’s "
                    "consent; a child: the Front Door (MASH) as well."),
        "record": _l("What happened, where and when, what was said, and whether the person wants it reported."),
    },
    "threat": {
        "route": _l("Police: 999 if the threat is to happen now or a weapon is mentioned, otherwise 101; a "
                    "child: the Front Door (MASH) as well."),
        "record": _l("Who is threatened, when and where, any weapon mentioned, and the exact words."),
    },
}

PHRASE_FILES = Path(__file__).with_name("safeguarding_phrases")


def default_phrases() -> list[tuple[str, str, str]]:
    """(pattern, category, language) from the files shipped with the portal, in file order."""
    found = []
    for path in sorted(PHRASE_FILES.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            category, pattern = line.split("\t", 1)
            found.append((pattern.strip(), category.strip(), path.stem))
    return found


@lru_cache(maxsize=8)
def _detector(phrases: tuple[tuple[str, str], ...]) -> Detector:
    return compile_detector(phrases, tuple(CATEGORIES))


def default_detector() -> Detector:
    """The shipped patterns alone (the evaluation set measures these)."""
    return _detector(tuple((pattern, category) for pattern, category, _ in default_phrases()))


def find_concerns(text: str, phrases: list[tuple[str, str]] | None = None) -> list[str]:
    """The categories (in order of urgency) whose patterns are found in the text.

    Without `phrases`, the lead's active list in the database. Compiled once per list:
    a change to the list takes effect on the next message.
    """
    if phrases is None:
        phrases = active_phrases()
    return _detector(tuple(phrases)).find(text)


def comparable_pattern(pattern: str) -> str:
    """A pattern as the detector reads it, to tell whether two are the same. Punctuation
    that is not an operator separates words, as in text ("SELF-HARM" is "self harm")."""
    return normalise_pattern(re.sub(r"[^\w\s|*_.&…]", " ", pattern))


def active_phrases() -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(SafeguardingPhrase.phrase, SafeguardingPhrase.category).where(SafeguardingPhrase.active)
    )
    return [(row.phrase, row.category) for row in rows]


def seed_default_phrases() -> int:
    """Add the shipped patterns the list has never had; the lead's additions and switches
    are left alone (a switched-off pattern stays off). Returns how many were added."""
    known = {(row.phrase, row.category) for row in db.session.execute(
        select(SafeguardingPhrase.phrase, SafeguardingPhrase.category))}
    added = 0
    for pattern, category, language in default_phrases():
        if (pattern, category) not in known:
            db.session.add(SafeguardingPhrase(phrase=pattern, category=category, language=language))
            known.add((pattern, category))
            added += 1
    return added


# ---- where to get help now -----------------------------------------------------------
#
# Shown calmly on the confirmation page when what someone wrote was flagged. Only
# national services with long-standing public numbers; links are plain links (the page
# makes no request to them). Titles, texts and link texts are shown to the public, so
# they are translated; the names of the services, phone numbers and addresses are not.

HELP = {
    "danger": {
        "title": _l("If you or someone else is in danger right now"),
        "text": _l("Ask for the police or an ambulance."),
        "phone": "999",
    },
    "childline": {
        "title": _l("Childline"),
        "text": _l("Talk to someone about anything, any time. It is free, and the call will not show on a "
                   "phone bill."),
        "phone": "0800 1111",
        "link": "https://www.childline.org.uk/",
        "link_text": _l("childline.org.uk (chat online)"),
    },
    "samaritans": {
        "title": _l("Samaritans"),
        "text": _l("Free, day or night, if you are finding things hard or thinking about hurting yourself."),
        "phone": "116 123",
        "link": "https://www.samaritans.org/",
        "link_text": "samaritans.org",
    },
    "nspcc": {
        "title": _l("NSPCC helpline"),
        "text": _l("If you are worried about a child, talk to the NSPCC’s trained staff."),
        "phone": "0808 800 5000",
        "link": "https://www.nspcc.org.uk/",
        "link_text": "nspcc.org.uk",
    },
    "domestic_abuse": {
        "title": _l("National Domestic Abuse Helpline"),
        "text": _l("Free and private, 24 hours a day."),
        "phone": "0808 2000 247",
    },
    "modern_slavery": {
        "title": _l("Modern Slavery and Exploitation Helpline"),
        "text": _l("If you or someone you know is made to work, sell or carry things, or cannot leave. Free, "
                   "24 hours a day, in many languages."),
        "phone": "08000 121 700",
    },
    "police": {
        "title": _l("Police non-emergency number"),
        "text": _l("To report a crime that is not happening now, call 101."),
        "phone": "101",
    },
    "true_vision": {
        "title": _l("True Vision"),
        "text": _l("Report a hate crime online, without going to a police station."),
        "link": "https://www.report-it.org.uk/",
        "link_text": "report-it.org.uk",
    },
}


def help_for(categories: list[str], audience: str) -> list[dict]:
    """The help to show for these categories, most urgent first; 999 always leads.

    Young people are pointed to Childline whatever the category; adults worried about a
    child to the NSPCC.
    """
    if not categories:
        return []
    found = set(categories)
    young = audience == "young_person"
    wanted = ["danger"]
    if young:
        wanted.append("childline")
    if "self_harm" in found:
        wanted.append("samaritans")
    if not young and found & {"child_at_risk", "professional_allegation", "abuse"}:
        wanted.append("nspcc")
    if found & {"domestic_abuse", "abuse"}:
        wanted.append("domestic_abuse")
    if "exploitation" in found:
        wanted.append("modern_slavery")
    if found & {"threat", "hate_crime", "adult_at_risk", "exploitation"}:
        wanted.append("police")
    if "hate_crime" in found:
        wanted.append("true_vision")
    return [{"key": key, **HELP[key]} for key in dict.fromkeys(wanted)]


def tel_href(phone: str) -> str:
    return "tel:" + phone.replace(" ", "")


def add_phrase(phrase: str, category: str) -> SafeguardingPhrase:
    """A new phrase, in use for every message sent from now on (audited). The caller commits."""
    from portal.staff import audit

    row = SafeguardingPhrase(phrase=phrase, category=category)
    db.session.add(row)
    db.session.flush()
    audit.record("safeguarding_phrase.added", "safeguarding_phrase", row.id,
                 after={"phrase": row.phrase, "category": row.category})
    return row


def set_phrase_active(row: SafeguardingPhrase, active: bool) -> SafeguardingPhrase:
    """Switch a phrase off or back on. Never deleted, so the list keeps its history.
    Setting the state it already has changes nothing and logs nothing."""
    from portal.staff import audit

    if row.active == active:
        return row
    row.active = active
    audit.record("safeguarding_phrase." + ("switched_on" if row.active else "switched_off"),
                 "safeguarding_phrase", row.id, after={"phrase": row.phrase, "active": row.active})
    db.session.flush()
    return row
