"""Finding disclosures in what people write: text normalisation and the pattern language.

Pure text logic, no database: `safeguarding.py` feeds it the lead's active patterns.

People do not write the phrase list. They misspell, use text-speak, split or join words,
swap letters for digits or for look-alike letters from other alphabets, hide invisible
characters inside words, star out the worst word and write in their own language. So a
message is turned into a few *views* and every pattern is tried on each:

- the plain view: Unicode compatibility forms, invisible and blank characters removed,
  lower case, accents off Latin letters, Arabic-script keyboard variants and the marks
  people drop when typing Punjabi, Bengali or Hindi folded, digits-as-letters inside words
  read as letters ("k1ll", "ki11"), "£20" as "20 pounds", "(14)" as "aged 14", a few emoji
  as words (🔪 "knife"), punctuation as spaces, spaced-out letters joined ("s e l f");
- the corrected view: look-alike letters mapped to Latin (Unicode's confusables data,
  from the confusable_homoglyphs package, and small capitals), text-speak spelt out
  ("2nite", "sed", "m8", "dont no"), starred-out words filled in ("p*ki", "n*****"), and
  typos of a pattern's word read as that word (rapidfuzz: a letter dropped, added or
  swapped with the next, never a letter changed: "amused" is not "abused");
- the squashed view, only when a word has punctuation inside it ("ra.ped", "k.m.s");
- the joined view: the corrected view without spaces, for multi-word phrases written
  as one word ("killmyself") or split in odd places, starting where a word starts.

A child's age and an adult's in a message about contact ("im 14 and hes 24", "a guy whos
19", "men in their twenties", "a grown man") are found without a pattern: `has_age_gap`.

The pattern language (documented for the safeguarding lead on the phrases screen):
words in order, `word*` for any ending, `a|b` for alternatives, `...` for up to six
words in between, `&` for two parts in either order within eight words. A pattern that
starts with `!` is an exception for its category: a match that overlaps what it matches
does not count ("!suicide prevention|awareness" keeps "suicid*" off a campaign message,
while "i want to die" in the same message is still found). In words of four letters or
more a doubled letter may be single ("stabbed" finds "stabed"); any Latin letter may be
repeated ("killl"); a word ending in -ing also finds the dropped g ("sleepin").

Speed: a message is a few hundred words and there are well over a thousand patterns, so
each pattern is indexed by the first letters of its first word and only tried where a
word of the message starts with those letters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import permutations

from confusable_homoglyphs.confusables import confusables_data
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, Indel

GAP_WORDS = 6  # `...`
EITHER_ORDER_WORDS = 8  # `&`
JOINED_MIN_LETTERS = 7  # shorter joined phrases match inside too many ordinary words
FUZZY_MIN_LETTERS = 6  # "raped"/"taped" are one letter apart: short words match exactly
KEY_LETTERS = 3  # patterns are indexed by the first three letters of their first word
SQUEEZE_MIN_LETTERS = 4  # "kill" finds "kil", but "odd" must not find "od" (Polish "from"), "ill" not "il"

# Letters that do not decompose into a base letter and an accent.
_UNDECOMPOSABLE = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ı": "i", "ħ": "h", "ŀ": "l", "ſ": "s"})

# Arabic-script spellings that differ by keyboard, not by word (Urdu typed on an Arabic
# keyboard): Arabic yeh/alef maksura -> Farsi yeh, Arabic kaf -> keheh, heh and do-chashmi
# heh -> heh goal, yeh barree -> yeh, noon ghunna -> noon, hamza seats dropped.
_ARABIC_FOLD = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9", "\u0647": "\u06c1",
                              "\u06d5": "\u06c1", "\u0629": "\u06c1", "\u0623": "\u0627", "\u0625": "\u0627",
                              "\u0622": "\u0627", "\u0640": None, "\u06be": "\u06c1", "\u06c0": "\u06c1",
                              "\u06c2": "\u06c1", "\u06d2": "\u06cc", "\u06d3": "\u06cc", "\u06ba": "\u0646",
                              "\u0624": "\u0648", "\u0626": "\u06cc"})
# Marks that people typing Punjabi, Bengali or Hindi on a phone often leave out or swap:
# Gurmukhi adhak and nukta dropped, tippi read as bindi; Bengali and Devanagari chandrabindu
# and nukta dropped.
_INDIC_FOLD = str.maketrans({"\u0a71": None, "\u0a3c": None, "\u0a70": "\u0a02", "\u0981": None,
                             "\u09bc": None, "\u0901": None, "\u093c": None})
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")

# Digits and symbols used as letters, read as letters only inside a word ("k1ll", "@buse").
_AS_LETTERS = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "9": "g",
                             "@": "a", "$": "s", "!": "i", "|": "l", "€": "e"})
_LEET_TOKEN = re.compile(r"(?=.*[a-z])(?:^[@$]|.*[a-z][0-9@$!|€]|.*[0-9@$!|€][a-z])")
_DIGIT_RUN = re.compile(r"[0-9]{2,}")
_DOUBLED_ONE = re.compile(r"(?<=[a-z])11|11(?=[a-z])")  # "ki11", "wi11": a doubled 1 is "ll"
_TIME_OR_ORDINAL = re.compile(r"[0-9]+(?:am|pm|st|nd|rd|th|s)")  # "4am", "1st": not "aam", "ist"

_APOSTROPHES = re.compile("['\u2019\u2018`\u02bc\u00b4]")
# Blank letters that render as nothing (Hangul fillers, braille blank), hidden inside words.
_BLANK_LETTERS = dict.fromkeys(map(ord, "\u3164\u115f\u1160\uffa0\u2800"))
# Emoji that stand for a word in a disclosure. Not 💀 or 🔥: they mean "so funny" and "great".
_EMOJI_WORDS = str.maketrans({"🔪": " knife ", "🗡": " knife ", "🔫": " gun ", "🩸": " blood ", "💊": " pills ",
                              "🪢": " rope ", "⚰": " coffin "})
# Punctuation inside a word ("ra.ped", "k.m.s", "self-h.a.r.m"): the squashed view reads it as one word.
_IN_WORD_PUNCTUATION = re.compile(r"(?<=[^\W\d_])[.\-_·•,:;~]+(?=[^\W\d_])")
# Four or more single letters in a row are one spaced-out word ("s e l f h a r m"); three
# are too often text-speak ("u r a").
_SPACED_LETTERS = re.compile(r"(?<![^ ])(?:[^\W\d_] ){3,}[^\W\d_](?![^ ])")
# "(14)" after a name is how people give an age: "my sister (13)".
_AGE_IN_BRACKETS = re.compile(r"\(\s*(\d{1,2})\s*\)")
# "£200" is "200 pounds": the pound sign is punctuation to the plain view.
_MONEY = re.compile(r"[£€]\s?(\d[\d,.]*k?)")
# A star between letters hides a letter ("p*ki", "f*gs"), and two or more after letters hide the
# rest of the word ("n*****"): kept for the corrected view.
_STARS_INSIDE = re.compile(r"(?<=[^\W\d_])(?:\*+(?=[^\W\d_])|\*{2,})")
_REPEATS = re.compile(r"([a-z])\1+")

# Text-speak spelt out in the corrected view. Only words that stand for one thing; the
# plain view keeps the word as written, so a pattern in another language still finds it.
TEXT_SPEAK = {
    "u": "you", "ur": "your", "r": "are", "ya": "you", "yu": "you", "bf": "boyfriend", "gf": "girlfriend",
    "ma": "my", "mi": "my", "n": "and", "wiv": "with", "wid": "with", "coz": "because", "cos": "because",
    "cuz": "because", "bc": "because", "bcoz": "because", "cus": "because", "ppl": "people", "sum1": "someone",
    "some1": "someone", "any1": "anyone", "ne1": "anyone", "no1": "no one", "every1": "everyone",
    "evry1": "everyone", "evry": "every", "nobdy": "nobody", "sum": "some",
    "kms": "kill myself", "kys": "kill yourself", "ded": "dead", "wen": "when", "wot": "what", "wat": "what",
    "dat": "that", "da": "the", "dis": "this", "dey": "they", "dem": "them", "em": "them", "thru": "through",
    "pics": "pictures", "pic": "picture", "pix": "pictures", "nudez": "nudes", "vids": "videos", "vid": "video",
    "fone": "phone", "plz": "please", "pls": "please", "b4": "before", "2nite": "tonight", "2night": "tonight",
    "tonite": "tonight", "nite": "night", "nites": "nights", "2day": "today", "2moro": "tomorrow",
    "2morro": "tomorrow", "2morrow": "tomorrow", "2moz": "tomorrow", "tmrw": "tomorrow", "tmr": "tomorrow",
    "tomoz": "tomorrow", "2": "to", "4": "for", "h8": "hate", "h8s": "hates", "gr8": "great", "w8": "wait",
    "m8": "mate", "m8s": "mates", "wanna": "want to", "gonna": "going to", "gona": "going to",
    "gunna": "going to", "finna": "going to", "imma": "im going to", "ima": "im going to", "tryna": "trying to",
    "gotta": "got to", "dunno": "dont know", "idk": "i dont know", "bro": "brother", "sis": "sister",
    "bruv": "brother", "woz": "was", "wuz": "was", "sed": "said", "sez": "says", "sayz": "says",
    "skl": "school", "skool": "school", "msg": "message", "msgs": "messages", "msgd": "messaged",
    "cud": "could", "wud": "would", "shud": "should", "av": "have", "hav": "have", "giv": "give",
    "givs": "gives", "bk": "back", "jus": "just", "luv": "love", "wknd": "weekend", "wk": "week",
    "lil": "little", "agen": "again", "agin": "again", "nuffin": "nothing", "nuffink": "nothing",
    "nothin": "nothing", "sumthin": "something", "summat": "something", "nr": "near", "mor": "more",
    "y": "why", "abt": "about", "bout": "about", "hse": "house", "tuch": "touch", "tuched": "touched",
    "tuchd": "touched", "tuches": "touches", "mam": "mum", "mom": "mum", "mummy": "mum",
    "lecky": "electric", "leccy": "electric", "dm": "message", "dms": "messages", "dmd": "messaged",
    "dming": "messaging", "sumone": "someone", "sumbody": "somebody", "gettin": "getting", "bein": "being",
}

# Text-speak that is more than one word or needs the word beside it, spelt out first.
_PHRASE_SPEAK = [(re.compile(r"(?<![^ ])" + before + r"(?![^ ])"), after) for before, after in [
    (r"n e (?:1|one)", "anyone"), (r"n e (?:body|bdy)", "anybody"), (r"n e more", "any more"),
    (r"n e thing", "anything"), (r"(dont|didnt|doesnt|do|dunno|never|not) no", r"\1 know"),
    (r"(aint|has|have|hasnt|havent|ive|hes|shes|had|hadnt|not|never|av|hav|ve) bin", r"\1 been"),
    (r"wi[vd] out", "without"), (r"step (dad|mum|mom|mam|father|mother|brother|sister|son|daughter)", r"step\1"),
]]

# Both spellings of a contraction become the short one, in text and patterns alike, so a
# pattern written "dont want to live" matches "do not want to live" and the other way round.
_CONTRACTIONS = {
    "do not": "dont", "does not": "doesnt", "did not": "didnt", "can not": "cant", "cannot": "cant",
    "will not": "wont", "is not": "isnt", "was not": "wasnt", "have not": "havent", "i am": "im",
    "i have": "ive", "i will": "ill", "he is": "hes", "she is": "shes", "they are": "theyre",
    "you are": "youre", "it is": "its", "that is": "thats", "would not": "wouldnt", "could not": "couldnt",
    "who is": "whos", "has not": "hasnt", "had not": "hadnt", "are not": "arent", "should not": "shouldnt",
}
_CONTRACTION = re.compile(r"(?<![^ ])(?:" + "|".join(map(re.escape, _CONTRACTIONS)) + r")(?![^ ])")

# Words people star out. A starred word that fits one of these is read as it; otherwise
# as the one pattern word it fits, if only one does.
_STARRED_WORDS = ("paki", "pakis", "fag", "fags", "faggot", "faggots", "nigger", "niggers", "nigga", "tranny",
                  "trannies", "retard", "retards", "spastic", "spaz", "dyke", "kike", "chink", "pikey", "gyppo",
                  "kill", "killed", "suicide", "rape", "raped", "sex", "slut", "whore", "nonce", "paedo")


def _fold_contractions(text: str) -> str:
    return _CONTRACTION.sub(lambda m: _CONTRACTIONS[m.group(0)], text)


def _latin_lookalikes() -> dict[int, str]:
    """Each character that Unicode lists as confusable with one Latin letter -> that letter."""
    table = {}
    for char, glyphs in confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        for glyph in glyphs:
            letter = glyph["c"]
            if len(letter) == 1 and letter.isascii() and letter.isalpha():
                table[ord(char)] = letter.lower()
                break
    return table


# Letters Unicode's list leaves out but people use for their lower-case look: Greek kappa,
# epsilon, tau, chi, eta, beta, omega; Cyrillic ka, em, en, te, ve; small capitals (ᴋɪʟʟ).
_LOOKALIKES = _latin_lookalikes() | {ord(c): latin for c, latin in zip("κεταχηβωкмнтв", "ketaxnbwkmhtb")} | {
    ord(c): latin for c, latin in zip("ᴀʙᴄᴅᴇғɢʜɪᴊᴋʟᴍɴᴏᴘǫʀᴛᴜᴠᴡʏᴢ", "abcdefghijklmnopqrtuvwyz")}


def _is_latin(char: str) -> bool:
    return char < "\u0250" or "\u1e00" <= char <= "\u1eff"


def _strip_latin_accents(text: str) -> str:
    out = []
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char) and out and _is_latin(out[-1]):
            continue
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def _digits_to_ascii(text: str) -> str:
    return "".join(str(unicodedata.decimal(c)) if not c.isascii() and unicodedata.decimal(c, None) is not None
                   else c for c in text)


def _leet(token: str) -> str:
    token = token.rstrip("!|?.,")  # "me!!!!" is shouting, not "meiiii"
    if token in TEXT_SPEAK or _TIME_OR_ORDINAL.fullmatch(token) or not _LEET_TOKEN.match(token):
        return token
    token = _DOUBLED_ONE.sub("ll", token)
    if _DIGIT_RUN.search(token):  # "10pm", "2x4": numbers, not letters
        return token
    return token.translate(_AS_LETTERS)


def _squeeze(text: str) -> str:
    """Doubled Latin letters as one: the form patterns are indexed and matched by."""
    return _REPEATS.sub(r"\1", text)


def plain(text: str) -> str:
    """The plain view: one spelling for one word, words separated by single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_BLANK_LETTERS).translate(_EMOJI_WORDS)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf" and not "\ufe00" <= c <= "\ufe0f")
    text = _strip_latin_accents(text.casefold()).translate(_UNDECOMPOSABLE).translate(_ARABIC_FOLD).translate(_INDIC_FOLD)
    text = _ARABIC_MARKS.sub("", _digits_to_ascii(text))
    text = _AGE_IN_BRACKETS.sub(r" aged \1 ", _APOSTROPHES.sub("", text))
    text = _MONEY.sub(r" \1 pounds ", text)
    text = " ".join(_leet(token) for token in text.split())
    text = _STARS_INSIDE.sub(lambda m: "\0" * len(m.group(0)), text)
    text = "".join(c if c.isalnum() or c == "\0" or unicodedata.category(c)[0] == "M" else " " for c in text)
    text = " ".join(text.replace("\0", "*").split())
    return _fold_contractions(_SPACED_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), text))


