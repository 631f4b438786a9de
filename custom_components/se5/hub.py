"""The hub: one SE5 box as Home Assistant sees it.

It owns the REST client and the event stream, keeps the box's device list and the last
recognition of each followed device, fires `se5_event`, and tells the entities when to update.
It is the only module that knows both Home Assistant and the box.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
import json
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.event import async_track_time_interval
from yarl import URL

from .client import (
    Backoff,
    Device,
    Dialect,
    EventStream,
    ImageSelection,
    Recognition,
    Se5Client,
    Se5Error,
    StreamState,
    Subscription,
)
from .compat import device_by_identifier, via_device
from .const import (
    ATTR_BOX_DEVICE_ID,
    ATTR_DEVICE_NAME,
    ATTR_EVENT_ID,
    ATTR_GROUP,
    ATTR_HOST,
    ATTR_IDENTITY_ID,
    ATTR_IDENTITY_INFO,
    ATTR_IDENTITY_NAME,
    ATTR_PERSON_TYPE,
    ATTR_RAW_SCORE,
    ATTR_SCORE,
    ATTR_TIMESTAMP,
    CONF_DEVICES,
    CONF_DIALECT,
    CONF_EVENT_PORT,
    CONF_FACE_IMAGE,
    CONF_REGISTERED_IMAGE,
    CONF_SCENE_IMAGE,
    DEFAULT_IMAGES,
    DOMAIN,
    EVENT_SE5,
    MANUFACTURER,
    MAX_EVENT_INFO_BYTES,
    MODEL,
    REFRESH_INTERVAL,
    WEB_UI_PORT,
)

_LOGGER = logging.getLogger(__name__)

# Stream tuning; tests make these short.
HEARTBEAT = 20.0
BACKOFF = Backoff(initial=1.0, maximum=60.0)
RESTART_DELAY = 10.0

_MODEL_BY_KIND = {
    "rtsp": "RTSP camera",
    "photo": "Capture camera",
    "file": "Video file",
    "gb28181": "GB28181 camera",
}

type Se5ConfigEntry = ConfigEntry[Se5Hub]


class Se5Hub:
    """One box: device list, event stream, last recognitions, listeners."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: Se5ConfigEntry,
        client: Se5Client,
        devices: list[Device],
    ) -> None:
        self.hass = hass
        self.entry = entry
        self.client = client
        self.host: str = entry.data[CONF_HOST]
        self.devices: dict[str, Device] = {device.id: device for device in devices}
        self.last: dict[str, Recognition] = {}
        self.recognitions = 0
        self._followed: set[str] = set()
        self._missing: set[str] = set()
        self._refresh_lock = asyncio.Lock()
        self._keep_unlisted_followed()
        self._ha_device_ids: dict[str, str] = {}
        self._listeners: dict[str | None, list[Callable[[], None]]] = {}
        self._entity_adders: list[Callable[[list[Device]], None]] = []
        self._stream_down_logged = False
        dialect = client.dialect or Dialect(entry.data[CONF_DIALECT])
        self.stream = EventStream(
            async_get_clientsession(hass),
            self.host,
            entry.data[CONF_EVENT_PORT],
            dialect=dialect,
            subscription=self.subscription,
            heartbeat=HEARTBEAT,
            backoff=BACKOFF,
            on_state=self._async_stream_state,
        )

    def _keep_unlisted_followed(self) -> None:
        """Keep picked devices that this listing lacks, as registered, until refreshes agree.

        A box that is starting may list fewer devices; deleting their entities at set-up would
        lose the user's customisations.
        """
        registry = dr.async_get(self.hass)
        for device_id in self.entry.options.get(CONF_DEVICES, []):
            if device_id in self.devices:
                continue
            entry = device_by_identifier(registry, (DOMAIN, device_id), self.entry.entry_id)
            if entry is None:
                continue
            self.devices[device_id] = Device(id=device_id, name=entry.name or device_id)
            self._missing.add(device_id)

    # What is followed ------------------------------------------------------------------------

    @property
    def followed(self) -> list[Device]:
        """The devices to follow: picked in the options and present on the box."""
        picked: list[str] = self.entry.options.get(CONF_DEVICES, [])
        return [self.devices[device_id] for device_id in picked if device_id in self.devices]

    @property
    def images(self) -> ImageSelection:
        """The images picked in the options."""
        options = {**DEFAULT_IMAGES, **self.entry.options}
        return ImageSelection(
            face=bool(options[CONF_FACE_IMAGE]),
            scene=bool(options[CONF_SCENE_IMAGE]),
            registered=bool(options[CONF_REGISTERED_IMAGE]),
        )

    @property
    def subscription(self) -> Subscription:
        """The subscription matching the options."""
        return Subscription(tuple(device.id for device in self.followed), self.images)

    @property
    def connected(self) -> bool:
        """True while the event stream is up."""
        return self.stream.state is StreamState.CONNECTED

    # Lifecycle ---------------------------------------------------------------------------------

    @callback
    def async_start(self) -> None:
        """Start the subscription and the periodic refresh (after the platforms are set up)."""
        entry = self.entry
        entry.async_create_background_task(
            self.hass, self._async_run_stream(), f"{DOMAIN} event stream {self.host}"
        )
        entry.async_on_unload(
            async_track_time_interval(
                self.hass,
                self._async_refresh_tick,
                REFRESH_INTERVAL,
                name=f"{DOMAIN} device refresh {self.host}",
                cancel_on_shutdown=True,
            )
        )
        entry.async_on_unload(entry.add_update_listener(_async_options_updated))

    async def async_stop(self) -> None:
        """Stop the subscription."""
        await self.stream.stop()

    async def _async_run_stream(self) -> None:
        """Feed recognitions to Home Assistant; a failure never ends the subscription."""
        while True:
            try:
                async for recognition in self.stream:
                    try:
                        self._async_handle(recognition)
                    except Exception:
                        _LOGGER.exception("Error handling a recognition from %s", self.host)
            except Exception:
                _LOGGER.exception("Event stream of SE5 box %s failed; restarting", self.host)
                await asyncio.sleep(RESTART_DELAY)
                continue
            return

    # Devices -----------------------------------------------------------------------------------

    @property
    def box_device_info(self) -> DeviceInfo:
        """The box, as the hub device."""
        return DeviceInfo(
            identifiers={(DOMAIN, self.entry.entry_id)},
            name=self.entry.title,
            manufacturer=MANUFACTURER,
            model=MODEL,
            sw_version=self.stream_dialect.value.upper(),  # firmware generation: V5 or V6
            configuration_url=self.web_ui_url,
        )

    @property
    def web_ui_url(self) -> str:
        """The box's own web interface."""
        return str(URL.build(scheme="http", host=self.host, port=WEB_UI_PORT))

    @property
    def stream_dialect(self) -> Dialect:
        """The dialect the box speaks."""
        return self.client.dialect or Dialect(self.entry.data[CONF_DIALECT])

    def device_info(self, device: Device) -> DeviceInfo:
        """A camera, gate or reader (linked to the box when registered, see sync)."""
        info = DeviceInfo(
            identifiers={(DOMAIN, device.id)},
            name=device.name,
            configuration_url=self.web_ui_url,
        )
        if device.kind:  # unknown for a device kept while the box does not list it
            info["model"] = _MODEL_BY_KIND.get(device.kind, device.kind)
        return info

    def ha_device_id(self, device_id: str) -> str | None:
        """Home Assistant's device id for a box device id, when it is followed."""
        return self._ha_device_ids.get(device_id)

    @callback
    def async_sync_devices(self) -> bool:
        """Make the device registry and the entities match the followed devices.

        Returns True when the set of followed devices changed.
        """
        registry = dr.async_get(self.hass)
        entry_id = self.entry.entry_id
        box = registry.async_get_or_create(config_entry_id=entry_id, **self.box_device_info)
        via = via_device(box, (DOMAIN, entry_id))
        wanted = {device.id: device for device in self.followed}
        for device in wanted.values():
            entry = registry.async_get_or_create(
                config_entry_id=entry_id, **self.device_info(device), **via
            )
            self._ha_device_ids[device.id] = entry.id
        for entry in dr.async_entries_for_config_entry(registry, entry_id):
            device_id = _box_device_id(entry)
            if device_id is None or device_id == entry_id or device_id in wanted:
                continue
            registry.async_remove_device(entry.id)
        for device_id in self._followed - wanted.keys():
            self._ha_device_ids.pop(device_id, None)
            self.last.pop(device_id, None)
            self._listeners.pop(device_id, None)
        added = [device for device_id, device in wanted.items() if device_id not in self._followed]
        changed = bool(added) or len(wanted) != len(self._followed)
        self._followed = set(wanted)
        if added:
            for add_entities in self._entity_adders:
                add_entities(added)
        return changed

    @callback
    def async_add_entities_listener(self, add: Callable[[list[Device]], None]) -> CALLBACK_TYPE:
        """Call `add` with the followed devices now and with each newly followed one later."""
        add(self.followed)
        self._entity_adders.append(add)
        return lambda: self._entity_adders.remove(add)

    async def async_refresh_devices(self, *, remove_missing: bool = False) -> None:
        """Read the device list again: new devices show in the options, gone ones go.

        A followed device that the box stops listing is removed (with its entities) only by a
        periodic refresh (`remove_missing`) and only when the previous periodic refresh missed
        it too, so that a box that is starting or glitching does not wipe devices.
        """
        async with self._refresh_lock:
            try:
                devices = await self.client.list_devices()
            except Se5Error as err:
                _LOGGER.debug("Cannot refresh the device list of %s: %s", self.host, err)
                return
            if self.client.dialect is not None and (
                self.client.dialect.value != self.entry.data.get(CONF_DIALECT)
            ):
                _LOGGER.info("SE5 box %s now speaks API %s", self.host, self.client.dialect)
                self.hass.config_entries.async_update_entry(
                    self.entry, data={**self.entry.data, CONF_DIALECT: self.client.dialect.value}
                )
                self.hass.config_entries.async_schedule_reload(self.entry.entry_id)
                return
            listed = {device.id: device for device in devices}
            unlisted = {k: v for k, v in self.devices.items() if k not in listed}
            if remove_missing:
                gone = unlisted.keys() & self._missing
                self._missing = set(unlisted.keys() - gone)
            else:
                gone = set()
                self._missing -= listed.keys()
            if new := len(listed.keys() - self.devices.keys()):
                _LOGGER.info(
                    "SE5 box %s lists %d new device(s); pick them in the integration's options",
                    self.host,
                    new,
                )
            self.devices = listed | {k: v for k, v in unlisted.items() if k not in gone}
            if self.async_sync_devices():
                await self.stream.update_subscription(self.subscription)

    async def _async_refresh_tick(self, _now: datetime) -> None:
        await self.async_refresh_devices(remove_missing=True)

    async def async_apply_options(self) -> None:
        """Apply changed options at once: devices, entities and the subscription on the socket."""
        self.async_sync_devices()
        await self.stream.update_subscription(self.subscription)

    # Listeners ---------------------------------------------------------------------------------

    @callback
    def async_add_listener(
        self, update: Callable[[], None], device_id: str | None = None
    ) -> CALLBACK_TYPE:
        """Call `update` on connection changes and on recognitions.

        Only recognitions of `device_id` count, or any recognition when it is None.
        """
        listeners = self._listeners.setdefault(device_id, [])
        listeners.append(update)

        @callback
        def remove() -> None:
            if update in listeners:
                listeners.remove(update)

        return remove

    @callback
    def _async_notify(self, device_id: str | None = None, *, everyone: bool = False) -> None:
        keys = list(self._listeners) if everyone else list(dict.fromkeys((device_id, None)))
        for key in keys:
            for update in list(self._listeners.get(key, ())):
                update()

    # Stream ------------------------------------------------------------------------------------

    @callback
    def _async_stream_state(self, state: StreamState) -> None:
        stream = self.stream
        if state is StreamState.CONNECTED:
            if self._stream_down_logged:
                _LOGGER.info("Event stream of SE5 box %s is back", self.host)
                self._stream_down_logged = False
            if stream.stats.connections > 1:
                self.entry.async_create_task(
                    self.hass, self.async_refresh_devices(), f"{DOMAIN} refresh {self.host}"
                )
        elif state is StreamState.RECONNECTING and not self._stream_down_logged:
            _LOGGER.info(
                "Event stream of SE5 box %s is down (%s); reconnecting",
                self.host,
                stream.last_error or "unknown error",
            )
            self._stream_down_logged = True
        self._async_notify(everyone=True)

    @callback
    def _async_handle(self, recognition: Recognition) -> None:
        self.recognitions += 1
        device_id = recognition.device_id
        ha_device_id = self._ha_device_ids.get(device_id)
        if ha_device_id is None:
            _LOGGER.debug("Recognition from a device that is not followed: %s", device_id)
            self._async_notify(None)
            return
        self.last[device_id] = recognition
        self.hass.bus.async_fire(EVENT_SE5, self.event_data(recognition, ha_device_id))
        self._async_notify(device_id)

    def event_data(self, recognition: Recognition, ha_device_id: str) -> dict[str, Any]:
        """The `se5_event` data: small, flat, no image."""
        device = self.devices.get(recognition.device_id)
        data: dict[str, Any] = {
            "device_id": ha_device_id,
            ATTR_BOX_DEVICE_ID: recognition.device_id,
            ATTR_DEVICE_NAME: device.name if device else None,
            ATTR_IDENTITY_ID: recognition.identity_id,
            ATTR_IDENTITY_NAME: recognition.identity_name,
            ATTR_GROUP: recognition.group,
            ATTR_PERSON_TYPE: recognition.person_type.value,
            ATTR_SCORE: None if recognition.score is None else round(recognition.score, 4),
            ATTR_RAW_SCORE: recognition.raw_score,
            ATTR_TIMESTAMP: recognition.timestamp.isoformat(),
            ATTR_HOST: self.host,
            ATTR_IDENTITY_INFO: small_scalars(recognition.identity_info),
        }
        if recognition.event_id is not None:
            data[ATTR_EVENT_ID] = recognition.event_id
        return data


