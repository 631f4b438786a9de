"""The Sophgo SE5 AI mini box: face recognitions in Home Assistant, pushed in real time."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    issue_registry as ir,
)
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.storage import Store
from homeassistant.helpers.typing import ConfigType

from . import person_sensors
from .blueprint_install import async_setup_blueprints
from .button import async_flag_deprecated_buttons
from .client import (
    DEFAULT_FEED_PORT,
    BoxInfo,
    DeviceChange,
    DeviceFeed,
    Dialect,
    Se5Client,
    Se5Error,
)
from .const import (
    CONF_DEVICES,
    CONF_DIALECT,
    CONF_FEED_PORT,
    CONF_MAC,
    CONF_PEOPLE,
    CONF_REST_PORT,
    CONF_SYSTEM_PORT,
    DOMAIN,
    PLATFORMS,
)
from .coordinator import (
    Se5DeviceCoordinator,
    Se5HealthCoordinator,
    Se5PeopleCoordinator,
    Se5PushCoordinator,
    Se5SettingsCoordinator,
    async_list_devices,
)
from .data import Se5ConfigEntry, Se5Data
from .image_options import async_enable_scene_cameras
from .labels import async_load_labels
from .migration import (
    CONF_IDENTITY_PENDING,
    async_complete_identity,
    async_migrate_entry,
    async_refuse_duplicate,
    async_rekey,
    keyed_by_mac,
)
from .recent import Se5Recent
from .recovery import STORAGE_VERSION as RECOVERY_STORAGE_VERSION, Se5Recovery, storage_key
from .registry import Se5Registry, box_identifier, device_identifier, person_identifier
from .services import async_setup_services
from .services_people import async_setup_people_services
from .views import async_setup_views
from .visitors import (
    STORAGE_VERSION as VISITORS_STORAGE_VERSION,
    Se5Visitors,
    storage_key as visitors_storage_key,
)
from .websocket import async_setup_websocket

__all__ = ["async_migrate_entry"]

_LOGGER = logging.getLogger(__name__)

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions, the image view, the card and its websocket commands.

    They exist whether or not a box is loaded. The blueprints are put in the configuration's
    blueprints folder once Home Assistant has started.
    """
    async_setup_services(hass)
    async_setup_people_services(hass)
    async_setup_websocket(hass)
    await async_setup_views(hass)
    async_setup_blueprints(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: Se5ConfigEntry) -> bool:
    """Read the box, set up the coordinators and platforms, then start the event stream."""
    host = entry.data[CONF_HOST]
    client = Se5Client(
        async_get_clientsession(hass),
        host,
        entry.data[CONF_REST_PORT],
        system_port=entry.data[CONF_SYSTEM_PORT],
        dialect=Dialect(entry.data[CONF_DIALECT]),
    )
    if entry.data.get(CONF_IDENTITY_PENDING) or entry.unique_id is None:
        await async_complete_identity(hass, entry, client)  # a release 0.1 entry, once
    if TYPE_CHECKING:
        assert entry.unique_id is not None  # set by the above
    devices = await async_list_devices(client, host, ConfigEntryNotReady)
    box = await _async_box_info(hass, entry, client)
    if client.dialect is not None and client.dialect.value != entry.data[CONF_DIALECT]:
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_DIALECT: client.dialect.value}
        )
    registry = Se5Registry(hass, entry, entry.unique_id)
    device_list = Se5DeviceCoordinator(hass, entry, client, entry.unique_id, devices)
    people = Se5PeopleCoordinator(hass, entry, client)
    health = Se5HealthCoordinator(hass, entry, client)
    settings = Se5SettingsCoordinator(hass, entry, client)
    recent = Se5Recent(hass, entry, client)
    await recent.async_load()
    entry.async_on_unload(recent.async_unload)  # also when a later step fails
    push = Se5PushCoordinator(
        hass,
        entry,
        client.dialect or Dialect(entry.data[CONF_DIALECT]),
        device_list,
        registry,
        recent=recent,
    )
    recovery = Se5Recovery(hass, entry, client, push)
    await recovery.async_load()
    visitors = Se5Visitors(hass, entry)
    await visitors.async_load()
    # Neither is needed to follow recognitions: their entities wait for a later refresh.
    await people.async_refresh()
    await health.async_refresh()
    await settings.async_refresh()  # before the stream starts: it reads scores with the scale
    push.stream.score_scale = client.score_scale
    await async_load_labels(hass)  # the logbook describes recognitions from the cache

    data = Se5Data(
        client,
        box,
        registry,
        device_list,
        people,
        health,
        push,
        recovery,
        recent,
        settings,
        visitors=visitors,
        feed=_device_feed(hass, entry, client, device_list),
    )
    entry.runtime_data = data
    await data.async_sync()
    _async_wire(entry, data)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)

    @callback
    def started(hass: HomeAssistant) -> None:
        async_flag_deprecated_buttons(hass, entry)

    entry.async_on_unload(async_at_started(hass, started))
    async_enable_scene_cameras(hass, entry)
    person_sensors.async_check(hass, entry)
    push.async_start()
    if data.feed is not None:
        entry.async_create_background_task(hass, data.feed.run(), f"{DOMAIN} device feed {host}")
    visitors.async_start()
    return True