def _deconfuse(token: str) -> str:
    if token.isascii():
        return token
    mapped = token.translate(_LOOKALIKES)
    return mapped if mapped.isascii() else token


# ---- patterns ----------------------------------------------------------------------------

_VOWELS = set("aeiouy")


def _piece_regex(piece: str, joined: bool) -> str:
    stem, any_ending = (piece[:-1], True) if piece.endswith("*") else (piece, False)
    if len(stem) >= SQUEEZE_MIN_LETTERS:
        stem = _squeeze(stem)
    dropped_g = not any_ending and stem.endswith("ing") and len(stem) >= 5 and bool(_VOWELS & set(stem[:-3]))
    if dropped_g:
        stem = stem[:-1]
    body = "".join(re.escape(c) + "+" if c.isascii() and c.isalpha() else re.escape(c) for c in stem)
    if dropped_g:
        body += "g*"
    if any_ending:
        body += "[^ ]{0,4}" if joined else "[^ ]*"
    return body


def _word_regex(word: str, joined: bool = False) -> str:
    """One word slot: alternatives, `*` endings; a Latin letter may be doubled or repeated."""
    options = []
    for option in word.split("|"):
        # `_` is a space inside an alternative: mums_boyfriend|stepdad
        pieces = [_piece_regex(piece, joined) for piece in option.split("_")]
        options.append(("" if joined else " ").join(pieces))
    return "(?:" + "|".join(options) + ")"


