"""Websocket commands of the card: the recent recognitions, live, and the cameras to pick.

`se5/recognitions/subscribe` answers with the recent recognitions of every loaded box (or of
one), newest first, then sends each new one as it is stored. Filters: cameras (Home
Assistant device ids) and kinds of people. Image URLs are signed for the connection's user,
for `SIGN_EXPIRY`, so that `<img>` tags need no header. No entity is involved.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.components import websocket_api
from homeassistant.components.http.auth import async_sign_path
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.generated.languages import LANGUAGES
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from .compat import vol
from .const import DOMAIN, PERSON_TYPES
from .labels import async_load_labels, device_name
from .recent import SIGNAL_STORED
from .store import IMAGE_KINDS, StoredRecognition, image_path

if TYPE_CHECKING:
    from .data import Se5ConfigEntry

SIGN_EXPIRY = timedelta(days=1)
"""How long the image URLs sent to the card stay valid (the card subscribes again sooner)."""
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@callback
def async_setup_websocket(hass: HomeAssistant) -> None:
    """Register the commands."""
    websocket_api.async_register_command(hass, ws_subscribe_recognitions)
    websocket_api.async_register_command(hass, ws_cameras)


def _entries(hass: HomeAssistant, entry_id: str | None) -> list[Se5ConfigEntry]:
    return [
        entry
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.state is ConfigEntryState.LOADED and entry_id in (None, entry.entry_id)
    ]


def _item(
    hass: HomeAssistant,
    entry: Se5ConfigEntry,
    record: StoredRecognition,
    refresh_token_id: str | None,
) -> dict[str, Any] | None:
    """What the card shows of a recognition; None for a device no longer followed."""
    data = entry.runtime_data
    ha_device_id = data.registry.ha_device_id(record.device_id)
    if ha_device_id is None:
        return None
    device = data.devices.data.get(record.device_id)
    item: dict[str, Any] = {
        "id": record.id,
        "entry_id": entry.entry_id,
        "device_id": ha_device_id,
        "camera": device_name(hass, ha_device_id, device.name if device else record.device_id),
        "identity_name": record.identity_name,
        "person_type": record.person_type.value,
        "score": None if record.score is None else round(record.score, 4),
        "timestamp": record.timestamp.isoformat(),
        "live": record.live,
    }
    if record.mask is not None:
        item["mask"] = record.mask
    store = data.recent.store
    for kind in IMAGE_KINDS:
        if record.has(kind) and (kind != "registered" or store.registered_photo(record)):
            item[f"{kind}_url"] = async_sign_path(
                hass,
                image_path(entry.entry_id, record.id, kind),
                SIGN_EXPIRY,
                refresh_token_id=refresh_token_id,
            )
    return item


@websocket_api.websocket_command(
    {
        vol.Required("type"): "se5/recognitions/subscribe",
        vol.Optional("entry_id"): str,
        vol.Optional("device_ids"): [str],
        vol.Optional("person_types"): [vol.In(PERSON_TYPES)],
        vol.Optional("limit", default=DEFAULT_LIMIT): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=MAX_LIMIT)
        ),
        vol.Optional("language"): vol.In(LANGUAGES),
    }
)
@websocket_api.async_response
async def ws_subscribe_recognitions(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    """Send the recent recognitions, then each new one, until unsubscribed."""
    entry_id: str | None = msg.get("entry_id")
    devices = set(msg["device_ids"]) if msg.get("device_ids") else None
    kinds = set(msg["person_types"]) if msg.get("person_types") else None
    token = connection.refresh_token_id
    labels = await async_load_labels(hass, msg.get("language"))

    def wanted(item: dict[str, Any] | None) -> bool:
        return (
            item is not None
            and (devices is None or item["device_id"] in devices)
            and (kinds is None or item["person_type"] in kinds)
        )

    @callback
    def stored(stored_entry_id: str, record: StoredRecognition) -> None:
        if entry_id not in (None, stored_entry_id):
            return
        entry = hass.config_entries.async_get_entry(stored_entry_id)
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            return
        item = _item(hass, entry, record, token)
        if wanted(item):
            connection.send_message(websocket_api.event_message(msg["id"], {"recognition": item}))

    recent: list[dict[str, Any]] = []
    for entry in _entries(hass, entry_id):
        data = entry.runtime_data
        box_devices = (
            None
            if devices is None
            else {d for ha_id in devices if (d := data.registry.box_device_id(ha_id)) is not None}
        )
        for record in data.recent.store.recent(
            device_ids=box_devices, person_types=kinds, limit=msg["limit"]
        ):
            item = _item(hass, entry, record, token)
            if item is not None and wanted(item):
                recent.append(item)
    recent.sort(key=lambda item: item["timestamp"], reverse=True)
    connection.subscriptions[msg["id"]] = async_dispatcher_connect(hass, SIGNAL_STORED, stored)
    connection.send_result(msg["id"])
    connection.send_message(
        websocket_api.event_message(
            msg["id"], {"recognitions": recent[: msg["limit"]], "labels": labels.card()}
        )
    )


@websocket_api.websocket_command(
    {
        vol.Required("type"): "se5/recognitions/cameras",
        vol.Optional("language"): vol.In(LANGUAGES),
    }
)
@websocket_api.async_response
async def ws_cameras(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    """The followed cameras, gates and readers of every loaded box, and the card's words."""
    cameras: list[dict[str, str]] = []
    for entry in _entries(hass, None):
        data = entry.runtime_data
        for device in data.devices.followed:
            ha_device_id = data.registry.ha_device_id(device.id)
            if ha_device_id is not None:
                cameras.append(
                    {
                        "device_id": ha_device_id,
                        "name": device_name(hass, ha_device_id, device.name),
                        "box": entry.title,
                    }
                )
    labels = await async_load_labels(hass, msg.get("language"))
    connection.send_result(
        msg["id"],
        {"cameras": cameras, "person_types": PERSON_TYPES, "labels": labels.card()},
    )
