"""Taking personal details out of what people wrote, before any of it is published.

`redact(text)` finds UK phone numbers, email addresses (including "name at example dot
com" spellings) and UK postcodes, and replaces each with "[removed]". A moderator then
removes names and anything else by hand, and whatever they save goes through `redact()`
again, so a detail cannot be typed back in by mistake. The original stays private.

Detection errs on the side of removing: a run of digits that could be a UK phone number
is removed even if it was something else (an order number, say), because publishing a
real number by mistake is the worse failure.
"""

import re
import unicodedata
from dataclasses import dataclass

from portal.i18n import N_

REMOVED = "[removed]"
# Shown to moderators (translated where shown, with gettext); the keys go into the audit log.
KIND_LABELS = {"email": N_("email address"), "phone": N_("phone number"), "postcode": N_("postcode"),
               "words": N_("words chosen by hand")}

# Characters people type in place of a plain space, dash or dot.
_SPACES = "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u3000"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"


@dataclass(frozen=True)
class Found:
    kind: str  # email / phone / postcode
    start: int
    end: int
    text: str


# ---- email -----------------------------------------------------------------------------

_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = re.compile(rf"(?<![\w.+-]){_LOCAL}\s?[@＠﹫]\s?{_LABEL}(?:\.{_LABEL})+", re.IGNORECASE)

# "jo dot bloggs at example dot co dot uk", "jo(at)example(dot)com", "jo [at] example [.] com".
# " at " is ordinary English, so these count only when a "dot" spelling and a known
# top-level domain follow: "look at the park" is left alone.
_O_AT = r"(?:\s*[(\[{<]\s*(?:at|@)\s*[)\]}>]\s*|\s+at\s+|\s?@\s?)"
_O_DOT = r"(?:\s*[(\[{<]\s*(?:dot|\.)\s*[)\]}>]\s*|\s+dot\s+|\.)"
_TLDS = r"(?:com|uk|org|net|gov|ac|co|nhs|sch|ltd|plc|me|io|info|biz|edu|eu|ie|pk|in|pl|de|fr|es|it|nl|us|ca|au)"
_O_WORD = r"[A-Za-z0-9_+-]+"
OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.+-]){_O_WORD}(?:{_O_DOT}{_O_WORD})*{_O_AT}{_LABEL}(?:{_O_DOT}{_LABEL})*{_O_DOT}{_TLDS}(?![\w])",
    re.IGNORECASE,
)

# ---- phone -----------------------------------------------------------------------------

# A run that starts like a UK number (+44, 0044, 0, or "(0") and carries on through digit
# groups with spaces, dashes, dots, slashes or brackets between them. The run may hold
# more than one number, or none: `_phone_spans` decides.
_INTERNATIONAL = re.compile(r"(?:\+|00)\s?44\s?(?:\(\s?0\s?\)\s?)?")
_GAP = r"(?:(?=[\s.\-/()])\s{0,2}[.\-/]?\s{0,2}[()]?\s?)"
PHONE_RUN = re.compile(r"(?<![\d+])(?:(?:\+|00)\s?44\s?(?:\(\s?0\s?\)\s?)?|\(\s?(?=0))\d+(?:" + _GAP + r"\d+)*|(?<![\d+])0\d*(?:" + _GAP + r"\d+)*")
_DIGIT_GROUP = re.compile(r"\d+")


def _national_digits(number: str) -> str:
    """A phone number as dialled in the UK (0 then the rest), however it was written."""
    prefix = _INTERNATIONAL.match(number.strip())
    digits = "".join(ch for ch in number.strip()[prefix.end() if prefix else 0 :] if ch.isdigit())
    return "0" + digits if prefix else digits


def _phone_spans(text: str) -> list[tuple[int, int]]:
    """Spans of UK phone numbers: 10 or 11 digits counted from the leading 0.

    Digit groups are added up until a number is complete. A run holding two numbers side
    by side ("01274 432111 07700 900123") is cut where the first is complete, and digits
    that cannot end as a phone number (a date, "0800 1111") are left alone.
    """
    spans = []
    for match in PHONE_RUN.finditer(text):
        run, base = match.group(), match.start()
        prefix = _INTERNATIONAL.match(run)
        groups = list(_DIGIT_GROUP.finditer(run, prefix.end() if prefix else 0))
        national, number_start = "", 0
        for index, group in enumerate(groups):
            digits = group.group()
            if national and len(national) + len(digits) > 11:
                national = ""  # what came before cannot be a number: start again here
            if not national:
                starts_number = index == 0 or digits.startswith("0")
                if not starts_number:
                    continue
                if index == 0 and prefix:
                    national = "0"
                number_start = 0 if index == 0 else group.start()
                opening = run[:number_start].rstrip()
                if opening.endswith("("):
                    number_start = len(opening) - 1  # "(01535) 618000" keeps its bracket
            national += digits
            following = groups[index + 1].group() if index + 1 < len(groups) else None
            if not national.startswith("0"):
                national = ""
                continue
            length = len(national)
            complete = length >= 11 or (
                length == 10 and (following is None or following.startswith("0") or length + len(following) > 11)
            )
            if complete:
                end = group.end()
                if run[end : end + 1] == ")" and "(" in run[number_start:end]:
                    end += 1
                if run[number_start] == "(" and ")" not in run[number_start:end]:
                    # "(07700 900123, …": the bracket opens the sentence, not the number.
                    number_start += 1
                    while run[number_start] == " ":
                        number_start += 1
                spans.append((base + number_start, base + end))
                national = ""
    return spans