def _sequence_regex(words: list[str]) -> str:
    """Words in order; `...` and `&` (between the parts of an either-order pattern) are gaps."""
    pieces, gap = [], 0
    for word in words:
        if word in ("...", "&"):
            gap = max(gap, GAP_WORDS if word == "..." else EITHER_ORDER_WORDS)
            continue
        if pieces:
            pieces.append(f"(?: [^ ]+){{0,{gap}}} " if gap else " ")
        pieces.append(_word_regex(word))
        gap = 0
    return "".join(pieces)


@lru_cache(maxsize=20000)
def normalise_pattern(pattern: str) -> str:
    """The pattern spelt as the plain view spells text, keeping its operators."""
    exception, pattern = _exception(pattern)
    words = []
    folded = _fold_contractions(" ".join(_APOSTROPHES.sub("", pattern.casefold()).split()))
    for word in folded.replace("…", " ... ").replace("&", " & ").split():
        if word in ("...", "&"):
            words.append(word)
            continue
        options = []
        for option in word.split("|"):
            pieces = []
            for piece in option.split("_"):
                spelt = _plain_word(piece.rstrip("*"))
                if spelt:
                    pieces.append(spelt + ("*" if piece.endswith("*") else ""))
            if pieces:
                options.append("_".join(pieces))
        if options:
            words.append("|".join(options))
    spelt = " ".join(words)
    return "!" + spelt if exception and spelt else spelt


