"""The registered photo of each followed person, read from the box's register."""

from __future__ import annotations

import asyncio
import logging

from homeassistant.components.image import ImageEntity, ImageEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .client import Person, Se5Error
from .const import DOMAIN
from .data import Se5ConfigEntry, Se5Data
from .entity import Se5PersonEntity, async_setup_person_entities

_LOGGER = logging.getLogger(__name__)

PARALLEL_UPDATES = 0

PHOTO = ImageEntityDescription(key="photo", translation_key="photo")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: Se5ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the photo of each followed person, now and later."""
    await async_setup_person_entities(
        entry, async_add_entities, lambda data, person: [Se5PersonPhoto(data, person)]
    )


class Se5PersonPhoto(Se5PersonEntity, ImageEntity):
    """The photo the person was registered with, fetched from the box when it changes."""

    _attr_content_type = "image/jpeg"

    def __init__(self, data: Se5Data, person: Person) -> None:
        Se5PersonEntity.__init__(self, data, person, PHOTO)
        ImageEntity.__init__(self, data.push.hass)
        self._photo: bytes | None = None
        self._photo_id: str | None = None
        self._fetching: asyncio.Task[None] | None = None

    async def async_added_to_hass(self) -> None:
        """Fetch the photo now and again whenever the register shows another one."""
        await super().async_added_to_hass()
        self.async_on_remove(self.data.people.async_add_listener(self._async_register_updated))
        self.async_on_remove(self._async_cancel_fetch)
        self._async_start_fetch()

    @callback
    def _async_register_updated(self) -> None:
        person = self.data.people.data.people.get(self.identity_id)
        if person is not None and person.photo_id != self._photo_id:
            self._async_start_fetch()

    @callback
    def _async_start_fetch(self) -> None:
        """Fetch the photo, in place of a fetch still running (an older photo must not win)."""
        self._async_cancel_fetch()
        self._fetching = self.data.push.entry.async_create_background_task(
            self.hass, self._async_fetch(), f"{DOMAIN} registered photo"
        )

    @callback
    def _async_cancel_fetch(self) -> None:
        if self._fetching is not None:
            self._fetching.cancel()
            self._fetching = None

    async def _async_fetch(self) -> None:
        person = self.data.people.data.people.get(self.identity_id)
        if person is None:
            return
        try:
            photo = await self.data.client.get_person_photo(person)
        except Se5Error as err:
            _LOGGER.debug("Cannot read a registered photo from the box: %s", err)
            return
        self._photo_id = person.photo_id
        if photo != self._photo:
            self._photo = photo
            self._attr_image_last_updated = dt_util.utcnow()
            self.async_write_ha_state()

    async def async_image(self) -> bytes | None:
        """The registered photo as JPEG bytes; None when the box has none."""
        return self._photo
