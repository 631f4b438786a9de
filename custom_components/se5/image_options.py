"""The scene photo option does what it says: turning it on shows the "Last scene" cameras."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from .const import CONF_SCENE_IMAGE, DEFAULT_IMAGES

if TYPE_CHECKING:
    from .data import Se5ConfigEntry

SCENE_KEY = "last_scene"


def scene_wanted(entry: Se5ConfigEntry) -> bool:
    """Whether the options ask for scene photos."""
    return bool({**DEFAULT_IMAGES, **entry.options}[CONF_SCENE_IMAGE])


@callback
def async_enable_scene_cameras(hass: HomeAssistant, entry: Se5ConfigEntry) -> list[str]:
    """Enable the "Last scene" cameras that only the integration disabled; their entity ids.

    A camera the user disabled stays disabled. Home Assistant reloads the entry shortly after
    an entity is enabled (that is how enabled entities appear); nothing happens when the option
    is off or every camera is already enabled.
    """
    if not scene_wanted(entry):
        return []
    registry = er.async_get(hass)
    enabled: list[str] = []
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        if (
            entity.domain == Platform.CAMERA
            and entity.unique_id.endswith(f"_{SCENE_KEY}")
            and entity.disabled_by is er.RegistryEntryDisabler.INTEGRATION
        ):
            registry.async_update_entity(entity.entity_id, disabled_by=None)
            enabled.append(entity.entity_id)
    return enabled
