"""Keyboard navigation helpers (WCAG 2.1.1, 2.4.3, 2.4.7)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

_ACTIVE_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return '(body)';
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  if (el.classList.length) s += '.' + [...el.classList].slice(0, 2).join('.');
  const label = (el.getAttribute('aria-label') || el.getAttribute('name') || el.textContent || '')
    .replace(/\\s+/g, ' ').trim().slice(0, 40);
  const href = el.getAttribute('href');
  return s + (label ? ` "${label}"` : '') + (href ? ` -> ${href}` : '');
}
"""


def tab_to(page: Page, locator: Locator, max_tabs: int = 60) -> int:
    """Press Tab until ``locator`` has focus; return how many presses it took.

    Fails listing everything that received focus on the way if it is never reached.
    """
    handle = locator.element_handle(timeout=5000)
    try:
        seen: list[str] = []
        for presses in range(max_tabs + 1):
            if handle.evaluate("el => el.matches(':focus')"):
                return presses
            if presses == max_tabs:
                break
            page.keyboard.press("Tab")
            seen.append(page.evaluate(_ACTIVE_JS))
    finally:
        handle.dispose()
    order = "\n".join(f"  {i + 1:2d}. {s}" for i, s in enumerate(seen))
    raise AssertionError(f"{locator} never received focus after {max_tabs} Tab presses. Focus went to:\n{order}")


# Snapshots the focused element (and the places a focus style is often drawn
# instead: pseudo-elements, its labels, next sibling and parent, e.g. GOV.UK
# radios/checkboxes draw the ring on label::before), blurs it, snapshots again,
# then gives focus back so keyboard navigation continues from it.
_FOCUS_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return {error: 'nothing has focus'};
  const PROPS = ['outline-style', 'outline-width', 'outline-color', 'outline-offset', 'box-shadow',
    'background-color', 'background-image',
    'border-top-color', 'border-right-color', 'border-bottom-color', 'border-left-color',
    'border-top-width', 'border-right-width', 'border-bottom-width', 'border-left-width'];
  const targets = [];
  const add = (node, name) => {
    if (!node) return;
    for (const pseudo of [null, '::before', '::after']) targets.push([node, pseudo, name + (pseudo || '')]);
  };
  add(el, 'element');
  for (const label of (el.labels || [])) add(label, 'label');
  add(el.nextElementSibling, 'next sibling');
  add(el.parentElement, 'parent');
  // Transitions would otherwise be caught half-way.
  const settle = () => {
    for (const a of document.getAnimations()) { try { a.finish(); } catch (e) { /* infinite */ } }
  };
  const snap = () => {
    settle();
    return targets.map(([node, pseudo]) => {
      const cs = getComputedStyle(node, pseudo);
      return Object.fromEntries(PROPS.map((p) => [p, cs.getPropertyValue(p)]));
    });
  };
  const focusVisible = el.matches(':focus-visible');
  const focused = snap();
  el.blur();
  const blurred = snap();
  el.focus();
  const transparent = (c) => c === 'transparent' || /^rgba\\(.*,\\s*0\\)$/.test(c);
  const changes = [];
  targets.forEach(([, , name], i) => {
    const f = focused[i], b = blurred[i];
    const outlineChanged = ['outline-style', 'outline-width', 'outline-color', 'outline-offset']
      .some((p) => f[p] !== b[p]);
    if (outlineChanged && f['outline-style'] !== 'none' && parseFloat(f['outline-width']) > 0
        && !transparent(f['outline-color'])) {
      changes.push(`${name}: outline ${f['outline-style']} ${f['outline-width']} ${f['outline-color']}`);
    }
    if (f['box-shadow'] !== b['box-shadow'] && f['box-shadow'] !== 'none') {
      changes.push(`${name}: box-shadow ${f['box-shadow']}`);
    }
    for (const p of ['background-color', 'background-image']) {
      if (f[p] !== b[p]) changes.push(`${name}: ${p} ${b[p]} -> ${f[p]}`);
    }
    for (const p of PROPS.filter((q) => q.startsWith('border-'))) {
      if (f[p] !== b[p]) changes.push(`${name}: ${p} ${b[p]} -> ${f[p]}`);
    }
  });
  return {changes, focusVisible, element: el.outerHTML.slice(0, 160).replace(/\\s+/g, ' ')};
}
"""


def assert_focus_visible(page: Page, where: str = "") -> list[str]:
    """Fail unless the focused element looks different from its blurred self.

    Counts an outline, box-shadow, background or border change on the element,
    its ::before/::after, its labels, next sibling or parent. Returns the changes.
    """
    result: dict[str, Any] = page.evaluate(_FOCUS_JS)
    label = where or page.url
    if "error" in result:
        raise AssertionError(f"{label}: {result['error']}")
    if not result["changes"]:
        raise AssertionError(
            f"{label}: no visible focus indicator (outline, box-shadow, background or border "
            f"change) on {result['element']}"
            + ("" if result["focusVisible"] else " (note: it did not match :focus-visible)")
        )
    return list(result["changes"])
