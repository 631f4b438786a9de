"""The network relays the box drives: `PUT /SophonFogSys/api/EventAction`, read literally.

The vendor page (V5R7C01, 5.5 事件管理, "3-请求小盒子响应事件") defines each action as:
``action_ip`` the relay's address; ``action_port`` (a string) the relay's TCP control port, that
is a device's ``netRelay.net_port``; ``logic_port`` (an int) the relay's channel, a device's
``netRelay.door_port``, where 0 (the default) opens every door on the relay;
``action_duration`` seconds (default 5, opendoor only), 255 meaning "hold open", marked
unsupported; ``action_mode`` ``opendoor``, ``closedoor`` or ``alarm``.

Each door is known by (IP, TCP port, channel). Every pulse is recorded and logged at INFO on
this module's logger, which ``python -m se5sim`` shows by default.

Strict (the default) answers 400 with the box's V5 envelope to what the page does not allow or
what no relay of the box can carry out: an empty action list, an address and port that are no
relay's, channel 0 (every door), a duration outside 1..254. Lenient accepts them as a firmware
might: an empty list does nothing, channel 0 pulses every channel of the relay, 255 holds it open.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
import logging
import time
from typing import Any, Final

from aiohttp import web

from .envelopes import json_response, request_json, v5_bad_request, v5_error
from .faults import RELAY_FAILURE_MODES, Gate, RelayFailureMode
from .model import SimDevice

_LOGGER = logging.getLogger(__name__)

RELAY_MODES: Final = frozenset({"opendoor", "closedoor", "alarm"})
DEFAULT_DURATION: Final = 5
HOLD_OPEN: Final = 255
MAX_DURATION: Final = 254


@dataclass(frozen=True, slots=True)
class RelayPulse:
    """One command the box carried out on a relay."""

    ip: str
    port: int
    channel: int
    """The relay's channel; 0 (lenient only): every channel of the relay."""
    mode: str
    seconds: int | None
    """How long the door opens (opendoor); None for closedoor, alarm, or held open (255)."""
    at: float = field(default_factory=time.time)
    """Wall-clock time (epoch seconds)."""


def _number(value: object) -> int | None:
    """An int, or the digits of a string (`action_port` is documented as a string)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


class Relays:
    """The relays of the box's devices, the commands received and the pulses carried out."""

    def __init__(self, devices: dict[str, SimDevice], *, strict: bool = True) -> None:
        """Relays come from the devices' ``netRelay`` entries, read at each command."""
        self._devices = devices
        self.strict = strict
        self.actions: list[dict[str, Any]] = []
        """Every body the relay accepted, also those a failure mode failed (not refused ones)."""
        self.pulses: list[RelayPulse] = []
        self.failure: RelayFailureMode | None = None
        self.gate = Gate()

    def doors(self) -> set[tuple[str, int, int]]:
        """Every door the devices bind: (relay IP, TCP port, channel)."""
        found: set[tuple[str, int, int]] = set()
        for device in self._devices.values():
            relay = device.relay or {}
            ip, port, channel = relay.get("ip"), relay.get("net_port"), relay.get("door_port")
            if isinstance(ip, str) and isinstance(port, int) and isinstance(channel, int):
                found.add((ip, port, channel))
        return found

    def set_failure(self, mode: RelayFailureMode | None) -> None:
        """Make commands fail (None: answer again); held requests are let go."""
        if mode is not None and mode not in RELAY_FAILURE_MODES:
            raise ValueError(f"mode must be one of {RELAY_FAILURE_MODES}, not {mode!r}")
        self.failure = mode
        if mode != "timeout":
            self.gate.release()

    async def handle(self, request: web.Request) -> web.Response:
        """``PUT /SophonFogSys/api/EventAction``."""
        try:
            body = await request_json(request)
        except ValueError:
            return v5_error(400, 40001, "UNSUPPORT_CONTENT_TYPE", "the body must be JSON")
        actions = body.get("action") if isinstance(body, dict) else None
        if not isinstance(actions, list):
            return v5_bad_request("'action' must be a list")
        if not actions and self.strict:
            return v5_bad_request("'action' is empty: nothing to do")
        commands: list[RelayPulse] = []
        for action in actions:
            command = self._command(action)
            if isinstance(command, str):
                return v5_bad_request(command)
            commands.extend(command)
        self.actions.append(body)
        if self.failure == "timeout":
            await self.gate.hold()
        elif self.failure == "http500":
            return web.Response(status=500, text="Internal Server Error")
        elif self.failure == "error":
            return v5_error(500, 50000, "INTERNAL_ERROR", "the relay did not answer")
        self._carry_out(commands)
        mode = actions[0]["action_mode"] if actions else None
        return json_response({"data": {"message": "success", "action_mode": mode}})

    def _command(self, action: object) -> list[RelayPulse] | str:
        """The pulses an action asks for, or why the box refuses it."""
        if not isinstance(action, dict):
            return "each action must be an object"
        ip, mode = action.get("action_ip"), action.get("action_mode")
        if not isinstance(ip, str) or not ip or mode not in RELAY_MODES:
            return "each action needs an action_ip and an action_mode in " + ", ".join(
                sorted(RELAY_MODES)
            )
        port = _number(action.get("action_port"))
        channel = _number(action.get("logic_port", 0))
        duration = _number(action.get("action_duration", DEFAULT_DURATION))
        if port is None or channel is None or duration is None:
            return "action_port, logic_port and action_duration must be numbers"
        seconds: int | None = duration if mode == "opendoor" else None
        if self.strict:
            doors = self.doors()
            if not any(door[:2] == (ip, port) for door in doors):
                return f"no network relay at {ip} port {port}"
            if channel < 1:
                return "logic_port 0 opens every door of the relay: name the channel"
            if mode == "opendoor" and not 1 <= duration <= MAX_DURATION:
                return f"action_duration must be 1..{MAX_DURATION} (255, hold open, unsupported)"
        elif mode == "opendoor" and duration == HOLD_OPEN:
            seconds = None
        return [RelayPulse(ip, port, channel, str(mode), seconds)]

    def _carry_out(self, commands: Iterable[RelayPulse]) -> None:
        for pulse in commands:
            self.pulses.append(pulse)
            door = f"relay {pulse.ip}:{pulse.port} " + (
                f"channel {pulse.channel}" if pulse.channel else "every channel"
            )
            if pulse.mode == "opendoor":
                held = "held open" if pulse.seconds is None else f"open for {pulse.seconds} s"
                _LOGGER.info("%s: %s", door, held)
            else:
                _LOGGER.info("%s: %s", door, pulse.mode)
