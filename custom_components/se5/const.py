"""Constants of the SE5 integration."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from homeassistant.const import Platform

from .client import DEFAULT_EVENT_PORT, DEFAULT_REST_PORT, PersonType

DOMAIN: Final = "se5"
MANUFACTURER: Final = "Sophgo"
MODEL: Final = "SE5 AI mini box"

CONF_REST_PORT: Final = "rest_port"
CONF_EVENT_PORT: Final = "event_port"
CONF_DIALECT: Final = "dialect"
CONF_DEVICES: Final = "devices"
CONF_FACE_IMAGE: Final = "face_image"
CONF_SCENE_IMAGE: Final = "scene_image"
CONF_REGISTERED_IMAGE: Final = "registered_image"

DEFAULT_PORTS: Final = {CONF_REST_PORT: DEFAULT_REST_PORT, CONF_EVENT_PORT: DEFAULT_EVENT_PORT}
DEFAULT_IMAGES: Final = {
    CONF_FACE_IMAGE: True,
    CONF_SCENE_IMAGE: False,
    CONF_REGISTERED_IMAGE: False,
}
WEB_UI_PORT: Final = 8888
"""The box's own web interface, linked as the devices' configuration URL."""

EVENT_SE5: Final = "se5_event"
PERSON_TYPES: Final = [kind.value for kind in PersonType]

REFRESH_INTERVAL: Final = timedelta(minutes=5)
"""How often the device list is read again (also after each reconnection)."""

MAX_EVENT_INFO_BYTES: Final = 512
"""identity_info on the bus keeps small scalar fields up to this size in all."""

PLATFORMS: Final = [Platform.BINARY_SENSOR, Platform.CAMERA, Platform.EVENT, Platform.SENSOR]

ATTR_BOX_DEVICE_ID: Final = "box_device_id"
ATTR_DEVICE_NAME: Final = "device_name"
ATTR_IDENTITY_ID: Final = "identity_id"
ATTR_IDENTITY_NAME: Final = "identity_name"
ATTR_IDENTITY_INFO: Final = "identity_info"
ATTR_GROUP: Final = "group"
ATTR_PERSON_TYPE: Final = "person_type"
ATTR_SCORE: Final = "score"
ATTR_RAW_SCORE: Final = "raw_score"
ATTR_TIMESTAMP: Final = "timestamp"
ATTR_EVENT_ID: Final = "event_id"
ATTR_HOST: Final = "host"
