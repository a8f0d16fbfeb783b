"""Spotting words that suggest someone is at risk.

A flag never stops anyone submitting: it keeps the item out of every public view,
puts it first for the safeguarding lead, and shows the person where help is now.
A wrong flag loses nothing; the lead can clear it.
"""

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.moderation.models import SafeguardingPhrase

# Category key (stored on items and phrases, compared) -> its label for staff (shown only).
CATEGORIES = {
    "child_at_risk": _l("A child may be at risk"),
    "abuse": _l("Abuse"),
    "self_harm": _l("Self-harm or suicide"),
    "threat": _l("A threat of violence"),
    "hate_crime": _l("Hate crime against a person"),
}

DEFAULT_PHRASES = {
    "child_at_risk": [
        "hurting me", "hits me", "hit me", "beats me", "beat me up", "not safe at home",
        "scared to go home", "afraid to go home", "touched me", "kicked me out", "no food at home",
        "locked me in", "nobody looks after me", "left on my own", "hurts my brother", "hurts my sister",
        "hurting my brother", "hurting my sister", "hitting me", "hurts me", "no one looks after me",
        "hits my mum", "hurts my mum",
    ],
    "abuse": [
        "abuse", "abused", "abusing", "groomed", "grooming", "raped", "rape", "sexual assault",
        "domestic violence", "forced to", "modern slavery", "made me send pictures", "exploited",
    ],
    "self_harm": [
        "kill myself", "killing myself", "suicide", "suicidal", "self harm", "self harming",
        "hurt myself", "hurting myself", "cutting myself", "end my life", "want to die",
        "don't want to live", "dont want to live", "better off dead", "overdose",
        "self harmed", "harm myself", "harming myself", "cut myself", "take my own life",
    ],
    "threat": [
        "i will kill", "going to kill", "gonna kill", "i'll kill", "stab", "stabbed", "knife",
        "shoot", "bomb", "burn down", "petrol bomb", "beat them up", "kill you", "going to hurt",
    ],
    "hate_crime": [
        "hate crime", "racially abused", "racist attack", "racially attacked", "homophobic attack",
        "attacked because", "spat at", "because of my religion", "because i'm muslim",
        "because i am muslim", "because i'm gay", "because i am gay", "because i'm trans",
        "because of my skin", "pulled off my hijab", "pulled my hijab", "islamophobic",
        "antisemitic", "transphobic", "disability hate", "racist abuse", "go back to your own country",
        "go back to your country",
    ],
}


def normalise(text: str) -> str:
    """Lower case, curly quotes and dashes straightened, accents and spacing folded."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = re.sub(r"[-\u2010-\u2015_]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _pattern(phrase: str) -> re.Pattern:
    # Word boundaries so "stab" does not match "stable" but "stabbed" has its own entry.
    return re.compile(r"(?<![\w'])" + re.escape(normalise(phrase)) + r"(?![\w'])")


def find_concerns(text: str, phrases: list[tuple[str, str]] | None = None) -> list[str]:
    """The categories (in a stable order) whose phrases appear in the text."""
    if phrases is None:
        phrases = active_phrases()
    cleaned = normalise(text)
    found = {category for phrase, category in phrases if _pattern(phrase).search(cleaned)}
    return [category for category in CATEGORIES if category in found]


def active_phrases() -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(SafeguardingPhrase.phrase, SafeguardingPhrase.category).where(SafeguardingPhrase.active)
    )
    return [(row.phrase, row.category) for row in rows]


def seed_default_phrases() -> None:
    """Add the starting list; an admin's additions and removals are left alone."""
    if db.session.scalar(select(SafeguardingPhrase.id).limit(1)) is not None:
        return
    for category, phrases in DEFAULT_PHRASES.items():
        for phrase in phrases:
            db.session.add(SafeguardingPhrase(phrase=phrase, category=category))


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
    young = audience == "young_person"
    wanted = ["danger"]
    if young:
        wanted.append("childline")
    if "self_harm" in categories:
        wanted.append("samaritans")
    if not young and {"child_at_risk", "abuse"} & set(categories):
        wanted.append("nspcc")
    if not young and "abuse" in categories:
        wanted.append("domestic_abuse")
    if {"threat", "hate_crime"} & set(categories):
        wanted.append("police")
    if "hate_crime" in categories:
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
