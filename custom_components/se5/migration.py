"""Entries of release 0.1 (unique id = host) become entries keyed by the box's own identity.

Version 1 entries had the host as unique id, the box device identified by the entry id, the
cameras by their bare device ids and entity unique ids built on those. Version 2 scopes all of
them by the box's serial number (or MAC), read from the box. Entity ids, names, areas and other
user customisations stay: entities and devices are updated in place, never re-created.

When the box cannot be reached the entry stays at version 1 and set-up is retried (with a
translated "waiting for the box" reason) until it can.
"""

from __future__ import annotations

import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .client import DEFAULT_SYSTEM_PORT, Dialect, Se5Client, Se5Error
from .const import CONF_DIALECT, CONF_MAC, CONF_REST_PORT, CONF_SYSTEM_PORT, DOMAIN

_LOGGER = logging.getLogger(__name__)

VERSION = 2


def duplicate_issue_id(entry_id: str) -> str:
    """The repair issue of an entry that turned out to be a box configured twice."""
    return f"duplicate_box_{entry_id}"


async def async_migrate_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Migrate an entry to the current version (see the module docstring)."""
    if entry.version > VERSION:
        return False
    if entry.version == VERSION:
        return True
    data = {CONF_SYSTEM_PORT: DEFAULT_SYSTEM_PORT, **entry.data}
    client = Se5Client(
        async_get_clientsession(hass),
        data[CONF_HOST],
        data[CONF_REST_PORT],
        system_port=data[CONF_SYSTEM_PORT],
        dialect=Dialect(data[CONF_DIALECT]),
    )
    try:
        box = await client.get_box_info()
    except Se5Error as err:
        _LOGGER.debug("Cannot identify SE5 box %s yet: %s", data[CONF_HOST], err)
        return True  # stays at version 1; set-up waits for the box and retries
    box_uid = box.unique_id
    if box_uid is None:
        return True
    for other in hass.config_entries.async_entries(DOMAIN):
        if other.entry_id != entry.entry_id and other.unique_id == box_uid:
            ir.async_create_issue(
                hass,
                DOMAIN,
                duplicate_issue_id(entry.entry_id),
                is_fixable=False,
                severity=ir.IssueSeverity.ERROR,
                translation_key="duplicate_box",
                translation_placeholders={"entry": entry.title, "other": other.title},
            )
            return False
    ir.async_delete_issue(hass, DOMAIN, duplicate_issue_id(entry.entry_id))  # other one gone
    await async_migrate_registries(hass, entry, box_uid)
    if box.mac:
        data[CONF_MAC] = dr.format_mac(box.mac)
    hass.config_entries.async_update_entry(entry, data=data, unique_id=box_uid, version=VERSION)
    _LOGGER.info("Migrated the entry of SE5 box %s to its serial-based identity", data[CONF_HOST])
    return True


async def async_migrate_registries(hass: HomeAssistant, entry: ConfigEntry, box_uid: str) -> None:
    """Scope the device identifiers and entity unique ids of a version 1 entry by the box."""
    entry_id = entry.entry_id
    devices = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(devices, entry_id):
        identifiers = {
            (domain, _scoped(identifier, entry_id, box_uid) if domain == DOMAIN else identifier)
            for domain, identifier in device.identifiers
        }
        if identifiers != device.identifiers:
            devices.async_update_device(device.id, new_identifiers=identifiers)

    @callback
    def new_unique_id(entity: er.RegistryEntry) -> dict[str, str] | None:
        return {"new_unique_id": _scoped(entity.unique_id, entry_id, box_uid)}

    await er.async_migrate_entries(hass, entry_id, new_unique_id)


def _scoped(old: str, entry_id: str, box_uid: str) -> str:
    """A version 1 identifier or unique id, scoped by the box.

    The box's own ones started with the entry id; the devices' ones with the device id.
    """
    if old == entry_id:
        return box_uid
    if old.startswith(f"{entry_id}_"):
        return f"{box_uid}_{old.removeprefix(f'{entry_id}_')}"
    return f"{box_uid}_{old}"
