"""From the live card, in a real browser: a stranger is registered as a visitor and then
recognised by name.

The ready demo (Home Assistant and the simulated box as processes, a recognition every 2 s). Its
owner is an administrator, so the card offers *Register as visitor* on a stranger's row: a name
and a time, and the stranger's own face is registered on the box (`se5.register_person`). The
simulated box recognises registered faces: the visitor, walking in, is recognised by name, and
the card shows it.
"""

from __future__ import annotations

import time

from playwright.async_api import Page, TimeoutError as PlaywrightTimeoutError
import pytest

from tests.browser import harness
from tests.e2e.demo import Demo

CARD = "se5-recognitions-card"
NAME = "Visitor Ada"


@pytest.mark.timeout(900)
async def test_a_stranger_registered_from_the_card_is_recognised_by_name(
    ready_page: Page, ready_demo: Demo
) -> None:
    await _register_from_the_card(ready_page, ready_demo)


async def _register_from_the_card(page: Page, demo: Demo) -> None:
    # Logged in, the demo's dashboard is open, with the live card.
    await page.locator("hui-view").first.wait_for()
    card = page.locator(CARD).first
    await card.locator("ha-card").wait_for()
    # A stranger passes (about one recognition in three): their row offers the button.
    button = card.locator('li[data-kind="stranger"] button.register').first
    await button.wait_for(timeout=180_000)
    stranger_id = await button.evaluate("b => b.closest('li').dataset.id")
    form = card.locator(f'li.register-row[data-for="{stranger_id}"] form')
    # Rows move down as recognitions arrive (one every 2 s): a click can land on the row that
    # took the button's place. Click that stranger's own button until its form is open.
    own_button = card.locator(f'li[data-id="{stranger_id}"] button.register')
    for _attempt in range(5):
        await own_button.click()
        try:
            await form.wait_for(timeout=5000)
            break
        except PlaywrightTimeoutError:
            continue
    await form.wait_for()
    name = form.locator('input[name="name"]')
    await name.fill(NAME)
    assert await form.locator('input[name="until"]').input_value() == "23:59"
    await harness.screenshot(page, "visitor-01-register-form")
    await form.locator('button[type="submit"]').click()
    status = card.locator(f'li.register-row[data-for="{stranger_id}"] .register-status')
    await status.wait_for()
    text = await status.inner_text()
    assert text.startswith(f"Registered: {NAME} ("), text
    await harness.screenshot(page, "visitor-02-registered")

    # The visitor walks in: the box recognises them by name, as a visitor.
    row = card.locator('li[data-kind="visitor"]').filter(has_text=NAME).first
    deadline = time.monotonic() + 60
    await row.wait_for(timeout=max(deadline - time.monotonic(), 1) * 1000)
    await harness.wait_image_loaded(row.locator("img.face"))
    await harness.screenshot(page, "visitor-03-recognised-by-name")
    assert demo.error_lines() == [], demo.tail()
