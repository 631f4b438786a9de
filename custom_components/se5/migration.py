"""Entries of older releases: rewritten in place, entity ids, names, areas and settings kept.

- **1 → 2.2** (release 0.1: unique id = host, the box device identified by the entry id, the
  cameras by their bare device ids). The entry's new unique id is the box's serial number,
  which only the box can tell. The migration itself is local: the entry takes the default
  system port and is marked *identity pending*; set-up reads the serial once the box answers
  (`async_complete_identity`) and rewrites the ids then, waiting until then with a translated
  "waiting for the box" reason (a `ConfigEntryNotReady`, retried on both Home Assistant lines).
  `async_migrate_entry` so never reports a box that is away as migrated: Home Assistant takes
  True as "up to date" and False as a failed migration, which 2025.4 never retries (2026.x
  retries a `ConfigEntryNotReady` raised there, 2025.4 logs it as a failure).
- **2.1 → 2.2**: identifiers and unique ids joined raw ids with `_`, so that a device
  `person_7` and the person `7` (or a device named like a box entity's key) could collide.
  They are rewritten in the unambiguous form of `identifiers.py`.
"""

from __future__ import annotations

from collections.abc import Callable
import logging
from typing import TYPE_CHECKING

from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)

from .client import DEFAULT_SYSTEM_PORT, BoxInfo, Se5Client, Se5Error
from .const import CONF_MAC, CONF_SYSTEM_PORT, DOMAIN
from .identifiers import (
    DEVICE,
    PERSON,
    box_identifier,
    box_unique_id,
    device_identifier,
    device_unique_id,
    escape,
    person_identifier,
    person_unique_id,
)
from .markdown import markdown_text
from .registry import PERSON_MODEL

if TYPE_CHECKING:
    from .data import Se5ConfigEntry

_LOGGER = logging.getLogger(__name__)

VERSION = 2
MINOR_VERSION = 2
CONF_IDENTITY_PENDING = "identity_pending"
"""In the data of a release 0.1 entry until set-up has read the box's serial."""

type _Kind = tuple[str, str]
"""What a device entry is: (DEVICE or PERSON, its id on the box); ("", "") for the box."""
type _KindFn = Callable[[str, dr.DeviceEntry], _Kind]
type _KeyFn = Callable[[str, _Kind | None], tuple[_Kind, str] | None]


def duplicate_issue_id(entry_id: str) -> str:
    """The repair issue of an entry that turned out to be a box configured twice."""
    return f"duplicate_box_{entry_id}"


async def async_migrate_entry(hass: HomeAssistant, entry: Se5ConfigEntry) -> bool:
    """Migrate an entry to the current version, locally (see the module docstring).

    False only for an entry of a newer release, which this one cannot read.
    """
    if entry.version > VERSION:
        return False
    if entry.version == 1:
        data = {CONF_SYSTEM_PORT: DEFAULT_SYSTEM_PORT, **entry.data, CONF_IDENTITY_PENDING: True}
        hass.config_entries.async_update_entry(
            entry, data=data, version=VERSION, minor_version=MINOR_VERSION
        )
        _LOGGER.info(
            "Migrated the entry of SE5 box %s; it is keyed by the box's serial number once "
            "the box tells it",
            entry.data[CONF_HOST],
        )
        return True
    if entry.minor_version < MINOR_VERSION:
        if entry.unique_id is not None:
            async_migrate_identifiers(hass, entry, entry.unique_id)
        hass.config_entries.async_update_entry(entry, minor_version=MINOR_VERSION)
    return True


async def async_complete_identity(
    hass: HomeAssistant, entry: Se5ConfigEntry, client: Se5Client
) -> None:
    """Key a release 0.1 entry by its box's serial (set-up, once): ids rewritten in place.

    Raises ConfigEntryNotReady while the box does not tell it, ConfigEntryError when another
    entry is the same box (with a repair issue saying which).
    """
    host = entry.data[CONF_HOST]
    try:
        box = await client.get_box_info()
    except Se5Error as err:
        _LOGGER.debug("Cannot identify SE5 box %s yet: %s", host, err)
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="migration_pending",
            translation_placeholders={"host": host},
        ) from err
    box_uid = box.unique_id
    if box_uid is None:  # pragma: no cover - get_box_info raises rather than tell no identity
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="migration_pending",
            translation_placeholders={"host": host},
        )
    async_refuse_duplicate(hass, entry, box_uid)
    async_migrate_v1_registries(hass, entry, box_uid)
    data = {key: value for key, value in entry.data.items() if key != CONF_IDENTITY_PENDING}
    if box.mac:
        data[CONF_MAC] = dr.format_mac(box.mac)
    hass.config_entries.async_update_entry(entry, data=data, unique_id=box_uid)
    _LOGGER.info("The entry of SE5 box %s is keyed by the box's serial number now", host)


