"""Layout checks in a real browser: reflow at 320 CSS px and target size (WCAG 1.4.10, 2.5.8)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

REFLOW_WIDTH = 320

_DESCRIBE_JS = """
const describe = (el) => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  if (el.classList.length) s += '.' + [...el.classList].slice(0, 3).join('.');
  const label = (el.getAttribute('aria-label') || el.getAttribute('name') || el.textContent || '')
    .replace(/\\s+/g, ' ').trim().slice(0, 40);
  return label ? `${s} "${label}"` : s;
};
"""

# Elements sticking out of [0, width], skipping visually-hidden ones and those
# clipped by an ancestor that itself fits (e.g. a table in an overflow-x:auto box).
_OVERFLOW_JS = """
(limit) => {
""" + _DESCRIBE_JS + """
  const root = document.documentElement;
  const width = Math.min(limit, root.clientWidth);
  const fitsInAncestorClip = (el) => {
    for (let a = el.parentElement; a && a !== document.body && a !== root; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') {
        const r = a.getBoundingClientRect();
        if (r.left + scrollX >= -1 && r.right + scrollX <= width + 1) return true;
      }
    }
    return false;
  };
  const inFixed = (el) => {
    for (let a = el; a && a !== root; a = a.parentElement) {
      if (getComputedStyle(a).position === 'fixed') return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body ? document.body.querySelectorAll('*') : []) {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility !== 'visible') continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1) continue;
    const fixed = inFixed(el);
    const left = fixed ? r.left : r.left + scrollX;
    const right = fixed ? r.right : r.right + scrollX;
    if (right <= width + 1 && left >= -1) continue;
    // Wholly off-screen (an off-canvas panel): not a reflow problem.
    if (right <= 0 || left >= width) continue;
    if (fitsInAncestorClip(el)) continue;
    out.push({what: describe(el), left: Math.round(left), right: Math.round(right),
              width: Math.round(r.width), fixed,
              html: el.outerHTML.slice(0, 160).replace(/\\s+/g, ' ')});
  }
  out.sort((a, b) => b.width - a.width);
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, offenders: out};
}
"""


def _format_offenders(offenders: list[dict[str, Any]], limit: int = 10) -> str:
    lines = []
    for o in offenders[:limit]:
        kind = " (position: fixed)" if o["fixed"] else ""
        lines.append(f"  {o['what']}{kind}: x {o['left']}..{o['right']} (width {o['width']}px)\n"
                     f"      {o['html']}")
    if len(offenders) > limit:
        lines.append(f"  … and {len(offenders) - limit} more")
    return "\n".join(lines)


def assert_no_horizontal_scroll(page: Page, where: str = "") -> None:
    """At 320 CSS px wide, fail if the page scrolls sideways or a fixed element is cut off.

    The viewport height is kept and the previous viewport restored afterwards.
    """
    prev = page.viewport_size
    height = prev["height"] if prev else int(page.evaluate("() => window.innerHeight"))
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": height})
    try:
        result = page.evaluate(_OVERFLOW_JS, REFLOW_WIDTH)
    finally:
        if prev:
            page.set_viewport_size(prev)
    label = where or page.url
    if result["scrollWidth"] > REFLOW_WIDTH:
        hint = ""
        if result["clientWidth"] > REFLOW_WIDTH:
            hint = ("\n  (the layout viewport is wider than the window: is "
                    '<meta name="viewport" content="width=device-width, initial-scale=1"> missing?)')
        raise AssertionError(
            f"{label} scrolls horizontally at {REFLOW_WIDTH}px: "
            f"document.documentElement.scrollWidth = {result['scrollWidth']}{hint}\n"
            f"Widest elements reaching past the edge:\n{_format_offenders(result['offenders'])}"
        )
    # With no sideways scroll, whatever still reaches past an edge (fixed-position
    # content, negative offsets, clipping by html/body) cannot be scrolled into view.
    cut_off = result["offenders"]
    if cut_off:
        raise AssertionError(
            f"{label} cuts off content at {REFLOW_WIDTH}px (it cannot be scrolled into view):\n"
            f"{_format_offenders(cut_off)}"
        )


_TARGETS_JS = """
(minPx) => {
""" + _DESCRIBE_JS + """
  const SELECTOR = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  // Block containers in which a link can sit inside running text.
  const TEXT_CONTAINERS = new Set(['P', 'LI', 'DD', 'DT', 'TD', 'TH', 'FIGCAPTION', 'BLOCKQUOTE', 'CAPTION']);
  const TARGETS = 'a[href], button, input, select, textarea, summary';
  const eps = 0.01;
  const visible = (el) => {
    if (!el.checkVisibility({visibilityProperty: true})) return false;
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1;  // 1px boxes are the visually-hidden pattern
  };
  const bigEnough = (el) => {
    const r = el.getBoundingClientRect();
    return r.width >= minPx - eps && r.height >= minPx - eps;
  };
  // WCAG 2.5.8 "inline" exception: an inline link whose only block ancestor up to a
  // text container is that container, which has words of its own besides targets.
  const inSentence = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    let c = el.parentElement;
    while (c && !TEXT_CONTAINERS.has(c.tagName)) {
      if (getComputedStyle(c).display !== 'inline') return false;
      c = c.parentElement;
    }
    if (!c) return false;
    const walker = document.createTreeWalker(c, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const owner = t.parentElement && t.parentElement.closest(TARGETS);
      if (owner && c.contains(owner)) continue;
      if (/[\\p{L}\\p{N}]/u.test(t.data)) return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.querySelectorAll(SELECTOR)) {
    if (!visible(el) || el.matches(':disabled')) continue;
    if (bigEnough(el)) continue;
    // "Equivalent" exception: a visible label of adequate size operates the same control.
    if (el.labels && [...el.labels].some((l) => visible(l) && bigEnough(l))) continue;
    if (inSentence(el)) continue;
    const r = el.getBoundingClientRect();
    out.push({what: describe(el), w: Math.round(r.width * 10) / 10, h: Math.round(r.height * 10) / 10,
              x: Math.round(r.left + scrollX), y: Math.round(r.top + scrollY)});
  }
  return out;
}
"""


def assert_targets_min_size(page: Page, min_px: int = 24, where: str = "") -> None:
    """Every visible link, button, input, select, textarea and summary is at least min_px square.

    Exceptions (WCAG 2.5.8): an inline link inside a sentence (text in a p, li,
    dd, dt, td, th, figcaption, blockquote or caption beside it), a control whose
    visible label is big enough, disabled controls, and visually-hidden (≤1px)
    ones. The spacing exception is not applied here (axe's target-size rule,
    run by assert_no_axe_violations, applies it).
    """
    offenders = page.evaluate(_TARGETS_JS, min_px)
    if offenders:
        lines = [f"  {o['what']}: {o['w']}×{o['h']}px at ({o['x']}, {o['y']})" for o in offenders[:30]]
        if len(offenders) > 30:
            lines.append(f"  … and {len(offenders) - 30} more")
        raise AssertionError(
            f"{len(offenders)} target(s) smaller than {min_px}×{min_px}px on {where or page.url}:\n"
            + "\n".join(lines)
        )


def check_screen(page, html_checker, where: str) -> None:
    """The checks every screen of a journey gets: axe-core, the Nu Html Checker, and no
    sideways scrolling at 320 px (the viewport goes back to the phone's 360 px)."""
    from tests.support.a11y import assert_no_axe_violations

    assert_no_axe_violations(page, where)
    html_checker.assert_valid(page.content(), where)
    page.set_viewport_size({"width": 320, "height": 740})
    assert_no_horizontal_scroll(page, where)
    page.set_viewport_size({"width": 360, "height": 740})
