"""The box's REST API on port 5555, in either dialect."""

from __future__ import annotations

from dataclasses import dataclass, field
import logging
import time
from typing import Final, Literal

from aiohttp import web

from .configs import Configs
from .envelopes import (
    Handler,
    Routes,
    init_error,
    json_response,
    v5_error,
    v6_body,
    v6_error,
)
from .history import History
from .history_api import HistoryApi
from .model import Dialect, SimDevice
from .people import People
from .people_api import PeopleApi, V5Skip
from .relays import Relays
from .system import BoxIdentity

_LOGGER = logging.getLogger(__name__)

type FailureMode = Literal["init", "http500"]

FAILURE_MODES: Final[tuple[FailureMode, ...]] = ("init", "http500")

V5_DEVICES_PATH: Final = "/SophonDevice/api/Devices"
V6_DEVICES_PATH: Final = "/sophon/v2/face/getmediadevices"
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
    people: People
    history: History
    identity: BoxIdentity
    relays: Relays
    configs: Configs
    v6_legacy_routes: bool = False
    """Whether a V6 box still answers the V5 device list and ``EventAction`` (undocumented)."""
    v5_skip: V5Skip = "offset"
    """How the V5 users call reads ``skip_num``."""
    faults: RestFaults = field(default_factory=RestFaults)


class RestApi:
    """Request dispatch of the REST API.

    One catch-all route, so that unknown paths and wrong methods get the box's own
    error envelopes rather than aiohttp's.
    """

    def __init__(self, state: BoxState) -> None:
        self._state = state
        dialect = state.dialect
        people = PeopleApi(state.people, v5_skip=state.v5_skip)
        history = HistoryApi(state.history)
        self._routes: Routes = {
            **people.routes(dialect),
            **history.routes(),
            **state.configs.routes(),
        }
        if dialect == "v5" or state.v6_legacy_routes:
            self._routes[V5_DEVICES_PATH] = {"GET": self._devices_v5}
            self._routes[EVENT_ACTION_PATH] = {"PUT": state.relays.handle}
        if dialect == "v6":
            self._routes[V6_DEVICES_PATH] = {"POST": self._devices_v6}
        self._prefixes: Routes = {
            **people.prefixes(dialect),
            **history.prefixes(),
            **state.configs.prefixes(),
        }

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
        entries = [device.v5_entry() for device in self._state.devices.values()]
        return json_response({"data": {"devices_list": entries}})

    async def _devices_v6(self, request: web.Request) -> web.Response:
        body = await v6_body(request)
        if isinstance(body, web.Response):
            return body
        entries = [device.v6_entry() for device in self._state.devices.values()]
        return json_response({"devices": entries})
