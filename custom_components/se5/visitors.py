"""Visitors who expire when Home Assistant says: removed from the box at their `valid_until`.

The box shows a visitor's validity but enforces nothing (PROTOCOL-MANAGE.md). Home Assistant
keeps the schedule of the visitors it registered with a `valid_until` in its storage, so it
survives restarts; at start, visitors whose time passed while Home Assistant was down are
removed at once. Each removal is one call to the box, on its time: when the box cannot be
reached, or the call goes out without an answer, the register is read again before the next
attempt (a visitor already gone is not removed twice). What was done is in the logbook (the
`se5_visitor_removed` event, described in the server's language).
"""

from __future__ import annotations

from datetime import datetime, timedelta
import logging
from typing import TYPE_CHECKING, Any, TypedDict

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .client import Se5Error, Se5NotRegisteredError
from .compat import device_by_identifier
from .const import CONF_PEOPLE, DOMAIN, EVENT_SE5_VISITOR_REMOVED
from .registry import box_identifier

if TYPE_CHECKING:
    from .data import Se5ConfigEntry, Se5Data

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION = 1
RETRY_AFTER = timedelta(minutes=5)
"""How long a removal the box did not carry out waits before it is tried again."""


class _Visitor(TypedDict):
    until: str
    """ISO time, UTC."""
    name: str


class _Stored(TypedDict):
    visitors: dict[str, _Visitor]


def storage_key(entry_id: str) -> str:
    """The storage file of an entry's visitor schedule."""
    return f"{DOMAIN}.{entry_id}.visitors"


