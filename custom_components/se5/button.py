"""The *Open door* button, deprecated: each door is a lock now (`lock.py`).

No button is created any more. One that an installation already has keeps working (it pulses
the relay exactly as the lock's `open` does, or says why it cannot: no relay, V6 firmware); a
disabled one is removed. While an automation or
a script uses it, a repair issue says it is deprecated and names the lock to use instead (as
Home Assistant's own integrations retire an entity; `async_flag_deprecated_buttons`).
"""

from __future__ import annotations

from homeassistant.components.automation import automations_with_entity
from homeassistant.components.button import (
    DOMAIN as BUTTON_DOMAIN,
    ButtonEntity,
    ButtonEntityDescription,
)
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN
from homeassistant.components.script import scripts_with_entity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import Device
from .const import DOMAIN
from .data import Se5ConfigEntry, Se5Data
from .door import async_open_door
from .entity import Se5DeviceEntity, async_setup_device_entities
from .identifiers import device_id_from_unique_id, device_unique_id
from .lock import DOOR_KEY

PARALLEL_UPDATES = 1

OPEN_DOOR = ButtonEntityDescription(key="open_door", translation_key="open_door")


def deprecated_button_issue_id(entry_id: str, device_id: str) -> str:
    """The repair issue of a deprecated button that automations or scripts still use."""
    return f"deprecated_open_door_button_{entry_id}_{device_id}"


async def async_setup_entry(
    hass: HomeAssistant,
    entry: Se5ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Keep the door buttons that already exist (enabled); create none."""
    registry = er.async_get(hass)

    def existing(data: Se5Data, device: Device) -> list[Se5OpenDoorButton]:
        unique_id = device_unique_id(data.box_uid, device.id, OPEN_DOOR.key)
        entity_id = registry.async_get_entity_id(BUTTON_DOMAIN, DOMAIN, unique_id)
        known = registry.async_get(entity_id) if entity_id is not None else None
        if known is None:
            return []
        if known.disabled:
            registry.async_remove(known.entity_id)
            ir.async_delete_issue(
                hass, DOMAIN, deprecated_button_issue_id(entry.entry_id, device.id)
            )
            return []
        return [Se5OpenDoorButton(data, device, OPEN_DOOR)]

    await async_setup_device_entities(entry, async_add_entities, existing)


class Se5OpenDoorButton(Se5DeviceEntity, ButtonEntity):
    """Pulses the device's relay through the box for the relay's own delay time (deprecated)."""

    @property
    def available(self) -> bool:
        """Available while the box lists the device (the REST API opens doors, not the stream)."""
        return not self.data.devices.is_missing(self.device_id)

    async def async_press(self) -> None:
        """Open the door."""
        device = self.data.devices.data[self.device_id]
        await async_open_door(self.data, device)


@callback
def async_flag_deprecated_buttons(hass: HomeAssistant, entry: Se5ConfigEntry) -> None:
    """A repair issue for each door button that an automation or a script still uses.

    Run once Home Assistant has started (automations and scripts are loaded) and the entry's
    platforms are set up (the locks to name are registered).
    """
    registry = er.async_get(hass)
    box_uid = entry.runtime_data.box_uid
    for button in er.async_entries_for_config_entry(registry, entry.entry_id):
        if button.domain != BUTTON_DOMAIN:
            continue
        device_id = device_id_from_unique_id(box_uid, button.unique_id, OPEN_DOOR.key)
        if device_id is None:
            continue
        issue_id = deprecated_button_issue_id(entry.entry_id, device_id)
        items = _users(hass, registry, button.entity_id)
        if not items:
            ir.async_delete_issue(hass, DOMAIN, issue_id)
            continue
        lock = registry.async_get_entity_id(
            LOCK_DOMAIN, DOMAIN, device_unique_id(box_uid, device_id, DOOR_KEY)
        )
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="deprecated_open_door_button",
            translation_placeholders={
                "entity": button.entity_id,
                "lock": lock or "-",
                "items": "\n".join(items),
            },
        )


def _users(hass: HomeAssistant, registry: er.EntityRegistry, entity_id: str) -> list[str]:
    """The automations and scripts that use an entity, as Markdown links to their editors."""
    items = []
    for domain, users in (
        ("automation", automations_with_entity(hass, entity_id)),
        ("script", scripts_with_entity(hass, entity_id)),
    ):
        for user in users:
            known = registry.async_get(user)
            if known is not None and known.unique_id:
                name = known.name or known.original_name or user
                items.append(f"- [{name}](/config/{domain}/edit/{known.unique_id})")
            else:
                items.append(f"- {user}")
    return items
