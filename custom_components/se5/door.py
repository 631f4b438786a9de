"""Doors through the box: the relay of one gate, driven by the box's `EventAction` call (V5).

Every command goes to exactly the door asked: the relay's address, its TCP port and its
channel (`client/doors.py`), sent once. V6 firmware documents no such call (its relays pulse by
themselves on each recognised pass), so doors are offered on V5 boxes only; nothing is sent to
find out. A box that refuses door commands three times in a row gets a repair issue quoting its
answer; a door that opens clears it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import logging
from typing import TYPE_CHECKING

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir

from .client import (
    Device,
    Relay,
    Se5ApiError,
    Se5Error,
    Se5NotABoxError,
    Se5UnconfirmedError,
)
from .client.doors import relay_missing
from .const import DOMAIN, DOOR_REFUSALS_REPAIR
from .markdown import markdown_text

if TYPE_CHECKING:
    from .data import Se5Data

_LOGGER = logging.getLogger(__name__)


def has_door(data: Se5Data, device: Device) -> bool:
    """True when the box can open this device's door on demand (a relay, V5 firmware)."""
    return data.door_api and device.relay is not None


def door_refused_issue_id(entry_id: str) -> str:
    """The repair issue of a box that keeps refusing door commands."""
    return f"door_refused_{entry_id}"


async def async_open_door(data: Se5Data, device: Device, duration: int | None = None) -> int:
    """Pulse the device's relay; the seconds the door stays open.

    `duration` (1..254 s) defaults to the relay's own delay time. Raises a translated
    ServiceValidationError when the device cannot open a door, HomeAssistantError when the
    box refused or did not answer.
    """
    return await _async_command(
        data, device, lambda relay: data.client.open_door(relay, duration=duration)
    )


async def async_close_door(data: Se5Data, device: Device) -> None:
    """Release the device's relay at once (`closedoor`); errors as `async_open_door`."""
    await _async_command(data, device, data.client.close_door)


async def _async_command[T](
    data: Se5Data, device: Device, send: Callable[[Relay], Awaitable[T]]
) -> T:
    relay = _relay(data, device)
    try:
        result = await send(relay)
    except Se5UnconfirmedError as err:
        # It went out: it may have opened the door. Not sent again, and no refusal.
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="door_unconfirmed",
            translation_placeholders={"device": device.name, "error": str(err)},
        ) from err
    except (Se5ApiError, Se5NotABoxError) as err:
        _note_refusal(data, str(err))
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="door_refused",
            translation_placeholders={"device": device.name, "error": str(err)},
        ) from err
    except Se5Error as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="door_failed",
            translation_placeholders={"device": device.name, "error": str(err)},
        ) from err
    _note_success(data)
    _LOGGER.debug("Door command to the relay of %s carried out", device.id)
    return result


def _relay(data: Se5Data, device: Device) -> Relay:
    """The device's relay, when a door command can go to it."""
    if device.relay is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_relay",
            translation_placeholders={"device": device.name},
        )
    if not data.door_api:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_door_api",
            translation_placeholders={"device": device.name},
        )
    if relay_missing(device.relay):
        raise _incomplete(device)
    return device.relay


def _incomplete(device: Device) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="relay_incomplete",
        translation_placeholders={"device": device.name},
    )


def _note_refusal(data: Se5Data, answer: str) -> None:
    data.door_refusals += 1
    if data.door_refusals < DOOR_REFUSALS_REPAIR:
        return
    entry = data.registry.entry
    ir.async_create_issue(
        data.push.hass,
        DOMAIN,
        door_refused_issue_id(entry.entry_id),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="door_refused",
        translation_placeholders={
            "box": entry.title,  # in the title only: plain text
            "box_name": markdown_text(entry.title),
            "count": str(data.door_refusals),
            "error": markdown_text(answer),  # the box's own words, shown as they are
        },
    )


def _note_success(data: Se5Data) -> None:
    if data.door_refusals:
        data.door_refusals = 0
        ir.async_delete_issue(
            data.push.hass, DOMAIN, door_refused_issue_id(data.registry.entry.entry_id)
        )
