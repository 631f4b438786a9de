"""Base entities: of the box, of each followed device, of each followed person.

Entities hear only about what concerns them (their device's recognitions, their person's, the
stream's state) and write their state only when it changed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity, DataUpdateCoordinator

from .client import Device, Person, Recognition
from .data import Se5ConfigEntry, Se5Data
from .identifiers import (
    box_identifier,
    box_unique_id,
    device_identifier,
    device_unique_id,
    person_identifier,
    person_unique_id,
)


async def async_setup_device_entities(
    entry: Se5ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    make: Callable[[Se5Data, Device], Iterable[Entity]],
) -> None:
    """Add a platform's entities for each followed device, now and whenever one is picked."""
    data = entry.runtime_data

    @callback
    def add(devices: list[Device]) -> None:
        async_add_entities(entity for device in devices for entity in make(data, device))

    entry.async_on_unload(await data.registry.async_add_device_adder(add, data.devices.followed))


async def async_setup_person_entities(
    entry: Se5ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    make: Callable[[Se5Data, Person], Iterable[Entity]],
) -> None:
    """Add a platform's entities for each followed person, now and whenever one is picked."""
    data = entry.runtime_data

    @callback
    def add(people: list[Person]) -> None:
        async_add_entities(entity for person in people for entity in make(data, person))

    entry.async_on_unload(await data.registry.async_add_person_adder(add, data.followed_people()))


class Se5Entity(Entity):
    """Writes its state only when what it shows changed."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _written: Hashable = None

    def _state_key(self) -> Hashable:
        """What the state shows; the default is availability alone."""
        return self.available

    async def async_added_to_hass(self) -> None:
        """Home Assistant writes the first state right after this."""
        await super().async_added_to_hass()
        self._written = self._state_key()

    @callback
    def _async_write_if_changed(self) -> None:
        key = self._state_key()
        if key != self._written:
            self._written = key
            self.async_write_ha_state()


def box_device(data: Se5Data) -> DeviceInfo:
    """The link of a box entity to the box's device (registered by the registry)."""
    return DeviceInfo(identifiers={box_identifier(data.box_uid)})


class Se5BoxEntity(Se5Entity):
    """An entity of the box itself (the hub device)."""

    def __init__(self, data: Se5Data, description: EntityDescription) -> None:
        self.data = data
        self.entity_description = description
        self._attr_unique_id = box_unique_id(data.box_uid, description.key)
        self._attr_device_info = box_device(data)


class Se5BoxCoordinatorEntity[CoordinatorT: DataUpdateCoordinator[Any]](
    CoordinatorEntity[CoordinatorT], Se5BoxEntity
):
    """An entity of the box whose data comes from one of its polled coordinators.

    Available while that coordinator's last poll succeeded; written after each poll.
    """

    def __init__(
        self, coordinator: CoordinatorT, data: Se5Data, description: EntityDescription
    ) -> None:
        CoordinatorEntity.__init__(self, coordinator)
        Se5BoxEntity.__init__(self, data, description)


class Se5DeviceEntity(Se5Entity):
    """An entity of one device attached to the box.

    Unavailable while the event stream is down or while the box does not list the device.
    """

    _missing = False

    def __init__(self, data: Se5Data, device: Device, description: EntityDescription) -> None:
        self.data = data
        self.device_id = device.id
        self.entity_description = description
        self._attr_unique_id = device_unique_id(data.box_uid, device.id, description.key)
        self._attr_device_info = DeviceInfo(
            identifiers={device_identifier(data.box_uid, device.id)}
        )

    @property
    def available(self) -> bool:
        """Available while the stream is up and the box lists the device."""
        return self.data.push.connected and not self.data.devices.is_missing(self.device_id)

    @property
    def last(self) -> Recognition | None:
        """The device's latest recognition since start-up."""
        return self.data.push.last.get(self.device_id)

    async def async_added_to_hass(self) -> None:
        """Follow the stream's state, the device list and the device's recognitions."""
        await super().async_added_to_hass()
        push = self.data.push
        self._missing = self.data.devices.is_missing(self.device_id)
        self.async_on_remove(push.async_add_state_listener(self._async_write_if_changed))
        self.async_on_remove(self.data.devices.async_add_listener(self._async_device_list_read))
        self.async_on_remove(
            push.async_add_device_listener(self.device_id, self._async_recognition)
        )

    @callback
    def _async_device_list_read(self) -> None:
        """The box's device list was read: write only if this device's listing changed.

        The stream's state reaches the entities through their own listener, in batches; a read
        of the list that lands meanwhile (one follows each reconnection) must not write every
        entity of a thousand devices in one turn of the event loop.
        """
        missing = self.data.devices.is_missing(self.device_id)
        if missing != self._missing:
            self._missing = missing
            self._async_write_if_changed()

    @callback
    def _async_recognition(self, recognition: Recognition, live: bool) -> None:
        """A recognition of this device (live, or recovered from the box's history)."""
        self._async_write_if_changed()


class Se5PersonEntity(Se5Entity):
    """An entity of a followed person.

    Unavailable while the event stream is down (the box unreachable) or while the register no
    longer lists the person (deleted on the box; a repair issue offers to stop following them).
    """

    def __init__(self, data: Se5Data, person: Person, description: EntityDescription) -> None:
        self.data = data
        self.identity_id = person.identity_id
        self.entity_description = description
        self._attr_unique_id = person_unique_id(data.box_uid, person.identity_id, description.key)
        self._attr_device_info = DeviceInfo(
            identifiers={person_identifier(data.box_uid, person.identity_id)}
        )

    @property
    def available(self) -> bool:
        """Available while the stream is up and the register lists the person."""
        return self.data.push.connected and not self.data.people.is_missing(self.identity_id)

    @property
    def sighting(self) -> Recognition | None:
        """The person's latest recognition since start-up."""
        return self.data.push.sightings.get(self.identity_id)

    def _state_key(self) -> Hashable:
        return self.available

    async def async_added_to_hass(self) -> None:
        """Follow the person's recognitions, the stream's state and the register."""
        await super().async_added_to_hass()
        push = self.data.push
        self.async_on_remove(push.async_add_state_listener(self._async_write_if_changed))
        self.async_on_remove(self.data.people.async_add_listener(self._async_write_if_changed))
        self.async_on_remove(
            push.async_add_person_listener(self.identity_id, self._async_recognition)
        )

    @callback
    def _async_recognition(self, recognition: Recognition, live: bool) -> None:
        self._async_write_if_changed()