def _device_feed(
    hass: HomeAssistant, entry: Se5ConfigEntry, client: Se5Client, devices: Se5DeviceCoordinator
) -> DeviceFeed | None:
    """V6 announces device changes on its own socket: the list is read again on each.

    V5 has no such feed (its list is read every few minutes).
    """
    if client.dialect is not Dialect.V6:
        return None

    @callback
    def changed(_change: DeviceChange) -> None:
        entry.async_create_task(hass, devices.async_request_refresh(), f"{DOMAIN} device change")

    return DeviceFeed(
        async_get_clientsession(hass),
        entry.data[CONF_HOST],
        entry.data.get(CONF_FEED_PORT, DEFAULT_FEED_PORT),
        on_change=changed,
    )


async def _async_box_info(hass: HomeAssistant, entry: Se5ConfigEntry, client: Se5Client) -> BoxInfo:
    """The box's identity; another box at this address is not set up as this one.

    Identity is the serial, never the MAC: a serial that is not the entry's is another box,
    whatever MAC it gives. A box that tells no serial now (its system API down) is set up
    on what the entry knows, and the MAC it gives is not taken (it proves nothing). Only an
    entry that has no serial to compare (keyed by the MAC: the box told none when it was
    added) takes the serial of the box that gives that MAC, once.
    """
    known = BoxInfo(mac=entry.data.get(CONF_MAC))
    try:
        box = await client.get_box_info()
    except Se5Error as err:
        # The system API may fail alone; the entry already knows whose box this is.
        _LOGGER.debug("SE5 box %s did not tell its identity: %s", entry.data[CONF_HOST], err)
        return known
    if box.serial is None:
        _LOGGER.debug("SE5 box %s did not tell its serial now", entry.data[CONF_HOST])
        return known if box.unique_id != entry.unique_id else box
    if box.unique_id != entry.unique_id and keyed_by_mac(entry, box):
        # Added while it told no serial: the MAC it was added by gives the serial now, once.
        async_refuse_duplicate(hass, entry, str(box.unique_id))
        async_rekey(hass, entry, str(box.unique_id))
    if box.unique_id != entry.unique_id:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="wrong_box",
            translation_placeholders={"host": entry.data[CONF_HOST], "found": box.serial},
        )
    if box.mac and entry.data.get(CONF_MAC) != dr.format_mac(box.mac):
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_MAC: dr.format_mac(box.mac)}
        )
    return box


