"""The box's system API (port 8888): identity (`BoxInfo`) and health (`Health`).

V5 answers `GET /SophonSystem/api/<name>` with `{"data": ...}` and values as text with units;
V6 answers `POST /sophon/v2/system/<name>` with flat objects and numbers. The parsers read both
shapes whatever the dialect, and every one of them is pure and total (odd values give None).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from . import values
from .configs import BOX_MAC, read_config
from .errors import Se5BoxStartingError, Se5ConnectionError, Se5Error, Se5NotABoxError
from .fetch import NotFoundError, RequestFn
from .models import BoxInfo, Dialect, Health
from .parse import NAME_MAX, TEXT_MAX, cap_text

DEFAULT_SYSTEM_PORT: Final = 8888
V5_SYSTEM_PREFIX: Final = "/SophonSystem/api/"
V6_SYSTEM_PREFIX: Final = "/sophon/v2/system/"
SERIAL_MAX: Final = 64
"""Characters kept of the serial (a real one has 17)."""

type _Call = tuple[str, str, dict[str, Any] | None]
"""V5 name, V6 name, V6 body (None: `{}`)."""

_IDENTITY_CALLS: Final[dict[str, _Call]] = {
    "serial": ("deviceSN", "getdevicesn", None),
    "hardware": ("hardwareInfo", "gethardwareinfo", None),
    "version": ("systemVersion", "getsoftwareversion", None),
    "ip": ("ip", "getip", None),
    "hostname": ("hostname", "gethostname", None),
}
_HEALTH_CALLS: Final[dict[str, _Call]] = {
    "temperature": ("temperature", "gettemperature", None),
    "cpu": ("cpu", "getcpuinfo", None),
    "tpu": ("tpu", "gettpuinfo", None),
    "memory": ("memoryInfo", "getmemoryinfo", None),
    "disk": ("diskInfo", "getstorage", {"device": "emmc"}),
    "external": ("externalDiskInfo", "getexternaldisk", None),
    "fan": ("fan", "getfanspeed", None),
    "uptime": ("uptime", "getuptime", None),
    "version": ("systemVersion", "getsoftwareversion", None),
}


def unwrap(payload: Any) -> Any:
    """The V5 `data` of an answer; a V6 answer as it is."""
    if isinstance(payload, dict) and "data" in payload and isinstance(payload["data"], dict | list):
        return payload["data"]
    return payload


def _first(data: Any, *keys: str) -> Any:
    """The first of `keys` whose value is not None (None when `data` is not an object)."""
    if not isinstance(data, Mapping):
        return None
    for key in keys:
        if (value := data.get(key)) is not None:
            return value
    return None


def parse_mac(data: Any) -> str | None:
    """The eth0 (WAN) MAC from V5 `ip` (a list) or V6 `getip` (`address_list`).

    Without an eth0 MAC, the first interface that has one.
    """
    entries = _first(data, "address_list", "data") if isinstance(data, Mapping) else data
    if not isinstance(entries, list):
        return None
    macs: list[tuple[bool, str]] = []
    for entry in entries:
        name = values.text(_first(entry, "device", "interface", "name"))
        if (mac := values.mac_address(_first(entry, "mac", "mac_address"))) is not None:
            macs.append((name != "eth0", mac))
    return min(macs, key=lambda item: item[0])[1] if macs else None


def parse_config_mac(data: Any) -> str | None:
    """`BOX_MAC` (`"0xe0a50900426c"`) of the configuration, flat or under `config_dict`."""
    configs = _first(data, "config_dict", "configs")
    if not isinstance(configs, Mapping):
        configs = data
    return values.mac_address(_first(configs, "BOX_MAC", "box_mac"))


def parse_box_info(answers: Mapping[str, Any]) -> BoxInfo:
    """A BoxInfo from the unwrapped answers of the identity calls (missing ones are None).

    The serial (the entry's unique id) is cut to `SERIAL_MAX` characters, the host name (the
    entry's title) to `NAME_MAX`, every other text to `TEXT_MAX`.
    """
    serial = values.text(_first(answers.get("serial"), "device_sn", "sn"))
    if serial is not None:
        serial = serial[:SERIAL_MAX]
    hardware = answers.get("hardware")
    version = answers.get("version")
    return BoxInfo(
        serial=serial,
        mac=parse_mac(answers.get("ip")),
        model=_capped(_first(hardware, "model")),
        # V5's table says product_version, its example hardwareVersion: read both.
        hardware_version=_capped(_first(hardware, "product_version", "hardwareVersion")),
        firmware_version=parse_firmware(version),
        mcu_version=_capped(_first(hardware, "mcu_version"))
        or _capped(_first(version, "mcu_version")),
        hostname=_capped(_first(answers.get("hostname"), "hostname"), NAME_MAX),
    )


def _capped(value: object, limit: int = TEXT_MAX) -> str | None:
    text = values.text(value)
    return None if text is None else cap_text(text, limit)


def parse_firmware(data: Any) -> str | None:
    """V5 `version`; V6 `app_gate_version`, else `nnsdk_version`."""
    return _capped(_first(data, "version", "app_gate_version", "nnsdk_version"))


def _share(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return values.percent(part / whole)


def parse_memory(data: Any) -> tuple[float | None, int | None, int | None]:
    """Usage (percent), usable total and used bytes, from any of the three documented shapes.

    V6 names the usable memory `svt_memory` and the board total `total_memory`; V5 names the
    usable memory `total_memory` (11.51G of 12.0G); V5's older page has only `total_memory` and
    `used_memory`.
    """
    if _first(data, "svt_memory", "svt_used_memory", "svt_memory_usage") is not None:
        total = values.size_bytes(_first(data, "svt_memory"))
        used = values.size_bytes(_first(data, "svt_used_memory"))
        free = values.size_bytes(_first(data, "svt_free_memory"))
        rate = _first(data, "svt_memory_usage")
    else:
        total = values.size_bytes(_first(data, "total_memory"))
        used = values.size_bytes(_first(data, "total_used_memory", "used_memory"))
        free = values.size_bytes(_first(data, "total_free_memory", "free_memory"))
        rate = _first(data, "total_memory_scale")
    if used is None and total is not None and free is not None and free <= total:
        used = total - free
    usage = values.percent(rate) if rate is not None else _share(used, total)
    return usage, total, used


def parse_health(answers: Mapping[str, Any]) -> Health:
    """A Health from the unwrapped answers of the health calls (missing ones are None)."""
    temperature = answers.get("temperature")
    memory_usage, memory_total, memory_used = parse_memory(answers.get("memory"))
    disk = answers.get("disk")
    disk_total = values.size_bytes(_first(disk, "total_disk"))
    disk_free = values.size_bytes(_first(disk, "free_disk"))
    disk_used = values.size_bytes(_first(disk, "used_disk"))
    if disk_used is None and disk_total is not None and disk_free is not None:
        disk_used = max(disk_total - disk_free, 0)
    disk_rate = _first(disk, "disk_rate", "disk_usage")
    external = answers.get("external")
    present = values.flag(_first(external, "external_hard_state"))
    external_total = values.size_bytes(_first(external, "external_hard_total_disk"))
    if present is None and external_total is not None:
        present = external_total > 0
    # The V6 table names it ..._usage, its example ..._rate: read both.
    external_rate = _first(external, "external_hard_disk_rate", "external_hard_disk_usage")
    return Health(
        core_temperature=values.leading_number(
            _first(temperature, "core_temperature", "temperature")
        ),
        board_temperature=values.leading_number(_first(temperature, "board_temperature")),
        cpu_usage=values.percent(_first(answers.get("cpu"), "cpu_rate", "cur_cpu_usage")),
        tpu_usage=values.percent(_first(answers.get("tpu"), "tpu_rate", "tpu_usage")),
        memory_usage=memory_usage,
        memory_total=memory_total,
        memory_used=memory_used,
        disk_usage=(
            values.percent(disk_rate) if disk_rate is not None else _share(disk_used, disk_total)
        ),
        disk_total=disk_total,
        disk_free=disk_free,
        external_disk=present,
        external_disk_usage=values.percent(external_rate) if present else None,
        external_disk_total=external_total if present else None,
        fan_speed=values.leading_number(_first(answers.get("fan"), "fan_speed")),
        uptime=values.uptime(_first(answers.get("uptime"), "uptime")),
        firmware_version=parse_firmware(answers.get("version")),
    )


async def _call_all(
    request: RequestFn, dialect: Dialect, calls: Mapping[str, _Call]
) -> tuple[dict[str, Any], list[Se5Error]]:
    """Every call at once: the unwrapped answers by key, and the errors (in call order)."""
    keys = list(calls)
    if dialect is Dialect.V5:
        coros = [request("GET", V5_SYSTEM_PREFIX + calls[key][0]) for key in keys]
    else:
        coros = [
            request("POST", V6_SYSTEM_PREFIX + calls[key][1], json_body=calls[key][2] or {})
            for key in keys
        ]
    results = await asyncio.gather(*coros, return_exceptions=True)
    answers: dict[str, Any] = {}
    errors: list[Se5Error] = []
    for key, result in zip(keys, results, strict=True):
        if isinstance(result, Se5Error):
            errors.append(result)
        elif isinstance(result, BaseException):
            raise result
        else:
            answers[key] = unwrap(result)
    return answers, errors


def _failure(errors: list[Se5Error], what: str) -> Se5Error:
    """The error to raise when nothing answered.

    A box still starting says so; else the first connection error; else a new one.
    """
    for kind in (Se5BoxStartingError, Se5ConnectionError):
        for error in errors:
            if isinstance(error, kind):
                return error
    reasons = "; ".join(str(error) for error in errors[:3])
    return Se5ConnectionError(f"{what} answered nothing usable ({reasons})")


async def fetch_box_info(system: RequestFn, rest: RequestFn, dialect: Dialect) -> BoxInfo:
    """Identity and versions, the calls made concurrently; each missing piece is None.

    Without a serial and an eth0 MAC, V5's `BOX_MAC` configuration entry (port 5555, read by
    name) stands in.
    Raises Se5ConnectionError when nothing answered at all, Se5NotABoxError when the box
    answered but gave no identity.
    """
    answers, errors = await _call_all(system, dialect, _IDENTITY_CALLS)
    info = parse_box_info(answers)
    if info.serial is None and info.mac is None and dialect is Dialect.V5:
        # Read by name: the whole list holds the box's passwords. V6 documents no BOX_MAC.
        try:
            value = await read_config(rest, dialect, BOX_MAC)
        except Se5Error as err:
            errors.append(err)
        else:
            answers["config"] = {BOX_MAC: value}
            info = replace(info, mac=parse_config_mac(answers["config"]))
    if info.serial is None and info.mac is None:
        if not answers:
            raise _failure(errors, "neither the system API nor the configuration")
        raise Se5NotABoxError("the box answered but gave no serial number and no MAC")
    return info


async def fetch_serial(system: RequestFn, dialect: Dialect | None) -> tuple[Dialect, str]:
    """The serial alone, in one call (a probe: discovery, an address change to check).

    With no known dialect, V5's call first, and V6's only when the port answered that V5's
    path is not there. Raises Se5NotABoxError when the answer holds no serial.
    """
    dialects = [dialect] if dialect is not None else [Dialect.V5, Dialect.V6]
    for candidate in dialects:
        v5_name, v6_name, _ = _IDENTITY_CALLS["serial"]
        try:
            if candidate is Dialect.V5:
                payload = await system("GET", V5_SYSTEM_PREFIX + v5_name)
            else:
                payload = await system("POST", V6_SYSTEM_PREFIX + v6_name, json_body={})
        except NotFoundError:
            if candidate is dialects[-1]:
                raise
            continue
        serial = parse_box_info({"serial": unwrap(payload)}).serial
        if serial is None:
            raise Se5NotABoxError("the system API answered without a serial number")
        return candidate, serial
    raise Se5NotABoxError("no dialect to ask in")  # pragma: no cover - dialects is not empty


async def fetch_health(system: RequestFn, dialect: Dialect) -> Health:
    """The health values, the calls made concurrently; a failed call leaves its fields None.

    Raises the first connection error (else the first error) when every call failed.
    """
    answers, errors = await _call_all(system, dialect, _HEALTH_CALLS)
    if not answers:
        failure = _failure(errors, "the system API")
        raise failure if failure in errors else errors[0]
    return parse_health(answers)
