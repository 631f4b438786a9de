"""Make a running demo ready to look at: the owner, the simulated box and the dashboard.

    python scripts/demo_ready.py --url http://127.0.0.1:8123 --config DIR \
        --host 127.0.0.1 --rest-port 5555 --event-port 5679 --system-port 8888

Through Home Assistant's own HTTP and WebSocket APIs, as the UI does it:
1. onboarding: creates the owner (user `demo`, a random password), finishes onboarding, and keeps
   the credentials and a long-lived token in DIR/.se5-demo.json (readable by you only);
2. adds the box through the config flow: every field of each form is filled from what the demo
   knows (host and ports) or left at its default, and every device is picked;
3. saves the dashboard of scripts/demo_dashboard.py and makes it the one opened first.
Later starts reuse all of it, adding the box again only when its address or ports changed.
A configuration whose owner was created by hand is left alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path
import secrets
import string
import sys
from typing import Any

import aiohttp
from demo_dashboard import BoxEntities, CameraEntities, dashboard_config

STATE_FILE = ".se5-demo.json"
USERNAME = "demo"


class DemoError(Exception):
    """Something the demo could not do; the message says what."""


class HomeAssistant:
    """The parts of Home Assistant's APIs the demo uses."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url.rstrip("/")
        self.token = ""
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._id = 0

    async def wait_until_up(self, within: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            try:
                async with self.session.get(f"{self.url}/api/onboarding", timeout=5) as response:
                    if response.status in (200, 404):  # 404: onboarded (2026.x, after a restart)
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            if loop.time() > deadline:
                raise DemoError(f"Home Assistant did not answer at {self.url} in {within:.0f} s")
            await asyncio.sleep(1)

    async def onboarded_user(self) -> bool:
        """Whether onboarding's owner step is done (2026.x serves no onboarding API once
        onboarding is over)."""
        async with self.session.get(f"{self.url}/api/onboarding") as response:
            if response.status == 404:
                return True
            steps = await response.json()
        return any(s["step"] == "user" and s["done"] for s in steps)

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with self.session.request(
            method, f"{self.url}{path}", headers=headers, **kwargs
        ) as response:
            text = await response.text()
            if response.status >= 400:
                raise DemoError(f"{method} {path}: HTTP {response.status}: {text[:300]}")
            return json.loads(text) if text else None

    async def ws(self, command: str, **data: Any) -> Any:
        if self._ws is None:
            self._ws = await self.session.ws_connect(f"{self.url}/api/websocket")
            await self._ws.receive_json()  # auth_required
            await self._ws.send_json({"type": "auth", "access_token": self.token})
            if (reply := await self._ws.receive_json())["type"] != "auth_ok":
                raise DemoError(f"WebSocket authentication failed: {reply}")
        self._id += 1
        await self._ws.send_json({"id": self._id, "type": command, **data})
        while (reply := await self._ws.receive_json()).get("id") != self._id:
            continue
        if not reply.get("success"):
            raise DemoError(f"{command}: {reply.get('error')}")
        return reply.get("result")

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()


def _password() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(12))


async def create_owner(ha: HomeAssistant) -> dict[str, str]:
    """The onboarding's user step, as the UI does it; the owner's credentials and a token."""
    client_id = f"{ha.url}/"
    password = _password()
    owner = {"client_id": client_id, "name": "Demo", "username": USERNAME}
    owner |= {"password": password, "language": "en"}
    created = await ha.request("POST", "/api/onboarding/users", json=owner)
    form = {"grant_type": "authorization_code", "code": created["auth_code"]}
    tokens = await ha.request("POST", "/auth/token", data=form | {"client_id": client_id})
    ha.token = tokens["access_token"]
    # The last step ends onboarding (the demo's configuration gives the others' answers).
    finish = {"client_id": client_id, "redirect_uri": f"{ha.url}/?auth_callback=1"}
    await ha.request("POST", "/api/onboarding/integration", json=finish)
    token = await ha.ws("auth/long_lived_access_token", client_name="SE5 demo", lifespan=3650)
    return {"username": USERNAME, "password": password, "token": token}


