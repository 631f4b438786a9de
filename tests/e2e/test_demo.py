"""The README's demo command, for real: Home Assistant and the simulator as processes.

- By hand (`--by-hand`): the owner is created through the onboarding API and the integration is
  added through the config flow API, as the UI does it; recognitions reach Home Assistant.
- Ready (the default): the demo itself created the owner, added the box and saved the dashboard;
  the configured name and units are Home Assistant's; nothing failed and nothing is left to
  repair; a restart on another port answers there.
- Both: no ERROR line or traceback in the log; Ctrl-C stops Home Assistant, then the simulator,
  exits 0 and frees the ports.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import json
from typing import Any

import aiohttp
import pytest

from tests.e2e.demo import Demo, WebSocket, free_port, login_token, port_is_free


async def _json(response: aiohttp.ClientResponse) -> Any:
    assert response.status < 400, f"{response.method} {response.url}: {await response.text()}"
    return await response.json()


async def _wait_for_recognition(
    session: aiohttp.ClientSession, demo: Demo, headers: dict[str, str]
) -> list[dict[str, Any]]:
    """Until a last-score sensor has a value (enabled by default); all states then."""
    for _ in range(240):
        async with session.get(f"{demo.url}/api/states", headers=headers) as response:
            states: list[dict[str, Any]] = await _json(response)
        if any(
            s["entity_id"].startswith("sensor.")
            and s["entity_id"].endswith("_last_score")
            and s["state"] not in ("unknown", "unavailable")
            for s in states
        ):
            return states
        await asyncio.sleep(0.5)
    raise AssertionError(f"no recognition reached Home Assistant: {demo.tail()}")


async def _last_face(
    session: aiohttp.ClientSession, demo: Demo, headers: dict[str, str], states: list[Any]
) -> bytes | None:
    for camera in (s["entity_id"] for s in states if s["entity_id"].endswith("_last_face")):
        async with session.get(f"{demo.url}/api/camera_proxy/{camera}", headers=headers) as reply:
            if reply.status == 200:
                return await reply.read()
    return None


def _face_cards(config: dict[str, Any]) -> list[str]:
    """The cameras whose last face a dashboard shows."""
    return [
        card["entity"]
        for view in config.get("views", [])
        for stack in view.get("cards", [])
        for card in stack.get("cards", [])
        if card.get("type") == "picture-entity"
    ]


def _assert_clean_stop(demo: Demo) -> None:
    """Ctrl-C: exit 0, Home Assistant stopped before the simulator, ports free, no error."""
    # Every port (Home Assistant's and the simulator's REST, event and system ports) is taken
    # while the demo runs, so that finding them free afterwards means the demo freed them.
    assert [port for port in demo.ports if port_is_free(port)] == []
    assert demo.stop() == 0, demo.tail()
    text = demo.text()
    assert "demo: stopping Home Assistant" in text, demo.tail()
    after_stop = text.split("demo: stopping Home Assistant", 1)[1]
    assert after_stop.index("Home Assistant stopped") < after_stop.index(
        "demo: stopping the simulator"
    ), demo.tail()
    # The integration logs the stream going down when the box leaves first: it must not.
    assert "custom_components.se5" not in after_stop, demo.tail()
    assert [port for port in demo.ports if not port_is_free(port)] == []
    assert demo.error_lines() == [], demo.tail()


@pytest.mark.timeout(900)
async def test_demo_by_hand_through_the_apis(demo_factory: Callable[..., Demo]) -> None:
    demo = demo_factory(by_hand=True)
    demo.start()
    await demo.wait_ready()
    client_id = f"{demo.url}/"
    async with aiohttp.ClientSession() as session:
        # The page a user opens first.
        async with session.get(demo.url) as response:
            assert response.status == 200
            assert "<html" in (await response.text()).lower()

        async with session.get(f"{demo.url}/api/onboarding") as response:
            steps = {s["step"]: s["done"] for s in await _json(response)}
        assert steps["user"] is False  # the owner is the user's to create

        owner = {
            "client_id": client_id,
            "name": "Demo",
            "username": "demo",
            "password": "demo-password",
            "language": "en",
        }
        async with session.post(f"{demo.url}/api/onboarding/users", json=owner) as response:
            auth_code = (await _json(response))["auth_code"]
        token_form = {"grant_type": "authorization_code", "code": auth_code, "client_id": client_id}
        async with session.post(f"{demo.url}/auth/token", data=token_form) as response:
            token = (await _json(response))["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        # The onboarding page's last step ends it; the demo answered the others.
        finish = {"client_id": client_id, "redirect_uri": f"{demo.url}/?auth_callback=1"}
        async with session.post(
            f"{demo.url}/api/onboarding/integration", json=finish, headers=headers
        ) as response:
            await _json(response)
        async with session.get(f"{demo.url}/api/onboarding") as response:
            assert all(s["done"] for s in await _json(response))

        flow_url = f"{demo.url}/api/config/config_entries/flow"
        async with session.post(flow_url, json={"handler": "se5"}, headers=headers) as response:
            step = await _json(response)
        assert step["step_id"] == "user"
        address: dict[str, Any] = {
            "host": "127.0.0.1",
            "rest_port": demo.rest_port,
            "event_port": demo.ws_port,
        }
        if any(field["name"] == "system_port" for field in step["data_schema"]):
            address["system_port"] = demo.system_port
        async with session.post(
            f"{flow_url}/{step['flow_id']}", json=address, headers=headers
        ) as response:
            step = await _json(response)
        assert step["step_id"] == "devices", step
        async with session.post(
            f"{flow_url}/{step['flow_id']}", json={"face_image": True}, headers=headers
        ) as response:
            created = await _json(response)
        assert created["type"] == "create_entry", created

        states = await _wait_for_recognition(session, demo, headers)
        image = await _last_face(session, demo, headers, states)
        assert image is not None
        assert image.startswith(b"\xff\xd8")

    _assert_clean_stop(demo)


@pytest.mark.timeout(900)
async def test_ready_demo(demo_factory: Callable[..., Demo]) -> None:
    demo = demo_factory()
    demo.start()
    await demo.wait_ready()
    owner = demo.owner()
    assert f"password: {owner['password']}" in demo.text()  # printed for the user

    async with aiohttp.ClientSession() as session:
        # The printed credentials log in, as on the login page.
        token = await login_token(session, demo.url, owner)
        headers = {"Authorization": f"Bearer {token}"}
        async with session.get(f"{demo.url}/api/onboarding") as response:
            assert all(s["done"] for s in await _json(response))

        async with session.get(f"{demo.url}/api/config", headers=headers) as response:
            core = await _json(response)
        assert core["location_name"] == "SE5 demo"
        assert core["unit_system"]["length"] == "km"
        assert core["unit_system"]["temperature"] == "°C"

        entries_url = f"{demo.url}/api/config/config_entries/entry"
        async with session.get(entries_url, headers=headers) as response:
            entries = await _json(response)
        assert [e["domain"] for e in entries if e["domain"] == "se5"] == ["se5"]
        # Nothing failed to set up (no red card); onboarding added no integration.
        assert [e for e in entries if e["state"] != "loaded"] == []
        assert not {"met", "radio_browser", "google_translate"} & {e["domain"] for e in entries}

        async with WebSocket(session, demo.url, token) as ws:
            landing = demo.dashboard()
            dashboard = await ws.call(
                "lovelace/config", url_path=None if landing == "lovelace" else landing
            )
            # Every dashboard (the Overview too) that shows the demo's cards.
            with_faces = []
            for url_path in [
                None,
                *(d["url_path"] for d in await ws.call("lovelace/dashboards/list")),
            ]:
                config = await ws.call_or_none("lovelace/config", url_path=url_path)
                if config and _face_cards(config):
                    with_faces.append(url_path or "lovelace")
            issues = (await ws.call("repairs/list_issues"))["issues"]
            entities = await ws.call("config/entity_registry/list")
        faces = sorted(e["entity_id"] for e in entities if e["entity_id"].endswith("_last_face"))
        assert len(faces) == demo.devices
        assert sorted(_face_cards(dashboard)) == faces
        assert with_faces == [landing]  # one dashboard shows the demo's cards: no second copy
        assert [i for i in issues if not i.get("ignored")] == []
        # The doors: a lock row under each gate's face, the pass mode in the box's card.
        rows = [
            row
            for view in dashboard["views"]
            for card in view["cards"]
            for inner in [card, *card.get("cards", [])]
            for row in inner.get("entities", [])
            if isinstance(row, str)
        ]
        locks = sorted(e["entity_id"] for e in entities if e["entity_id"].startswith("lock."))
        assert locks
        assert sorted(row for row in rows if row.startswith("lock.")) == locks
        assert any(row.startswith("select.") and row.endswith("_pass_mode") for row in rows)
        # Pressing a door is visible: the simulator prints the pulse, the lock shows unlocked.
        gate = next(lock for lock in locks if lock.startswith("lock.front_gate"))
        async with session.post(
            f"{demo.url}/api/services/lock/unlock", headers=headers, json={"entity_id": gate}
        ) as response:
            changed = await _json(response)  # the states the call changed
        assert [s["state"] for s in changed if s["entity_id"] == gate] == ["unlocked"]
        for _ in range(60):
            if "relay 127.0.0.20:6722 channel 1: open for 3 s" in demo.text():
                break
            await asyncio.sleep(0.5)
        else:
            raise AssertionError(f"no relay pulse printed: {demo.tail()}")

        states = await _wait_for_recognition(session, demo, headers)
        image = await _last_face(session, demo, headers, states)
        assert image is not None
        assert image.startswith(b"\xff\xd8")

    _assert_clean_stop(demo)

    # Again on another port: Home Assistant answers there, with nothing to confirm or repair
    # (2026.x keeps HTTP settings in its storage) and the box not added twice.
    old_port = demo.port
    while demo.port == old_port:
        demo.port = free_port()
    demo.start()
    await demo.wait_ready()
    async with aiohttp.ClientSession() as session:
        token = await login_token(session, demo.url, owner)
        headers = {"Authorization": f"Bearer {token}"}
        async with session.get(
            f"{demo.url}/api/config/config_entries/entry", headers=headers
        ) as response:
            entries = await _json(response)
        assert [e["state"] for e in entries if e["domain"] == "se5"] == ["loaded"]
        async with WebSocket(session, demo.url, token) as ws:
            issues = (await ws.call("repairs/list_issues"))["issues"]
        assert [i for i in issues if not i.get("ignored")] == []
    stored = json.loads((demo.config / ".storage" / "http").read_text())["data"]
    if "stable" in stored:  # 2026.x: no trial configuration waiting for a confirmation
        assert stored["pending"] is None
        assert stored["stable"]["server_port"] == demo.port
    _assert_clean_stop(demo)
