"""The box's register of people, polled, and the photos of the people followed.

A followed person the register stops listing (deleted on the box) is kept, their entities
unavailable, and once listings at least a refresh interval apart agree, a repair issue offers to
stop following them (as for devices, `devices.py`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
import logging
from typing import TYPE_CHECKING, override

from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

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
    supported: bool = True
    """False for a firmware without the register API (nothing to count)."""
    missing: frozenset[str] = frozenset()
    """Followed people the register no longer lists (kept in `people` as they were)."""

    @property
    def listed(self) -> int:
        """How many people the box lists (the followed ones it stopped listing left out).

        A missing person is in `people` only when an earlier read held them: one already gone
        when Home Assistant started is in `missing` alone.
        """
        return sum(1 for key in self.people if key not in self.missing)

    @property
    def counts(self) -> dict[str, int]:
        """How many people of each kind the box lists (by the person type's word)."""
        counted = Counter(
            person.person_type for key, person in self.people.items() if key not in self.missing
        )
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


def person_missing_issue_id(entry_id: str, identity_id: str) -> str:
    """The repair issue of a followed person that the register no longer lists."""
    return f"person_missing_{entry_id}_{identity_id}"


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
        self.missing_since: dict[str, datetime] = {}

    @property
    def followed_ids(self) -> list[str]:
        """The identity ids picked in the options."""
        return list(self.config_entry.options.get(CONF_PEOPLE, []))

    def is_missing(self, identity_id: str) -> bool:
        """True while the register does not list a followed person."""
        return identity_id in self.data.missing

    @override
    async def _async_update_data(self) -> Register:
        try:
            people = await self.client.list_people(limit=MAX_PEOPLE + 1)
        except Se5ApiError as err:
            # A firmware without the register API: no people rather than an error each time.
            _LOGGER.debug("SE5 box %s has no register of people: %s", self.client.base_url, err)
            return Register(supported=False)
        except Se5Error as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="people_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        register = _register(people)
        now = dt_util.utcnow()
        # Followed people the box no longer lists stay until the user drops them.
        for identity_id in self.followed_ids:
            if identity_id in register.people:
                self._found(identity_id)
                continue
            if identity_id in self.data.people:
                register.people[identity_id] = self.data.people[identity_id]
            if not register.truncated:  # a cut register proves nobody missing
                self._missed(identity_id, register.people.get(identity_id), now)
        self.async_forget_unfollowed()
        return replace(register, missing=frozenset(self.missing_since))

    def async_forget_unfollowed(self) -> None:
        """Clear the missing state (and repair issue) of people no longer followed."""
        followed = set(self.followed_ids)
        for identity_id in list(self.missing_since):
            if identity_id not in followed:
                self._found(identity_id)

    def _missed(self, identity_id: str, person: Person | None, now: datetime) -> None:
        first = self.missing_since.setdefault(identity_id, now)
        if now - first < PEOPLE_INTERVAL:
            return
        entry = self.config_entry
        name = person.name if person is not None and person.name else identity_id
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            person_missing_issue_id(entry.entry_id, identity_id),
            is_fixable=True,
            is_persistent=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="person_missing",
            translation_placeholders={"person": name, "box": entry.title},
            data={
                "entry_id": entry.entry_id,
                "identity_id": identity_id,
                "person": name,
                "box": entry.title,
            },
        )

    def _found(self, identity_id: str) -> None:
        if self.missing_since.pop(identity_id, None) is not None:
            ir.async_delete_issue(
                self.hass, DOMAIN, person_missing_issue_id(self.config_entry.entry_id, identity_id)
            )
