"""Keyset pages and query-string filters, written once for every list in the portal.

A page is one query: `WHERE (key...) > (cursor...) ORDER BY key LIMIT n + 1`, never
OFFSET and never a COUNT, so page 500 costs what page 1 costs. The cursor is the sort
key of the row at the edge of the page, as text: dates as ISO dates, moments as
microseconds since 1970 (UTC), numbers as digits, joined with "_".
"""

from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import tuple_

from portal.shared.numbers import whole_number
from portal.shared.text import clean_text
from portal.timeutil import as_aware

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CURSOR_MAX = 80


@dataclass
class Page:
    items: list
    next_cursor: str | None = None
    previous_cursor: str | None = None


def _micros(moment: datetime) -> int:
    delta = as_aware(moment) - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _encode(value) -> str:
    if isinstance(value, datetime):
        return str(_micros(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _python_type(column) -> type:
    try:
        return column.type.python_type
    except NotImplementedError:
        return str


def _decode(text: str, column):
    kind = _python_type(column)
    if kind is datetime:
        return EPOCH + timedelta(microseconds=whole_number(text))
    if kind is date:
        return date.fromisoformat(text)
    if kind is int:
        return whole_number(text)
    return text


def cursor_for(row, key) -> str:
    return "_".join(_encode(getattr(row, column.key)) for column in key)


def parse_cursor(text: str, key) -> tuple | None:
    """The key values in a cursor, or None when it is not one (a tampered link: page 1)."""
    parts = text.split("_")
    if len(parts) != len(key):
        return None
    try:
        return tuple(_decode(part, column) for part, column in zip(parts, key, strict=True))
    except (ValueError, OverflowError):
        return None


def keyset_page(session, statement, key, *, forward_from: str = "", back_from: str = "",
                ascending: bool = True, page_size: int = 50) -> Page:
    """One page of `statement` in `key` order, after `forward_from` or before `back_from`.

    `forward_from` is the cursor of the last row of the page before (the "next" link);
    `back_from` the first row of the page after (the "previous" link). Past the end (rows
    were hidden or answered meanwhile) the page is empty and offers the way back.
    """
    backwards = bool(back_from) and not forward_from
    cursor_text = back_from if backwards else forward_from
    cursor = parse_cursor(cursor_text, key) if cursor_text else None
    forwards_in_sql = ascending != backwards
    if cursor is not None:
        statement = statement.where(tuple_(*key) > tuple_(*cursor) if forwards_in_sql else tuple_(*key) < tuple_(*cursor))
    statement = statement.order_by(*[(column.asc() if forwards_in_sql else column.desc()) for column in key])
    rows = list(session.scalars(statement.limit(page_size + 1)).unique())
    more = len(rows) > page_size
    rows = rows[:page_size]
    if backwards:
        rows.reverse()
    page = Page(items=rows)
    if rows:
        if more or backwards:
            page.next_cursor = cursor_for(rows[-1], key)
        if (cursor is not None) if not backwards else more:
            page.previous_cursor = cursor_for(rows[0], key)
    elif cursor is not None and not backwards:
        page.previous_cursor = cursor_text
    return page


# ---- filters from the query string -------------------------------------------------------
#
# A filter set is a frozen dataclass whose fields say how each is read: a choice from a
# list (fixed, or given when reading, like the theme slugs), a yes/no box, free text, a
# cursor or a date. Anything unknown or malformed is ignored, never an error page.


def choice(default: str = "", allowed=None, arg: str | None = None):
    return field(default=default, metadata={"read": "choice", "allowed": allowed, "arg": arg})


def flag(arg: str | None = None):
    return field(default=False, metadata={"read": "flag", "arg": arg})


def text(max_length: int, arg: str | None = None):
    return field(default="", metadata={"read": "text", "max": max_length, "arg": arg})


def cursor(arg: str | None = None):
    return field(default="", metadata={"read": "cursor", "arg": arg})


def day(arg: str | None = None):
    return field(default=None, metadata={"read": "day", "arg": arg})


@dataclass(frozen=True)
class QueryFilters:
    """Base for filter sets: `from_args` reads them, `query_args` writes them back for links."""

    @classmethod
    def from_args(cls, args, **allowed) -> "QueryFilters":
        """`allowed` gives the values a choice may take when they are known only now."""
        values = {}
        for spec in fields(cls):
            read, name = spec.metadata.get("read"), spec.metadata.get("arg") or spec.name
            raw = args.get(name)
            if read == "choice":
                options = allowed.get(spec.name, spec.metadata["allowed"]) or ()
                value = (raw or "").strip()
                values[spec.name] = value if value in options else spec.default
            elif read == "flag":
                values[spec.name] = raw == "yes"
            elif read == "text":
                values[spec.name] = clean_text(raw).strip()[: spec.metadata["max"]]
            elif read == "cursor":
                values[spec.name] = (raw or "")[:CURSOR_MAX]
            elif read == "day":
                try:
                    values[spec.name] = date.fromisoformat((raw or "").strip())
                except ValueError:
                    values[spec.name] = None
        return cls(**values)

    def query_args(self, **changes) -> dict:
        """The filters as query-string arguments, defaults left out (for links)."""
        values = replace(self, **changes)
        args = {}
        for spec in fields(self):
            value = getattr(values, spec.name)
            default = spec.default if spec.default is not MISSING else None
            if value == default or value in ("", None):
                continue
            name = spec.metadata.get("arg") or spec.name
            if spec.metadata.get("read") == "flag":
                args[name] = "yes"
            elif isinstance(value, date):
                args[name] = value.isoformat()
            else:
                args[name] = value
        return args
