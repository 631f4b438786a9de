"""The box, its followed devices and followed people in Home Assistant's device registry.

Identifiers are scoped by the box's own identity and unambiguous (see `identifiers`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from homeassistant.const import CONF_HOST
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from yarl import URL

from .client import BoxInfo, Device, Person
from .compat import via_device
from .const import CONF_MAC, MANUFACTURER, MODEL
from .identifiers import box_identifier, device_identifier, person_identifier

if TYPE_CHECKING:
    from .data import Se5ConfigEntry

__all__ = ["Se5Registry", "box_identifier", "device_identifier", "person_identifier"]

_MODEL_BY_KIND = {
    "rtsp": "RTSP camera",
    "photo": "Capture camera",
    "file": "Video file",
    "gb28181": "GB28181 camera",
}
PERSON_MODEL = "Registered person"
BATCH = 10
"""Devices or people handled per turn of the event loop, one platform at a time: many new
devices at once never block the loop for long (Home Assistant adds an entity in about 0.2 ms,
in the turn that hands it over: eager tasks). 50 devices and every platform in one turn held
it 40-100 ms (bench/bench_hostile.py devices)."""


def web_ui_url(host: str) -> str:
    """The box's own web interface (port 80)."""
    return str(URL.build(scheme="http", host=host, path="/"))


