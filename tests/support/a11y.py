"""axe-core accessibility checks for a Playwright (sync) page."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from .paths import AXE_JS, require_node_file

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Page

WCAG_TAGS: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")

_MAX_NODES = 8
_MAX_HTML = 200


@functools.cache
def axe_source() -> str:
    """The axe.min.js source, read once per process."""
    return require_node_file(AXE_JS, "axe-core").read_text(encoding="utf-8")


def _inject(frame: Frame) -> None:
    # evaluate() runs through the DevTools protocol (Runtime.evaluate), which the
    # page's Content-Security-Policy does not govern, unlike add_script_tag's
    # inline <script>, which `script-src 'self'` blocks.
    if not frame.evaluate("() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        frame.evaluate(axe_source())


def axe_results(page: Page, tags: tuple[str, ...] = WCAG_TAGS) -> dict[str, Any]:
    """Run axe on the whole document (injecting it into every frame) and return its results."""
    for frame in page.frames:
        if not frame.is_detached():
            _inject(frame)
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    return page.evaluate("options => window.axe.run(document, options)", options)


def _trim(text: str, limit: int = _MAX_HTML) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_violations(violations: list[dict[str, Any]]) -> str:
    """One readable block per violation: id, impact, help, then failing nodes."""
    out: list[str] = []
    for v in violations:
        nodes = v.get("nodes", [])
        out.append(f"- {v['id']} ({v.get('impact') or 'n/a'}): {v.get('help', '')} "
                   f"[{len(nodes)} node(s)] {v.get('helpUrl', '')}")
        for node in nodes[:_MAX_NODES]:
            out.append(f"    target: {' '.join(map(str, node.get('target', [])))}")
            out.append(f"      html: {_trim(node.get('html', ''))}")
            summary = node.get("failureSummary")
            if summary:
                out.append(f"      why:  {_trim(summary, 300)}")
        if len(nodes) > _MAX_NODES:
            out.append(f"    … and {len(nodes) - _MAX_NODES} more node(s)")
    return "\n".join(out)


def assert_no_axe_violations(page: Page, where: str = "") -> None:
    """Fail listing every WCAG 2.0/2.1/2.2 A and AA violation axe finds on ``page``."""
    violations = axe_results(page)["violations"]
    if violations:
        label = where or page.url
        raise AssertionError(
            f"{len(violations)} axe violation(s) on {label}:\n{format_violations(violations)}"
        )
