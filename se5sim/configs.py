"""The box's configuration on port 5555, and the score scale it tells.

V5 (5.11 配置管理): ``GET /SophonConfig/api/Configs/<name>`` answers ``{"data": {name: value}}``
(the page's example is the whole list under ``data``); ``GET /SophonConfig/api/Configs`` the
whole list; ``PUT /SophonConfig/api/Configs {"config_dict": {...}}`` answers ``{"data":
{"failed_configs": [...], "success_configs": [...]}}``. ``GET /SophonFogSys/api/PrettyScore``
answers ``{"data": {"threshold_range": [0.0, 80.0, 100.0]}}`` (5.5, page 10): only a box that
scores on 0..100 answers it here (a 0..1 box is taken for a firmware without the call).
V6 (5.11 config-manager): ``POST getconfigs {"config_name": name}`` answers ``{name: value}``,
without a name the whole list; ``POST setconfigs {"config_dict": {...}}`` answers the new values,
or ``INVALID_ARGUMENTS`` naming the bad value.

The whole list holds the box's secrets (``MQ_PASSWORD``, ``LOGIN_TOKEN``, ``PASSWORD``: fake ones
here). Strict (the default) answers 400 to reading it, so that a client that does fails a test.
Only the pass mode (V5 ``PASSMODE``, V6 ``GATE_PASS_MODE``) can be written.
"""

from __future__ import annotations

from typing import Any, Final, Literal
from urllib.parse import unquote

from aiohttp import web

from .envelopes import (
    Routes,
    json_response,
    request_json,
    v5_bad_request,
    v5_error,
    v6_body,
    v6_error,
)
from .faults import Gate
from .model import Dialect

type ConfigFailureMode = Literal["refuse", "error", "timeout"]

CONFIG_FAILURE_MODES: Final[tuple[ConfigFailureMode, ...]] = ("refuse", "error", "timeout")
PASS_MODES: Final = ("normal", "allpass", "allforbidden")
V5_CONFIGS_PATH: Final = "/SophonConfig/api/Configs"
V6_GET_CONFIGS_PATH: Final = "/sophon/v2/face/getconfigs"
V6_SET_CONFIGS_PATH: Final = "/sophon/v2/face/setconfigs"
V5_PRETTY_SCORE_PATH: Final = "/SophonFogSys/api/PrettyScore"
PASS_MODE_KEYS: Final[dict[Dialect, str]] = {"v5": "PASSMODE", "v6": "GATE_PASS_MODE"}
_SECRETS: Final = {
    "MQ_PASSWORD": "337523cac8a3389345bf4ec6a702b2f0",
    "MQ_USERNAME": "EEIGVB000120210629172137",
    "LOGIN_TOKEN": "7cbc8e8938c84243bf9880c5b12689ec",
    "PASSWORD": "admin",
}


