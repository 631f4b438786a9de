"""The push coordinator: holds the box's event subscription and hands out each recognition.

Each recognition goes to the entities of its own device and of its person only (never to every
entity), fires one small `se5_event` (or `se5_recognition_recovered` for one found in the box's
history after a disconnection), and is remembered as the device's and the person's latest.

The latest ones are remembered without their images: the images are the store's (`recent`),
within its count and byte caps, and a device's cameras read them from there (`last_record`).
Held here, one per followed device and person, they would escape every cap.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import replace
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.const import CONF_HOST
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.event import async_call_later

from ..client import (
    DEFAULT_MAX_FRAME_BYTES,
    Backoff,
    Dialect,
    EventStream,
    ImageSelection,
    Recognition,
    StreamState,
    Subscription,
)
from ..const import (
    CONF_DIALECT,
    CONF_EVENT_PORT,
    CONF_FACE_IMAGE,
    CONF_PEOPLE,
    CONF_REGISTERED_IMAGE,
    CONF_SCENE_IMAGE,
    DEFAULT_IMAGES,
    DOMAIN,
    EVENT_SE5,
    EVENT_SE5_RECOVERED,
    UNREACHABLE_REPAIR_AFTER,
)
from ..event_data import recognition_data
from ..markdown import markdown_text

if TYPE_CHECKING:
    from ..data import Se5ConfigEntry
    from ..recent import Se5Recent
    from ..registry import Se5Registry
    from ..store import StoredRecognition
    from .devices import Se5DeviceCoordinator

_LOGGER = logging.getLogger(__name__)

# Stream tuning; tests make these short.
HEARTBEAT = 20.0
BACKOFF = Backoff(initial=1.0, maximum=60.0)
RESTART_DELAY = 10.0
MAX_FRAME_BYTES = DEFAULT_MAX_FRAME_BYTES
"""Frames this large or larger are dropped as they arrive; twice this much of big frames is
held for the coordinator at most (the stream's budget; reading pauses above it)."""
STATE_BATCH = 500
"""Entities told of a connection change per turn of the event loop (one state write each)."""

type RecognitionListener = Callable[[Recognition, bool], None]
"""Called with a recognition and whether it arrived live (False: recovered from history)."""


def unreachable_issue_id(entry_id: str) -> str:
    """The repair issue of a box whose event stream stays down."""
    return f"box_unreachable_{entry_id}"


class Se5PushCoordinator:
    """The subscription to one box's recognitions, and who hears about each."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: Se5ConfigEntry,
        dialect: Dialect,
        devices: Se5DeviceCoordinator,
        registry: Se5Registry,
        *,
        recent: Se5Recent | None = None,
    ) -> None:
        self.hass = hass
        self.entry = entry
        self.host: str = entry.data[CONF_HOST]
        self.devices = devices
        self.registry = registry
        self.recent = recent
        """The store of recent recognitions with their images (fed before `se5_event`)."""
        self.last: dict[str, Recognition] = {}
        """The latest recognition of each followed device (live or recovered), no images."""
        self.last_records: dict[str, str] = {}
        """The store's record of each device's latest recognition (its images), by device."""
        self.sightings: dict[str, Recognition] = {}
        """The latest recognition of each followed person, no images."""
        self.recognitions = 0
        """Live recognitions received since start."""
        self._device_listeners: dict[str, list[RecognitionListener]] = {}
        self._person_listeners: dict[str, list[RecognitionListener]] = {}
        self._any_listeners: list[RecognitionListener] = []
        self._state_listeners: list[Callable[[], None]] = []
        self._reconnect_hooks: list[Callable[[bool], None]] = []
        self._down_logged = False
        self._read_options: Mapping[str, Any] | None = None
        self._images = ImageSelection()
        self._people: frozenset[str] = frozenset()
        self._unreachable_timer: CALLBACK_TYPE | None = None
        self.stream = EventStream(
            async_get_clientsession(hass),
            self.host,
            entry.data[CONF_EVENT_PORT],
            dialect=dialect,
            subscription=self.subscription,
            heartbeat=HEARTBEAT,
            backoff=BACKOFF,
            max_frame_bytes=MAX_FRAME_BYTES,
            on_state=self._async_stream_state,
        )

    # What is followed --------------------------------------------------------------------------

    def _read(self) -> None:
        """Read what each recognition needs from the options, once per change.

        Home Assistant replaces the options mapping on every update.
        """
        options = self.entry.options
        if options is self._read_options:
            return
        self._read_options = options
        picked = {**DEFAULT_IMAGES, **options}
        self._images = ImageSelection(
            face=bool(picked[CONF_FACE_IMAGE]),
            scene=bool(picked[CONF_SCENE_IMAGE]),
            registered=bool(picked[CONF_REGISTERED_IMAGE]),
        )
        self._people = frozenset(options.get(CONF_PEOPLE, ()))

    @property
    def images(self) -> ImageSelection:
        """The images picked in the options."""
        self._read()
        return self._images

    @property
    def subscription(self) -> Subscription:
        """The subscription matching the options."""
        return Subscription(tuple(device.id for device in self.devices.followed), self.images)

    @property
    def connected(self) -> bool:
        """True while the event stream is up."""
        return self.stream.state is StreamState.CONNECTED

    @property
    def dialect(self) -> Dialect:
        """The dialect the box speaks."""
        return Dialect(self.entry.data[CONF_DIALECT])

    # Lifecycle ---------------------------------------------------------------------------------

    @callback
    def async_start(self) -> None:
        """Start the subscription (after the platforms are set up)."""
        self.entry.async_create_background_task(
            self.hass, self._async_run(), f"{DOMAIN} event stream {self.host}"
        )

    async def async_stop(self) -> None:
        """Stop the subscription."""
        self._cancel_unreachable_timer()
        await self.stream.stop()

    async def async_resubscribe(self) -> None:
        """Send the current subscription on the open socket (or on the next connection).

        Nothing is sent when it did not change (the options also change while the device
        list is being read: the list's own update resubscribes once it is in).
        """
        subscription = self.subscription
        if subscription != self.stream.subscription:
            await self.stream.update_subscription(subscription)

    async def _async_run(self) -> None:
        """Feed recognitions to Home Assistant; a failure never ends the subscription."""
        while True:
            try:
                async for recognition in self.stream:
                    try:
                        self.async_handle(recognition)
                    except Exception:
                        _LOGGER.exception("Error handling a recognition from %s", self.host)
            except Exception:
                _LOGGER.exception("Event stream of SE5 box %s failed; restarting", self.host)
                await asyncio.sleep(RESTART_DELAY)
                continue
            return

    # Listeners ---------------------------------------------------------------------------------

    @callback
    def async_add_device_listener(
        self, device_id: str, listener: RecognitionListener
    ) -> CALLBACK_TYPE:
        """Call `listener` with each recognition of one device."""
        return _add(self._device_listeners.setdefault(device_id, []), listener)

    @callback
    def async_add_person_listener(
        self, identity_id: str, listener: RecognitionListener
    ) -> CALLBACK_TYPE:
        """Call `listener` with each recognition of one person."""
        return _add(self._person_listeners.setdefault(identity_id, []), listener)

    @callback
    def async_add_recognition_listener(self, listener: RecognitionListener) -> CALLBACK_TYPE:
        """Call `listener` with every recognition of a followed device."""
        return _add(self._any_listeners, listener)

    @callback
    def async_add_state_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call `listener` when the stream connects or goes down."""
        return _add(self._state_listeners, listener)

    @callback
    def async_add_reconnect_hook(self, hook: Callable[[bool], None]) -> CALLBACK_TYPE:
        """Call `hook` on each connection: True for a reconnection, False for the first."""
        return _add(self._reconnect_hooks, hook)

    @callback
    def async_forget(self, device_ids: set[str], identity_ids: set[str]) -> None:
        """Drop what is kept about devices and people no longer followed."""
        for device_id in device_ids:
            self.last.pop(device_id, None)
            self.last_records.pop(device_id, None)
        for identity_id in identity_ids:
            self.sightings.pop(identity_id, None)

    # Recognitions ------------------------------------------------------------------------------

    @callback
    def async_handle(self, recognition: Recognition, *, live: bool = True) -> None:
        """One recognition: remember it, fire the bus event, tell whom it concerns."""
        if live:
            self.recognitions += 1
        device_id = recognition.device_id
        ha_device_id = self.registry.ha_device_id(device_id)
        if ha_device_id is None:
            _LOGGER.debug("Recognition from a device that is not followed: %s", device_id)
            return
        self._read()
        stored = self.recent.async_add(recognition, live, self._images) if self.recent else None
        bare = without_images(recognition)
        previous = self.last.get(device_id)
        if live or previous is None or recognition.timestamp >= previous.timestamp:
            self.last[device_id] = bare
            if stored is not None:
                self.last_records[device_id] = stored.id
            else:
                self.last_records.pop(device_id, None)
        self.hass.bus.async_fire(
            EVENT_SE5 if live else EVENT_SE5_RECOVERED,
            self.event_data(recognition, ha_device_id, stored),
        )
        for listener in self._device_listeners.get(device_id, ()):
            listener(recognition, live)
        identity_id = recognition.identity_id
        if identity_id and not recognition.is_stranger and identity_id in self._people:
            seen = self.sightings.get(identity_id)
            if seen is None or recognition.timestamp >= seen.timestamp:
                self.sightings[identity_id] = bare
                for listener in self._person_listeners.get(identity_id, ()):
                    listener(recognition, live)
        for listener in self._any_listeners:
            listener(recognition, live)

    def last_record(self, device_id: str) -> StoredRecognition | None:
        """The store's record of a device's latest recognition; None once the store let it go."""
        record_id = self.last_records.get(device_id)
        if record_id is None or self.recent is None:
            return None
        return self.recent.store.get(record_id)

    def event_data(
        self,
        recognition: Recognition,
        ha_device_id: str,
        stored: StoredRecognition | None = None,
    ) -> dict[str, Any]:
        """The bus event's data (`event_data.recognition_data`).

        With `stored`, the id the store keeps it under and the relative URLs of its images.
        """
        device = self.devices.data.get(recognition.device_id)
        kept = self.recent.urls(stored) if stored is not None and self.recent else {}
        return recognition_data(recognition, ha_device_id, device.name if device else None, kept)

    # Stream state ------------------------------------------------------------------------------

    @callback
    def _async_stream_state(self, state: StreamState) -> None:
        stream = self.stream
        if state is StreamState.CONNECTED:
            if self._down_logged:
                _LOGGER.info("Event stream of SE5 box %s is back", self.host)
                self._down_logged = False
            self._cancel_unreachable_timer()
            ir.async_delete_issue(self.hass, DOMAIN, unreachable_issue_id(self.entry.entry_id))
            reconnected = stream.stats.connections > 1
            for hook in list(self._reconnect_hooks):
                hook(reconnected)
        elif state is StreamState.RECONNECTING and not self._down_logged:
            _LOGGER.info(
                "Event stream of SE5 box %s is down (%s); reconnecting",
                self.host,
                stream.last_error or "unknown error",
            )
            self._down_logged = True
            if self._unreachable_timer is None:
                self._unreachable_timer = async_call_later(
                    self.hass, UNREACHABLE_REPAIR_AFTER, self._async_still_down
                )
        self._async_notify_state()

    @callback
    def _async_notify_state(self) -> None:
        """Tell the entities the stream's state; a thousand devices' worth in batches."""
        listeners = list(self._state_listeners)
        if len(listeners) <= STATE_BATCH:
            for listener in listeners:
                listener()
            return

        async def notify() -> None:
            for start in range(0, len(listeners), STATE_BATCH):
                for listener in listeners[start : start + STATE_BATCH]:
                    listener()
                await asyncio.sleep(0)

        self.entry.async_create_task(self.hass, notify(), f"{DOMAIN} stream state {self.host}")

    @callback
    def _async_still_down(self, _now: object) -> None:
        self._unreachable_timer = None
        if self.connected or self.stream.state is StreamState.STOPPED:
            return
        minutes = int(UNREACHABLE_REPAIR_AFTER.total_seconds() // 60)
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            unreachable_issue_id(self.entry.entry_id),
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key="box_unreachable",
            translation_placeholders={
                "box": self.entry.title,  # the title only: plain text
                "host": markdown_text(self.host),
                "minutes": str(minutes),
                "error": markdown_text(self.stream.last_error or "-"),
            },
        )

    def _cancel_unreachable_timer(self) -> None:
        if self._unreachable_timer is not None:
            self._unreachable_timer()
            self._unreachable_timer = None


def without_images(recognition: Recognition) -> Recognition:
    """The recognition without its images (they are the store's to keep, or not)."""
    return replace(recognition, face_image=None, scene_image=None, registered_image=None)


def _add[T](listeners: list[T], listener: T) -> CALLBACK_TYPE:
    listeners.append(listener)

    @callback
    def remove() -> None:
        if listener in listeners:
            listeners.remove(listener)

    return remove
