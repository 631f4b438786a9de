"""Base entities: one for the box, one for each followed camera, gate or reader."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import Device, Recognition
from .const import DOMAIN
from .hub import Se5ConfigEntry, Se5Hub


@callback
def async_setup_device_entities(
    entry: Se5ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    make: Callable[[Se5Hub, Device], Iterable[Entity]],
) -> None:
    """Add a platform's entities for each followed device, now and whenever one is picked."""
    hub = entry.runtime_data

    @callback
    def add(devices: list[Device]) -> None:
        async_add_entities(entity for device in devices for entity in make(hub, device))

    entry.async_on_unload(hub.async_add_entities_listener(add))


class Se5BoxEntity(Entity):
    """An entity of the box itself (the hub device)."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, hub: Se5Hub, description: EntityDescription) -> None:
        self.hub = hub
        self.entity_description = description
        self._attr_unique_id = f"{hub.entry.entry_id}_{description.key}"
        # The hub registered the devices; entities link to them by identifier.
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, hub.entry.entry_id)})

    async def async_added_to_hass(self) -> None:
        """Follow the hub."""
        await super().async_added_to_hass()
        self.async_on_remove(self.hub.async_add_listener(self._async_hub_updated))

    @callback
    def _async_hub_updated(self) -> None:
        self.async_write_ha_state()


class Se5DeviceEntity(Entity):
    """An entity of one device attached to the box; unavailable while the stream is down."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, hub: Se5Hub, device: Device, description: EntityDescription) -> None:
        self.hub = hub
        self.device_id = device.id
        self.entity_description = description
        self._attr_unique_id = f"{device.id}_{description.key}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, device.id)})

    @property
    def available(self) -> bool:
        """Available while the event stream is connected."""
        return self.hub.connected

    @property
    def last(self) -> Recognition | None:
        """The device's last recognition since start-up."""
        return self.hub.last.get(self.device_id)

    async def async_added_to_hass(self) -> None:
        """Follow the hub for this device."""
        await super().async_added_to_hass()
        self.async_on_remove(self.hub.async_add_listener(self._async_hub_updated, self.device_id))

    @callback
    def _async_hub_updated(self) -> None:
        self.async_write_ha_state()
