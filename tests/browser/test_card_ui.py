"""The SE5 recognitions card and the media browser in a real browser (Chromium, Playwright).

The ready demo (Home Assistant and the simulated box as processes, a recognition every 2 s):
the card is offered in the card picker without any resource step, its visual editor shows the
integration's words, and once on the dashboard it shows each new recognition with its face and
name (how long each took after the recognition reached Home Assistant is printed, not asserted:
speed is the benchmarks' business). The media browser lists the box, its
cameras and their recent recognitions with their faces. Screenshots for the README are written
to `SE5_README_SCREENSHOTS` when set (docs/screenshots), else next to the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
import contextlib
import json
import os
from pathlib import Path
import re
import time
from typing import Any

import aiohttp
from PIL import Image
from playwright.async_api import Locator, Page
import pytest

from tests.browser import harness
from tests.e2e.demo import Demo, WebSocket

SE5 = Path(__file__).resolve().parents[2] / "custom_components" / "se5"
COMMON = json.loads((SE5 / "translations" / "en.json").read_text(encoding="utf-8"))["common"]
CARD = "se5-recognitions-card"
SHOWN_WITHIN_S = 30.0
"""A generous bound for a recognition to show on the card: beyond it, it is not shown."""


def _shot_path(name: str) -> Path:
    folder = os.environ.get("SE5_README_SCREENSHOTS")
    return Path(folder) / f"{name}.png" if folder else harness.screenshot_dir() / f"{name}.png"


async def _screenshot(target: Page | Locator, name: str) -> None:
    """A screenshot for the README: 128 colours, so that it stays small in the repository."""
    path = _shot_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    await target.screenshot(path=str(path))
    with Image.open(path) as shot:
        small = shot.convert("RGB").quantize(colors=128, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


class Se5Events:
    """`se5_event`s as Home Assistant fires them, with the time each reached this test.

    A failure of the listener (an assertion on the socket's answers, the socket closing) is
    raised where the test waits, as itself.
    """

    def __init__(self, demo: Demo) -> None:
        self.demo = demo
        self._queue: asyncio.Queue[tuple[float, dict[str, Any]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def __aenter__(self) -> Se5Events:
        self._task = asyncio.create_task(self._listen())
        await self._until(self._ready.wait(), 30, "the subscription to se5_event")
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _listen(self) -> None:
        token = self.demo.owner()["token"]
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(f"{self.demo.url}/api/websocket") as ws,
        ):
            await ws.receive_json()
            await ws.send_json({"type": "auth", "access_token": token})
            assert (await ws.receive_json())["type"] == "auth_ok"
            await ws.send_json({"id": 1, "type": "subscribe_events", "event_type": "se5_event"})
            assert (await ws.receive_json())["success"]
            self._ready.set()
            async for message in ws:
                data = json.loads(message.data)
                if data.get("type") == "event":
                    self._queue.put_nowait((time.monotonic(), data["event"]["data"]))

    async def next(self, timeout: float = 60) -> tuple[float, dict[str, Any]]:
        """The next event (in the order received) and when it was received."""
        return await self._until(self._queue.get(), timeout, "se5_event (recognition)")

    async def _until[T](self, awaitable: Awaitable[T], timeout: float, what: str) -> T:
        """What `awaitable` gives; the listener's failure if it ends first; a timeout failure."""
        assert self._task is not None
        waiting = asyncio.ensure_future(awaitable)
        try:
            await asyncio.wait(
                {waiting, self._task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            if not waiting.done():
                waiting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiting
        if waiting.done() and not waiting.cancelled():
            return waiting.result()
        if self._task.done():
            self._task.result()  # the listener's own failure, raised as itself
            raise AssertionError(f"the event socket closed while waiting for {what}")
        raise AssertionError(f"no {what} within {timeout:g} s")


async def _add_card_through_the_picker(page: Page, demo: Demo) -> None:
    """Edit the dashboard, find the card in the picker, open its editor, save it."""
    await page.goto(f"{demo.url}/{demo.dashboard()}/faces?edit=1")
    await page.get_by_role("button", name="Add card").first.click()
    # 2026.10 opens on "By entity"; 2025.4 on "By card".
    by_card = page.get_by_role("tab", name="By card").or_(page.get_by_text("By card", exact=True))
    await by_card.first.click()
    await page.locator("hui-card-picker").wait_for()
    await harness.screenshot(page, "card-picker-opened")
    # 2025.4: a text field labelled "Search cards"; 2026.10: a search input with a placeholder.
    search = page.locator("hui-card-picker").locator("input").first
    await search.fill("SE5")
    title = page.locator("hui-card-picker").get_by_text("SE5 recognitions", exact=True)
    await title.first.wait_for()
    # Its preview is the card itself, live.
    picker_card = page.locator("hui-card-picker .card").filter(has_text="SE5 recognitions")
    await picker_card.locator(f"{CARD} li").first.wait_for()
    await harness.screenshot(page, "card-picker")
    await picker_card.first.click()
    # The visual editor: Home Assistant's form with the integration's words.
    editor = page.locator("se5-recognitions-card-editor")
    await editor.get_by_text(COMMON["editor_limit"]).first.wait_for()
    await editor.get_by_text(COMMON["editor_person_types"]).first.wait_for()
    await page.get_by_role("button", name="Save").click()
    await page.get_by_role("button", name="Done").click()


async def _login(page: Page, demo: Demo) -> None:
    """Log in as the demo's owner; until the app (its sidebar) shows, on both releases."""
    owner = demo.owner()
    await page.goto(demo.url)
    await page.locator('input[name="username"]').fill(owner["username"])
    await page.locator('input[name="password"]').fill(owner["password"])
    await page.keyboard.press("Enter")
    await page.locator("ha-sidebar").wait_for()
    await page.locator("hui-view").first.wait_for()


@pytest.mark.timeout(900)
async def test_card_in_the_picker_and_live_faces(page: Page, ready_demo: Demo) -> None:
    await _card_in_the_picker_and_live_faces(page, ready_demo)


async def _card_in_the_picker_and_live_faces(page: Page, ready_demo: Demo) -> None:
    await _login(page, ready_demo)
    # Registered by the integration itself: the picker knows it on first load.
    assert await page.evaluate(
        f"(window.customCards || []).some(card => card.type === '{CARD}')"
    ), "the card is not registered in window.customCards"
    await _add_card_through_the_picker(page, ready_demo)
    card = page.locator(f"hui-card > {CARD}, {CARD}").first
    await card.wait_for()
    await card.locator("ha-card").wait_for()

    async with Se5Events(ready_demo) as events:
        latencies = []
        for _ in range(3):
            arrived, data = await events.next()
            record_id = data["face_url"].split("/")[-2]
            row = card.locator(f'li[data-id="{record_id}"]')
            face = row.locator("img.face")
            deadline = arrived + SHOWN_WITHIN_S
            await row.wait_for(timeout=max(deadline - time.monotonic(), 0.001) * 1000)
            await harness.wait_image_loaded(face, timeout_s=max(deadline - time.monotonic(), 0))
            latencies.append(time.monotonic() - arrived)
            name = (await row.locator(".name").inner_text()).strip()
            if data["person_type"] == "stranger":
                assert name.startswith("Stranger"), name
            else:
                assert name.startswith(data["identity_name"]), (name, data["identity_name"])
            assert data["device_name"] in await row.locator(".meta").inner_text()
        # Measured, not asserted (a loaded machine is slower): shown with `pytest -s`.
        print(f"\ncard latencies after se5_event: {[round(x, 3) for x in latencies]} s")

    # Newest first, each with its own face, a Chinese name shown as such once one was seen.
    rows = card.locator("li")
    await rows.nth(2).wait_for()  # at least three
    await _screenshot(card, "card")

    # The media browser: SE5 recognitions → the box → a camera with recognitions.
    async with aiohttp.ClientSession() as session:
        token = ready_demo.owner()["token"]
        async with WebSocket(session, ready_demo.url, token) as ws:
            entries = await ws.call("config_entries/get", domain="se5")
    box_title = entries[0]["title"]
    await page.goto(f"{ready_demo.url}/media-browser/browser")
    browser = page.locator("ha-media-player-browse")

    def shown(text: str | re.Pattern[str]) -> Locator:
        """An item of the browser (a grid card or a list row) showing `text`."""
        items = browser.locator(".child, ha-list-item, mwc-list-item").filter(visible=True)
        return items.filter(has_text=text).first

    await shown(COMMON["media_source_title"]).click()
    await shown(box_title).click()
    busy = shown(re.compile(r"\([1-9]\d*\)"))  # a camera with recognitions
    await busy.wait_for()
    await harness.screenshot(page, "media-browser-cameras")
    await busy.click()
    await shown(re.compile(r" · \d{4}-\d{2}-\d{2} ")).wait_for()
    await browser.locator("ha-media-browser-thumbnail, .image").first.wait_for()
    await page.wait_for_timeout(1000)  # the thumbnails are fetched with the user's login
    await page.mouse.move(0, 0)  # no tooltip in the picture
    await _screenshot(page, "media-browser")
    assert ready_demo.error_lines() == [], ready_demo.tail()
