"""The box's settings that Home Assistant shows: its pass mode, and the scale of its scores.

Both are read by name from the box's configuration (never the whole list: it holds the box's
passwords) on the system poll, and the pass mode again after each write. The pass mode is
written only on the user's action (the select); the scale is only ever read, and once known
the event stream and the history read every score with it.
"""

from __future__ import annotations

from dataclasses import dataclass
import logging
from typing import TYPE_CHECKING, override

from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from ..client import PassMode, Se5Client, Se5Error
from ..client.fetch import NotFoundError
from ..const import DOMAIN, SETTINGS_INTERVAL

if TYPE_CHECKING:
    from ..data import Se5ConfigEntry

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BoxSettings:
    """What the box said on the last poll."""

    pass_mode: PassMode | None
    """None when the box has no pass-mode setting (an older firmware)."""
    score_scale: int | None
    """1 or 100; None when the box does not tell it (each score is judged by its value)."""


class Se5SettingsCoordinator(DataUpdateCoordinator[BoxSettings]):
    """The pass mode and the score scale, polled with the box's health.

    A box that does not know the pass-mode setting (not found) has none, and no select; a
    failed read marks the select unavailable. The score scale learned once is kept while the
    box does not answer.
    """

    config_entry: Se5ConfigEntry

    def __init__(self, hass: HomeAssistant, entry: Se5ConfigEntry, client: Se5Client) -> None:
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} settings {entry.data[CONF_HOST]}",
            update_interval=SETTINGS_INTERVAL,
            always_update=False,
        )
        self.client = client

    @property
    def has_pass_mode(self) -> bool:
        """Whether the box has a pass-mode setting (unknown counts as yes: it may come back)."""
        return self.data is None or self.data.pass_mode is not None

    @override
    async def _async_update_data(self) -> BoxSettings:
        client = self.client
        try:
            scale = await client.learn_score_scale()
        except Se5Error:
            scale = client.score_scale  # the last known one
        try:
            mode: PassMode | None = await client.get_pass_mode()
        except NotFoundError:
            mode = None
        except Se5Error as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="settings_failed",
                translation_placeholders={
                    "host": self.config_entry.data[CONF_HOST],
                    "error": str(err),
                },
            ) from err
        return BoxSettings(pass_mode=mode, score_scale=scale)
