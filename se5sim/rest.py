"""The box's REST API on port 5555, in either dialect."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import json
import logging
import time
from typing import Any, Final, Literal

from aiohttp import web

from .frames import dumps
from .images import b64
from .model import Dialect, SimDevice, SimPerson

_LOGGER = logging.getLogger(__name__)

type FailureMode = Literal["init", "http500"]
type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

FAILURE_MODES: Final[tuple[FailureMode, ...]] = ("init", "http500")
RELAY_MODES: Final = frozenset({"opendoor", "closedoor", "alarm"})

V5_DEVICES_PATH: Final = "/SophonDevice/api/Devices"
V6_DEVICES_PATH: Final = "/sophon/v2/face/getmediadevices"
USERS_PATH: Final = "/SophonFogSys/api/users"
EVENT_ACTION_PATH: Final = "/SophonFogSys/api/EventAction"


@dataclass(slots=True)
class RestFaults:
    """Failure switches of the REST API: a start-up window and an injected failure."""

    mode: FailureMode | None = None
    remaining: int | None = None
    until: float | None = None
    init_until: float | None = None

    def set(self, mode: FailureMode, *, count: int | None, seconds: float | None) -> None:
        """Fail the next ``count`` requests, or for ``seconds``, or (neither) until cleared."""
        if mode not in FAILURE_MODES:
            raise ValueError(f"unknown REST failure mode {mode!r}")
        if count is not None and count < 1:
            raise ValueError("count must be at least 1")
        if seconds is not None and seconds <= 0:
            raise ValueError("seconds must be positive")
        self.mode = mode
        self.remaining = count
        self.until = None if seconds is None else time.monotonic() + seconds

    def start_init_window(self, seconds: float) -> None:
        """Answer DEVICE_INIT_ERROR for the next ``seconds`` (a box starting up)."""
        self.init_until = time.monotonic() + seconds if seconds > 0 else None

    def clear(self) -> None:
        """Stop failing (the start-up window is not affected)."""
        self.mode = None
        self.remaining = None
        self.until = None

    def take(self) -> FailureMode | None:
        """The failure to answer the current request with, if any; counts it."""
        now = time.monotonic()
        if self.init_until is not None:
            if now < self.init_until:
                return "init"
            self.init_until = None
        mode = self.mode
        if mode is None:
            return None
        if self.until is not None and now >= self.until:
            self.clear()
            return None
        if self.remaining is not None:
            self.remaining -= 1
            if self.remaining <= 0:
                self.clear()
        return mode


@dataclass(slots=True)
class BoxState:
    """What the REST API serves and records; owned by the simulator."""

    dialect: Dialect
    devices: dict[str, SimDevice]
    people: list[SimPerson]
    relay_actions: list[dict[str, Any]] = field(default_factory=list)
    faults: RestFaults = field(default_factory=RestFaults)


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=dumps)


def v5_error(status: int, code: int, name: str, message: str) -> web.Response:
    """A V5 error envelope."""
    return _json({"error": {"code": code, "message": message, "status": name}}, status)


def v6_error(status: int, code: str, message: str) -> web.Response:
    """A V6 error envelope."""
    return _json({"error": {"code": code, "message": message}}, status)


def init_error() -> web.Response:
    """The answer of a box that is still starting (both dialects)."""
    return v6_error(500, "DEVICE_INIT_ERROR", "device is initializing, please retry later")


def person_entry(person: SimPerson) -> dict[str, Any]:
    """An entry of ``identities_list``."""
    return {
        "identity_id": person.identity_id,
        "group_name": [person.group_name],
        "info": {
            "name": person.name,
            "type": person.type_number,
            "user_id": person.user_id,
            "image_id": person.image_id,
            "permission_ids": list(person.permission_ids),
        },
        "reg_photo": b64(person.photo_jpeg) if person.photo_jpeg else "",
    }


class RestApi:
    """Request dispatch of the REST API.

    One catch-all route, so that unknown paths and wrong methods get the box's own
    error envelopes rather than aiohttp's.
    """

    def __init__(self, state: BoxState) -> None:
        self._state = state
        devices: tuple[str, str, Handler]
        if state.dialect == "v5":
            devices = (V5_DEVICES_PATH, "GET", self._devices_v5)
        else:
            devices = (V6_DEVICES_PATH, "POST", self._devices_v6)
        self._routes: dict[str, dict[str, Handler]] = {
            devices[0]: {devices[1]: devices[2]},
            USERS_PATH: {"GET": self._users},
            EVENT_ACTION_PATH: {"PUT": self._event_action},
        }

    def application(self) -> web.Application:
        """A new aiohttp application serving this API."""
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._dispatch)
        return app

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        failure = self._state.faults.take()
        if failure == "init":
            return init_error()
        if failure == "http500":
            return web.Response(status=500, text="Internal Server Error")
        methods = self._routes.get(request.path)
        if methods is None:
            return self._not_found(request)
        handler = methods.get(request.method)
        if handler is None:
            if request.path == V6_DEVICES_PATH:
                return v6_error(404, "NOT_FOUND", f"{request.method} is not supported here")
            return v5_error(404, 40401, "NOT_FOUND", f"method {request.method} not allowed")
        return await handler(request)

    def _not_found(self, request: web.Request) -> web.Response:
        _LOGGER.debug("REST: unknown path %s %s", request.method, request.path)
        message = f"{request.path} was not found on the server"
        if self._state.dialect == "v5":
            return v5_error(404, 40400, "NOT_FOUND", message)
        return v6_error(404, "NOT_FOUND", message)

    async def _devices_v5(self, request: web.Request) -> web.Response:
        entries = [device.v5_entry() for device in self._state.devices.values()]
        return _json({"data": {"devices_list": entries}})

    async def _devices_v6(self, request: web.Request) -> web.Response:
        text = await request.text()
        if text.strip():
            try:
                json.loads(text)
            except ValueError:
                return v6_error(400, "UNSUPPORT_CONTENT_TYPE", "the body must be JSON")
        entries = [device.v6_entry() for device in self._state.devices.values()]
        return _json({"devices": entries})

    async def _users(self, request: web.Request) -> web.Response:
        query = request.query
        people = self._state.people
        identity_id = query.get("identity_id")
        if identity_id is not None:
            selected = [person for person in people if person.identity_id == identity_id]
        else:
            try:
                skip = int(query.get("skip_num", "0"))
                limit = int(query.get("limit", "10"))
            except ValueError:
                return v5_error(400, 40000, "BAD_REQUEST", "skip_num and limit must be integers")
            if skip < 0 or limit < 0:
                return v5_error(400, 40000, "BAD_REQUEST", "skip_num and limit must be >= 0")
            group = query.get("group_name")
            matching = [p for p in people if group is None or p.group_name == group]
            selected = matching[skip : skip + limit]
        return _json({"data": {"identities_list": [person_entry(p) for p in selected]}})

    async def _event_action(self, request: web.Request) -> web.Response:
        try:
            body = json.loads(await request.text())
        except ValueError:
            return v5_error(400, 40001, "UNSUPPORT_CONTENT_TYPE", "the body must be JSON")
        actions = body.get("action") if isinstance(body, dict) else None
        if not isinstance(actions, list) or not actions:
            return v5_error(400, 40000, "BAD_REQUEST", "'action' must be a non-empty list")
        for action in actions:
            if (
                not isinstance(action, dict)
                or not isinstance(action.get("action_ip"), str)
                or not action["action_ip"]
                or action.get("action_mode") not in RELAY_MODES
            ):
                return v5_error(
                    400,
                    40000,
                    "BAD_REQUEST",
                    "each action needs an action_ip and an action_mode in "
                    + ", ".join(sorted(RELAY_MODES)),
                )
        self._state.relay_actions.append(body)
        _LOGGER.info("REST: relay action %s", actions)
        return _json({"data": {"message": "success", "action_mode": actions[0]["action_mode"]}})
