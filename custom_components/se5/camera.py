"""Cameras: each device's last face and last scene photo, and the live video of RTSP devices."""

from __future__ import annotations

from dataclasses import dataclass, replace
import logging

from homeassistant.components.camera import Camera, CameraEntityDescription, CameraEntityFeature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import Device, Se5Error
from .data import Se5ConfigEntry, Se5Data
from .entity import Se5DeviceEntity, async_setup_device_entities
from .image_options import SCENE_KEY, scene_wanted
from .store import ImageKind

_LOGGER = logging.getLogger(__name__)

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class Se5CameraEntityDescription(CameraEntityDescription):
    """A still image of the last recognition: the first of `kinds` that it has."""

    kinds: tuple[ImageKind, ...]


CAMERAS: tuple[Se5CameraEntityDescription, ...] = (
    Se5CameraEntityDescription(
        key="last_face",
        translation_key="last_face",
        kinds=("face", "scene"),
    ),
    Se5CameraEntityDescription(
        key=SCENE_KEY,
        translation_key="last_scene",
        # Enabled when the options ask for scene photos (see `image_options.py` for later changes).
        entity_registry_enabled_default=False,
        kinds=("scene",),
    ),
)
LIVE = CameraEntityDescription(key="live", translation_key="live")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: Se5ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the cameras of each followed device, now and later.

    The "Last scene" camera is enabled from the start when scene photos are picked; a device
    whose address is an RTSP stream also gets its live video.
    """

    def make(data: Se5Data, device: Device) -> list[Camera]:
        cameras: list[Camera] = [Se5LastImageCamera(data, device, d) for d in _descriptions(entry)]
        if device.stream_url is not None:
            cameras.append(Se5LiveCamera(data, device, LIVE))
        return cameras

    await async_setup_device_entities(entry, async_add_entities, make)


def _descriptions(entry: Se5ConfigEntry) -> tuple[Se5CameraEntityDescription, ...]:
    scene = scene_wanted(entry)
    return tuple(
        replace(d, entity_registry_enabled_default=True) if d.key == SCENE_KEY and scene else d
        for d in CAMERAS
    )


class Se5LastImageCamera(Se5DeviceEntity, Camera):
    """Serves the JPEG of the last recognition, as the box sent it.

    The image is the one the store of recent recognitions keeps (within its caps): none when
    the store keeps nothing, or let that recognition go. A recovered recognition's image is
    fetched from the box's history on the first request. Its state does not change with a
    recognition (only the image does), so a recognition writes no state.
    """

    entity_description: Se5CameraEntityDescription

    def __init__(self, data: Se5Data, device: Device, description: Se5CameraEntityDescription):
        super().__init__(data, device, description)
        Camera.__init__(self)

    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """The last image; None before the first recognition."""
        if (record := self.data.push.last_record(self.device_id)) is None:
            return None
        store = self.data.recent.store
        for kind in self.entity_description.kinds:
            if not record.has(kind):
                continue
            try:
                image = await store.async_image(record, kind)
            except Se5Error as err:
                _LOGGER.debug("Cannot fetch the %s image of a recovered recognition: %s", kind, err)
                continue
            if image is not None:
                return image
        return None


class Se5LiveCamera(Se5DeviceEntity, Camera):
    """The device's live video, played by Home Assistant's stream integration.

    Its stream source is the device's RTSP URL as the box lists it, which may carry the
    camera's password: it goes to the stream integration only, never into a state, an
    attribute or a log. It has no still picture of its own (one would have to be cut from the
    stream); the "Last face" camera beside it shows the faces.
    """

    _attr_supported_features = CameraEntityFeature.STREAM

    def __init__(self, data: Se5Data, device: Device, description: CameraEntityDescription):
        super().__init__(data, device, description)
        Camera.__init__(self)

    async def stream_source(self) -> str | None:
        """The device's RTSP URL, as listed now (None once it is no stream)."""
        device = self.data.devices.data.get(self.device_id)
        return None if device is None else device.stream_url

    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """No still picture: the stream is opened only when someone plays it."""
        return None