@callback
def async_refuse_duplicate(hass: HomeAssistant, entry: Se5ConfigEntry, box_uid: str) -> None:
    """Raise ConfigEntryError (and a repair issue) when another entry is the box `box_uid`."""
    for other in hass.config_entries.async_entries(DOMAIN):
        if other.entry_id != entry.entry_id and other.unique_id == box_uid:
            ir.async_create_issue(
                hass,
                DOMAIN,
                duplicate_issue_id(entry.entry_id),
                is_fixable=False,
                severity=ir.IssueSeverity.ERROR,
                translation_key="duplicate_box",
                translation_placeholders={
                    "entry": entry.title,
                    "other": other.title,
                    "entry_name": markdown_text(entry.title),
                    "other_name": markdown_text(other.title),
                },
            )
            raise ConfigEntryError(
                translation_domain=DOMAIN,
                translation_key="duplicate_box",
                translation_placeholders={"entry": entry.title, "other": other.title},
            )
    ir.async_delete_issue(hass, DOMAIN, duplicate_issue_id(entry.entry_id))  # other one gone


def keyed_by_mac(entry: Se5ConfigEntry, box: BoxInfo) -> bool:
    """Whether the entry is keyed by the MAC `box` gives (the box told no serial when added)."""
    return box.mac is not None and entry.unique_id == BoxInfo(mac=box.mac).unique_id


@callback
def async_rekey(hass: HomeAssistant, entry: Se5ConfigEntry, box_uid: str) -> None:
    """Key an entry keyed by its box's MAC by the box's serial (`box_uid`), ids in place.

    Only the box's part of each identifier and unique id changes (it is escaped, so it ends
    at the first `_`): entity ids, names, areas and settings are kept.
    """
    old, new = escape(str(entry.unique_id)), escape(box_uid)

    def moved(value: str) -> str | None:
        if value == old or value.startswith(f"{old}_"):
            return new + value.removeprefix(old)
        return None

    devices = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(devices, entry.entry_id):
        identifiers = {
            (domain, (moved(value) or value) if domain == DOMAIN else value)
            for domain, value in device.identifiers
        }
        if identifiers != device.identifiers:
            devices.async_update_device(device.id, new_identifiers=identifiers)
    entities = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(entities, entry.entry_id):
        unique_id = moved(entity.unique_id)
        if unique_id is None or entities.async_get_entity_id(entity.domain, DOMAIN, unique_id):
            _LOGGER.debug("Left the unique id of %s as it was", entity.entity_id)
            continue
        entities.async_update_entity(entity.entity_id, new_unique_id=unique_id)
    hass.config_entries.async_update_entry(entry, unique_id=box_uid)
    _LOGGER.info(
        "The entry of SE5 box %s is keyed by the box's serial number now", entry.data[CONF_HOST]
    )


@callback
def async_migrate_v1_registries(hass: HomeAssistant, entry: Se5ConfigEntry, box_uid: str) -> None:
    """Rewrite the ids of a release 0.1 entry: the box was the entry id, devices bare ids."""
    entry_id = entry.entry_id

    def kind(identifier: str, device: dr.DeviceEntry) -> _Kind:
        return ("", "") if identifier == entry_id else (DEVICE, identifier)

    def key_of(unique_id: str, owner: _Kind | None) -> tuple[_Kind, str] | None:
        if unique_id.startswith(f"{entry_id}_"):
            return ("", ""), unique_id.removeprefix(f"{entry_id}_")
        if owner is not None and owner[0] and unique_id.startswith(f"{owner[1]}_"):
            return owner, unique_id.removeprefix(f"{owner[1]}_")
        return None

    _async_rewrite(hass, entry, box_uid, kind, key_of)


