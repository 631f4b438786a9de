"""The box's REST API on port 5555, in either dialect."""

from __future__ import annotations

from dataclasses import dataclass, field
import logging
import time
from typing import Any, Final, Literal

from aiohttp import web

from . import devices_api
from .envelopes import (
    Handler,
    Routes,
    init_error,
    json_response,
    request_json,
    v5_bad_request,
    v5_error,
    v6_body,
    v6_error,
)
from .faults import RELAY_FAILURE_MODES, Gate, RelayFailureMode
from .history import History
from .history_api import HistoryApi
from .model import Dialect, SimDevice
from .people import People
from .people_api import PeopleApi
from .system import BoxIdentity

_LOGGER = logging.getLogger(__name__)

type FailureMode = Literal["init", "http500"]

FAILURE_MODES: Final[tuple[FailureMode, ...]] = ("init", "http500")
RELAY_MODES: Final = frozenset({"opendoor", "closedoor", "alarm"})

V5_DEVICES_PATH: Final = "/SophonDevice/api/Devices"
V6_DEVICES_PATH: Final = "/sophon/v2/face/getmediadevices"
EVENT_ACTION_PATH: Final = "/SophonFogSys/api/EventAction"
V5_CONFIGS_PATH: Final = "/SophonConfig/api/Configs"
V6_CONFIGS_PATH: Final = "/sophon/v2/face/getconfigs"


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
    people: People
    history: History
    identity: BoxIdentity
    v6_door_api: bool = False
    """Whether a V6 box answers the V5 ``EventAction`` call (undocumented on V6)."""
    relay_actions: list[dict[str, Any]] = field(default_factory=list)
    relay_failure: RelayFailureMode | None = None
    relay_gate: Gate = field(default_factory=Gate)
    faults: RestFaults = field(default_factory=RestFaults)

    def set_relay_failure(self, mode: RelayFailureMode | None) -> None:
        """Make ``EventAction`` fail (None: answer again); held requests are let go."""
        if mode is not None and mode not in RELAY_FAILURE_MODES:
            raise ValueError(f"mode must be one of {RELAY_FAILURE_MODES}, not {mode!r}")
        self.relay_failure = mode
        if mode != "timeout":
            self.relay_gate.release()

    def configs(self) -> dict[str, Any]:
        """A few of the box's configuration entries (no secrets: none are needed here)."""
        configs: dict[str, Any] = {
            "DUPLICATE_REMOVAL_TIMEOUT": 6,
            "THRESHOLD": 82,
            "PRODUCT_TYPE": "SE5",
            "DEV_SNO": "EEIGVB000120210629172137",  # a cloud code: never the box's identity
            "EVENT_WORK_MODE": "opendoor",
        }
        if self.identity.mac_hex is not None:
            configs["BOX_MAC"] = self.identity.mac_hex
        return configs


class RestApi:
    """Request dispatch of the REST API.

    One catch-all route, so that unknown paths and wrong methods get the box's own
    error envelopes rather than aiohttp's.
    """

    def __init__(self, state: BoxState) -> None:
        self._state = state
        dialect = state.dialect
        people = PeopleApi(state.people)
        history = HistoryApi(state.history)
        self._routes: Routes = {
            EVENT_ACTION_PATH: {"PUT": self._event_action},
            **people.routes(dialect),
            **history.routes(),
        }
        if dialect == "v5":
            self._routes[V5_DEVICES_PATH] = {"GET": self._devices_v5, "PUT": self._update_v5}
            self._routes[V5_CONFIGS_PATH] = {"GET": self._configs_v5}
        else:
            self._routes[V6_DEVICES_PATH] = {"POST": self._devices_v6}
            self._routes[V6_CONFIGS_PATH] = {"POST": self._configs_v6}
            if not state.v6_door_api:
                del self._routes[EVENT_ACTION_PATH]
        self._prefixes: Routes = {**people.prefixes(dialect), **history.prefixes()}
        if dialect == "v5":
            self._prefixes[V5_CONFIGS_PATH + "/"] = {"GET": self._configs_v5}

    def application(self) -> web.Application:
        """A new aiohttp application serving this API."""
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._dispatch)
        return app

    def _methods(self, path: str) -> dict[str, Handler] | None:
        methods = self._routes.get(path)
        if methods is not None:
            return methods
        for prefix, handlers in self._prefixes.items():
            if path.startswith(prefix) and len(path) > len(prefix):
                return handlers
        return None

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        failure = self._state.faults.take()
        if failure == "init":
            return init_error()
        if failure == "http500":
            return web.Response(status=500, text="Internal Server Error")
        methods = self._methods(request.path)
        if methods is None:
            return self._not_found(request)
        handler = methods.get(request.method)
        if handler is None:
            if request.path.startswith("/sophon/v2/"):
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
        wanted = request.query.get("device_id")
        entries = [
            device.v5_entry()
            for device in self._state.devices.values()
            if wanted is None or device.id == wanted
        ]
        return json_response({"data": {"devices_list": entries}})

    async def _update_v5(self, request: web.Request) -> web.Response:
        return await devices_api.update_v5(request, self._state.devices)

    async def _devices_v6(self, request: web.Request) -> web.Response:
        body = await v6_body(request)
        if isinstance(body, web.Response):
            return body
        entries = [device.v6_entry() for device in self._state.devices.values()]
        return json_response({"devices": entries})

    async def _configs_v5(self, request: web.Request) -> web.Response:
        configs = self._state.configs()
        name = request.path.removeprefix(V5_CONFIGS_PATH).strip("/")
        if name:
            if name not in configs:
                return v5_error(404, 40400, "NOT_FOUND", f"no configuration {name}")
            configs = {name: configs[name]}
        return json_response({"data": configs})

    async def _configs_v6(self, request: web.Request) -> web.Response:
        body = await v6_body(request)
        if isinstance(body, web.Response):
            return body
        configs = self._state.configs()
        name = body.get("config_name")
        if name is not None:
            if name not in configs:
                return v6_error(400, "INVALID_ARGUMENTS", "config_name")
            configs = {name: configs[name]}
        return json_response(configs)

    async def _event_action(self, request: web.Request) -> web.Response:
        try:
            body = await request_json(request)
        except ValueError:
            return v5_error(400, 40001, "UNSUPPORT_CONTENT_TYPE", "the body must be JSON")
        actions = body.get("action") if isinstance(body, dict) else None
        if not isinstance(actions, list) or not actions:
            return v5_bad_request("'action' must be a non-empty list")
        for action in actions:
            if (
                not isinstance(action, dict)
                or not isinstance(action.get("action_ip"), str)
                or not action["action_ip"]
                or action.get("action_mode") not in RELAY_MODES
            ):
                return v5_bad_request(
                    "each action needs an action_ip and an action_mode in "
                    + ", ".join(sorted(RELAY_MODES))
                )
        self._state.relay_actions.append(body)
        failure = self._state.relay_failure
        if failure == "timeout":
            await self._state.relay_gate.hold()
        elif failure == "http500":
            return web.Response(status=500, text="Internal Server Error")
        elif failure == "error":
            return v5_error(500, 50000, "INTERNAL_ERROR", "the relay did not answer")
        _LOGGER.info("REST: relay action %s", actions)
        return json_response(
            {"data": {"message": "success", "action_mode": actions[0]["action_mode"]}}
        )
