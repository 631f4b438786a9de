"""Constants of the SE5 integration."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from homeassistant.const import Platform

from .client import DEFAULT_EVENT_PORT, DEFAULT_REST_PORT, DEFAULT_SYSTEM_PORT, PersonType

DOMAIN: Final = "se5"
MANUFACTURER: Final = "Sophgo"
MODEL: Final = "SE5 AI mini box"

CONF_REST_PORT: Final = "rest_port"
CONF_EVENT_PORT: Final = "event_port"
CONF_SYSTEM_PORT: Final = "system_port"
CONF_MAC: Final = "mac"
CONF_DIALECT: Final = "dialect"
CONF_DEVICES: Final = "devices"
CONF_FACE_IMAGE: Final = "face_image"
CONF_SCENE_IMAGE: Final = "scene_image"
CONF_REGISTERED_IMAGE: Final = "registered_image"
CONF_PEOPLE: Final = "people"
CONF_RECENT_COUNT: Final = "recent_count"
CONF_RECENT_SIZE_MB: Final = "recent_size_mb"
CONF_KEEP_ON_DISK: Final = "keep_on_disk"
CONF_KEEP_DAYS: Final = "keep_days"
CONF_FOLLOW_NEW: Final = "follow_new"
"""Follow devices the box lists after set-up without asking (default on)."""
CONF_KNOWN_DEVICES: Final = "known_devices"
"""Every device id the box has listed (followed or not): what is new is what is not in it."""
CONF_FOLLOW_REGISTERED: Final = "follow_registered"
"""Follow the people registered from Home Assistant (default on)."""
CONF_FEED_PORT: Final = "feed_port"
"""V6 only: the port of the box's device-change broadcast (54547 unless the entry says)."""

DEFAULT_PORTS: Final = {
    CONF_REST_PORT: DEFAULT_REST_PORT,
    CONF_EVENT_PORT: DEFAULT_EVENT_PORT,
    CONF_SYSTEM_PORT: DEFAULT_SYSTEM_PORT,
}
DEFAULT_IMAGES: Final = {
    CONF_FACE_IMAGE: True,
    CONF_SCENE_IMAGE: False,
    CONF_REGISTERED_IMAGE: False,
}
DEFAULT_RECENT: Final = {
    CONF_RECENT_COUNT: 100,
    CONF_RECENT_SIZE_MB: 50,
    CONF_KEEP_ON_DISK: False,
    CONF_KEEP_DAYS: 7,
}
"""The store of recent recognitions: the last 100 or 50 MB, in memory only, unless told."""
MAX_RECENT_COUNT: Final = 1_000
MAX_RECENT_SIZE_MB: Final = 1_000
MAX_KEEP_DAYS: Final = 365

EVENT_SE5: Final = "se5_event"
EVENT_SE5_RECOVERED: Final = "se5_recognition_recovered"
"""A recognition found in the box's history after a disconnection (never `se5_event`)."""
PERSON_TYPES: Final = [kind.value for kind in PersonType]

REFRESH_INTERVAL: Final = timedelta(minutes=5)
"""How often the device list is read again (also after each reconnection)."""
PEOPLE_INTERVAL: Final = timedelta(minutes=5)
"""How often the register of people is read again (also after each reconnection)."""
HEALTH_INTERVAL: Final = timedelta(seconds=60)
"""How often the box's health is read."""
SETTINGS_INTERVAL: Final = timedelta(seconds=60)
"""How often the box's pass mode and score scale are read (with its health)."""
UNREACHABLE_REPAIR_AFTER: Final = timedelta(minutes=30)
"""A box whose event stream stays down this long gets a repair issue."""

MAX_FOLLOWED_NEW: Final = 64
"""*Follow new devices* never takes the followed devices above this (a box serves about 16
cameras, plus gates and readers): a box listing more new ones gets a repair issue instead, and
the user picks the rest in the options (the box's list is read up to 256 devices)."""
MAX_KNOWN_DEVICES: Final = 1_024
"""Device ids remembered as known (listed once): the followed and listed ones first, then the
most recent others; a box rotating its ids does not grow the entry's options without end."""
SMALL_DEVICE_LIST: Final = 16
"""A box listing at most this many devices has them all preselected (a box serves about 16)."""
SMALL_REGISTER: Final = 20
"""A register of at most this many people is followed whole by default; a larger one not."""
MAX_PEOPLE: Final = 20_000
"""The most people read from the register."""
MAX_PEOPLE_OPTIONS: Final = 1_000
"""The most people offered in the options (the followed ones always are)."""

RECOVERY_WINDOW: Final = timedelta(hours=24)
"""Recognitions missed while disconnected are looked up in the box's history this far back."""
RECOVERY_LIMIT: Final = 500
"""The most recognitions recovered after one disconnection."""

MAX_EVENT_INFO_BYTES: Final = 512
"""identity_info on the bus keeps small scalar fields up to this size in all."""

PLATFORMS: Final = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CAMERA,
    Platform.EVENT,
    Platform.IMAGE,
    Platform.LOCK,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
]

SERVICE_OPEN_DOOR: Final = "open_door"
ATTR_DURATION: Final = "duration"
DOOR_REFUSALS_REPAIR: Final = 3
"""Consecutive refusals of door commands after which a repair issue says the box refuses them."""
SERVICE_REGISTER_PERSON: Final = "register_person"
SERVICE_UPDATE_PERSON: Final = "update_person"
SERVICE_REMOVE_PERSON: Final = "remove_person"
EVENT_SE5_VISITOR_REMOVED: Final = "se5_visitor_removed"
"""A visitor removed from the box when their time was up (described in the logbook)."""

ATTR_DEVICE_NAME: Final = "device_name"
ATTR_IDENTITY_ID: Final = "identity_id"
ATTR_IDENTITY_NAME: Final = "identity_name"
ATTR_IDENTITY_INFO: Final = "identity_info"
ATTR_GROUP: Final = "group"
ATTR_PERSON_TYPE: Final = "person_type"
ATTR_SCORE: Final = "score"
ATTR_TIMESTAMP: Final = "timestamp"
ATTR_EVENT_ID: Final = "event_id"
ATTR_RECOGNITION_ID: Final = "recognition_id"
"""The id of a recognition kept by the store: what se5.register_person takes."""
ATTR_FACE_URL: Final = "face_url"
ATTR_SCENE_URL: Final = "scene_url"
ATTR_MASK: Final = "mask"
