"""Doors: the box pulses a gate's network relay on demand (V5 `EventAction`).

`PUT /SophonFogSys/api/EventAction` (V5R7C01, 5.5 事件管理, "3-请求小盒子响应事件"), its field
table read literally:

- `action_ip`: the relay's address;
- `action_port` (a string): "edge 设备终端控制端口号 (eg: 5555)", the relay's TCP control port,
  which the device page (5.7, 1-增加设备) calls `netRelay.net_port` (网络继电器通信端口号; V6
  `net_relay.port`);
- `logic_port` (an int): "网络继电器控制端口 默认为0, 表示网络继电器的所有控制门全开", the
  relay's channel, the device's `netRelay.door_port` (绑定的网络继电器端口号; V6
  `net_relay.channel`). **0 opens every door on the relay**: it is never sent, and a relay
  without a channel is refused;
- `action_duration`: seconds, "only in opendoor mode", default 5; 255 means "hold open" and is
  marked unsupported: 1..254;
- `action_mode`: `opendoor`, `closedoor` or `alarm`.

The answer is `{"data": {"message", "action_mode"}}`. The page gives no example request or answer.
V6 documents no such call (its relays pulse by themselves on each recognised pass): doors are
offered on V5 only. A door command is a write: sent once on a connection of its own (`send.py`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Final

from .errors import Se5Error, Se5NotABoxError
from .fetch import RequestFn
from .models import Relay

EVENT_ACTION_PATH: Final = "/SophonFogSys/api/EventAction"
MIN_DURATION: Final = 1
MAX_DURATION: Final = 254
"""255 is the page's "hold open", marked unsupported."""
DEFAULT_DURATION: Final = 5
"""The page's default, for a relay whose record gives no `delay_time`."""


class DoorMode(StrEnum):
    """What the box is asked to do with the relay (`action_mode`)."""

    OPEN = "opendoor"
    CLOSE = "closedoor"


class Se5RelayIncompleteError(Se5Error):
    """The device's relay record lacks what the command needs (nothing was sent).

    `missing` names the relay's fields: `port` (its TCP port), `channel` (none, or 0: every door).
    """

    def __init__(self, missing: tuple[str, ...]) -> None:
        super().__init__("the relay has no " + " and no ".join(missing))
        self.missing = missing


def relay_missing(relay: Relay) -> tuple[str, ...]:
    """What the relay record lacks for a door command: `port`, `channel`; () when complete."""
    missing: list[str] = []
    if relay.net_port is None or not 0 < relay.net_port < 65536:
        missing.append("port")
    if relay.door_port is None or relay.door_port < 1:
        missing.append("channel")
    return tuple(missing)


def default_duration(relay: Relay) -> int:
    """The relay's own `delay_time` clamped into 1..254, else the page's default of 5 s."""
    if relay.delay_time is None:
        return DEFAULT_DURATION
    return min(max(relay.delay_time, MIN_DURATION), MAX_DURATION)


def door_action(relay: Relay, mode: DoorMode, duration: int | None = None) -> dict[str, Any]:
    """The one action of an `EventAction` body for this relay (raises before anything is sent).

    Raises Se5RelayIncompleteError for a relay without a TCP port or a channel, ValueError for a
    duration outside 1..254. `closedoor` carries no duration (the page: opendoor only).
    """
    if missing := relay_missing(relay):
        raise Se5RelayIncompleteError(missing)
    action: dict[str, Any] = {
        "action_ip": relay.ip,
        "action_port": str(relay.net_port),
        "action_mode": mode.value,
        "logic_port": relay.door_port,
    }
    if mode is DoorMode.OPEN:
        seconds = default_duration(relay) if duration is None else duration
        if isinstance(seconds, bool) or not MIN_DURATION <= seconds <= MAX_DURATION:
            raise ValueError(f"duration must be {MIN_DURATION}..{MAX_DURATION} s, not {seconds}")
        action["action_duration"] = seconds
    return action


async def send_door_command(
    write: RequestFn, relay: Relay, mode: DoorMode, duration: int | None = None
) -> int | None:
    """Send one door command; the seconds the door was opened for (None for `closedoor`).

    Raises Se5RelayIncompleteError (nothing sent), Se5ApiError when the box refuses (its code
    and message), Se5UnconfirmedError when it went out and no answer came back, another
    Se5ConnectionError when it could not be sent.
    """
    action = door_action(relay, mode, duration)
    payload = await write("PUT", EVENT_ACTION_PATH, json_body={"action": [action]})
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
        raise Se5NotABoxError("EventAction answer has no data object")
    seconds = action.get("action_duration")
    return seconds if isinstance(seconds, int) else None
