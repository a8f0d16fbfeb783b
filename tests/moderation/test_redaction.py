"""Redaction: phone numbers, email addresses and postcodes never reach the public text."""

import itertools
import random
import re

import pytest

from portal.moderation.redaction import REMOVED, find_personal_details, fingerprints, redact, remove_details_of

PHONES = [
    "07700 900123", "07700900123", "07700-900-123", "07700.900.123", "0770 090 0123",
    "+44 7700 900123", "+447700900123", "+44 (0)7700 900123", "+44 (0) 7700 900 123", "0044 7700 900123",
    "00447700900123", "01274 432111", "01274432111", "(01274) 432111", "(01274) 432 111", "(01535) 618000",
    "(01535)618000", "01535 618 000", "0113 496 0000", "0113-496-0000", "020 7946 0000", "0800 123 4567",
    "0800 123 456", "0800-123-456", "0345 600 0000", "+44 1274 432111", "+44 (0)1274 432111",
    "07700 900 123", "０７７００ ９００１２３", "07700\u00a0900123", "07700 – 900123",
]
EMAILS = [
    "jo@example.com", "Jo.Bloggs@Example.co.uk", "jo+council@mail.example.org", "j.o_b-l@sub.example.gov.uk",
    "jo @ example.com", "jo＠example.com", "jo at example dot com", "jo dot bloggs at example dot co dot uk",
    "jo(at)example(dot)com", "jo [at] example [dot] org", "jo[at]example.com", "JO AT EXAMPLE DOT COM",
    "jo{at}example{dot}net",
]
POSTCODES = [
    "BD1 1HY", "bd1 1hy", "BD11HY", "bd11hy", "BD21 3RU", "bd213ru", "Bd21 3Ru", "BD18 3LA", "BD5 0AB",
    "LS1 4AP", "SW1A 1AA", "sw1a1aa", "EC1A 1BB", "W1A 0AX", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT",
    "GIR 0AA", "HX1 1AA", "BD16 4DX", "BD20 6ET",
]
SENTENCES = [
    "Please call me on {x} about the park.",
    "{x}",
    "My details: {x}. Thanks!",
    "(contact: {x})",
    "I live near {x}, by the school",
    "Email or ring {x} any time after 5pm",
    "number:{x}",
    "\n{x}\n",
]


def _digits(text):
    return re.sub(r"\D", "", text)


def _public_leaks(public: str, detail: str, kind: str) -> bool:
    """Is any recognisable form of the detail still in the public text?"""
    if kind == "phone":
        digits = _digits(detail.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
        national = digits[-10:]  # the number without its 0 / 44 prefix
        return national in _digits(public)
    if kind == "postcode":
        squashed = re.sub(r"\s", "", detail).lower()
        return squashed in re.sub(r"\s", "", public).lower()
    local = re.split(r"\s*(?:@|＠|\[at\]|\(at\)|\{at\}|\sat\s)\s*", detail, flags=re.I)[0]
    return local.lower() in public.lower() and ("@" in public or " at " in public.lower())


@pytest.mark.parametrize("phone", PHONES)
def test_phone_numbers_are_removed(phone):
    public, kinds = redact(f"Ring me on {phone} tomorrow")
    assert "phone" in kinds
    assert public == f"Ring me on {REMOVED} tomorrow"


@pytest.mark.parametrize("email", EMAILS)
def test_email_addresses_are_removed(email):
    public, kinds = redact(f"Write to {email} please")
    assert kinds == ["email"], (email, public)
    assert public == f"Write to {REMOVED} please"


@pytest.mark.parametrize("postcode", POSTCODES)
def test_postcodes_are_removed(postcode):
    public, kinds = redact(f"I live at {postcode} near the park")
    assert kinds == ["postcode"], (postcode, public)
    assert public == f"I live at {REMOVED} near the park"


@pytest.mark.parametrize("text", [
    "Look at the park, meet at 5pm, catch the B4 bus at 2pm.",
    "In 2018 more than 630 people came to City Park on 12.03.2018.",
    "Call Childline on 0800 1111 or 999 in an emergency.",
    "The M62 and the A650 are busy; route 662 to Keighley is slow.",
    "I am 15 and I go to school at 8:30 every day, 5 days a week.",
    "Bradford's population is 546,400 (about 24,000 do not speak English well).",
    "We looked at the data dot by dot and at the end it was fine.",
    "Ward BD1 is where the centre is.",
])
def test_ordinary_words_and_numbers_are_left_alone(text):
    public, kinds = redact(text)
    assert public == text
    assert kinds == []


def test_two_numbers_side_by_side_are_both_found():
    public, _ = redact("01274 432111 07700 900123")
    assert public == f"{REMOVED} {REMOVED}"
    public, _ = redact("on 01/02/2024 I rang 01274 432111")
    assert public == f"on 01/02/2024 I rang {REMOVED}"


def test_names_chosen_by_hand_are_removed_as_whole_words_in_any_case():
    public, kinds = redact("Sam said SAM's sister Samantha saw sam at Shipley Road.", ["Sam", "Shipley Road"])
    assert public == f"{REMOVED} said {REMOVED}'s sister Samantha saw {REMOVED} at {REMOVED}."
    assert kinds == ["words"]


def test_removed_marker_is_not_re_removed_and_redaction_is_idempotent():
    once, _ = redact("Call 07700 900123 or email jo@example.com at BD1 1HY")
    twice, kinds = redact(once, ["removed"])
    assert twice == once
    assert kinds == []


def test_many_combinations_never_leak(seed=20261123):
    """Property-style: thousands of mixes of formats, separators and sentences."""
    rng = random.Random(seed)
    pools = [("phone", PHONES), ("email", EMAILS), ("postcode", POSTCODES)]
    for _ in range(3000):
        chosen = [(kind, rng.choice(pool)) for kind, pool in rng.sample(pools, rng.randint(1, 3))]
        text = " ".join(rng.choice(SENTENCES).format(x=detail) for _, detail in chosen)
        public, kinds = redact(text)
        for kind, detail in chosen:
            assert kind in kinds, (text, public)
            assert not _public_leaks(public, detail, kind), (text, public)


def test_fingerprints_match_across_formats():
    assert fingerprints("07700 900123") == fingerprints("+44 (0)7700-900-123")
    assert fingerprints("bd1 1hy") == fingerprints("BD11HY")
    assert fingerprints("JO@Example.com") == fingerprints("jo@example.com")


def test_council_wording_loses_only_the_residents_own_details():
    originals = ["Ring me on 07700 900123 or jo@example.com, I live at BD1 1HY"]
    text = "You said (07700-900-123, jo@example.com, BD11HY): call our team on 01274 431000."
    cleaned, kinds = remove_details_of(text, originals)
    assert cleaned == f"You said ({REMOVED}, {REMOVED}, {REMOVED}): call our team on 01274 431000."
    assert set(kinds) == {"phone", "email", "postcode"}


def test_found_spans_do_not_overlap_and_point_into_the_original():
    text = "a 07700 900123 b jo@example.com c BD1 1HY d ０７７００ ９００１２３"
    found = find_personal_details(text)
    assert [f.kind for f in found] == ["phone", "email", "postcode", "phone"]
    for item in found:
        assert text[item.start:item.end] == item.text
    for first, second in itertools.pairwise(found):
        assert first.end <= second.start


def test_long_and_hostile_input_is_quick():
    import time

    for text in ["0" * 60000, "07700 " * 10000, "a@" * 30000, "jo at " * 10000, "(0" * 30000, "1 " * 30000]:
        started = time.perf_counter()
        redact(text)
        assert time.perf_counter() - started < 2, text[:20]
