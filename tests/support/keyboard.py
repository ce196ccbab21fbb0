"""Keyboard-only journeys in Chromium: move with Tab and Shift-Tab, and check on every stop
that the focused element shows a visible focus ring and that no page is wider than the window.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from tests.support.browser import context_new

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

MAX_TABS = 80
# What has the focus, whether it shows a ring (an outline at least 2 px wide, or a box
# shadow), and whether it matches the CSS selector passed in.
FOCUS = """(selector) => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  // A tile of the SVG map shows its focus as a thick border on its tile instead.
  const tile = el.closest('svg') && el.querySelector('rect');
  const ring = tile ? parseFloat(getComputedStyle(tile).strokeWidth) >= 3
    : (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
      || style.boxShadow !== 'none';
  return {id: el.id, href: el.getAttribute('href'), ring: ring,
          match: selector ? el.matches(selector) : false,
          text: (el.textContent || '').trim().slice(0, 60)};
}"""
FITS = "document.documentElement.scrollWidth <= window.innerWidth"
# The innermost elements that reach past the window's right edge, or whose text does
# (to name what overflows).
WIDEST = """() => Array.from(document.querySelectorAll('body *'))
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
    || (getComputedStyle(el).overflowX === 'visible'
        && el.getBoundingClientRect().left + el.scrollWidth > window.innerWidth + 1))
  .filter(el => !Array.from(el.children).some(
    c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5).map(el => el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className)"""


def fits(page: Page) -> None:
    """Fail, naming what overflows, when the page is wider than the window."""
    assert page.evaluate(FITS), f"wider than the window: {page.url}: {page.evaluate(WIDEST)}"


def tab_to(
    page: Page, *, element_id: str = "", href: str = "", selector: str = "", back: bool = False
) -> dict[str, Any]:
    """Press Tab (Shift-Tab if ``back``) until the element with ``element_id``, ``href`` or
    matching ``selector`` has the focus; every element passed on the way must show its
    focus ring. Return what has the focus."""
    key = "Shift+Tab" if back else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUS, selector)
        if focused is None:
            continue
        assert focused["ring"], f"no visible focus on {focused} at {page.url}"
        if (
            (element_id and focused["id"] == element_id)
            or (href and focused["href"] == href)
            or focused["match"]
        ):
            return dict(focused)
    raise AssertionError(f"{key} never reached {element_id or href or selector} on {page.url}")


@contextmanager
def keyboard_page(browser: Browser, base: str, language: str, width: int) -> Iterator[Page]:
    """Yield a fresh page in ``language`` (the portal's language cookie) at ``width`` px,
    closed afterwards; an assertion failing on it names the language and the width."""
    context = context_new(browser, phone=width == 390)
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    try:
        yield page
    except AssertionError as exc:
        raise AssertionError(f"{language} at {width} px: {exc}") from exc
    finally:
        context.close()