def fill_form(step: dict[str, Any], known: dict[str, Any]) -> dict[str, Any]:
    """The answer to one form of a flow: known values, every option of multiple selections,
    defaults for the rest."""
    data: dict[str, Any] = {}
    for item in step.get("data_schema") or []:
        name = item["name"]
        select = (item.get("selector") or {}).get("select") or {}
        if name in known:
            data[name] = known[name]
        elif select.get("multiple"):
            options = select.get("options") or []
            data[name] = [o["value"] if isinstance(o, dict) else o for o in options]
        elif item.get("type") == "multi_select":
            options = item.get("options") or {}
            data[name] = list(options) if isinstance(options, dict) else [o[0] for o in options]
        elif "default" in item:
            data[name] = item["default"]
        elif item.get("required"):
            raise DemoError(f"the {step['step_id']!r} step asks for {name!r}, unknown to the demo")
    return data


async def add_box(ha: HomeAssistant, known: dict[str, Any]) -> str:
    """Run the se5 config flow to its end; the new entry's id."""
    base = "/api/config/config_entries/flow"
    result = await ha.request("POST", base, json={"handler": "se5"})
    for _ in range(10):
        if result["type"] == "create_entry":
            return str(result["result"]["entry_id"])
        if result["type"] == "abort":
            raise DemoError(f"adding the box was aborted: {result.get('reason')}")
        if result["type"] != "form":
            raise DemoError(f"unexpected step in adding the box: {result}")
        if result.get("errors"):
            raise DemoError(f"adding the box: step {result['step_id']}: {result['errors']}")
        data = fill_form(result, known)
        result = await ha.request("POST", f"{base}/{result['flow_id']}", json=data)
    raise DemoError("adding the box: the flow did not end")


async def wait_loaded(ha: HomeAssistant, entry_id: str, within: float = 60) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    state = None
    while loop.time() < deadline:
        entries = await ha.request("GET", "/api/config/config_entries/entry?domain=se5")
        state = next((e["state"] for e in entries if e["entry_id"] == entry_id), None)
        if state == "loaded":
            return
        await asyncio.sleep(0.5)
    raise DemoError(f"the box's entry did not load (state {state})")


def _key(entity: dict[str, Any]) -> str:
    if entity.get("translation_key"):
        return str(entity["translation_key"])
    return str(entity["unique_id"]).rsplit("_", 1)[-1]


async def box_entities(ha: HomeAssistant, entry_id: str) -> BoxEntities:
    """The box, its cameras and their entities, from the registries."""
    entities = [
        e
        for e in await ha.ws("config/entity_registry/list")
        if e["config_entry_id"] == entry_id and not e.get("disabled_by")
    ]
    devices = [
        d
        for d in await ha.ws("config/device_registry/list")
        if entry_id in (d.get("config_entries") or [])
    ]
    names = {d["id"]: d.get("name_by_user") or d.get("name") or d["id"] for d in devices}
    box_ids = [d["id"] for d in devices if not d.get("via_device_id")]
    box = BoxEntities(name=names[box_ids[0]] if box_ids else "SE5 box")
    cameras: dict[str, CameraEntities] = {}
    for device in sorted(devices, key=lambda d: names[d["id"]]):
        if device.get("via_device_id"):
            cameras[device["id"]] = CameraEntities(name=names[device["id"]])
    for entity in entities:
        if (device_id := entity.get("device_id")) in cameras:
            cameras[device_id].entities[_key(entity)] = entity["entity_id"]
        elif device_id in box_ids:
            box.entities[_key(entity)] = entity["entity_id"]
    # A followed person is a device of the box too: the one with a registered photo.
    box.people = [c for c in cameras.values() if "photo" in c.entities]
    box.cameras = [c for c in cameras.values() if "photo" not in c.entities]
    return box


DASHBOARD = "se5-demo"
OVERVIEW = "lovelace"


async def save_dashboard(ha: HomeAssistant, box: BoxEntities) -> str:
    """The demo's dashboard, the one opened first after login; its URL path.

    Home Assistant 2026.x opens the dashboard named by its default-panel setting (the frontend's
    system data, an admin setting of Settings > Dashboards), else its own generated "home"
    overview: the demo's dashboard is /se5-demo ("SE5 demo" in the sidebar), made the default.
    2025.4 has no such setting (the default panel is kept per browser) and always opens the
    Overview (/lovelace): there the Overview itself becomes the demo's dashboard, titled "SE5
    demo", and no second dashboard repeats its cards.
    """
    config = dashboard_config(box)
    dashboards = await ha.ws("lovelace/dashboards/list")
    own = next((d for d in dashboards if d.get("url_path") == DASHBOARD), None)
    try:
        core = await ha.ws("frontend/get_system_data", key="core")
    except DemoError:  # 2025.4: no system-wide default dashboard
        if own is not None:  # made by an older demo: its cards are the Overview's now
            await ha.ws("lovelace/dashboards/delete", dashboard_id=own["id"])
        await ha.ws("lovelace/config/save", config=config)
        return OVERVIEW
    if own is None:
        await ha.ws(
            "lovelace/dashboards/create",
            url_path=DASHBOARD,
            title="SE5 demo",
            icon="mdi:face-recognition",
            show_in_sidebar=True,
            require_admin=False,
            mode="storage",
        )
    await ha.ws("lovelace/config/save", url_path=DASHBOARD, config=config)
    value = {**((core or {}).get("value") or {}), "default_panel": DASHBOARD}
    await ha.ws("frontend/set_system_data", key="core", value=value)
    return DASHBOARD