@lru_cache(maxsize=50000)
def _plain_word(word: str) -> str:
    return plain(word).replace(" ", "")


def _exception(pattern: str) -> tuple[bool, str]:
    """Whether a pattern is an exception (`!` in front), and the pattern without the `!`."""
    stripped = pattern.lstrip()
    return (True, stripped[1:]) if stripped.startswith("!") else (False, pattern)


def _sequences(pattern: str) -> list[list[str]]:
    """The word sequences a pattern stands for: one, or each order of its `&` parts."""
    parts = [p.split() for p in normalise_pattern(_exception(pattern)[1]).split("&")]
    parts = [p for p in parts if any(w != "..." for w in p)]
    if not parts:
        return []
    if len(parts) == 1:
        return [parts[0]]
    sequences = []
    for order in permutations(parts[:3]):
        sequence = []
        for part in order:
            sequence += (["&"] if sequence else []) + part
        sequences.append(sequence)
    return sequences


def _first_word(sequence: list[str]) -> str:
    return next(w for w in sequence if w not in ("...", "&"))


def pattern_regex(pattern: str) -> str | None:
    """The regular expression for one pattern on the plain and corrected views."""
    sequences = _sequences(pattern)
    if not sequences:
        return None
    return r"(?<![^ ])(?:" + "|".join(_sequence_regex(s) for s in sequences) + r")(?![^ ])"


