"""Where the photo of a person to register comes from: a recognition, an entity, or a file.

- A recognition: its `recognition_id` in `se5_event` (also the id in its `face_url`), looked up in
  the recent recognitions of the loaded boxes; its own face crop (fetched from the box's
  history once for a recovered one). The box holding it is the box the person is registered
  on, unless the action names another.
- A camera or image entity: its current picture.
- A file Home Assistant may read (`allowlist_external_dirs`), at most `MAX_PHOTO_BYTES`.
Whatever the source, the photo must be a JPEG or PNG; the box then judges the face.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from homeassistant.components import camera
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .client import MAX_PHOTO_BYTES, Se5Error
from .client.fetch import is_image
from .const import DOMAIN

if TYPE_CHECKING:
    from .data import Se5ConfigEntry

IMAGE_TIMEOUT = 10


def loaded_entries(hass: HomeAssistant) -> list[Se5ConfigEntry]:
    """The SE5 entries loaded now (the boxes an action may act on)."""
    return [
        entry
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.state is ConfigEntryState.LOADED
    ]


async def async_recognition_face(
    hass: HomeAssistant, recognition_id: str, entry: Se5ConfigEntry | None
) -> tuple[Se5ConfigEntry, bytes]:
    """The box holding a recent recognition and its face crop."""
    for candidate in [entry] if entry is not None else loaded_entries(hass):
        store = candidate.runtime_data.recent.store
        record = store.get(recognition_id)
        if record is None:
            continue
        try:
            face = await store.async_image(record, "face")
        except Se5Error as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="recognition_face_unavailable",
                translation_placeholders={"error": str(err)},
            ) from err
        if face is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="recognition_without_face",
                translation_placeholders={"recognition": recognition_id},
            )
        return candidate, _photo(face)
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="recognition_not_found",
        translation_placeholders={"recognition": recognition_id},
    )


async def async_entity_picture(hass: HomeAssistant, entity_id: str) -> bytes:
    """The current picture of a camera or image entity."""
    domain = entity_id.split(".", 1)[0]
    picture: bytes | None = None
    try:
        if domain == "camera":
            picture = (await camera.async_get_image(hass, entity_id, IMAGE_TIMEOUT)).content
        else:  # an image entity (the action's schema allows no other domain)
            # Imported here: the image integration is loaded only where image entities exist.
            from homeassistant.components.image import DATA_COMPONENT  # noqa: PLC0415

            component = hass.data.get(DATA_COMPONENT)
            entity = component.get_entity(entity_id) if component is not None else None
            if entity is not None:
                # As long as a camera is given (Home Assistant's image proxy has no limit).
                async with asyncio.timeout(IMAGE_TIMEOUT):
                    picture = await entity.async_image()
    except (HomeAssistantError, TimeoutError):
        picture = None
    if picture is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entity_without_picture",
            translation_placeholders={"entity": entity_id},
        )
    return _photo(picture)


async def async_file_photo(hass: HomeAssistant, path: str) -> bytes:
    """A photo file Home Assistant is allowed to read.

    The path is judged and read in the executor: `is_allowed_path` resolves it on disk.
    """

    def read() -> bytes | bool | None:
        """The file's bytes; False when not allowed, None when unreadable."""
        if not hass.config.is_allowed_path(path):
            return False
        try:
            with Path(path).open("rb") as handle:
                return handle.read(MAX_PHOTO_BYTES + 1)
        except OSError:  # missing, a folder, not readable
            return None

    data = await hass.async_add_executor_job(read)
    if data is False:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="path_not_allowed",
            translation_placeholders={"path": path},
        )
    if not isinstance(data, bytes):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="file_unreadable",
            translation_placeholders={"path": path},
        )
    return _photo(data)


def _photo(data: bytes) -> bytes:
    """The photo if it is one the box can take (JPEG or PNG, not too large)."""
    if len(data) > MAX_PHOTO_BYTES:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="photo_too_large",
            translation_placeholders={"megabytes": str(MAX_PHOTO_BYTES // (1024 * 1024))},
        )
    if not is_image(data):
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="not_a_photo")
    return data