class Configs:
    """The configuration entries of the box, the writes received, a failure switch."""

    def __init__(
        self, dialect: Dialect, score_scale: int, box_mac: str | None, *, strict: bool = True
    ) -> None:
        """The configuration of a box of this dialect and score scale."""
        self._dialect: Dialect = dialect
        self._score_scale = score_scale
        self.strict = strict
        self.pass_mode_key = PASS_MODE_KEYS[dialect]
        threshold = 82 if score_scale == 100 else (0.5 if dialect == "v5" else 0.82)
        self.values: dict[str, Any] = {
            "DUPLICATE_REMOVAL_TIMEOUT": 6,
            "PRODUCT_TYPE": "SE5",
            "DEV_SNO": "EEIGVB000120210629172137",  # a cloud code: never the box's identity
            "EVENT_WORK_MODE": "opendoor",
            ("THRESHOLD" if dialect == "v5" else "MATCH_THRESHOLD"): threshold,
            self.pass_mode_key: "normal",
            **_SECRETS,
        }
        if box_mac is not None and dialect == "v5":  # V6 documents no BOX_MAC
            self.values["BOX_MAC"] = box_mac
        self.whole_list_reads = 0
        """Reads of the whole list (refused when strict)."""
        self.writes: list[dict[str, Any]] = []
        """The ``config_dict`` of every write received."""
        self.failure: ConfigFailureMode | None = None
        self.gate = Gate()

    def routes(self) -> Routes:
        """Handlers by path and method."""
        if self._dialect == "v5":
            routes: Routes = {
                V5_CONFIGS_PATH: {"GET": self._v5_list, "PUT": self._v5_write},
            }
            if self._score_scale == 100:
                routes[V5_PRETTY_SCORE_PATH] = {"GET": self._pretty_score}
            return routes
        return {
            V6_GET_CONFIGS_PATH: {"POST": self._v6_read},
            V6_SET_CONFIGS_PATH: {"POST": self._v6_write},
        }

    def prefixes(self) -> Routes:
        """Handlers of paths that carry a name."""
        if self._dialect == "v5":
            return {V5_CONFIGS_PATH + "/": {"GET": self._v5_entry}}
        return {}

    def set_failure(self, mode: ConfigFailureMode | None) -> None:
        """Make writes fail; None answers again.

        ``refuse``: V5 ``failed_configs``, V6 ``INVALID_ARGUMENTS``; ``error``: HTTP 500 with an
        error envelope; ``timeout``: no answer until cleared (then the write is carried out).
        """
        if mode is not None and mode not in CONFIG_FAILURE_MODES:
            raise ValueError(f"mode must be one of {CONFIG_FAILURE_MODES}, not {mode!r}")
        self.failure = mode
        if mode != "timeout":
            self.gate.release()

    def _refused(self, entries: dict[str, Any]) -> list[str]:
        """The entries this box does not take: unknown or read-only names, bad pass modes."""
        if self.failure == "refuse":
            return list(entries)
        return [
            name
            for name, value in entries.items()
            if name != self.pass_mode_key or value not in PASS_MODES
        ]

    async def _v5_list(self, request: web.Request) -> web.Response:
        self.whole_list_reads += 1
        if self.strict:
            return v5_bad_request("reading every configuration at once is refused: name one")
        return json_response({"data": dict(self.values)})

    async def _v5_entry(self, request: web.Request) -> web.Response:
        name = unquote(request.path.removeprefix(V5_CONFIGS_PATH + "/"))
        if name not in self.values:
            return v5_error(404, 40400, "NOT_FOUND", f"no configuration {name}")
        return json_response({"data": {name: self.values[name]}})

    async def _v5_write(self, request: web.Request) -> web.Response:
        try:
            body = await request_json(request)
        except ValueError:
            return v5_error(400, 40001, "UNSUPPORT_CONTENT_TYPE", "the body must be JSON")
        entries = body.get("config_dict") if isinstance(body, dict) else None
        if not isinstance(entries, dict) or not entries:
            return v5_bad_request("config_dict must be a non-empty object")
        self.writes.append(dict(entries))
        if self.failure == "timeout":
            await self.gate.hold()
        if self.failure == "error":
            return v5_error(500, 50000, "INTERNAL_ERROR", "the configuration was not saved")
        failed = self._refused(entries)
        for name, value in entries.items():
            if name not in failed:
                self.values[name] = value
        success = [name for name in entries if name not in failed]
        return json_response({"data": {"failed_configs": failed, "success_configs": success}})

    async def _pretty_score(self, request: web.Request) -> web.Response:
        return json_response({"data": {"threshold_range": [0.0, 80.0, 100.0]}})

    async def _v6_read(self, request: web.Request) -> web.Response:
        body = await v6_body(request)
        if isinstance(body, web.Response):
            return body
        name = body.get("config_name")
        if name is None:
            self.whole_list_reads += 1
            if self.strict:
                return v6_error(400, "MISSING_ARGUMENTS", "config_name")
            return json_response(dict(self.values))
        if name not in self.values:
            return v6_error(400, "INVALID_ARGUMENTS", "config_name")
        return json_response({name: self.values[name]})

    async def _v6_write(self, request: web.Request) -> web.Response:
        body = await v6_body(request)
        if isinstance(body, web.Response):
            return body
        entries = body.get("config_dict")
        if not isinstance(entries, dict) or not entries:
            return v6_error(400, "MISSING_ARGUMENTS", "config_dict")
        self.writes.append(dict(entries))
        if self.failure == "timeout":
            await self.gate.hold()
        if self.failure == "error":
            return v6_error(500, "INTERNAL_ERROR", "the configuration was not saved")
        failed = self._refused(entries)
        # The page: with one bad key the call answers an error, but the others take effect.
        for name, value in entries.items():
            if name not in failed:
                self.values[name] = value
        if failed:
            return v6_error(400, "INVALID_ARGUMENTS", str(entries[failed[0]]))
        return json_response(dict(entries))

    @property
    def pass_mode(self) -> str:
        """The pass mode now."""
        return str(self.values[self.pass_mode_key])

    @pass_mode.setter
    def pass_mode(self, mode: str) -> None:
        if mode not in PASS_MODES:
            raise ValueError(f"pass mode must be one of {PASS_MODES}, not {mode!r}")
        self.values[self.pass_mode_key] = mode