def joined_regex(pattern: str) -> str | None:
    """The pattern with its words run together, for the joined view (no gaps, long enough)."""
    pattern = normalise_pattern(pattern)
    words = pattern.split()
    if len(words) < 2 or "..." in words or "&" in words or pattern.startswith("!"):
        return None
    shortest = sum(min(len(o.replace("*", "").replace("_", "")) for o in w.split("|")) for w in words)
    if shortest < JOINED_MIN_LETTERS:
        return None
    return "".join(_word_regex(w, joined=True) for w in words)


def vocabulary(patterns: list[str]) -> tuple[str, ...]:
    """The whole Latin words of the patterns long enough to be matched one or two letters out.
    Not `*` stems: "traffic" is one letter from "traffick*", "strange" from "strangl*"."""
    return tuple(w for w in _pattern_words(patterns, stems=False) if len(w) >= FUZZY_MIN_LETTERS)


def _pattern_words(patterns: list[str], stems: bool = True) -> tuple[str, ...]:
    words = set()
    for pattern in patterns:
        for word in normalise_pattern(pattern).split():
            for option in word.replace("_", "|").split("|"):
                if option.endswith("*") and not stems:
                    continue
                option = option.rstrip("*")
                if option.isascii() and option.isalpha() and len(option) >= 3:
                    words.add(option)
    return tuple(sorted(words))


def _index_keys(word: str) -> set[str]:
    """The keys a word slot is indexed under: `=he` for the short word "he" alone, `kil` for
    "kill" or "kill*", `od` for "od*" (any word starting so)."""
    keys = set()
    for option in word.split("|"):
        piece = option.split("_")[0]
        stem = _squeeze(piece.rstrip("*"))
        if not piece.endswith("*") and len(stem) <= KEY_LETTERS:
            keys.add("=" + stem)
        else:
            keys.add(stem[:KEY_LETTERS])
    return keys


@lru_cache(maxsize=50000)
def _lookup_keys(token: str) -> tuple[str, ...]:
    squeezed = _squeeze(token)
    keys = {squeezed[:n] for n in range(1, KEY_LETTERS + 1)}
    if len(squeezed) <= KEY_LETTERS:
        keys.add("=" + squeezed)
    return tuple(keys)


