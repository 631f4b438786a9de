"""The box's device list, polled: new devices are offered, missing ones raise a repair issue."""

from __future__ import annotations

from datetime import datetime
import logging
from typing import TYPE_CHECKING, override

from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from ..client import Device, Se5BoxStartingError, Se5Client, Se5Error
from ..compat import device_by_identifier
from ..const import (
    CONF_DEVICES,
    CONF_DIALECT,
    CONF_FOLLOW_NEW,
    CONF_KNOWN_DEVICES,
    DOMAIN,
    MAX_FOLLOWED_NEW,
    REFRESH_INTERVAL,
)
from ..flow_common import known_devices
from ..markdown import markdown_text
from ..registry import device_identifier

if TYPE_CHECKING:
    from ..data import Se5ConfigEntry

_LOGGER = logging.getLogger(__name__)


async def async_list_devices(
    client: Se5Client, host: str, failure: type[HomeAssistantError]
) -> list[Device]:
    """The box's device list; a failure raises `failure` with a translated reason."""
    try:
        return await client.list_devices()
    except Se5BoxStartingError as err:
        raise failure(
            translation_domain=DOMAIN,
            translation_key="box_starting",
            translation_placeholders={"host": host},
        ) from err
    except Se5Error as err:
        raise failure(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"host": host, "error": str(err)},
        ) from err


def missing_issue_id(entry_id: str, device_id: str) -> str:
    """The repair issue of a followed device that the box no longer lists."""
    return f"device_missing_{entry_id}_{device_id}"


def cap_issue_id(entry_id: str) -> str:
    """The repair issue of new devices that *Follow new devices* did not follow (the cap)."""
    return f"device_cap_{entry_id}"