class Se5Visitors:
    """The visitors of one box that Home Assistant removes at their time."""

    def __init__(self, hass: HomeAssistant, entry: Se5ConfigEntry) -> None:
        self.hass = hass
        self.entry = entry
        self.store: Store[_Stored] = Store(hass, STORAGE_VERSION, storage_key(entry.entry_id))
        self.schedule: dict[str, _Visitor] = {}
        self._timer: CALLBACK_TYPE | None = None
        self._retry_at: dict[str, datetime] = {}
        self._removing = False
        self._stopped = False
        self._warned: set[str] = set()

    async def async_load(self) -> None:
        """Read the schedule kept before Home Assistant stopped."""
        stored = await self.store.async_load()
        visitors = stored.get("visitors") if isinstance(stored, dict) else None
        for identity_id, visitor in (visitors or {}).items():
            if isinstance(visitor, dict) and _until(visitor) is not None:
                self.schedule[str(identity_id)] = {
                    "until": str(visitor["until"]),
                    "name": str(visitor.get("name", "")),
                }

    @callback
    def async_start(self) -> None:
        """Remove whoever is due (their time passed while Home Assistant was down), then wait."""
        self.entry.async_on_unload(self._async_stop)
        self._async_schedule_next()

    @callback
    def _async_stop(self) -> None:
        """The entry unloads: no timer from now on (a removal cut short sets none either)."""
        self._stopped = True
        self._cancel_timer()

    def until(self, identity_id: str) -> datetime | None:
        """When a visitor is removed, if they are scheduled."""
        visitor = self.schedule.get(identity_id)
        return None if visitor is None else _until(visitor)

    async def async_set(self, identity_id: str, until: datetime | None, name: str = "") -> None:
        """Remove a visitor at `until` (UTC); None: never (they stay registered)."""
        if until is None:
            if self.schedule.pop(identity_id, None) is None:
                return
        else:
            known = self.schedule.get(identity_id)
            self.schedule[identity_id] = {
                "until": dt_util.as_utc(until).isoformat(),
                "name": name or (known["name"] if known is not None else ""),
            }
        self._retry_at.pop(identity_id, None)
        await self.store.async_save({"visitors": dict(self.schedule)})
        self._async_schedule_next()

    async def async_remove_store(self) -> None:
        """Forget the schedule (the entry is being removed)."""
        await self.store.async_remove()

    # The timer ---------------------------------------------------------------------------------

    @callback
    def _async_schedule_next(self) -> None:
        self._cancel_timer()
        if self._stopped:
            return
        due = [self._due_at(identity_id) for identity_id in self.schedule]
        if not due:
            return
        when = max(min(due), dt_util.utcnow())
        self._timer = async_track_point_in_utc_time(self.hass, self._async_fire, when)

    def _due_at(self, identity_id: str) -> datetime:
        until = self.until(identity_id) or datetime.min.replace(tzinfo=dt_util.UTC)
        retry = self._retry_at.get(identity_id)
        return until if retry is None else max(until, retry)

    @callback
    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer()
            self._timer = None

    @callback
    def _async_fire(self, now: datetime) -> None:
        self._timer = None
        if self._removing:
            return
        self.entry.async_create_background_task(
            self.hass, self._async_remove_due(now), f"{DOMAIN} visitors {self.entry.title}"
        )

    async def _async_remove_due(self, now: datetime) -> None:
        """Remove the visitors due at `now` (the time the timer went off)."""
        self._removing = True
        try:
            for identity_id in [i for i in self.schedule if self._due_at(i) <= now]:
                # Judged again: during the removal before, an action may have given this
                # visitor more time or taken them off the schedule.
                if identity_id in self.schedule and self._due_at(identity_id) <= now:
                    await self._async_remove(identity_id, now)
        finally:
            self._removing = False
            self._async_schedule_next()

    async def _async_remove(self, identity_id: str, now: datetime) -> None:
        data: Se5Data = self.entry.runtime_data
        visitor = self.schedule[identity_id]
        registered = data.people.data.people.get(identity_id)
        name = (registered.name if registered is not None else "") or visitor["name"]
        try:
            gone = identity_id in self._retry_at and await self._async_gone(data, identity_id)
            if not gone:
                await data.client.remove_person(identity_id)
        except Se5NotRegisteredError:
            gone = True
        except Se5Error as err:
            self._retry_at[identity_id] = now + RETRY_AFTER
            level = logging.DEBUG if identity_id in self._warned else logging.WARNING
            self._warned.add(identity_id)
            _LOGGER.log(
                level,
                "SE5 box %s: a visitor's time is up but they could not be removed (%s); "
                "trying again in %d s",
                self.entry.title,
                err,
                RETRY_AFTER.total_seconds(),
            )
            return
        self._warned.discard(identity_id)
        await self._async_done(data, identity_id, name, visitor, gone=gone)

    async def _async_gone(self, data: Se5Data, identity_id: str) -> bool:
        """Whether the register no longer holds a visitor (read again before a retry).

        The last call failed or went unanswered, and may have been carried out.
        """
        await data.people.async_refresh()
        return data.people.last_update_success and (
            identity_id not in data.people.data.people or data.people.is_missing(identity_id)
        )

    async def _async_done(
        self, data: Se5Data, identity_id: str, name: str, visitor: _Visitor, *, gone: bool
    ) -> None:
        """The visitor is off the box: forget, unfollow, read the register, tell the logbook."""
        self.schedule.pop(identity_id, None)
        self._retry_at.pop(identity_id, None)
        await self.store.async_save({"visitors": dict(self.schedule)})
        entry = self.entry
        followed = list(entry.options.get(CONF_PEOPLE, []))
        if identity_id in followed:
            followed.remove(identity_id)
            self.hass.config_entries.async_update_entry(
                entry, options={**entry.options, CONF_PEOPLE: followed}
            )
        await data.people.async_refresh()
        box = device_by_identifier(
            dr.async_get(self.hass), box_identifier(data.box_uid), entry.entry_id
        )
        event: dict[str, Any] = {
            "box": entry.title,
            "identity_id": identity_id,
            "identity_name": name,
            "valid_until": visitor["until"],
            "already_gone": gone,
        }
        if box is not None:
            event["device_id"] = box.id
        self.hass.bus.async_fire(EVENT_SE5_VISITOR_REMOVED, event)
        _LOGGER.info("SE5 box %s: a visitor's time was up; removed from the box", entry.title)


def _until(visitor: dict[str, Any] | _Visitor) -> datetime | None:
    until = dt_util.parse_datetime(str(visitor.get("until", "")))
    return None if until is None or until.tzinfo is None else until
