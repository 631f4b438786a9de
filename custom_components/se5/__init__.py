"""The Sophgo SE5 AI mini box: face recognitions in Home Assistant, pushed in real time."""

from __future__ import annotations

from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .client import Dialect, Se5BoxStartingError, Se5Client, Se5Error
from .const import CONF_DIALECT, CONF_REST_PORT, DOMAIN, PLATFORMS
from .hub import Se5ConfigEntry, Se5Hub


async def async_setup_entry(hass: HomeAssistant, entry: Se5ConfigEntry) -> bool:
    """List the box's devices, set up the platforms, then start the event stream."""
    host = entry.data[CONF_HOST]
    client = Se5Client(
        async_get_clientsession(hass),
        host,
        entry.data[CONF_REST_PORT],
        dialect=Dialect(entry.data[CONF_DIALECT]),
    )
    try:
        devices = await client.list_devices()
    except Se5BoxStartingError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="box_starting",
            translation_placeholders={"host": host},
        ) from err
    except Se5Error as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"host": host, "error": str(err)},
        ) from err
    if client.dialect is not None and client.dialect.value != entry.data[CONF_DIALECT]:
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_DIALECT: client.dialect.value}
        )

    hub = Se5Hub(hass, entry, client, devices)
    entry.runtime_data = hub
    hub.async_sync_devices()
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    hub.async_start()
    return True


async def async_unload_entry(hass: HomeAssistant, entry: Se5ConfigEntry) -> bool:
    """Unload the platforms and stop the event stream."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.async_stop()
    return unloaded


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: Se5ConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let the user delete a device that is no longer followed (never the box itself)."""
    hub = entry.runtime_data
    followed = {followed.id for followed in hub.followed}
    return not any(
        domain == DOMAIN and (identifier == entry.entry_id or identifier in followed)
        for domain, identifier in device.identifiers
    )
