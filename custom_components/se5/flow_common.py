"""What the config and options flows share: reading the user's input, errors, the selection."""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)

from .client import (
    Device,
    Dialect,
    Se5BoxStartingError,
    Se5ConnectionError,
    Se5Error,
    Se5NotABoxError,
    Se5ServerError,
)
from .compat import vol
from .const import (
    CONF_DEVICES,
    CONF_FACE_IMAGE,
    CONF_FOLLOW_NEW,
    CONF_KEEP_DAYS,
    CONF_KEEP_ON_DISK,
    CONF_KNOWN_DEVICES,
    CONF_RECENT_COUNT,
    CONF_RECENT_SIZE_MB,
    CONF_REGISTERED_IMAGE,
    CONF_SCENE_IMAGE,
    DEFAULT_IMAGES,
    DEFAULT_RECENT,
    MAX_KEEP_DAYS,
    MAX_KNOWN_DEVICES,
    MAX_RECENT_COUNT,
    MAX_RECENT_SIZE_MB,
    SMALL_DEVICE_LIST,
)


def normalize_host(value: str) -> str | None:
    """The bare host of what the user typed (`http://1.2.3.4:5555/` -> `1.2.3.4`), or None."""
    text = value.strip()
    if not text:
        return None
    try:
        return ip_address(text.strip("[]")).compressed
    except ValueError:
        pass
    try:
        parts = urlsplit(text if "://" in text else f"//{text}")
        host = parts.hostname
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    if not host or any(char.isspace() for char in host):
        return None
    return host.lower()


def error_key(err: Se5Error) -> str:
    """The translation key of a form error for a client error."""
    if isinstance(err, Se5BoxStartingError):
        return "box_starting"
    if isinstance(err, Se5ServerError):
        return "box_error"
    if isinstance(err, Se5ConnectionError):
        return "cannot_connect"
    if isinstance(err, Se5NotABoxError):
        return "not_se5"
    return "box_error"


def selection_schema(devices: list[Device], dialect: str, current: dict[str, Any]) -> vol.Schema:
    """Devices to follow and images to receive.

    All devices are preselected when the box lists at most `SMALL_DEVICE_LIST` (a box serves
    up to about 16 cameras); a longer list starts empty, as a searchable drop-down.
    """
    options = [SelectOptionDict(value=device.id, label=device.name) for device in devices]
    known = {device.id for device in devices}
    default = [device.id for device in devices] if len(devices) <= SMALL_DEVICE_LIST else []
    picked = [device_id for device_id in current.get(CONF_DEVICES, default) if device_id in known]
    mode = (
        SelectSelectorMode.LIST
        if len(devices) <= SMALL_DEVICE_LIST
        else SelectSelectorMode.DROPDOWN
    )
    images = {**DEFAULT_IMAGES, **current}
    fields: dict[Any, Any] = {
        vol.Optional(CONF_DEVICES, default=picked): SelectSelector(
            SelectSelectorConfig(options=options, multiple=True, mode=mode)
        ),
        vol.Required(CONF_FOLLOW_NEW, default=current.get(CONF_FOLLOW_NEW, True)): (
            BooleanSelector()
        ),
        vol.Required(CONF_FACE_IMAGE, default=images[CONF_FACE_IMAGE]): BooleanSelector(),
    }
    if dialect == Dialect.V5:  # V6 firmware sends no scene photo
        fields[vol.Required(CONF_SCENE_IMAGE, default=images[CONF_SCENE_IMAGE])] = BooleanSelector()
    fields[vol.Required(CONF_REGISTERED_IMAGE, default=images[CONF_REGISTERED_IMAGE])] = (
        BooleanSelector()
    )
    return vol.Schema(fields)


def selection_options(
    user_input: dict[str, Any], listed: set[str], current: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The options from the devices-and-images form.

    The form offers only the devices the box lists now: a followed device missing from the
    list (its repair issue says so) stays followed, and every device ever listed stays known
    (a known device is never taken for a new one).
    """
    current = current or {}
    picked = [d for d in user_input.get(CONF_DEVICES, []) if d in listed]
    missing = [d for d in current.get(CONF_DEVICES, []) if d not in listed]
    return {
        CONF_DEVICES: picked + missing,
        CONF_FOLLOW_NEW: user_input.get(CONF_FOLLOW_NEW, True),
        CONF_KNOWN_DEVICES: known_devices(
            picked + missing, sorted(listed), current.get(CONF_KNOWN_DEVICES, [])
        ),
        CONF_FACE_IMAGE: user_input[CONF_FACE_IMAGE],
        CONF_SCENE_IMAGE: user_input.get(CONF_SCENE_IMAGE, False),
        CONF_REGISTERED_IMAGE: user_input[CONF_REGISTERED_IMAGE],
    }


def known_devices(*groups: Iterable[str]) -> list[str]:
    """The known device ids, sorted: the ids of each group in turn, up to `MAX_KNOWN_DEVICES`.

    Groups go most wanted first (followed, then listed, then the ones known before): when
    there are too many, the last ones are dropped.
    """
    known: set[str] = set()
    for group in groups:
        for device_id in group:
            if len(known) >= MAX_KNOWN_DEVICES:
                return sorted(known)
            known.add(device_id)
    return sorted(known)


def _number(minimum: int, maximum: int, unit: str | None = None) -> NumberSelector:
    config = NumberSelectorConfig(min=minimum, max=maximum, step=1, mode=NumberSelectorMode.BOX)
    if unit is not None:
        config["unit_of_measurement"] = unit
    return NumberSelector(config)


def recent_schema(current: dict[str, Any]) -> vol.Schema:
    """How many recent recognitions to keep with their images, and whether on disk."""
    values = {**DEFAULT_RECENT, **current}
    return vol.Schema(
        {
            vol.Required(CONF_RECENT_COUNT, default=values[CONF_RECENT_COUNT]): _number(
                0, MAX_RECENT_COUNT
            ),
            vol.Required(CONF_RECENT_SIZE_MB, default=values[CONF_RECENT_SIZE_MB]): _number(
                1, MAX_RECENT_SIZE_MB, "MB"
            ),
            vol.Required(CONF_KEEP_ON_DISK, default=values[CONF_KEEP_ON_DISK]): BooleanSelector(),
            vol.Required(CONF_KEEP_DAYS, default=values[CONF_KEEP_DAYS]): _number(1, MAX_KEEP_DAYS),
        }
    )


def recent_options(user_input: dict[str, Any]) -> dict[str, Any]:
    """The options from the recent-recognitions form (numbers as integers)."""
    return {
        CONF_RECENT_COUNT: int(user_input[CONF_RECENT_COUNT]),
        CONF_RECENT_SIZE_MB: int(user_input[CONF_RECENT_SIZE_MB]),
        CONF_KEEP_ON_DISK: bool(user_input[CONF_KEEP_ON_DISK]),
        CONF_KEEP_DAYS: int(user_input[CONF_KEEP_DAYS]),
    }
