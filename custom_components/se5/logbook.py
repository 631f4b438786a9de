"""The logbook: one row per recognition, "Front gate recognized 小明 (VIP)", with its kind's icon.

How Home Assistant's logbook decides what it shows (read in `homeassistant/components/logbook`
of 2025.4 and 2026.10; the rules are the same in both):
- every bus event whose type an integration describes (this module) is one row, as described:
  name, message, icon, and optionally an entity it belongs to (`LOGBOOK_ENTRY_ENTITY_ID`);
- every state change is one row when the state *string* changed (`last_changed ==
  last_updated`), except for "continuous" entities: `counter` and `proximity` (and `image` in
  2026.x) always, and sensors with a unit or a `state_class` (2026.x also: a numeric device
  class). Nothing else is filtered, and nothing is merged: rows that share a context are only
  annotated ("triggered by ..."), in the backend and in the frontend alike;
- an event entity's state is the time of its last event, so every event is one more row.

So an integration cannot hide a row of an entity that is enabled; it decides which entities
write states per recognition. The best-behaved arrangement is therefore: this described
`se5_event` is *the* row of a recognition (who, where, which kind, an icon, in the server's
language), and the entities that only repeat it per recognition are disabled by default: the
event entity and the "Last person", "Last person type" and "Last recognition" sensors (the
card, the media browser and `se5_event` show the same, and any of them can be enabled again).
"Last score" stays: it has a unit, so the logbook already skips it. When the event entity is
enabled, the row links to it (its page lists the row, a click opens it).

A followed person's page tells when and where they were last seen without a row of its own:
their "Sightings" sensor counts sightings with a state class (which the logbook skips, as a
sensor with a unit) and carries the time and the place as attributes (the logbook lists state
changes, never attributes). Their "Last seen" and "Last seen at" sensors, which made two more
rows per sighting, are disabled by default; entries that have them enabled keep them, with a
repair that offers to disable them (`person_sensors.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_ICON,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.const import Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from .const import (
    ATTR_DEVICE_NAME,
    ATTR_IDENTITY_NAME,
    ATTR_PERSON_TYPE,
    DOMAIN,
    EVENT_SE5,
    EVENT_SE5_RECOVERED,
    EVENT_SE5_VISITOR_REMOVED,
)
from .labels import KIND_ICONS, cached_labels, device_name

_DEFAULT_ICON = "mdi:face-recognition"


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe `se5_event` and `se5_recognition_recovered` in the logbook."""

    def describer(recovered: bool) -> Callable[[Event], dict[str, str]]:
        suffix = "_recovered" if recovered else ""

        @callback
        def describe(event: Event) -> dict[str, str]:
            data: Mapping[str, Any] = event.data
            labels = cached_labels(hass)
            kind = str(data.get(ATTR_PERSON_TYPE) or "")
            ha_device_id = data.get("device_id")
            if kind == "stranger":
                message = labels.text(f"logbook_stranger{suffix}")
            else:
                message = labels.text(
                    f"logbook_recognized{suffix}",
                    who=labels.who(data.get(ATTR_IDENTITY_NAME), kind),
                    kind=labels.kind(kind),
                )
            described = {
                LOGBOOK_ENTRY_NAME: device_name(
                    hass, ha_device_id, str(data.get(ATTR_DEVICE_NAME) or DOMAIN)
                ),
                LOGBOOK_ENTRY_MESSAGE: message,
                LOGBOOK_ENTRY_ICON: KIND_ICONS.get(kind, _DEFAULT_ICON),
            }
            if entity_id := _event_entity(hass, ha_device_id):
                described[LOGBOOK_ENTRY_ENTITY_ID] = entity_id
            return described

        return describe

    async_describe_event(DOMAIN, EVENT_SE5, describer(recovered=False))
    async_describe_event(DOMAIN, EVENT_SE5_RECOVERED, describer(recovered=True))
    async_describe_event(DOMAIN, EVENT_SE5_VISITOR_REMOVED, _visitor_describer(hass))


def _visitor_describer(hass: HomeAssistant) -> Callable[[Event], dict[str, str]]:
    """A visitor removed from the box when their time was up (`visitors.py`)."""

    @callback
    def describe(event: Event) -> dict[str, str]:
        data: Mapping[str, Any] = event.data
        labels = cached_labels(hass)
        until = dt_util.parse_datetime(str(data.get("valid_until") or ""))
        when = dt_util.as_local(until).strftime("%Y-%m-%d %H:%M") if until else "-"
        who = labels.who(data.get(ATTR_IDENTITY_NAME), "visitor")
        key = "logbook_visitor_gone" if data.get("already_gone") else "logbook_visitor_removed"
        return {
            LOGBOOK_ENTRY_NAME: device_name(
                hass, data.get("device_id"), str(data.get("box") or DOMAIN)
            ),
            LOGBOOK_ENTRY_MESSAGE: labels.text(key, who=who, when=when),
            LOGBOOK_ENTRY_ICON: "mdi:account-clock",
        }

    return describe


def _event_entity(hass: HomeAssistant, ha_device_id: object) -> str | None:
    """The device's recognition event entity, when the user enabled it."""
    if not isinstance(ha_device_id, str):
        return None
    for entity in er.async_entries_for_device(er.async_get(hass), ha_device_id):
        if entity.domain == Platform.EVENT and entity.platform == DOMAIN:
            return entity.entity_id
    return None