def small_scalars(info: Any, budget: int = MAX_EVENT_INFO_BYTES) -> dict[str, Any]:
    """The useful, short, scalar fields of identity_info, within `budget` bytes of JSON.

    Only known fields are kept (the person's user id and where they belong: building, floor,
    room), so that addresses or whatever else a box stores never reach the event bus.
    """
    if not isinstance(info, dict):
        return {}
    extra = info.get("ext_info")
    fields = {"user_id": info.get("user_id")}
    if isinstance(extra, dict):
        fields.update({key: extra.get(key) for key in _EXT_INFO_FIELDS})
    kept: dict[str, Any] = {}
    used = 2  # the braces
    for key, value in fields.items():
        if value is None or not _small_scalar(value):
            continue
        size = len(json.dumps({key: value}, ensure_ascii=False).encode()) - 1
        if used + size <= budget:
            kept[key] = value
            used += size
    return kept


_EXT_INFO_FIELDS = ("building_no", "floor", "room")


def _small_scalar(value: Any) -> bool:
    if isinstance(value, str):
        return len(value) <= 64
    return isinstance(value, bool | int | float)


def _box_device_id(entry: dr.DeviceEntry) -> str | None:
    for domain, identifier in entry.identifiers:
        if domain == DOMAIN:
            return identifier
    return None


async def _async_options_updated(hass: HomeAssistant, entry: Se5ConfigEntry) -> None:
    await entry.runtime_data.async_apply_options()