@callback
def _async_wire(entry: Se5ConfigEntry, data: Se5Data) -> None:
    """Connect the parts: what each change or connection sets off."""
    push = data.push
    firmware: str | None = None

    async def devices_changed() -> None:
        await data.async_sync()
        if push.subscription != push.stream.subscription:
            await push.async_resubscribe()

    @callback
    def devices_updated() -> None:
        entry.async_create_task(push.hass, devices_changed(), f"{DOMAIN} devices {push.host}")

    @callback
    def health_updated() -> None:
        nonlocal firmware
        health = data.health.data
        # The box's device changes with its firmware, not with every minute's temperatures.
        if (
            data.health.last_update_success
            and health is not None
            and health.firmware_version != firmware
        ):
            firmware = health.firmware_version
            data.registry.async_update_box(data.box, firmware)

    @callback
    def settings_updated() -> None:
        # A scale the box tells (or changes) applies to the next frames and history reads.
        push.stream.score_scale = data.client.score_scale

    @callback
    def connected(reconnected: bool) -> None:
        if reconnected:
            entry.async_create_task(
                push.hass, data.devices.async_request_refresh(), f"{DOMAIN} devices {push.host}"
            )
            entry.async_create_task(
                push.hass, data.people.async_request_refresh(), f"{DOMAIN} people {push.host}"
            )
        data.recovery.async_on_connect(reconnected)

    entry.async_on_unload(data.devices.async_add_listener(devices_updated))
    entry.async_on_unload(data.people.async_add_listener(data.async_schedule_sync))
    entry.async_on_unload(data.health.async_add_listener(health_updated))
    entry.async_on_unload(data.settings.async_add_listener(settings_updated))
    entry.async_on_unload(push.async_add_reconnect_hook(connected))
    entry.async_on_unload(push.async_add_recognition_listener(data.recovery.async_note))
    entry.async_on_unload(entry.add_update_listener(_async_options_updated))


async def _async_options_updated(hass: HomeAssistant, entry: Se5ConfigEntry) -> None:
    await entry.runtime_data.async_apply_options()
    async_enable_scene_cameras(hass, entry)


async def async_unload_entry(hass: HomeAssistant, entry: Se5ConfigEntry) -> bool:
    """Unload the platforms and stop the event stream."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.push.async_stop()
        await entry.runtime_data.recovery.async_save()
        # A box unreachable, a device missing: told again, if still true, once loaded again
        # (a disabled entry keeps none).
        _async_delete_issues(hass, entry.entry_id)
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: Se5ConfigEntry) -> None:
    """Forget what was stored for the box (recognitions kept on disk too), its repair issues."""
    await Store[dict[str, object]](
        hass, RECOVERY_STORAGE_VERSION, storage_key(entry.entry_id)
    ).async_remove()
    await Se5Recent.async_remove(hass, entry.entry_id)
    await Store[dict[str, object]](
        hass, VISITORS_STORAGE_VERSION, visitors_storage_key(entry.entry_id)
    ).async_remove()
    _async_delete_issues(hass, entry.entry_id)


@callback
def _async_delete_issues(hass: HomeAssistant, entry_id: str) -> None:
    for domain, issue_id in list(ir.async_get(hass).issues):
        if domain == DOMAIN and entry_id in issue_id:
            ir.async_delete_issue(hass, DOMAIN, issue_id)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: Se5ConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let the user delete a device or person that is no longer followed (never the box).

    Decided from the entry's options, so that it also answers while the entry is not loaded
    (retrying its set-up, box away). A followed one the box no longer lists (a repair issue
    says so) may be deleted too: it is unfollowed first. One the box still lists is unfollowed
    in the options instead.
    """
    box_uid = entry.unique_id
    if box_uid is None or entry.data.get(CONF_IDENTITY_PENDING):  # a 0.1 entry, not yet keyed
        return False
    if entry.state is ConfigEntryState.LOADED:
        data = entry.runtime_data
        device_id = data.registry.box_device_id(device.id)
        if device_id is not None and data.devices.is_missing(device_id):
            _async_unfollow(hass, entry, CONF_DEVICES, device_id)
            return True
        identity_id = data.registry.box_person_id(device.id)
        if identity_id is not None and data.people.is_missing(identity_id):
            _async_unfollow(hass, entry, CONF_PEOPLE, identity_id)
            return True
    kept = {
        box_identifier(box_uid),
        *(device_identifier(box_uid, d) for d in entry.options.get(CONF_DEVICES, [])),
        *(person_identifier(box_uid, p) for p in entry.options.get(CONF_PEOPLE, [])),
    }
    return not device.identifiers & kept


@callback
def _async_unfollow(hass: HomeAssistant, entry: Se5ConfigEntry, option: str, item: str) -> None:
    """Drop a device or a person from the followed ones (`option`: devices or people)."""
    kept = [i for i in entry.options.get(option, []) if i != item]
    hass.config_entries.async_update_entry(entry, options={**entry.options, option: kept})