# ---- ages: "i am 14 and he is 24" ---------------------------------------------------------

_NUMBER_WORDS = {w: n for n, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
     "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"])}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
_DECADES = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60}
_NUMBER = r"(\d{1,2}|(?:twenty|thirty|forty|fifty|sixty|seventy)(?: (?:one|two|three|four|five|six|seven|eight|nine))?" \
          r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|nine|eight)"
# "year(s) old" in the languages of the district: saal (Urdu, Punjabi), bochor (Bengali),
# lat/lata (Polish), let (Czech), rokov/rocna (Slovak), ani (Romanian).
_YEARS = r"(?:years? old|yrs? old|years?|yrs?|yo|y o|saal|sal|saala|bochor|bochhor|bosor|lat|lata|let|" \
         r"leta|rokov|rocna|rocny|rocne|rocnu|ani|\u0633\u0627\u0644|\u09ac\u099b\u09b0|\u0a38\u0a3e\u0a32)"
_AGE = re.compile(
    r"(?<![^ ])(?:(?:(\w+) )?(?:im|i was|i turned|i turn|hes|shes|theyre|is|was|am|aged|age|turned|turning|whos|"
    r"just turned|je mi|mam|\u0639\u0645\u0631\u064a|(?:girl|boy|lad|lass|child|kid) of)"
    r" (?:only |just |like |nearly |almost |about |barely )?" + _NUMBER + r"(?![^ ])"
    r"|(?:(\w+) )?" + _NUMBER + r" " + _YEARS + r"(?![^ ])"
    r"|in (?:his|her|their) (\d0s|twenties|thirties|forties|fifties|sixties)(?![^ ]))"
)
# An adult age given for family ("my brother is 24") is not a partner's or a stranger's.
_FAMILY = frozenset([
    "dad", "mum", "mam", "mom", "father", "mother", "brother", "sister", "bro", "sis", "nan", "nana", "gran",
    "grandad", "granddad", "grandma", "grandpa", "uncle", "auntie", "aunt", "parents", "stepdad", "stepmum",
    "cousin", "son", "daughter"])
# Words that give an age without a number: a teenager, a pupil in year 9; a grown man.
_CHILD_WORDS = re.compile(r"(?<![^ ])(?:teenager|teen|schoolgirl|schoolboy|(?:in|from) year (\d{1,2}))(?![^ ])")
_ADULT_WORDS = re.compile(r"(?<![^ ])(?:grown (?:man|men|woman|adult)|adult (?:man|men|male|woman)|middle aged (?:man|men)"
                          r"|older (?:man|men))(?![^ ])")
# "for 10 years", "in 20 years": a length of time.
_NOT_AN_AGE = frozenset(["for", "since", "past", "last", "over", "next", "than", "every", "in", "within", "after"])
_CONTACT = re.compile(
    r"(?<![^ ])(?:boyfriend|girlfriend|fiance\w*|dating|date|going out|seeing|relationship|together|older|man|men|"
    r"guy|guys|lad|lads|bloke|woman|met|meet|meeting|snap\w*|insta\w*|tiktok|online|messag\w*|sleep\w*|slept|"
    r"sex\w*|kiss\w*|love[sd]?|marry|married|engaged|pregnant|touch\w*|his house|her house|flat|car|"
    r"picks? (?:me|her|him) up|move in|moving in|vodka|drink|alcohol|weed|hotel|"
    # the same in the district's other languages: a guy, dating, picks up, alcohol
    r"chodzi|typ|typem|facet|facetem|alkohol|munde|munda|banda|larka|larke|ladka|chele|chhele|lok|"
    r"baiat|tip|barbat|chlap|chlapom|chalan|chalanom|masina|auto|samochod)(?![^ ])"
)


def _age_value(found: str) -> int | None:
    if found.isdigit():
        return int(found)
    if found in _DECADES:
        return _DECADES[found]
    if found.endswith("0s") and found[:-1].isdigit():
        return int(found[:-1])
    words = found.split()
    if words[0] in _TENS:
        return _TENS[words[0]] + (_NUMBER_WORDS.get(words[1], 0) if len(words) > 1 else 0)
    return _NUMBER_WORDS.get(found)


