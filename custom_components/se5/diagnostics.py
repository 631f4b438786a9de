"""Diagnostics: what the box and the stream look like, without images or personal data."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.core import HomeAssistant

from .client import Device, Health, Recognition, held_size
from .client.redact import redact_url
from .const import CONF_MAC, CONF_PEOPLE
from .data import Se5ConfigEntry
from .store import StoredRecognition

_IMAGE_FIELDS = ("face_image", "scene_image", "registered_image")
_TO_REDACT = {CONF_MAC, "mac", "serial"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: Se5ConfigEntry
) -> dict[str, Any]:
    """Diagnostics of one box."""
    data = entry.runtime_data
    push = data.push
    stream = push.stream
    stats = stream.stats
    options = dict(entry.options)
    if CONF_PEOPLE in options:
        options[CONF_PEOPLE] = f"{len(options[CONF_PEOPLE])} followed"
    health = data.health.data
    settings = data.settings.data
    return {
        "entry": {
            "data": async_redact_data(dict(entry.data), _TO_REDACT),
            "options": options,
            "unique_id": REDACTED,
            "version": entry.version,
        },
        "box": async_redact_data(asdict(data.box), _TO_REDACT),
        "dialect": push.dialect.value,
        "door_api": data.door_api,
        "door_refusals": data.door_refusals,
        "settings": {
            "last_update_success": data.settings.last_update_success,
            "pass_mode": None if settings is None else settings.pass_mode,
            "score_scale": data.client.score_scale,
        },
        "devices": [_device(device) for device in data.devices.data.values()],
        "followed": [device.id for device in data.devices.followed],
        "missing": sorted(data.devices.missing_since),
        "stream": {
            "url": str(stream.url),
            "state": stream.state.value,
            "last_error": stream.last_error,
            "subscription": stream.subscription.to_wire(push.dialect),
            "connections": stats.connections,
            "frames": stats.frames,
            "recognitions": stats.recognitions,
            "bad_frames": dict(stats.bad_frames),
        },
        "recognitions": push.recognitions,
        "recovery": data.recovery.diagnostics(),
        "device_feed": None
        if data.feed is None
        else {"connected": data.feed.connected, "changes": data.feed.changes},
        "visitors_scheduled": len(data.visitors.schedule),
        "recent": {
            "stored": len(data.recent.store),
            "bytes": data.recent.store.size,
            "max_count": data.recent.store.max_count,
            "max_bytes": data.recent.store.max_bytes,
            "on_disk": data.recent.disk is not None,
        },
        "last_recognitions": {
            device_id: _redacted(recognition, push.last_record(device_id))
            for device_id, recognition in push.last.items()
        },
        "people": {
            "registered": len(data.people.data.people),
            "by_type": data.people.data.counts,
            "truncated": data.people.data.truncated,
            "followed": len(data.followed_people()),
            "last_update_success": data.people.last_update_success,
        },
        "health": {
            "last_update_success": data.health.last_update_success,
            "data": None if health is None else _health(health),
        },
    }


def _health(health: Health) -> dict[str, Any]:
    values = asdict(health)
    if health.uptime is not None:
        values["uptime"] = health.uptime.total_seconds()
    return values


def _device(device: Device) -> dict[str, Any]:
    """A device, without credentials in its stream URL (user info, `password=`, `token=`...)."""
    data = asdict(device)
    if device.url:
        data["url"] = redact_url(device.url)
    return data


def _redacted(recognition: Recognition, record: StoredRecognition | None) -> dict[str, Any]:
    """A device's latest recognition, its images' sizes as the store holds them."""
    data = asdict(recognition)
    for field in _IMAGE_FIELDS:
        data.pop(field)
    face, scene = (record.face, record.scene) if record is not None else (None, None)
    data["face_image_bytes"] = held_size(face) if face else None
    data["scene_image_bytes"] = held_size(scene) if scene else None
    data["stored"] = record is not None
    data["identity_name"] = REDACTED if recognition.identity_name else ""
    data["identity_id"] = REDACTED if recognition.identity_id else ""
    data["identity_info"] = dict.fromkeys(recognition.identity_info, REDACTED)
    data["group"] = REDACTED if recognition.group else None  # may name the person's employer
    data["timestamp"] = recognition.timestamp.isoformat()
    data["person_type"] = recognition.person_type.value
    return data