async def wait_running(ha: HomeAssistant, within: float) -> None:
    """Until Home Assistant has started (it raises its start-up repairs then)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while (await ha.request("GET", "/api/config")).get("state", "RUNNING") != "RUNNING":
        if loop.time() > deadline:
            raise DemoError(f"Home Assistant did not finish starting in {within:.0f} s")
        await asyncio.sleep(0.5)


async def ignore_install_method_repair(ha: HomeAssistant) -> None:
    """Ignore the repair saying that running Home Assistant from a Python environment ("Core
    installation") is deprecated (2025.6 and later): true, and what this demo does on purpose."""
    issues = (await ha.ws("repairs/list_issues"))["issues"]
    for issue in issues:
        key = (issue["domain"], issue["issue_id"])
        if key == ("homeassistant", "deprecated_method") and not issue.get("ignored"):
            await ha.ws(
                "repairs/ignore_issue",
                domain="homeassistant",
                issue_id="deprecated_method",
                ignore=True,
            )


async def make_ready(args: argparse.Namespace) -> int:
    state_path = args.config / STATE_FILE
    state: dict[str, Any] = json.loads(state_path.read_text()) if state_path.exists() else {}

    def save() -> None:
        # The owner's password and token: the file is created readable by its owner only (a
        # leftover temporary file is removed first, as opening it would keep its mode).
        tmp = state_path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(state, indent=2) + "\n")
        tmp.replace(state_path)

    async with aiohttp.ClientSession() as session:
        ha = HomeAssistant(session, args.url)
        try:
            await ha.wait_until_up(args.timeout)
            user_done = await ha.onboarded_user()
            if not user_done:
                state = {"owner": await create_owner(ha)}
                save()
            elif "owner" not in state:
                print("demo: this configuration's owner was created by hand; nothing to prepare")
                return 0
            ha.token = state["owner"]["token"]

            known = {
                "host": args.host,
                "rest_port": args.rest_port,
                "event_port": args.event_port,
                "system_port": args.system_port,
            }
            entries = await ha.request("GET", "/api/config/config_entries/entry?domain=se5")
            entry_ids = {e["entry_id"] for e in entries}
            box = state.get("box")
            if not box or box.get("entry_id") not in entry_ids or box.get("address") != known:
                if box and box.get("entry_id") in entry_ids:
                    await ha.request(
                        "DELETE", f"/api/config/config_entries/entry/{box['entry_id']}"
                    )
                entry_id = await add_box(ha, known)
                await wait_loaded(ha, entry_id)
                dashboard = await save_dashboard(ha, await box_entities(ha, entry_id))
                state["box"] = {"entry_id": entry_id, "address": known}
                state["dashboard"] = dashboard
                save()
            await wait_running(ha, args.timeout)
            await ignore_install_method_repair(ha)
        finally:
            await ha.close()
    owner = state["owner"]
    print(
        f"\n  SE5 demo ready: {args.url}/{state.get('dashboard', DASHBOARD)}\n"
        f"    user: {owner['username']}    password: {owner['password']}\n"
        f"  (kept in {state_path})\n",
        flush=True,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make a running demo ready to look at.")
    parser.add_argument("--url", required=True)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--rest-port", type=int, required=True)
    parser.add_argument("--event-port", type=int, required=True)
    parser.add_argument("--system-port", type=int, required=True)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args(argv)
    try:
        return asyncio.run(make_ready(args))
    except DemoError as err:
        print(f"demo: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C while preparing: scripts/demo stops everything
        return 130


if __name__ == "__main__":
    sys.exit(main())