def has_age_gap(view: str) -> bool:
    """A child and an adult (not family) in a message about contact: any adult with a child
    under 16, or one at least five years older than a 16 or 17 year old."""
    children, adults = [], []
    for match in _AGE.finditer(view):
        before_is, age_is, before_years, age_years, decade = match.groups()
        value = _age_value(age_is or age_years or decade)
        if value is None or not 8 <= value <= 80:
            continue
        if (before_is or before_years) in _NOT_AN_AGE:
            continue
        if value <= 17:
            children.append(value)
        elif (before_is or before_years) not in _FAMILY:
            adults.append(value)
    for match in _CHILD_WORDS.finditer(view):
        school_year = int(match.group(1)) if match.group(1) else None
        if school_year is None or 5 <= school_year <= 11:
            children.append(school_year + 5 if school_year else 16)  # year 9 is 14; a teenager may be 16
    if _ADULT_WORDS.search(view):
        adults.append(30)
    if not children or not adults:
        return False
    child, adult = min(children), max(adults)
    if child >= 16 and adult - child < 5:
        return False
    return bool(_CONTACT.search(view))


# ---- the detector ----------------------------------------------------------------------------


Rule = tuple[str, re.Pattern]  # (category, regex anchored where a word starts)
Spans = dict[str, list[tuple[int, int]]]  # category -> where its exceptions matched


@dataclass(frozen=True)
class Detector:
    """Compiled patterns, indexed by the first letters of their first word, per view."""

    order: tuple[str, ...]
    index: dict[str, tuple[Rule, ...]]
    joined_index: dict[str, tuple[Rule, ...]]
    exception_index: dict[str, tuple[Rule, ...]]
    vocabulary: tuple[str, ...]
    vocabulary_set: frozenset[str]
    starrable: tuple[str, ...]  # the pattern words a starred-out word may be
    age_gap_category: str | None
    _candidates: dict = field(default_factory=dict, compare=False, repr=False)

    def corrected(self, view: str) -> str:
        for phrase, spelt in _PHRASE_SPEAK:
            view = phrase.sub(spelt, view)
        words = []
        for token in view.split():
            token = _deconfuse(token)
            if "*" in token:
                token = _unstar(token, self.starrable)
            token = TEXT_SPEAK.get(token, token)
            if " " in token:
                words.append(token)
                continue
            if token.isascii() and token.isalpha() and len(token) >= FUZZY_MIN_LETTERS:
                token = self._nearest(token)
            words.append(token)
        return " ".join(words)

    def _nearest(self, token: str) -> str:
        return _nearest_word(token, self.vocabulary, self.vocabulary_set)

    def _rules(self, index: dict, token: str) -> tuple[Rule, ...]:
        """The patterns that may start at a word (cached: messages repeat their words)."""
        cache_key = (id(index), token)
        rules = self._candidates.get(cache_key)
        if rules is None:
            rules = tuple(rule for key in _lookup_keys(token) for rule in index.get(key, ()))
            if len(self._candidates) > 50000:
                self._candidates.clear()
            self._candidates[cache_key] = rules
        return rules

    def _exceptions(self, view: str) -> Spans:
        spans: Spans = {}
        position = 0
        for token in view.split(" "):
            for category, regex in self._rules(self.exception_index, token):
                match = regex.match(view, position)
                if match:
                    spans.setdefault(category, []).append(match.span())
            position += len(token) + 1
        return spans

    def _search(self, view: str, found: set[str]) -> None:
        spans = self._exceptions(view) if self.exception_index else {}
        position = 0
        for token in view.split(" "):
            for category, regex in self._rules(self.index, token):
                if category in found:
                    continue
                match = regex.match(view, position)
                if match and not _overlaps(match.span(), spans.get(category)):
                    found.add(category)
            position += len(token) + 1

    def _search_joined(self, view: str, found: set[str]) -> None:
        """Joined phrases starting where a word starts ("killmyself", "sel fharm")."""
        spans = self._exceptions(view) if self.exception_index else {}
        joined = view.replace(" ", "")
        at = [i for i, char in enumerate(view) if char != " "]  # joined position -> view position
        position = 0
        for token in view.split(" "):
            for category, regex in self._rules(self.joined_index, joined[position:position + 8]):
                if category in found:
                    continue
                match = regex.match(joined, position)
                if match and not _overlaps((at[match.start()], at[match.end() - 1] + 1), spans.get(category)):
                    found.add(category)
            position += len(token)

    def find(self, text: str) -> list[str]:
        """The categories found, in the detector's order."""
        base = plain(text)
        corrected = self.corrected(base)
        found: set[str] = set()
        self._search(base, found)
        if corrected != base:
            self._search(corrected, found)
        if _IN_WORD_PUNCTUATION.search(text):
            squashed = plain(_IN_WORD_PUNCTUATION.sub("", text))
            if squashed != base:
                self._search(squashed, found)
                self._search(self.corrected(squashed), found)
        if self.joined_index:
            self._search_joined(corrected, found)
        if self.age_gap_category and self.age_gap_category not in found and (
                has_age_gap(corrected) or has_age_gap(base)):
            found.add(self.age_gap_category)
        return [category for category in self.order if category in found]