@callback
def async_migrate_identifiers(hass: HomeAssistant, entry: Se5ConfigEntry, box_uid: str) -> None:
    """Rewrite the ids of a version 2.1 entry (`<box>_<device>`, `<box>_person_<id>`).

    Those ids were ambiguous, so each is read with what tells it: a device registered as a
    person (its model), the entry's followed devices and people, and the device an entity
    belongs to.
    """
    prefix = f"{box_uid}_"
    devices = {str(d) for d in entry.options.get("devices", [])}
    devices |= {str(d) for d in entry.options.get("known_devices", [])}
    people = {str(p) for p in entry.options.get("people", [])}

    def kind(identifier: str, device: dr.DeviceEntry) -> _Kind:
        if identifier == box_uid:
            return ("", "")
        rest = identifier.removeprefix(prefix)
        person = rest.removeprefix(f"{PERSON}_")
        is_person = device.model == PERSON_MODEL or (rest not in devices and person in people)
        if rest.startswith(f"{PERSON}_") and is_person:
            return (PERSON, person)
        return (DEVICE, rest)

    def key_of(unique_id: str, owner: _Kind | None) -> tuple[_Kind, str] | None:
        if not unique_id.startswith(prefix):
            return None
        rest = unique_id.removeprefix(prefix)
        if owner is not None and owner[0]:
            start = f"{PERSON}_{owner[1]}_" if owner[0] == PERSON else f"{owner[1]}_"
            if rest.startswith(start):
                return owner, rest.removeprefix(start)
            return None
        # No device (or the box's): the longest followed id that fits, else the box's.
        for kind_, ids, head in ((PERSON, people, f"{PERSON}_"), (DEVICE, devices, "")):
            fits = [i for i in ids if rest.startswith(f"{head}{i}_")]
            if fits:
                found = max(fits, key=len)
                return (kind_, found), rest.removeprefix(f"{head}{found}_")
        return ("", ""), rest

    _async_rewrite(hass, entry, box_uid, kind, key_of)


def _async_rewrite(
    hass: HomeAssistant,
    entry: Se5ConfigEntry,
    box_uid: str,
    kind: _KindFn,
    key_of: _KeyFn,
) -> None:
    """Give every device and entity of the entry its new id, in place.

    `kind(identifier, device)` says what a device of the entry is; `key_of(unique_id, owner)`
    splits an entity's unique id into its owner and key (None: left as it is).
    """
    devices = dr.async_get(hass)
    owners: dict[str, _Kind] = {}
    for device in dr.async_entries_for_config_entry(devices, entry.entry_id):
        identifiers = set()
        for domain, identifier in device.identifiers:
            if domain != DOMAIN:
                identifiers.add((domain, identifier))
                continue
            owner = kind(identifier, device)
            owners[device.id] = owner
            identifiers.add(_identifier(box_uid, owner))
        if identifiers != device.identifiers:
            devices.async_update_device(device.id, new_identifiers=identifiers)

    entities = er.async_get(hass)
    taken = {e.unique_id for e in er.async_entries_for_config_entry(entities, entry.entry_id)}
    for entity in er.async_entries_for_config_entry(entities, entry.entry_id):
        split = key_of(entity.unique_id, owners.get(entity.device_id or ""))
        if split is None:
            _LOGGER.debug("Left the unique id of %s as it was", entity.entity_id)
            continue
        new = _unique_id(box_uid, *split)
        if new != entity.unique_id and new not in taken:
            entities.async_update_entity(entity.entity_id, new_unique_id=new)
            taken.add(new)


def _identifier(box_uid: str, owner: _Kind) -> tuple[str, str]:
    what, found = owner
    if what == DEVICE:
        return device_identifier(box_uid, found)
    if what == PERSON:
        return person_identifier(box_uid, found)
    return box_identifier(box_uid)


def _unique_id(box_uid: str, owner: _Kind, key: str) -> str:
    what, found = owner
    if what == DEVICE:
        return device_unique_id(box_uid, found, key)
    if what == PERSON:
        return person_unique_id(box_uid, found, key)
    return box_unique_id(box_uid, key)
