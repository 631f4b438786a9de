"""Recognitions missed while disconnected, found afterwards in the box's event history.

The time of the latest recognition received is kept in Home Assistant's storage. At start-up
and after every reconnection the box's history is asked for what happened since (at most
`RECOVERY_WINDOW` back and `RECOVERY_LIMIT` recognitions); what did not already arrive live is
handed to the push coordinator as *recovered*: it updates the last-seen sensors when newer and
shows in the logbook, but never fires `se5_event`, event entities or device triggers (a VIP
seen an hour ago must not open a door now). Automations can listen to
`se5_recognition_recovered` to see them.
"""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime
import logging
from typing import TYPE_CHECKING, Any, TypedDict

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .client import Recognition, Se5Client, Se5Error
from .const import DOMAIN, RECOVERY_LIMIT, RECOVERY_WINDOW

if TYPE_CHECKING:
    from .coordinator import Se5PushCoordinator
    from .data import Se5ConfigEntry

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION = 1
SAVE_DELAY = 10.0
_SEEN = 2_000
"""How many live recognitions are remembered to tell them from history entries."""


class _Stored(TypedDict):
    last_timestamp_ms: int


def storage_key(entry_id: str) -> str:
    """The storage file of an entry's recovery state."""
    return f"{DOMAIN}.{entry_id}.recovery"


def _key(recognition: Recognition) -> tuple[str, ...]:
    if recognition.event_id:
        return ("event", recognition.event_id)
    # History and live frames of one recognition agree on these, to the millisecond at best.
    return (
        recognition.device_id,
        recognition.identity_id,
        str(recognition.timestamp_ms // 1000),
    )


class Se5Recovery:
    """Finds and replays what was missed while the event stream was down."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: Se5ConfigEntry,
        client: Se5Client,
        push: Se5PushCoordinator,
    ) -> None:
        self.hass = hass
        self.entry = entry
        self.client = client
        self.push = push
        self.store: Store[_Stored] = Store(hass, STORAGE_VERSION, storage_key(entry.entry_id))
        self.last_timestamp_ms: int | None = None
        self.recovered = 0
        """Recognitions recovered since start."""
        self._seen: deque[tuple[str, ...]] = deque(maxlen=_SEEN)
        self._seen_set: set[tuple[str, ...]] = set()
        self._running = False
        self._save_pending = False

    async def async_load(self) -> None:
        """Read the time of the latest recognition received before Home Assistant stopped."""
        stored = await self.store.async_load()
        if stored is not None and isinstance(stored.get("last_timestamp_ms"), int):
            # A time in the future (kept before times were clamped) would stop every recovery.
            now_ms = int(dt_util.utcnow().timestamp() * 1000)
            self.last_timestamp_ms = min(stored["last_timestamp_ms"], now_ms)

    @callback
    def async_note(self, recognition: Recognition, live: bool) -> None:
        """Remember a recognition handled by the push coordinator."""
        if live:
            key = _key(recognition)
            if len(self._seen) == self._seen.maxlen:
                self._seen_set.discard(self._seen[0])
            self._seen.append(key)
            self._seen_set.add(key)
        if self.last_timestamp_ms is None or recognition.timestamp_ms > self.last_timestamp_ms:
            self.last_timestamp_ms = recognition.timestamp_ms
            # Once per SAVE_DELAY at most: asked again, HA's Store would push its write back,
            # and a busy gate would never be written until Home Assistant stops.
            if not self._save_pending:
                self._save_pending = True
                self.store.async_delay_save(self._data, SAVE_DELAY)

    def _data(self) -> _Stored:
        self._save_pending = False  # called as the write happens
        return {"last_timestamp_ms": self.last_timestamp_ms or 0}

    async def async_save(self) -> None:
        """Write the state now (on unload)."""
        if self.last_timestamp_ms is not None:
            await self.store.async_save(self._data())

    @callback
    def async_on_connect(self, _reconnected: bool) -> None:
        """Look for missed recognitions in the background (each connection)."""
        if self.last_timestamp_ms is None or self._running:
            return
        self.entry.async_create_background_task(
            self.hass, self.async_recover(), f"{DOMAIN} recovery {self.push.host}"
        )

    async def async_recover(self) -> int:
        """Replay what the box's history holds since the latest recognition; how many."""
        if self.last_timestamp_ms is None:
            return 0
        self._running = True
        try:
            since = max(
                datetime.fromtimestamp(self.last_timestamp_ms / 1000, UTC),
                dt_util.utcnow() - RECOVERY_WINDOW,
            )
            try:
                found = await self.client.list_events(since, limit=RECOVERY_LIMIT)
            except Se5Error as err:
                _LOGGER.warning(
                    "Cannot read the event history of SE5 box %s (%s): recognitions missed "
                    "while disconnected are not recovered",
                    self.push.host,
                    err,
                )
                return 0
            count = 0
            for recognition in found:
                if _key(recognition) in self._seen_set:
                    continue
                if self.push.registry.ha_device_id(recognition.device_id) is None:
                    continue
                self.push.async_handle(recognition, live=False)
                count += 1
            if count:
                _LOGGER.info(
                    "Recovered %d recognition(s) that SE5 box %s made while disconnected",
                    count,
                    self.push.host,
                )
            self.recovered += count
            return count
        finally:
            self._running = False

    def diagnostics(self) -> dict[str, Any]:
        """State for the diagnostics."""
        return {
            "last_timestamp_ms": self.last_timestamp_ms,
            "recovered": self.recovered,
            "remembered_live": len(self._seen),
        }
