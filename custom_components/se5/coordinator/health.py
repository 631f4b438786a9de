"""The box's health (temperatures, load, memory, disks, fan, uptime), polled on port 8888."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, override

from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from ..client import Health, Se5Client, Se5Error
from ..const import DOMAIN, HEALTH_INTERVAL

if TYPE_CHECKING:
    from ..data import Se5ConfigEntry

_LOGGER = logging.getLogger(__name__)


class Se5HealthCoordinator(DataUpdateCoordinator[Health]):
    """Health of the box. When only the system API fails, only the health entities go.

    The event stream's state is its own (the push coordinator).
    """

    config_entry: Se5ConfigEntry

    def __init__(self, hass: HomeAssistant, entry: Se5ConfigEntry, client: Se5Client) -> None:
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} health {entry.data[CONF_HOST]}",
            update_interval=HEALTH_INTERVAL,
            always_update=False,
        )
        self.client = client

    @override
    async def _async_update_data(self) -> Health:
        try:
            return await self.client.get_health()
        except Se5Error as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="health_failed",
                translation_placeholders={
                    "host": self.config_entry.data[CONF_HOST],
                    "error": str(err),
                },
            ) from err
