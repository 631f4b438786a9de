"""The demo in a real browser: what a user sees in the first five minutes.

(a) The ready demo: after logging in with the printed credentials, the landing dashboard shows
    each camera's last face once the simulated box recognizes someone, with the person's name;
    the general settings show the demo's name and metric units.
(b) By hand: onboarding in the UI, then Add integration with a wrong port first (its error is
    shown in the form), the right one, the devices picked, and the devices listed.
Screenshots of each step are kept (tests/browser/harness.py says where).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import json
from pathlib import Path
import re
import time

import aiohttp
from playwright.async_api import Page
import pytest

from tests.browser import harness
from tests.e2e.demo import Demo, free_port

SE5 = Path(__file__).resolve().parents[2] / "custom_components" / "se5"
TRANSLATIONS = SE5 / "translations" / "en.json"
MANIFEST = json.loads((SE5 / "manifest.json").read_text(encoding="utf-8"))


def _strings() -> dict[str, object]:
    return dict(json.loads(TRANSLATIONS.read_text(encoding="utf-8"))["config"])


async def _state(demo: Demo, entity_id: str) -> str:
    headers = {"Authorization": f"Bearer {demo.owner()['token']}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{demo.url}/api/states/{entity_id}", headers=headers) as reply,
    ):
        assert reply.status == 200, await reply.text()
        return str((await reply.json())["state"])


async def _camera_slugs(demo: Demo) -> list[str]:
    headers = {"Authorization": f"Bearer {demo.owner()['token']}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{demo.url}/api/states", headers=headers) as reply,
    ):
        states = await reply.json()
    return [
        s["entity_id"].removeprefix("camera.").removesuffix("_last_face")
        for s in states
        if s["entity_id"].startswith("camera.") and s["entity_id"].endswith("_last_face")
    ]


async def _has_image(demo: Demo, camera: str) -> bool:
    headers = {"Authorization": f"Bearer {demo.owner()['token']}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{demo.url}/api/camera_proxy/{camera}", headers=headers) as reply,
    ):
        return reply.status == 200


@pytest.mark.timeout(900)
async def test_ready_demo_shows_faces_on_the_dashboard(ready_page: Page, ready_demo: Demo) -> None:
    page = ready_page
    # The landing page is the demo's dashboard: one face card per camera.
    cards = page.locator("hui-picture-entity-card")
    await cards.first.wait_for()
    assert await cards.count() == ready_demo.devices
    await harness.screenshot(page, "ready-01-dashboard-opened")

    # A recognition of the simulated box puts a face on its camera's card within seconds (the
    # frontend fetches camera pictures every 10 s).
    faces = [f"camera.{n}_last_face" for n in await _camera_slugs(ready_demo)]
    deadline = time.monotonic() + 120
    while not [f for f in faces if await _has_image(ready_demo, f)]:
        assert time.monotonic() < deadline, "the simulated box recognized nobody"
        await asyncio.sleep(0.2)
    images = page.locator("hui-picture-entity-card img")
    deadline = time.monotonic() + 30
    while not await images.evaluate_all("all => all.filter(i => i.naturalWidth > 0).length"):
        assert time.monotonic() < deadline, "no face shown on the dashboard"
        await asyncio.sleep(0.2)
    await harness.screenshot(page, "ready-02-dashboard-faces")

    # The person each recognizing camera saw is named on the dashboard, as Home Assistant has it.
    seen = [f for f in faces if await _has_image(ready_demo, f)]
    person_sensor = seen[0].replace("camera.", "sensor.").replace("_last_face", "_last_person")
    deadline = time.monotonic() + 30
    while True:  # the simulator keeps recognizing: compare one moment's state and page
        state = await _state(ready_demo, person_sensor)
        # Text locators look into shadow roots; not exact: case-insensitive ("stranger" is
        # shown translated, "Stranger").
        if await page.locator("hui-entities-card").get_by_text(state).count():
            break
        assert time.monotonic() < deadline, f"{person_sensor} = {state} not shown"
        await asyncio.sleep(0.3)

    # The demo's name and units, as the UI shows them.
    await page.goto(f"{ready_demo.url}/config/general")
    name = harness.field(page, "Name")
    await name.wait_for()
    assert await name.input_value() == "SE5 demo"
    units = await page.get_by_role("radiogroup").first.aria_snapshot()
    checked = [line for line in units.splitlines() if "[checked]" in line]
    assert len(checked) == 1, units
    assert re.search("Metric|Celsius", checked[0]), units  # 2026.10 names it by its units
    await harness.screenshot(page, "ready-03-general-settings")


@pytest.mark.timeout(900)
async def test_by_hand_onboarding_and_adding_the_box(
    page: Page, demo_factory: Callable[..., Demo]
) -> None:
    demo = demo_factory(by_hand=True, rate=0.5)
    demo.start()
    await demo.wait_ready()
    strings = _strings()
    user_step = strings["step"]["user"]  # type: ignore[index]

    # Onboarding: the welcome page, the owner's account, "All set!" (the demo's configuration
    # answers the location and analytics questions).
    await page.goto(demo.url)
    await page.get_by_role("button", name="Create my smart home").click()
    await page.locator('input[name="username"]').wait_for()
    await page.locator('input[name="name"]').fill("Tester")
    await page.locator('input[name="username"]').fill("tester")
    await page.locator('input[name="password"]').fill("tester-password")
    await page.locator('input[name="password_confirm"]').fill("tester-password")
    await harness.screenshot(page, "by-hand-01-onboarding")
    await page.get_by_role("button", name="Create account").click()
    await page.get_by_role("button", name="Finish").click()  # "All set!"
    await harness.sidebar(page).wait_for()

    # Add integration, found by its name.
    await page.goto(f"{demo.url}/config/integrations/dashboard")
    await page.get_by_role("button", name="Add integration").click()
    await page.get_by_placeholder("Search for a brand name").fill("SE5")
    await page.get_by_role("button", name=MANIFEST["name"]).click()
    title = user_step["title"]
    await page.get_by_text(title).wait_for()

    # A wrong REST port first: the form says so.
    wrong_port = free_port()
    await harness.field(page, user_step["data"]["host"]).fill("127.0.0.1")
    await harness.field(page, user_step["data"]["rest_port"]).fill(str(wrong_port))
    await harness.field(page, user_step["data"]["event_port"]).fill(str(demo.ws_port))
    if "system_port" in user_step["data"]:
        system = harness.field(page, user_step["data"]["system_port"])
        if await system.count():
            await system.fill(str(demo.system_port))
    await page.get_by_role("button", name="Submit").click()
    error = strings["error"]["cannot_connect"]  # type: ignore[index]
    await page.get_by_text(error).wait_for()
    await harness.screenshot(page, "by-hand-02-wrong-port")

    # The right one: the devices step lists the simulator's cameras, all picked.
    await harness.field(page, user_step["data"]["rest_port"]).fill(str(demo.rest_port))
    await page.get_by_role("button", name="Submit").click()
    names = demo.simulator_devices()
    assert len(names) == demo.devices
    for name in names:
        assert await page.get_by_role("checkbox", name=name).is_checked()
    await harness.screenshot(page, "by-hand-03-devices")
    await page.get_by_role("button", name="Submit").click()

    # Created: the success dialog names the devices; then the device list shows them.
    for name in names:
        await (
            page.get_by_role("textbox", name="Device name")
            .and_(page.get_by_placeholder(name, exact=True))
            .wait_for()
        )
    await harness.screenshot(page, "by-hand-04-created")
    await page.goto(f"{demo.url}/config/devices/dashboard")
    for name in names:
        await page.get_by_text(name, exact=True).first.wait_for()
    await harness.screenshot(page, "by-hand-05-devices-listed")
    assert demo.error_lines() == [], demo.tail()
