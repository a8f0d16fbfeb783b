"""Whole numbers from URLs and forms, bounded so the database can always take them.

`str.isdigit()` is True for "²" and "١" (which `int()` then rejects or accepts) and
Python integers have no limit, while SQLite and PostgreSQL stop at 2**63 - 1: so ids,
cursor parts and date parts from outside are read here, ASCII digits only.
"""

import re

from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,18}")


def whole_number(text: str) -> int:
    """ASCII digits, at most 18 of them; anything else raises ValueError."""
    if not isinstance(text, str) or not _DIGITS.fullmatch(text):
        raise ValueError(f"not a whole number we accept: {text!r}")
    return int(text)


def parse_id(text: str | None) -> int | None:
    """A row id from a form or query string, or None."""
    try:
        return whole_number(text or "")
    except ValueError:
        return None


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in routes, refusing numbers the database cannot hold (a 404, not a 500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
