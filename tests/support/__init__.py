"""Reusable test support for Your Place: HTML validity, accessibility, layout,
keyboard, page weight, SQL query counts, naughty strings and a headless browser.

Browser-facing modules import Playwright only for type checking, so importing
this package does not start anything.
"""

from .a11y import assert_no_axe_violations, axe_results
from .browser import CHROMIUM_ARGS, CHROMIUM_PATH, LiveServer, launch_chromium, new_phone_page
from .html_checker import HtmlChecker
from .keyboard import assert_focus_visible, tab_to
from .layout import assert_no_horizontal_scroll, assert_targets_min_size
from .naughty import naughty_strings, naughty_strings_for_field
from .paths import NODE_MODULES, REPO_ROOT
from .queries import QueryCounter, assert_max_queries, max_queries
from .weight import assert_page_weight, gzip_size, page_weight

__all__ = [
    "CHROMIUM_ARGS",
    "CHROMIUM_PATH",
    "HtmlChecker",
    "LiveServer",
    "NODE_MODULES",
    "QueryCounter",
    "REPO_ROOT",
    "assert_focus_visible",
    "assert_max_queries",
    "assert_no_axe_violations",
    "assert_no_horizontal_scroll",
    "assert_page_weight",
    "assert_targets_min_size",
    "axe_results",
    "gzip_size",
    "launch_chromium",
    "max_queries",
    "naughty_strings",
    "naughty_strings_for_field",
    "new_phone_page",
    "page_weight",
    "tab_to",
]
