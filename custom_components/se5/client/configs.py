"""The box's configuration: one entry read by name, entries written, pass mode, score scale.

V5 (5.11 配置管理): `GET :5555/SophonConfig/api/Configs/<name>` reads one entry (the page's
answer example is the whole list under `data`; one entry comes as `{"data": {name: value}}`);
`PUT /SophonConfig/api/Configs {"config_dict": {...}}` writes, answering
`{"data": {"failed_configs": [...], "success_configs": [...]}}`.
V6 (5.11 config-manager): `POST /sophon/v2/face/getconfigs {"config_name": name}` answers
`{name: value}`; `POST setconfigs {"config_dict": {...}}` answers the new values, or an error
envelope (the others of several keys still take effect).

**The whole list is never read** (`GET …/Configs` without a name, `getconfigs` without
`config_name`): it holds the box's MQ password, login token and web password.

Pass mode (who the gates let through): V5 `PASSMODE`, V6 `GATE_PASS_MODE`, `normal`, `allpass`
or `allforbidden`. Written only on a user's action.

Score scale: the box says it where it can. V5 `GET /SophonFogSys/api/PrettyScore` answers the
"threshold mapping space" `{"data": {"threshold_range": [0.0, 80.0, 100.0]}}` (5.5, page 10);
else the V5 config `THRESHOLD` (82 in the list example, 0.5 as the field table's default); V6
`MATCH_THRESHOLD` (0 to 100, default 82). A threshold above 1 means scores on 0..100; one of
at most 1 means 0..1.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Final
from urllib.parse import quote

from . import values
from .errors import Se5ApiError, Se5NotABoxError
from .fetch import RequestFn, short_text
from .models import Dialect

V5_CONFIGS_PATH: Final = "/SophonConfig/api/Configs"
V6_GET_CONFIGS_PATH: Final = "/sophon/v2/face/getconfigs"
V6_SET_CONFIGS_PATH: Final = "/sophon/v2/face/setconfigs"
V5_PRETTY_SCORE_PATH: Final = "/SophonFogSys/api/PrettyScore"
BOX_MAC: Final = "BOX_MAC"
"""V5 only (V6 documents no such entry)."""
V5_THRESHOLD: Final = "THRESHOLD"
V6_THRESHOLD: Final = "MATCH_THRESHOLD"


class PassMode(StrEnum):
    """Who the gates let through (box-wide)."""

    NORMAL = "normal"
    """Those whose recognition passes the box's rules."""
    ALL_PASS = "allpass"  # noqa: S105 - a pass mode, not a password
    ALL_FORBIDDEN = "allforbidden"


PASS_MODE_CONFIG: Final = {Dialect.V5: "PASSMODE", Dialect.V6: "GATE_PASS_MODE"}


class Se5ConfigRefusedError(Se5ApiError):
    """The box answered a configuration write but did not take every entry.

    V5 lists them in `failed_configs`; its message names them.
    """


async def read_config(request: RequestFn, dialect: Dialect, name: str) -> Any:
    """One configuration entry, read by name (never the whole list).

    Raises NotFoundError when the box has no such entry (V5 40400; V6 answers
    `INVALID_ARGUMENTS`, a Se5ApiError), Se5NotABoxError when the answer does not hold it.
    """
    if dialect is Dialect.V5:
        payload = await request("GET", f"{V5_CONFIGS_PATH}/{quote(name, safe='')}")
        data = payload.get("data") if isinstance(payload, Mapping) else None
    else:
        data = await request("POST", V6_GET_CONFIGS_PATH, json_body={"config_name": name})
    if not isinstance(data, Mapping) or name not in data:
        raise Se5NotABoxError(f"the answer holds no configuration {name}")
    return data[name]


async def write_configs(write: RequestFn, dialect: Dialect, entries: Mapping[str, Any]) -> None:
    """Write configuration entries (a write: sent once, see `Se5Client._write`).

    Raises Se5ConfigRefusedError when the box names entries it did not take (V5
    `failed_configs`), Se5ApiError with the box's code and message when it refused the call.
    """
    body = {"config_dict": dict(entries)}
    if dialect is Dialect.V5:
        payload = await write("PUT", V5_CONFIGS_PATH, json_body=body)
        data = payload.get("data") if isinstance(payload, Mapping) else None
        if not isinstance(data, Mapping):
            raise Se5NotABoxError("the answer to the configuration write has no data object")
        # Only `failed_configs` says what was refused: the page's own example answers a write
        # of EVENT_IMAGE_PATH with three other names in `success_configs`. The value is read
        # back after each write anyway.
        if failed := _names(data.get("failed_configs")):
            raise Se5ConfigRefusedError("failed_configs", short_text(", ".join(failed)))
        return
    payload = await write("POST", V6_SET_CONFIGS_PATH, json_body=body)
    if not isinstance(payload, Mapping):
        raise Se5NotABoxError("the answer to the configuration write is not an object")


def _names(value: object) -> list[str]:
    return [values.text(item) or "?" for item in value[:20]] if isinstance(value, list) else []


async def read_pass_mode(request: RequestFn, dialect: Dialect) -> PassMode:
    """The box's pass mode; Se5NotABoxError for a value outside the documented three."""
    value = await read_config(request, dialect, PASS_MODE_CONFIG[dialect])
    try:
        return PassMode(str(value).strip().lower())
    except ValueError:
        raise Se5NotABoxError(f"unknown pass mode {values.text(value)!r}") from None


async def write_pass_mode(write: RequestFn, dialect: Dialect, mode: PassMode) -> None:
    """Set the box's pass mode (see `write_configs` for the errors)."""
    await write_configs(write, dialect, {PASS_MODE_CONFIG[dialect]: mode.value})


def scale_of(value: object) -> int | None:
    """The score scale a threshold stands for: 100 above 1, 1 for (0, 1]; None otherwise."""
    number = values.number(value)
    if number is None or number <= 0:
        return None
    return 100 if number > 1 else 1


async def read_score_scale(request: RequestFn, dialect: Dialect) -> int | None:
    """The scale of the box's scores (1 or 100) as the box tells it; None when it does not.

    V5: `PrettyScore`'s `threshold_range` (its largest bound), else `THRESHOLD`; V6:
    `MATCH_THRESHOLD`. A call the box does not know (or answers oddly) tells nothing; a
    connection error propagates.
    """
    if dialect is Dialect.V5:
        try:
            payload = await request("GET", V5_PRETTY_SCORE_PATH)
        except (Se5ApiError, Se5NotABoxError):
            payload = None
        data = payload.get("data") if isinstance(payload, Mapping) else None
        bounds = data.get("threshold_range") if isinstance(data, Mapping) else None
        if isinstance(bounds, list):
            numbers = [n for n in map(values.number, bounds) if n is not None]
            if numbers and (scale := scale_of(max(numbers))) is not None:
                return scale
    name = V5_THRESHOLD if dialect is Dialect.V5 else V6_THRESHOLD
    try:
        return scale_of(await read_config(request, dialect, name))
    except (Se5ApiError, Se5NotABoxError):
        return None
