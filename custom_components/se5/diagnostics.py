"""Diagnostics: what the box and the stream look like, without images or personal data."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import REDACTED
from homeassistant.core import HomeAssistant

from .client import Device, Recognition
from .client.redact import redact_url
from .hub import Se5ConfigEntry

_IMAGE_FIELDS = ("face_image", "scene_image", "registered_image")


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: Se5ConfigEntry
) -> dict[str, Any]:
    """Diagnostics of one box."""
    hub = entry.runtime_data
    stream = hub.stream
    stats = stream.stats
    return {
        "entry": {"data": dict(entry.data), "options": dict(entry.options)},
        "dialect": hub.stream_dialect.value,
        "devices": [_device(device) for device in hub.devices.values()],
        "followed": [device.id for device in hub.followed],
        "stream": {
            "url": str(stream.url),
            "state": stream.state.value,
            "last_error": stream.last_error,
            "subscription": stream.subscription.to_wire(hub.stream_dialect),
            "connections": stats.connections,
            "frames": stats.frames,
            "recognitions": stats.recognitions,
            "bad_frames": dict(stats.bad_frames),
        },
        "recognitions": hub.recognitions,
        "last_recognitions": {
            device_id: _redacted(recognition) for device_id, recognition in hub.last.items()
        },
    }


def _device(device: Device) -> dict[str, Any]:
    """A device, without credentials in its stream URL (user info, `password=`, `token=`...)."""
    data = asdict(device)
    if device.url:
        data["url"] = redact_url(device.url)
    return data


def _redacted(recognition: Recognition) -> dict[str, Any]:
    data = asdict(recognition)
    for field in _IMAGE_FIELDS:
        image = data.pop(field)
        data[f"{field}_bytes"] = None if image is None else len(image)
    data["identity_name"] = REDACTED if recognition.identity_name else ""
    data["identity_id"] = REDACTED if recognition.identity_id else ""
    data["identity_info"] = dict.fromkeys(recognition.identity_info, REDACTED)
    data["timestamp"] = recognition.timestamp.isoformat()
    data["person_type"] = recognition.person_type.value
    return data
