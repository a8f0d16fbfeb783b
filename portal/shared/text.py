"""Cleaning free text from forms and query strings, and the WTForms pieces that do it."""

from wtforms.validators import ValidationError


def clean_text(value) -> str:
    """Free text minus NUL characters, which PostgreSQL cannot store (and no person means to type)."""
    return (value or "").replace("\x00", "")


def drop_nul(value):
    """A WTForms filter: NUL characters out."""
    return clean_text(value) if isinstance(value, str) else value


def strip_surrounding_space(value):
    """A WTForms filter: spaces at either end out, the text itself kept as typed."""
    return value.strip() if isinstance(value, str) else value


def no_nul(message: str):
    """A WTForms validator that refuses a NUL character with `message` (nothing is saved)."""

    def check(_form, field):
        if field.data and "\x00" in field.data:
            raise ValidationError(message)

    return check
