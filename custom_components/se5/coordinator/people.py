"""The box's register of people, polled, and the photos of the people followed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
import logging
from typing import TYPE_CHECKING, override

from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from ..client import Person, PersonType, Se5ApiError, Se5Client, Se5Error
from ..const import CONF_PEOPLE, DOMAIN, MAX_PEOPLE, PEOPLE_INTERVAL, SMALL_REGISTER

if TYPE_CHECKING:
    from ..data import Se5ConfigEntry

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Register:
    """The people registered on the box (without their photos)."""

    people: dict[str, Person] = field(default_factory=dict)
    truncated: bool = False
    """True when the box holds more than `MAX_PEOPLE` and only that many were read."""

    @property
    def counts(self) -> dict[str, int]:
        """How many people of each kind (by the person type's word)."""
        counted = Counter(person.person_type for person in self.people.values())
        return {kind.value: counted.get(kind, 0) for kind in PersonType if kind.value != "stranger"}


async def async_read_register(client: Se5Client) -> Register:
    """The register of people (capped at `MAX_PEOPLE`); empty when the box does not tell it."""
    try:
        people = await client.list_people(limit=MAX_PEOPLE + 1)
    except Se5Error as err:
        _LOGGER.debug("Cannot read the register of people: %s", err)
        return Register()
    return _register(people)


def _register(people: list[Person]) -> Register:
    """The register of a listing asked for `MAX_PEOPLE + 1` people."""
    return Register(
        {person.identity_id: person for person in people[:MAX_PEOPLE]},
        truncated=len(people) > MAX_PEOPLE,
    )


def default_people(register: Register) -> list[str]:
    """Whom to follow when the user has not chosen: everyone in a small register, else nobody."""
    if len(register.people) <= SMALL_REGISTER and not register.truncated:
        return list(register.people)
    return []


class Se5PeopleCoordinator(DataUpdateCoordinator[Register]):
    """The register, read every few minutes and after each reconnection.

    Large registers are read page by page (the client awaits each page), capped at
    `MAX_PEOPLE`; the photos are fetched only for the people followed, by their image entities.
    """

    config_entry: Se5ConfigEntry

    def __init__(self, hass: HomeAssistant, entry: Se5ConfigEntry, client: Se5Client) -> None:
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} people {entry.data[CONF_HOST]}",
            update_interval=PEOPLE_INTERVAL,
            always_update=False,
        )
        self.client = client
        self.data = Register()

    @property
    def followed_ids(self) -> list[str]:
        """The identity ids picked in the options."""
        return list(self.config_entry.options.get(CONF_PEOPLE, []))

    @override
    async def _async_update_data(self) -> Register:
        try:
            people = await self.client.list_people(limit=MAX_PEOPLE + 1)
        except Se5ApiError as err:
            # A firmware without the register API: no people rather than an error each time.
            _LOGGER.debug("SE5 box %s has no register of people: %s", self.client.base_url, err)
            return Register()
        except Se5Error as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="people_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        register = _register(people)
        # Followed people the box no longer lists stay until the user drops them.
        for identity_id in self.followed_ids:
            if identity_id not in register.people and identity_id in self.data.people:
                register.people[identity_id] = self.data.people[identity_id]
        return register
