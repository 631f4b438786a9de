"""The box's pass mode: who its gates let through (normal, everyone, no one).

Box-wide (V5 `PASSMODE`, V6 `GATE_PASS_MODE`), on the box's device. Written only when the user
picks an option; read back after each write and on every poll (with the box's health).
"""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import PassMode, Se5Error, Se5UnconfirmedError
from .const import DOMAIN
from .coordinator import Se5SettingsCoordinator
from .data import Se5ConfigEntry
from .entity import Se5BoxCoordinatorEntity

PARALLEL_UPDATES = 1

PASS_MODE = SelectEntityDescription(
    key="pass_mode",
    translation_key="pass_mode",
    entity_category=EntityCategory.CONFIG,
    options=[mode.value for mode in PassMode],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: Se5ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the pass-mode select, unless the box has no such setting."""
    data = entry.runtime_data
    if data.settings.has_pass_mode:
        async_add_entities([Se5PassModeSelect(data.settings, data, PASS_MODE)])


class Se5PassModeSelect(Se5BoxCoordinatorEntity[Se5SettingsCoordinator], SelectEntity):
    """Who the box's gates let through."""

    @property
    def current_option(self) -> str | None:
        """The pass mode the box said last."""
        settings = self.coordinator.data
        mode = settings.pass_mode if settings is not None else None
        return mode.value if mode is not None else None

    async def async_select_option(self, option: str) -> None:
        """Write the pass mode, then read it back (also when the write failed)."""
        mode = PassMode(option)
        try:
            await self.data.client.set_pass_mode(mode)
        except Se5UnconfirmedError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="pass_mode_unconfirmed",
                translation_placeholders={"error": str(err)},
            ) from err
        except Se5Error as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="pass_mode_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        finally:
            await self.coordinator.async_refresh()