class Se5DeviceCoordinator(DataUpdateCoordinator[dict[str, Device]]):
    """The devices the box lists, plus the followed ones it stopped listing.

    A followed device that the box no longer lists is kept (its entities unavailable, the
    user's customisations intact) and, once listings at least one refresh interval apart agree
    that it is gone, a repair issue offers to stop following it. It is never deleted behind
    the user's back: a box that is starting or glitching lists fewer devices for a while.

    Bounded whatever the box lists: the client reads at most 256 devices of a list,
    *Follow new devices* follows new ones up to `MAX_FOLLOWED_NEW` followed devices (a repair
    issue names what it left), and the known ids kept in the options are capped too.
    """

    config_entry: Se5ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: Se5ConfigEntry,
        client: Se5Client,
        box_uid: str,
        devices: list[Device],
    ) -> None:
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} devices {entry.data[CONF_HOST]}",
            update_interval=REFRESH_INTERVAL,
            # Listeners (the registry sync, the devices' availability) are few and cheap, and a
            # device going missing changes no listed data: tell them after every refresh.
            always_update=True,
        )
        self.client = client
        self.box_uid = box_uid
        self.missing_since: dict[str, datetime] = {}
        self.refused: list[str] = []
        """New devices not followed because of `MAX_FOLLOWED_NEW` (while listed, unpicked)."""
        self._cut_logged = False
        self._listed: set[str] = {device.id for device in devices}
        """The ids of the box's latest list (set before the options change with it)."""
        self.data = self._merge({device.id: device for device in devices}, {}, dt_util.utcnow())

    @property
    def picked(self) -> list[str]:
        """The device ids picked in the options."""
        return list(self.config_entry.options.get(CONF_DEVICES, []))

    @property
    def followed(self) -> list[Device]:
        """The picked devices, listed by the box or kept while it does not list them."""
        data = self.data
        return [data[device_id] for device_id in self.picked if device_id in data]

    def is_missing(self, device_id: str) -> bool:
        """True while the box does not list a followed device."""
        return device_id in self.missing_since

    @override
    async def _async_update_data(self) -> dict[str, Device]:
        client = self.client
        host = self.config_entry.data[CONF_HOST]
        devices = await async_list_devices(client, host, UpdateFailed)
        entry = self.config_entry
        if client.dialect is not None and client.dialect.value != entry.data.get(CONF_DIALECT):
            _LOGGER.info("SE5 box %s now speaks API %s; reloading", host, client.dialect)
            self.hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_DIALECT: client.dialect.value}
            )
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
            return self.data
        listed = {device.id: device for device in devices}
        if client.devices_cut and not self._cut_logged:
            self._cut_logged = True
            _LOGGER.warning(
                "SE5 box %s lists %d devices: only the first %d are read",
                host,
                client.devices_listed,
                len(devices),
            )
        known = entry.options.get(CONF_KNOWN_DEVICES) or list(self.data)
        known_set = set(known)
        self._listed = set(listed)
        if new := [device_id for device_id in listed if device_id not in known_set]:
            self._async_new_devices(new, list(listed), known)
        self.async_check_refused()
        return self._merge(listed, self.data, dt_util.utcnow())

    def _async_new_devices(self, new: list[str], listed: list[str], known: list[str]) -> None:
        """Follow devices the box lists for the first time (unless the user said not to).

        "New" is measured against every device the box has ever listed (kept in the options),
        so that a device the user chose not to follow is never followed behind their back.
        No more than `MAX_FOLLOWED_NEW` devices end up followed that way: a repair issue says
        which were left, to be picked in the options.
        """
        entry = self.config_entry
        host = entry.data[CONF_HOST]
        picked = self.picked
        follow: list[str] = []
        if entry.options.get(CONF_FOLLOW_NEW, True):
            follow = new[: max(0, MAX_FOLLOWED_NEW - len(picked))]
            refused = new[len(follow) :]
            if follow:
                _LOGGER.info("SE5 box %s lists %d new device(s); following them", host, len(follow))
            if refused:
                _LOGGER.warning(
                    "SE5 box %s lists %d more new device(s): not followed, %d devices are "
                    "followed already; pick them in the integration's options",
                    host,
                    len(refused),
                    len(picked) + len(follow),
                )
                self.refused = list(dict.fromkeys([*self.refused, *refused]))
        else:
            _LOGGER.info(
                "SE5 box %s lists %d new device(s); pick them in the integration's options",
                host,
                len(new),
            )
        options = {
            **entry.options,
            CONF_DEVICES: [*picked, *follow],
            CONF_KNOWN_DEVICES: known_devices([*picked, *follow], listed, known),
        }
        self.hass.config_entries.async_update_entry(entry, options=options)

    def async_check_refused(self) -> None:
        """Tell (or stop telling) of the new devices the cap left unfollowed.

        One is settled once the user picked it, or the box no longer lists it.
        """
        listed = self._listed
        picked = set(self.picked)
        self.refused = [d for d in self.refused if d in listed and d not in picked]
        entry = self.config_entry
        if not self.refused:
            ir.async_delete_issue(self.hass, DOMAIN, cap_issue_id(entry.entry_id))
            return
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            cap_issue_id(entry.entry_id),
            is_fixable=False,
            is_persistent=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="device_cap",
            translation_placeholders={
                "box": entry.title,
                "box_name": markdown_text(entry.title),
                "count": str(len(self.refused)),
                "cap": str(MAX_FOLLOWED_NEW),
            },
        )

    def _merge(
        self, listed: dict[str, Device], previous: dict[str, Device], now: datetime
    ) -> dict[str, Device]:
        """The listed devices plus the picked ones the box does not list (kept as they were)."""
        registry = dr.async_get(self.hass)
        merged = dict(listed)
        for device_id in self.picked:
            if device_id in listed:
                self._found(device_id)
                continue
            kept = previous.get(device_id)
            if kept is None:
                known = device_by_identifier(
                    registry,
                    device_identifier(self.box_uid, device_id),
                    self.config_entry.entry_id,
                )
                if known is None:
                    continue  # never registered: nothing to keep
                kept = Device(id=device_id, name=known.name or device_id)
            merged[device_id] = kept
            self._missed(kept, now)
        self.async_forget_unpicked()
        return merged

    def async_forget_unpicked(self) -> None:
        """Clear the missing state (and repair issue) of devices no longer picked."""
        picked = set(self.picked)
        for device_id in list(self.missing_since):
            if device_id not in picked:
                self._found(device_id)

    def _missed(self, device: Device, now: datetime) -> None:
        first = self.missing_since.setdefault(device.id, now)
        if now - first >= REFRESH_INTERVAL:
            entry = self.config_entry
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                missing_issue_id(entry.entry_id, device.id),
                is_fixable=True,
                is_persistent=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="device_missing",
                translation_placeholders={"device": device.name, "box": entry.title},
                data={
                    "entry_id": entry.entry_id,
                    "device_id": device.id,
                    "device": device.name,
                    "box": entry.title,
                },
            )

    def _found(self, device_id: str) -> None:
        if self.missing_since.pop(device_id, None) is not None:
            ir.async_delete_issue(
                self.hass, DOMAIN, missing_issue_id(self.config_entry.entry_id, device_id)
            )
