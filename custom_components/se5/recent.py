"""The recent recognitions of one entry: the store, its options, its copy on disk.

The push coordinator hands each recognition of a followed device to `async_add` before it
fires `se5_event`, so that the event can carry the URLs of that recognition's own images.
The store outlives a reload of its entry (an enabled entity, a changed firmware), so that the
URLs already sent keep working; it goes when the entry is removed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .client import ImageSelection, Recognition, Se5Client
from .const import (
    ATTR_FACE_URL,
    ATTR_RECOGNITION_ID,
    ATTR_SCENE_URL,
    CONF_KEEP_DAYS,
    CONF_KEEP_ON_DISK,
    CONF_RECENT_COUNT,
    CONF_RECENT_SIZE_MB,
    DEFAULT_RECENT,
    DOMAIN,
)
from .store import MEGABYTE, RecognitionStore, StoredRecognition, from_recognition, image_path
from .store_disk import DiskMirror, folder_of, wipe

if TYPE_CHECKING:
    from .data import Se5ConfigEntry

PRUNE_INTERVAL = timedelta(hours=1)
"""How often recognitions older than the days kept on disk are forgotten."""
SIGNAL_STORED = f"{DOMAIN}_recognition_stored"
"""Dispatched with the entry id and the stored recognition (the card's subscriptions)."""
DATA_STORES: HassKey[dict[str, RecognitionStore]] = HassKey(f"{DOMAIN}_stores")


class Se5Recent:
    """The store of recent recognitions of one box, as the options want it."""

    def __init__(self, hass: HomeAssistant, entry: Se5ConfigEntry, client: Se5Client) -> None:
        self.hass = hass
        self.entry = entry
        count, size_mb, _persist, _days = self._options()
        stores = hass.data.setdefault(DATA_STORES, {})
        self.reused = entry.entry_id in stores
        """True when the store survived a reload (what is on disk is in memory already)."""
        if not self.reused:
            stores[entry.entry_id] = RecognitionStore(count, size_mb * MEGABYTE)
        self.store = stores[entry.entry_id]
        self.store.fetch = client.get_event_image
        self.store.clear_listeners()
        self.disk: DiskMirror | None = None
        self._loading = False
        self._stop_pruning: CALLBACK_TYPE | None = None
        self.store.add_removal_listener(self._removed)
        self.store.add_photo_listener(self._photo)

    def _options(self) -> tuple[int, int, bool, int]:
        options = {**DEFAULT_RECENT, **self.entry.options}
        return (
            int(options[CONF_RECENT_COUNT]),
            int(options[CONF_RECENT_SIZE_MB]),
            bool(options[CONF_KEEP_ON_DISK]),
            int(options[CONF_KEEP_DAYS]),
        )

    # Lifecycle ---------------------------------------------------------------------------------

    async def async_load(self) -> None:
        """Read back what was kept on disk (only when the user asked for it)."""
        count, size_mb, persist, days = self._options()
        self.store.configure(count, size_mb * MEGABYTE)
        if not persist:
            # Turned off while the entry was not loaded: what was kept goes now.
            await self.hass.async_add_executor_job(wipe, folder_of(self.hass, self.entry.entry_id))
            return
        self.disk = DiskMirror(self.hass, folder_of(self.hass, self.entry.entry_id))
        self._start_pruning()
        if self.reused:
            return
        loaded = await self.disk.async_load(dt_util.utcnow() - timedelta(days=days))
        self._loading = True
        try:
            for record, registered in loaded:
                self.store.add(record, registered)
        finally:
            self._loading = False

    async def async_apply_options(self) -> None:
        """New bounds; start or stop keeping on disk (stopping deletes what was written)."""
        count, size_mb, persist, _days = self._options()
        self.store.configure(count, size_mb * MEGABYTE)
        if persist and self.disk is None:
            self.disk = DiskMirror(self.hass, folder_of(self.hass, self.entry.entry_id))
            for record in self.store.all():
                if record.has_registered:
                    self.disk.write_person(record.identity_id, self.store.registered_photo(record))
                self.disk.write(record)
            self._start_pruning()
        elif not persist and self.disk is not None:
            self._cancel_pruning()
            self.disk.wipe()
            await self.disk.async_flush()
            self.disk = None
        if persist:
            self._async_prune()

    async def async_unload(self) -> None:
        """Stop pruning and finish writing; a disabled entry's memory goes (a reload keeps it)."""
        self._cancel_pruning()
        if self.disk is not None:
            await self.disk.async_flush()
        if self.entry.disabled_by is not None:
            self.hass.data.get(DATA_STORES, {}).pop(self.entry.entry_id, None)

    @staticmethod
    async def async_remove(hass: HomeAssistant, entry_id: str) -> None:
        """Forget what an entry kept, in memory and on disk (the entry is being removed)."""
        hass.data.get(DATA_STORES, {}).pop(entry_id, None)
        await hass.async_add_executor_job(wipe, folder_of(hass, entry_id))

    # Recognitions ------------------------------------------------------------------------------

    @callback
    def async_add(
        self, recognition: Recognition, live: bool, images: ImageSelection
    ) -> StoredRecognition | None:
        """Keep a recognition with the images picked; None when the store keeps nothing."""
        if self.store.max_count <= 0:
            return None
        record, registered = from_recognition(recognition, live, images)
        stored = self.store.add(record, registered)
        if stored is not None:
            if self.disk is not None:
                self.disk.write(stored)
            async_dispatcher_send(self.hass, SIGNAL_STORED, self.entry.entry_id, stored)
        return stored

    def urls(self, record: StoredRecognition) -> dict[str, str]:
        """The `se5_event` fields of a kept recognition: its id and its images' URLs.

        The id is what `se5.register_person` takes as `recognition_id`; the URLs are relative.
        """
        urls: dict[str, str] = {ATTR_RECOGNITION_ID: record.id}
        if record.has("face"):
            urls[ATTR_FACE_URL] = image_path(self.entry.entry_id, record.id, "face")
        if record.has("scene"):
            urls[ATTR_SCENE_URL] = image_path(self.entry.entry_id, record.id, "scene")
        return urls

    # Disk --------------------------------------------------------------------------------------

    @callback
    def _removed(self, record_id: str) -> None:
        if self.disk is not None:
            self.disk.delete(record_id)

    @callback
    def _photo(self, identity_id: str, photo: bytes | None) -> None:
        if self.disk is not None and not self._loading:
            self.disk.write_person(identity_id, photo)

    def _start_pruning(self) -> None:
        if self._stop_pruning is None:
            self._stop_pruning = async_track_time_interval(
                self.hass, self._async_prune, PRUNE_INTERVAL, cancel_on_shutdown=True
            )

    def _cancel_pruning(self) -> None:
        if self._stop_pruning is not None:
            self._stop_pruning()
            self._stop_pruning = None

    @callback
    def _async_prune(self, _now: object = None) -> None:
        *_, days = self._options()
        self.store.remove_older_than(dt_util.utcnow() - timedelta(days=days))
