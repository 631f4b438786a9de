"""The box, its followed devices and followed people in Home Assistant's device registry.

Identifiers are scoped by the box's own identity (its serial number, or its MAC when the box
does not tell its serial), so that two boxes never collide, whatever ids their devices have:
- the box: `(se5, <box uid>)`;
- a camera, gate or reader: `(se5, <box uid>_<device id>)`;
- a followed person: `(se5, <box uid>_person_<identity id>)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from homeassistant.const import CONF_HOST
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from yarl import URL

from .client import BoxInfo, Device, Person
from .compat import via_device
from .const import CONF_MAC, DOMAIN, MANUFACTURER, MODEL

if TYPE_CHECKING:
    from .data import Se5ConfigEntry

_MODEL_BY_KIND = {
    "rtsp": "RTSP camera",
    "photo": "Capture camera",
    "file": "Video file",
    "gb28181": "GB28181 camera",
}
PERSON_MODEL = "Registered person"


def box_identifier(box_uid: str) -> tuple[str, str]:
    """The box's identifier."""
    return (DOMAIN, box_uid)


def device_identifier(box_uid: str, device_id: str) -> tuple[str, str]:
    """A camera's, gate's or reader's identifier."""
    return (DOMAIN, f"{box_uid}_{device_id}")


def person_identifier(box_uid: str, identity_id: str) -> tuple[str, str]:
    """A followed person's identifier."""
    return (DOMAIN, f"{box_uid}_person_{identity_id}")


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

    # Lookups -----------------------------------------------------------------------------------

    def ha_device_id(self, device_id: str) -> str | None:
        """Home Assistant's device id of a followed device."""
        return self._device_ids.get(device_id)

    def ha_person_id(self, identity_id: str) -> str | None:
        """Home Assistant's device id of a followed person."""
        return self._person_ids.get(identity_id)

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

    @callback
    def async_sync(self, box: BoxInfo, devices: list[Device], people: list[Person]) -> None:
        """Make the registry hold the box, exactly these devices and these people.

        New devices and people get their entities through the adders.
        """
        registry = dr.async_get(self.hass)
        entry_id = self.entry.entry_id
        box_entry = registry.async_get_or_create(
            config_entry_id=entry_id, **self.box_device_info(box)
        )
        via = via_device(box_entry, box_identifier(self.box_uid))
        wanted_devices: dict[str, str] = {}
        for device in devices:
            created = registry.async_get_or_create(
                config_entry_id=entry_id, **self.device_info(device), **via
            )
            wanted_devices[device.id] = created.id
        wanted_people: dict[str, str] = {}
        for person in people:
            created = registry.async_get_or_create(
                config_entry_id=entry_id, **self.person_info(person), **via
            )
            wanted_people[person.identity_id] = created.id
        keep = {box_entry.id, *wanted_devices.values(), *wanted_people.values()}
        for device_entry in dr.async_entries_for_config_entry(registry, entry_id):
            if device_entry.id not in keep:
                registry.async_remove_device(device_entry.id)
        new_devices = [d for d in devices if d.id not in self._device_ids]
        new_people = [p for p in people if p.identity_id not in self._person_ids]
        self._device_ids = wanted_devices
        self._person_ids = wanted_people
        if new_devices:
            for add in list(self._device_adders):
                add(new_devices)
        if new_people:
            for add_people in list(self._person_adders):
                add_people(new_people)

    @callback
    def async_add_device_adder(
        self, add: Callable[[list[Device]], None], followed: list[Device]
    ) -> CALLBACK_TYPE:
        """Call `add` with the followed devices now and with each newly followed one later."""
        add([device for device in followed if device.id in self._device_ids])
        self._device_adders.append(add)
        return lambda: self._device_adders.remove(add)

    @callback
    def async_add_person_adder(
        self, add: Callable[[list[Person]], None], followed: list[Person]
    ) -> CALLBACK_TYPE:
        """Call `add` with the followed people now and with each newly followed one later."""
        add([person for person in followed if person.identity_id in self._person_ids])
        self._person_adders.append(add)
        return lambda: self._person_adders.remove(add)

    @callback
    def async_update_box(self, box: BoxInfo, firmware: str | None) -> None:
        """Update the box's device entry (a firmware upgrade seen by the health poll)."""
        registry = dr.async_get(self.hass)
        registry.async_get_or_create(
            config_entry_id=self.entry.entry_id, **self.box_device_info(box, firmware)
        )
