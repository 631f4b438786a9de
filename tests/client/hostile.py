"""A hostile-box kit: hand-written SE5 boxes that turn against their client, one case each.

`HostileBox` is a small V5 box on 127.0.0.x (REST, system API, and a `WsBox` event socket) that
answers as a box does until a test hands it one of the attacks below; the same box plays the
case against the client (tests/client/test_hostile.py) and, where it reaches Home Assistant,
against Home Assistant (tests/components/test_hostile.py):
- `flood` (on `ws`): big frames for a consumer that does not read (`huge_frame`);
- `pathological`: JSON of a million values, as a frame or as an answer (`values_json`);
- `history`: pages that never end: one event per page, a page of a million events;
- `people`: huge ids and names, groups that never end, pages of one new person each;
- `devices`: a device list of 100,000 ids, or new ids at every read (`rotating_devices`);
- `serial` / `system_mode`: another box's serial behind a known MAC (a DHCP impostor), or a
  system API that answers nothing but errors;
- `redirect_to`: every answer a redirect to another server.
Every request is counted by path (`hits`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
import itertools
import json
from typing import Any

from aiohttp import web

from tests.client.wsbox import WsBox

type Answer = Callable[[web.Request], Any]
"""A handler's JSON answer for a request (a dict, a list, or a web.Response)."""

MAC = "e0:a5:09:00:66:66"


def values_json(count: int) -> bytes:
    """`[{},{},…]` with `count` values: small text, a huge parse."""
    return b"[" + b",".join([b"{}"] * count) + b"]"


def huge_frame(device_id: str, size: int, event_id: str = "big") -> str:
    """A valid V5 recognition frame of about `size` characters (a huge scene photo)."""
    head = json.dumps({"device_id": device_id, "identity_id": "1", "event_id": event_id})
    return head[:-1] + ', "ext_data": {"spot_pic": "' + "A" * max(size - len(head), 4) + '"}}'


def device_entry(device_id: str, name: str | None = None) -> dict[str, Any]:
    """A V5 device list entry."""
    return {
        "device_id": device_id,
        "device_name": name or f"Camera {device_id}",
        "device_ip": "192.168.1.10",
        "device_key": "rtsp://192.168.1.10:554/ch1",
        "device_type": "rtsp",
        "netRelay": {},
    }


def rotating_devices(per_read: int) -> Answer:
    """A device list whose `per_read` ids are all new at every read."""
    counter = itertools.count()

    def answer(_request: web.Request) -> Any:
        start = next(counter) * per_read
        return _v5_devices([device_entry(f"rot-{start + i}") for i in range(per_read)])

    return answer


def _v5_devices(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"data": {"devices_list": entries}}


class HostileBox:
    """A V5 box on `host` (127.0.0.x); `await start()`, attacks set as attributes."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        serial: str = "HOSTILE0000000001",
        mac: str = MAC,
        devices: int = 2,
        system_port: int = 0,
    ) -> None:
        self.host = host
        self.serial = serial
        self.mac = mac
        self.hostname = "hostile"
        self.devices: Answer = lambda _r: _v5_devices(
            [device_entry(f"cam-{i + 1}") for i in range(devices)]
        )
        self.history: Answer = lambda _r: {
            "data": [],
            "pagination": {"num_pages": 0, "page": 0, "per_page": 100, "total_count": 0},
        }
        self.users: Answer = lambda _r: {"data": {"identities_list": []}}
        self.groups: Answer = lambda _r: {"data": {"groups_list": [{"name": "default_group"}]}}
        self.system_mode = "ok"
        """`ok`, or `error` (every system call answers HTTP 500)."""
        self.redirect_to: str | None = None
        self.hits: Counter[str] = Counter()
        self.ws = WsBox()
        self._system_port = system_port
        self._runners: list[web.AppRunner] = []
        self.rest_port = 0
        self.system_port = 0

    @property
    def ws_port(self) -> int:
        """The event socket's port."""
        return self.ws.port

    async def start(self) -> None:
        """Listen: REST and the system API (aiohttp), the event socket (raw)."""
        rest = web.Application(middlewares=[self._middleware])
        rest.router.add_get("/SophonDevice/api/Devices", self._answer("devices"))
        rest.router.add_get("/SophonFace/api/events", self._answer("history"))
        rest.router.add_get("/SophonFogSys/api/users", self._answer("users"))
        rest.router.add_get("/SophonFogSys/api/groups", self._answer("groups"))
        rest.router.add_put("/SophonFogSys/api/EventAction", self._answer("door"))
        rest.router.add_route("*", "/{tail:.*}", self._not_found)
        system = web.Application(middlewares=[self._middleware])
        system.router.add_route("*", "/{tail:.*}", self._system)
        self.rest_port = await self._serve(rest, 0)
        self.system_port = await self._serve(system, self._system_port)
        await self.ws.start()

    async def stop(self) -> None:
        """Stop listening and close every connection."""
        await self.ws.stop()
        for runner in self._runners:
            await runner.cleanup()

    async def _serve(self, app: web.Application, port: int) -> int:
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        await runner.setup()
        await web.TCPSite(runner, self.host, port).start()
        self._runners.append(runner)
        return int(runner.addresses[0][1])

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.hits[request.path] += 1
        if self.redirect_to is not None:
            raise web.HTTPTemporaryRedirect(self.redirect_to)
        response: web.StreamResponse = await handler(request)
        return response

    def _answer(self, name: str) -> Any:
        """The handler answering with attribute `name` as it is at the time of the request."""

        async def handler(request: web.Request) -> web.StreamResponse:
            body = getattr(self, name)(request)
            if isinstance(body, web.StreamResponse):
                return body
            if isinstance(body, bytes):
                return web.Response(body=body, content_type="application/json")
            return web.json_response(body)

        return handler

    @staticmethod
    def door(_request: web.Request) -> Any:
        """A door command's answer (never sent by these tests)."""
        return {"data": {"message": "ok", "action_mode": "opendoor"}}

    async def _not_found(self, _request: web.Request) -> web.Response:
        error = {"code": 40400, "message": "not found", "status": "NOT_FOUND"}
        return web.json_response({"error": error}, status=404)

    async def _system(self, request: web.Request) -> web.Response:
        if self.system_mode == "error":
            return web.Response(status=500, text="system service failed")
        name = request.path.rsplit("/", 1)[-1]
        data: Any = {
            "deviceSN": {"device_sn": self.serial},
            "hostname": {"hostname": self.hostname},
            "ip": [{"device": "eth0", "ip": self.host, "mac": self.mac}],
            "hardwareInfo": {"model": "SE5"},
            "systemVersion": {"version": "V5R7C01_hostile"},
        }.get(name)
        if data is None:
            return await self._not_found(request)
        return web.json_response({"data": data})