class Se5Registry:
    """Keeps the device registry and the entities in line with what is followed.

    Platforms register an adder per kind (devices, people); the registry calls it with what
    became followed, now and later. Devices and people that stop being followed are removed
    from the device registry, which removes their entities.
    """

    def __init__(self, hass: HomeAssistant, entry: Se5ConfigEntry, box_uid: str) -> None:
        self.hass = hass
        self.entry = entry
        self.box_uid = box_uid
        self._device_ids: dict[str, str] = {}
        """Box device id -> Home Assistant device id, for followed devices."""
        self._person_ids: dict[str, str] = {}
        """Identity id -> Home Assistant device id, for followed people."""
        self._device_adders: list[Callable[[list[Device]], None]] = []
        self._person_adders: list[Callable[[list[Person]], None]] = []
        self._lock = asyncio.Lock()

    # Lookups -----------------------------------------------------------------------------------

    def ha_device_id(self, device_id: str) -> str | None:
        """Home Assistant's device id of a followed device."""
        return self._device_ids.get(device_id)

    def ha_person_id(self, identity_id: str) -> str | None:
        """Home Assistant's device id of a followed person."""
        return self._person_ids.get(identity_id)

    def box_person_id(self, ha_device_id: str) -> str | None:
        """The identity id of a followed person, from Home Assistant's device id."""
        for identity_id, known in self._person_ids.items():
            if known == ha_device_id:
                return identity_id
        return None

    def box_device_id(self, ha_device_id: str) -> str | None:
        """The box's id of a followed device, from Home Assistant's device id."""
        for device_id, known in self._device_ids.items():
            if known == ha_device_id:
                return device_id
        return None

    # Device infos ------------------------------------------------------------------------------

    def box_device_info(self, box: BoxInfo, firmware: str | None = None) -> DeviceInfo:
        """The box, as the hub device."""
        info = DeviceInfo(
            identifiers={box_identifier(self.box_uid)},
            name=self.entry.title,
            manufacturer=MANUFACTURER,
            model=MODEL,
            configuration_url=web_ui_url(self.entry.data[CONF_HOST]),
        )
        if box.model:
            info["model_id"] = box.model
        if box.hardware_version:
            info["hw_version"] = box.hardware_version
        if firmware or box.firmware_version:
            info["sw_version"] = firmware or box.firmware_version
        if box.serial:
            info["serial_number"] = box.serial
        if mac := box.mac or self.entry.data.get(CONF_MAC):
            info["connections"] = {(dr.CONNECTION_NETWORK_MAC, dr.format_mac(mac))}
        return info

    def device_info(self, device: Device) -> DeviceInfo:
        """A camera, gate or reader attached to the box."""
        info = DeviceInfo(
            identifiers={device_identifier(self.box_uid, device.id)},
            name=device.name,
            manufacturer=MANUFACTURER,
            configuration_url=web_ui_url(self.entry.data[CONF_HOST]),
        )
        if device.kind:  # unknown for a device kept while the box does not list it
            info["model"] = _MODEL_BY_KIND.get(device.kind, device.kind)
        return info

    def person_info(self, person: Person) -> DeviceInfo:
        """A followed person: a service device of the box."""
        return DeviceInfo(
            identifiers={person_identifier(self.box_uid, person.identity_id)},
            name=person.name or person.identity_id,
            manufacturer=MANUFACTURER,
            model=PERSON_MODEL,
            entry_type=DeviceEntryType.SERVICE,
        )

    # Sync --------------------------------------------------------------------------------------

    async def async_sync(
        self, box: BoxInfo, devices: list[Device], people: list[Person]
    ) -> tuple[set[str], set[str]]:
        """Make the registry hold the box, exactly these devices and these people.

        New devices and people get their entities through the adders. Works in batches, one
        turn of the event loop each; runs one at a time. Returns the device ids and identity
        ids that are no longer followed.
        """
        async with self._lock:
            return await self._async_sync(box, devices, people)

    async def _async_sync(
        self, box: BoxInfo, devices: list[Device], people: list[Person]
    ) -> tuple[set[str], set[str]]:
        registry = dr.async_get(self.hass)
        entry_id = self.entry.entry_id
        box_entry = registry.async_get_or_create(
            config_entry_id=entry_id, **self.box_device_info(box)
        )
        via = via_device(box_entry, box_identifier(self.box_uid))
        wanted_devices: dict[str, str] = {}
        for number, device in enumerate(devices, 1):
            created = registry.async_get_or_create(
                config_entry_id=entry_id, **self.device_info(device), **via
            )
            wanted_devices[device.id] = created.id
            if number % BATCH == 0:
                await asyncio.sleep(0)
        wanted_people: dict[str, str] = {}
        for number, person in enumerate(people, 1):
            created = registry.async_get_or_create(
                config_entry_id=entry_id, **self.person_info(person), **via
            )
            wanted_people[person.identity_id] = created.id
            if number % BATCH == 0:
                await asyncio.sleep(0)
        keep = {box_entry.id, *wanted_devices.values(), *wanted_people.values()}
        for device_entry in dr.async_entries_for_config_entry(registry, entry_id):
            if device_entry.id not in keep:
                registry.async_remove_device(device_entry.id)
        new_devices = [d for d in devices if d.id not in self._device_ids]
        new_people = [p for p in people if p.identity_id not in self._person_ids]
        gone = (
            self._device_ids.keys() - wanted_devices.keys(),
            self._person_ids.keys() - wanted_people.keys(),
        )
        self._device_ids = wanted_devices
        self._person_ids = wanted_people
        await _async_feed(self._device_adders, new_devices)
        await _async_feed(self._person_adders, new_people)
        return set(gone[0]), set(gone[1])

    async def async_add_device_adder(
        self, add: Callable[[list[Device]], None], followed: list[Device]
    ) -> CALLBACK_TYPE:
        """Call `add` with the followed devices now and with each newly followed one later."""
        await _async_feed([add], [device for device in followed if device.id in self._device_ids])
        self._device_adders.append(add)
        return lambda: self._device_adders.remove(add)

    async def async_add_person_adder(
        self, add: Callable[[list[Person]], None], followed: list[Person]
    ) -> CALLBACK_TYPE:
        """Call `add` with the followed people now and with each newly followed one later."""
        await _async_feed(
            [add], [person for person in followed if person.identity_id in self._person_ids]
        )
        self._person_adders.append(add)
        return lambda: self._person_adders.remove(add)

    @callback
    def async_update_box(self, box: BoxInfo, firmware: str | None) -> None:
        """Update the box's device entry (a firmware upgrade seen by the health poll)."""
        registry = dr.async_get(self.hass)
        registry.async_get_or_create(
            config_entry_id=self.entry.entry_id, **self.box_device_info(box, firmware)
        )


async def _async_feed[T](adders: Sequence[Callable[[list[T]], None]], items: list[T]) -> None:
    """Hand `items` to the adders (one per platform) a batch at a time, a turn between two.

    Each adder schedules Home Assistant's adding of its entities; yielding lets that run
    before the next batch is handed over.
    """
    if not items:
        return
    turns = 0
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        for add in adders:
            if turns:
                await asyncio.sleep(0)
            add(batch)
            turns += 1
