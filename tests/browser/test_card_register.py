"""The card's *Register as visitor* form in a real browser, against a stand-in for Home Assistant.

No demo: the card's own files are served to a blank page, and a `hass` object answers its
websocket calls (the subscription, `call_service`). What is checked is the card's own logic: the
row being registered stays in the card that shows that recognition, and in no other card of the
page (a dashboard with one card per camera).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from playwright.async_api import Browser, Page, Route
import pytest

SE5 = Path(__file__).resolve().parents[2] / "custom_components" / "se5"
ORIGIN = "http://127.0.0.1:9"
"""Never connected to: every request of the page is answered by the routes below."""
LABELS = {
    "card_title": "Recognitions",
    "card_register": "Register as visitor",
    "card_register_name": "Name",
    "card_register_until": "Until",
    "card_register_done": "Registered",
    "stranger": "Stranger",
    "kinds": {"stranger": "Stranger", "vip": "VIP"},
}
FACE = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
    "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
PAGE = """<!doctype html><html><body><script type="module">
import "/se5/se5-recognitions-card.js?v=test";
window.subscriptions = {};
window.calls = [];
const timeZone = new URLSearchParams(location.search).get("tz") || undefined;
function hassFor(card) {
  return {
    language: "en",
    user: { is_admin: true },
    config: { time_zone: timeZone },
    connection: {
      subscribeMessage: async (callback, message) => {
        window.subscriptions[card] = { callback, message };
        return async () => undefined;
      },
    },
    callWS: async (message) => {
      window.calls.push(message);
      return { response: { identity_id: "ha-visitor-1" } };
    },
  };
}
for (const [id, camera] of [["front", "device-front"], ["back", "device-back"]]) {
  const card = document.createElement("se5-recognitions-card");
  card.id = id;
  card.setConfig({ cameras: [camera] });
  document.body.appendChild(card);
  card.hass = hassFor(id);
}
</script></body></html>"""


def recognition(number: int, device: str, kind: str = "vip") -> dict[str, Any]:
    return {
        "id": f"r{number}",
        "entry_id": "entry",
        "device_id": device,
        "camera": device,
        "identity_name": "" if kind == "stranger" else f"Person {number}",
        "person_type": kind,
        "score": 0.9,
        "timestamp": f"2030-01-01T00:00:{number:02d}+00:00",
        "live": True,
        "face_url": FACE,
    }


async def _serve(route: Route) -> None:
    path = route.request.url.removeprefix(ORIGIN).split("?", 1)[0]
    if path in ("/", "/index.html"):
        await route.fulfill(body=PAGE, content_type="text/html")
    elif path.startswith("/se5/") and (file := SE5 / "frontend" / path[5:]).is_file():
        await route.fulfill(body=file.read_bytes(), content_type="text/javascript")
    else:
        await route.fulfill(status=404)


async def _send(page: Page, card: str, event: dict[str, Any]) -> None:
    await page.evaluate(
        "([card, event]) => window.subscriptions[card].callback(event)", [card, event]
    )


@pytest.fixture
async def utc_page(browser: Browser) -> AsyncIterator[Page]:
    """A page whose clock reads UTC (the browser's zone), whatever the machine's."""
    context = await browser.new_context(timezone_id="UTC", service_workers="block")
    page = await context.new_page()
    await page.route(f"{ORIGIN}/**", _serve)
    yield page
    await context.close()


async def test_the_row_being_registered_stays_in_its_own_card_only(page: Page) -> None:
    await page.route(f"{ORIGIN}/**", _serve)
    await page.goto(f"{ORIGIN}/")
    await page.wait_for_function("Object.keys(window.subscriptions).length === 2")
    front, back = page.locator("#front"), page.locator("#back")
    stranger = recognition(1, "device-front", "stranger")
    await _send(page, "front", {"recognitions": [stranger], "labels": LABELS})
    await _send(page, "back", {"recognitions": [recognition(2, "device-back")], "labels": LABELS})

    await front.locator(f'li[data-id="{stranger["id"]}"] button.register').click()
    form = front.locator(f'li.register-row[data-for="{stranger["id"]}"] form')
    await form.wait_for()
    # Newer recognitions push the stranger out of the front card's list: its form stays there.
    for number in (3, 4, 5, 6, 7, 8):
        await _send(page, "front", {"recognition": recognition(number, "device-front")})
    await form.wait_for()
    # The back card shows another camera: never this stranger, nor the form.
    await _send(page, "back", {"recognition": recognition(9, "device-back")})
    assert await back.locator("li.register-row").count() == 0
    assert await back.locator(f'li[data-id="{stranger["id"]}"]').count() == 0

    await form.locator('input[name="name"]').fill("Ada")
    await form.locator('button[type="submit"]').click()
    status = front.locator(f'li.register-row[data-for="{stranger["id"]}"] .register-status')
    await status.wait_for()
    assert (await status.inner_text()).startswith("Registered: Ada (ha-visitor-1)")
    assert await back.locator("li.register-row").count() == 0  # every card rendered again
    calls = await page.evaluate("window.calls")
    assert len(calls) == 1
    call = calls[0]
    assert (call["type"], call["domain"], call["service"], call["return_response"]) == (
        "call_service",
        "se5",
        "register_person",
        True,
    )
    data = call["service_data"]
    assert {k: data[k] for k in ("config_entry_id", "name", "person_type", "recognition_id")} == {
        "config_entry_id": "entry",
        "name": "Ada",
        "person_type": "visitor",
        "recognition_id": stranger["id"],
    }
    assert data["valid_until"].endswith(" 23:59:00"), json.dumps(data)


async def test_until_tonight_is_tonight_in_home_assistants_zone(utc_page: Page) -> None:
    """Home Assistant reads a time without a zone in its own zone: "today" is its day, not the
    browser's (a phone abroad). The zone is picked so that its date is not the browser's now."""
    page = utc_page
    now = datetime.now(UTC)
    zone = "Etc/GMT-14" if now.hour >= 10 else "Etc/GMT+12"  # UTC+14 / UTC-12: another day
    await page.goto(f"{ORIGIN}/index.html?tz={quote(zone)}")
    await page.wait_for_function("Object.keys(window.subscriptions).length === 2")
    front = page.locator("#front")
    stranger = recognition(1, "device-front", "stranger")
    await _send(page, "front", {"recognitions": [stranger], "labels": LABELS})
    await front.locator(f'li[data-id="{stranger["id"]}"] button.register').click()
    form = front.locator(f'li.register-row[data-for="{stranger["id"]}"] form')
    await form.locator('input[name="name"]').fill("Ada")
    await form.locator('button[type="submit"]').click()
    await page.wait_for_function("window.calls.length === 1")
    call = (await page.evaluate("window.calls"))[0]
    there = datetime.now(ZoneInfo(zone))
    day = there.date() if (there.hour, there.minute) < (23, 59) else there.date() + timedelta(1)
    assert call["service_data"]["valid_until"] == f"{day.isoformat()} 23:59:00"
