"""axe-core accessibility checks for a Playwright (sync) page."""

from __future__ import annotations

import functools
import time
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


# With JavaScript disabled (java_script_enabled=False) evaluate() still runs, but
# Blink skips timer (and queueMicrotask) callbacks, and axe.run waits on
# setTimeout: it would hang for ever. Plain promise jobs still run. So when
# scripting is off (it shows in how <noscript> parses), before axe is loaded
# (it keeps a reference to setTimeout), swap in timers that run short delays as
# promise jobs and never fire long ones (axe's watchdogs). No page script can
# run in such a page, so nothing else sees the swap.
_NO_SCRIPT_TIMERS_JS = """
() => {
  const probe = document.createElement('div');
  probe.innerHTML = '<noscript><i></i></noscript>';
  if (probe.querySelector('noscript i') === null || window.__axeTimerShim) return false;
  const pending = new Set();
  let next = 0;
  window.setTimeout = (fn, ms = 0, ...args) => {
    const id = ++next;
    if (typeof fn === 'function' && !(ms > 50)) {
      pending.add(id);
      Promise.resolve().then(() => { if (pending.delete(id)) fn(...args); });
    }
    return id;
  };
  window.clearTimeout = (id) => { pending.delete(id); };
  window.__axeTimerShim = true;
  return true;
}
"""


def _inject(frame: Frame) -> None:
    # evaluate() runs through the DevTools protocol (Runtime.evaluate), which the
    # page's Content-Security-Policy does not govern, unlike add_script_tag's
    # inline <script>, which `script-src 'self'` blocks.
    if not frame.evaluate("() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        frame.evaluate(_NO_SCRIPT_TIMERS_JS)
        frame.evaluate(axe_source())


def axe_results(page: Page, tags: tuple[str, ...] = WCAG_TAGS, timeout: float = 30.0) -> dict[str, Any]:
    """Run axe on the whole document (injecting it into every frame); return {"violations", "url"}.

    Works with JavaScript disabled too (see _NO_SCRIPT_TIMERS_JS). Waits for the page's
    load event first: a heading can be on screen before the stylesheet has arrived (on a
    busy machine), and axe must measure the page as people see it, styled.
    """
    page.wait_for_load_state("load")
    for frame in page.frames:
        if not frame.is_detached():
            _inject(frame)
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    # Started here and polled below, so a run that never settles fails after
    # `timeout` seconds instead of blocking the suite (evaluate() has no timeout).
    page.evaluate(_START_JS, options)
    deadline = time.monotonic() + timeout
    while True:
        state = page.evaluate("() => window.__axeRun")
        if state and state.get("done"):
            if "error" in state:
                raise RuntimeError(f"axe.run failed: {state['error']}")
            page.evaluate("() => { delete window.__axeRun; }")
            return state["results"]
        if time.monotonic() > deadline:
            raise AssertionError(f"axe.run did not finish within {timeout:.0f} s on {page.url}")
        time.sleep(0.02)


_START_JS = """
(options) => {
  const run = window.__axeRun = {done: false};
  window.axe.run(document, options).then(
    (results) => { run.results = {violations: results.violations, url: results.url}; run.done = true; },
    (error) => { run.error = String(error && error.stack || error); run.done = true; });
}
"""


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
