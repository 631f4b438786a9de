"""What a loaded SE5 entry holds (its `runtime_data`), and how the parts are kept in line."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import callback
from homeassistant.helpers import device_registry as dr

from .client import BoxInfo, DeviceFeed, Dialect, Person, PersonType, Se5Client
from .compat import device_by_identifier
from .coordinator import (
    Se5DeviceCoordinator,
    Se5HealthCoordinator,
    Se5PeopleCoordinator,
    Se5PushCoordinator,
    Se5SettingsCoordinator,
)
from .recent import Se5Recent
from .recovery import Se5Recovery
from .registry import Se5Registry, person_identifier
from .visitors import Se5Visitors

type Se5ConfigEntry = ConfigEntry[Se5Data]


@dataclass(slots=True)
class Se5Data:
    """One box: its client and identity, its coordinators, what is followed."""

    client: Se5Client
    box: BoxInfo
    registry: Se5Registry
    devices: Se5DeviceCoordinator
    people: Se5PeopleCoordinator
    health: Se5HealthCoordinator
    push: Se5PushCoordinator
    recovery: Se5Recovery
    recent: Se5Recent
    """The recent recognitions with their images (view, media source, card)."""
    settings: Se5SettingsCoordinator
    """The box's pass mode and score scale."""
    visitors: Se5Visitors
    """The visitors Home Assistant removes from the box at their time."""
    door_refusals: int = 0
    """Door commands the box refused in a row (a repair issue from three on)."""
    feed: DeviceFeed | None = None
    """V6: the box's feed of device-list changes (the list is read again on each)."""

    @property
    def door_api(self) -> bool:
        """Whether the box documents the on-demand door call (`EventAction`): V5 firmware."""
        return self.client.dialect is Dialect.V5

    @property
    def box_uid(self) -> str:
        """The box's own identity (serial number, else MAC)."""
        return self.registry.box_uid

    def followed_people(self) -> list[Person]:
        """The people picked in the options: from the register, or as registered before.

        A person the register does not hold (not read yet, or deleted on the box) keeps their
        device and entities until the user stops following them.
        """
        registry = dr.async_get(self.push.hass)
        people = self.people.data.people
        followed: list[Person] = []
        for identity_id in self.people.followed_ids:
            if (person := people.get(identity_id)) is not None:
                followed.append(person)
                continue
            known = device_by_identifier(
                registry,
                person_identifier(self.box_uid, identity_id),
                self.registry.entry.entry_id,
            )
            if known is not None:
                followed.append(
                    Person(identity_id=identity_id, name=known.name or "", person_type=_UNKNOWN)
                )
        return followed

    async def async_sync(self) -> None:
        """Make the device registry and the entities match what is followed now."""
        gone_devices, gone_people = await self.registry.async_sync(
            self.box, self.devices.followed, self.followed_people()
        )
        self.push.async_forget(gone_devices, gone_people)

    @callback
    def async_schedule_sync(self) -> None:
        """Sync in the background (from a coordinator's listener)."""
        entry = self.registry.entry
        entry.async_create_task(self.push.hass, self.async_sync(), f"se5 sync {entry.title}")

    async def async_apply_options(self) -> None:
        """Apply changed options at once: devices, people, the subscription on the socket."""
        self.devices.async_forget_unpicked()
        self.devices.async_check_refused()  # new devices left by the cap, picked now?
        self.people.async_forget_unfollowed()
        await self.async_sync()
        await self.recent.async_apply_options()
        await self.push.async_resubscribe()


_UNKNOWN = PersonType.EMPLOYEE
"""The kind given to a followed person the register does not hold (the box's default)."""