# ---- postcode --------------------------------------------------------------------------

# The full UK pattern: A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA, AA9A 9AA, and GIR 0AA;
# with or without the space, any case. Letters follow the Royal Mail rules, which keeps
# ordinary words and numbers (a "B4 2PM" bus, say) from matching by accident.
_OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9][0-9]?"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]"
    r"|GIR)"
)
POSTCODE = re.compile(
    rf"(?<![A-Za-z0-9]){_OUTWARD}[ \u00a0\-]{{0,2}}[0-9][ABD-HJLNP-UW-Z]{{2}}(?![A-Za-z0-9])",
    re.IGNORECASE,
)


# ---- together --------------------------------------------------------------------------


def _normalise(text: str) -> str:
    """Fold look-alike characters so "０７７００ ９００１２３" is found like "07700 900123".

    NFKC maps full-width digits and letters to plain ones; a few spaces and dashes are
    mapped by hand. Only characters that map one-to-one are changed, so positions in the
    folded text are positions in the original.
    """
    folded = []
    for ch in text:
        if ch in _SPACES:
            folded.append(" ")
        elif ch in _DASHES:
            folded.append("-")
        else:
            nfkc = unicodedata.normalize("NFKC", ch)
            folded.append(nfkc if len(nfkc) == 1 else ch)
    return "".join(folded)


def find_personal_details(text: str) -> list[Found]:
    """Every email address, phone number and postcode in `text`, in order, not overlapping."""
    folded = _normalise(text or "")
    spans: list[tuple[int, int, str]] = []
    for pattern in (EMAIL, OBFUSCATED_EMAIL):
        spans += [(m.start(), m.end(), "email") for m in pattern.finditer(folded)]
    spans += [(start, end, "phone") for start, end in _phone_spans(folded)]
    spans += [(m.start(), m.end(), "postcode") for m in POSTCODE.finditer(folded)]
    # Longest first wins where two overlap (an email's digits are not a phone number).
    spans.sort(key=lambda span: (span[0], -(span[1] - span[0])))
    chosen: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if chosen and start < chosen[-1][1]:
            if end > chosen[-1][1]:
                previous = chosen.pop()
                chosen.append((previous[0], end, previous[2]))
            continue
        chosen.append((start, end, kind))
    return [Found(kind, start, end, text[start:end]) for start, end, kind in chosen]


def redact(text: str, extra_words: list[str] | None = None) -> tuple[str, list[str]]:
    """(public text, kinds removed): details replaced with "[removed]".

    `extra_words` are names or other words a moderator chose: each is removed wherever it
    appears as a whole word, in any case.
    """
    text = text or ""
    found = find_personal_details(text)
    kinds: list[str] = []
    pieces, position = [], 0
    for item in found:
        pieces.append(text[position : item.start])
        pieces.append(REMOVED)
        position = item.end
        if item.kind not in kinds:
            kinds.append(item.kind)
    pieces.append(text[position:])
    public = "".join(pieces)
    for word in extra_words or []:
        word = word.strip()
        if not word:
            continue
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        # Never inside an earlier "[removed]" (someone asking to remove "removed").
        parts = public.split(REMOVED)
        replaced = [pattern.subn(REMOVED, part) for part in parts]
        public = REMOVED.join(text for text, _ in replaced)
        if any(count for _, count in replaced) and "words" not in kinds:
            kinds.append("words")
    return public, kinds


def fingerprints(text: str) -> set[str]:
    """Each detail in `text` reduced to a form that survives re-spacing: digits of a phone
    number (as dialled in the UK), a postcode without spaces, an email in lower case."""
    prints = set()
    for item in find_personal_details(text):
        if item.kind == "phone":
            prints.add("phone:" + _national_digits(_normalise(item.text)))
        elif item.kind == "postcode":
            prints.add("postcode:" + re.sub(r"[^A-Z0-9]", "", _normalise(item.text).upper()))
        else:
            prints.add("email:" + re.sub(r"\s+", "", _normalise(item.text).lower()))
    return prints


def remove_details_of(text: str, originals: list[str]) -> tuple[str, list[str]]:
    """Remove from `text` any detail that also appears in one of `originals`.

    Used on the council's own wording (the "you said" summary, "we did"): a council phone
    number may stay, but a resident's number pasted from their message may not.
    """
    private = set()
    for original in originals:
        private |= fingerprints(original)
    if not private:
        return text, []
    kinds, pieces, position = [], [], 0
    for item in find_personal_details(text):
        if fingerprints(item.text) & private:
            pieces += [text[position : item.start], REMOVED]
            position = item.end
            if item.kind not in kinds:
                kinds.append(item.kind)
    pieces.append(text[position:])
    return "".join(pieces), kinds
