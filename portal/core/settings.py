"""Settings an admin may change on the settings screen, each with its limits.

Core declares its own (the target answer time); a capability contributes its own
through `contribute(settings=[...])` with, where it needs one, a check that refuses a
value the data held today cannot take (fewer seats than there are members, say).

Where a value comes from, first found wins: the server's configuration (an operator's
explicit choice, or a test's), then the admin's saved value, then the default.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from portal.core.contributions import contributions
from portal.core.models import REFERENCE_SECONDS, Setting
from portal.extensions import db
from portal.i18n import N_
from portal.shared import cache


@dataclass(frozen=True)
class SettingSpec:
    key: str  # the Setting row's key
    default: int
    label: str  # N_: translated where shown
    hint: str
    minimum: int
    maximum: int
    suffix: str = ""  # "working days", shown after the box
    config_key: str | None = None  # a configuration value that overrides the saved one
    # A capability's own refusal, given the value wanted: the reason, or None.
    check: Callable[[int], str | None] | None = None


CORE_SETTINGS = [
    SettingSpec("target_answer_working_days", 20, N_("Target answer time"),
                N_("How many working days we aim to take to answer what people send. Items past it go to the top "
                   "of the queue and count as late."), 1, 120, N_("working days")),
]


def all_specs() -> dict[str, SettingSpec]:
    return {spec.key: spec for spec in [*CORE_SETTINGS, *contributions().settings]}


def configured(spec: SettingSpec) -> int | None:
    """The value the server's configuration sets, if it sets one (then the screen can't)."""
    if spec.config_key and current_app.config.get(spec.config_key) is not None:
        return int(current_app.config[spec.config_key])
    return None


def setting_value(key: str) -> int:
    """A setting's value now: configuration, else the saved value, else the default."""
    spec = all_specs()[key]
    fixed = configured(spec)
    if fixed is not None:
        return fixed
    saved = cache.get_or_set("reference:settings", _read_settings, REFERENCE_SECONDS).get(key)
    try:
        return int(saved) if saved is not None else spec.default
    except ValueError:  # a hand-edited row: the default rather than a broken page
        return spec.default


def _read_settings() -> dict[str, str]:
    # All of them in one statement: a page that shows the advisory group's seats reads
    # three, and each process keeps them as it keeps the themes (portal/core/models.py).
    return dict(db.session.execute(select(Setting.key, Setting.value)).all())


def problem_with(spec: SettingSpec, typed: str) -> str | None:
    """Why `typed` cannot be saved for `spec`, or None. The reason is English (staff)."""
    text = typed.strip()
    if not text.lstrip("-").isdigit():
        return f"Enter {spec.label.lower()} as a whole number, like {spec.default}"
    value = int(text)
    if not spec.minimum <= value <= spec.maximum:
        return f"{spec.label} must be between {spec.minimum} and {spec.maximum}"
    return spec.check(value) if spec.check else None


def seed_settings() -> None:
    """A row for every setting that has none; never overwrites an admin's value."""
    for spec in all_specs().values():
        if db.session.get(Setting, spec.key) is None:
            db.session.add(Setting(key=spec.key, value=str(spec.default), description=spec.hint))