def _overlaps(span: tuple[int, int], exceptions: list[tuple[int, int]] | None) -> bool:
    return bool(exceptions) and any(start < span[1] and span[0] < end for start, end in exceptions)


@lru_cache(maxsize=20000)
def _nearest_word(token: str, vocab: tuple[str, ...], vocab_set: frozenset[str]) -> str:
    """The pattern word a token is a typo of: a letter dropped or added, or two letters
    swapped. Not a letter changed: that is how real words differ ("amused", "abused")."""
    if token in vocab_set:
        return token
    limit = 2 if len(token) >= 11 else 1
    best = process.extractOne(token, vocab, scorer=DamerauLevenshtein.distance, score_cutoff=limit)
    if best is None or len(best[0]) < FUZZY_MIN_LETTERS or best[0][0] != token[0]:
        return token
    word = best[0]
    if Indel.distance(token, word) <= limit or (len(token) == len(word) and sorted(token) == sorted(word)):
        return word
    if len(token) == len(word) and {a + b for a, b in zip(token, word) if a != b} <= {"il", "li"}:
        return word  # "myse1f" read as "myseif": 1 is l as often as i
    return token


@lru_cache(maxsize=5000)
def _unstar(token: str, words: tuple[str, ...]) -> str:
    """A starred-out word as the word it hides, if that is clear; else without the stars."""
    mask = re.compile("".join(f"[a-z]{{1,{len(run) + 1}}}" if run.startswith("*") else re.escape(run)
                              for run in re.findall(r"\*+|[^*]+", token)))
    fits = [w for w in words if mask.fullmatch(w)]
    starred = [w for w in fits if w in _STARRED_WORDS]
    if starred or len(fits) == 1:
        return (starred or fits)[0]
    return token.replace("*", "")


@lru_cache(maxsize=20000)
def _compiled(source: str) -> re.Pattern:
    """Regular expressions by their text: when the lead changes one pattern, the list is
    compiled again without compiling the others again."""
    return re.compile(source)


def _add(index: dict[str, list], keys: set[str], rule: Rule) -> None:
    for key in keys:
        index.setdefault(key, []).append(rule)


def compile_detector(patterns: tuple[tuple[str, str], ...], order: tuple[str, ...],
                     age_gap_category: str | None = "child_at_risk") -> Detector:
    """Patterns as (pattern, category) pairs; categories not in `order` are ignored."""
    index: dict[str, list] = {}
    joined_index: dict[str, list] = {}
    exception_index: dict[str, list] = {}
    for pattern, category in dict.fromkeys(patterns):
        if category not in order:
            continue
        target = exception_index if _exception(pattern)[0] else index
        for sequence in _sequences(pattern):
            regex = _compiled("(?:" + _sequence_regex(sequence) + r")(?![^ ])")
            _add(target, _index_keys(_first_word(sequence)), (category, regex))
        joined = joined_regex(pattern)
        if joined:
            first = normalise_pattern(pattern).split()[0]
            keys = {_squeeze(o.replace("_", "").rstrip("*"))[:KEY_LETTERS] for o in first.split("|")}
            _add(joined_index, keys, (category, _compiled(joined)))
    words = [p for p, c in patterns if c in order and not _exception(p)[0]]
    vocab = vocabulary(words)
    return Detector(
        order=order,
        index={key: tuple(rules) for key, rules in index.items()},
        joined_index={key: tuple(rules) for key, rules in joined_index.items()},
        exception_index={key: tuple(rules) for key, rules in exception_index.items()},
        vocabulary=vocab,
        vocabulary_set=frozenset(vocab),
        starrable=_pattern_words(words),
        age_gap_category=age_gap_category,
    )


def check_pattern(pattern: str) -> str | None:
    """Why a pattern a lead typed cannot be used, or None if it can."""
    if len(pattern) > 300:
        return "too_long"
    try:
        regex = pattern_regex(pattern)
    except re.error:
        return "invalid"
    if regex is None:
        return "empty"
    if re.compile(regex).search(""):
        return "empty"
    return None
