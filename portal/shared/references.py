"""Reference numbers: short, easy to read aloud and type, and self-checking.

A reference is 8 characters from a 31-character alphabet with no 0/O, 1/I/L, stored
upper case without dashes ("7K3Q94MD") and shown as ``BD-7K3Q-94MD`` (BD for Bradford
District). References given out before the prefix changed were shown as ``YP-7K3Q-94MD``
(which read as "young people"); they are the same stored references, and typing them with
either prefix, or none, still finds them.

- The first 7 characters are random (``secrets``): 31**7, about 27.5 billion
  possibilities, so references are neither sequential nor guessable, and the track
  page is rate limited on top.
- The 8th is a check character. Give each character its value v (its index in the
  alphabet) and its position weight w = 1..8; the check character is chosen so that
  sum(w * v) is a multiple of 31. Because 31 is prime and the weights are distinct
  and non-zero mod 31, changing any one character changes the sum by w * (v' - v),
  never a multiple of 31; swapping two neighbours changes it by (v_i - v_j), also
  never a multiple of 31 unless they were equal. So every single mistyped character
  and every swap of two neighbouring characters is caught, and a typo leads to
  "we could not find that reference", never to someone else's feedback.
"""

import re
import secrets
from random import Random

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BASE = len(ALPHABET)  # 31, a prime
VALUES = {char: value for value, char in enumerate(ALPHABET)}
LENGTH = 8
PREFIX = "BD"
# Prefixes accepted when typed: today's, and the one printed on earlier confirmations.
ACCEPTED_PREFIXES = (PREFIX, "YP")

assert BASE == 31 and not set("01ILO") & set(ALPHABET)

# Spaces, dashes of any kind, dots and underscores people type between the groups.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212._/]+")


def check_character(body: str) -> str:
    """The character that makes the weighted sum of body + it a multiple of 31."""
    total = sum((position + 1) * VALUES[char] for position, char in enumerate(body))
    weight = len(body) + 1
    # Solve total + weight * v = 0 (mod 31); pow(weight, -1, 31) is weight's inverse.
    return ALPHABET[(-total * pow(weight, -1, BASE)) % BASE]


def is_valid(reference: str) -> bool:
    """True for 8 alphabet characters whose weighted sum is a multiple of 31."""
    if len(reference) != LENGTH or any(char not in VALUES for char in reference):
        return False
    return sum((position + 1) * VALUES[char] for position, char in enumerate(reference)) % BASE == 0


def new_reference(rng: Random | None = None) -> str:
    """A fresh random reference; ``rng`` only for reproducible demo data, never live."""
    choice = rng.choice if rng is not None else secrets.choice
    body = "".join(choice(ALPHABET) for _ in range(LENGTH - 1))
    return body + check_character(body)


def format_reference(stored: str) -> str:
    """'7K3Q94MD' -> 'BD-7K3Q-94MD'."""
    return f"{PREFIX}-{stored[:4]}-{stored[4:]}"


def parse_reference(typed: str | None) -> str | None:
    """What someone typed -> the stored form, or None if it cannot be a real reference.

    Forgiving of case, spaces, dashes and the prefix: "BD", the older "YP", or none.
    'bd 7k3q 94md', 'BD-7K3Q-94MD', 'YP-7K3Q-94MD' and '7k3q94md' all give '7K3Q94MD'.
    A wrong check character gives None, so a typo is caught rather than matched elsewhere.
    """
    if not typed or len(typed) > 64:
        return None
    cleaned = _SEPARATORS.sub("", typed).upper()
    for prefix in ACCEPTED_PREFIXES:
        if len(cleaned) == LENGTH + len(prefix) and cleaned.startswith(prefix):
            cleaned = cleaned[len(prefix):]
            break
    return cleaned if is_valid(cleaned) else None
