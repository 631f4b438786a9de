"""The "Last seen" and "Last seen at" sensors of followed people, from before "Sightings".

Each recognition of a followed person used to make three logbook rows: the recognition's own,
and the state changes of the person's "Last seen" and "Last seen at" sensors. A person's
"Sightings" sensor now tells when and where (its attributes) without a row, and the two older
sensors are disabled by default. Entries that have them enabled keep them, nothing removed or
renamed behind the user's back: a repair issue says what changed and offers to disable them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import Platform
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.helpers.event import async_track_entity_registry_updated_event

from .const import CONF_PEOPLE, DOMAIN
from .identifiers import person_unique_id

if TYPE_CHECKING:
    from .data import Se5ConfigEntry

ROW_KEYS = ("last_seen", "last_seen_at")
"""The keys of the person sensors that write a logbook row per sighting."""


def issue_id(entry_id: str) -> str:
    """The repair issue of an entry whose followed people have those sensors enabled."""
    return f"person_sensors_{entry_id}"


@callback
def enabled_row_sensors(hass: HomeAssistant, entry: Se5ConfigEntry) -> list[str]:
    """The entity ids of the entry's enabled "Last seen" and "Last seen at" person sensors."""
    registry = er.async_get(hass)
    box_uid = entry.unique_id
    if box_uid is None:
        return []
    found: list[str] = []
    for identity_id in entry.options.get(CONF_PEOPLE, []):
        for key in ROW_KEYS:
            unique_id = person_unique_id(box_uid, identity_id, key)
            entity_id = registry.async_get_entity_id(Platform.SENSOR, DOMAIN, unique_id)
            if entity_id is not None and (e := registry.async_get(entity_id)) and not e.disabled:
                found.append(entity_id)
    return found


@callback
def async_check(hass: HomeAssistant, entry: Se5ConfigEntry) -> None:
    """Raise the repair issue while such sensors are enabled; withdraw it once none is.

    Checked again whenever one of them changes in the entity registry (disabled by hand),
    by one listener, dropped once none of them is enabled (or at unload).
    """
    enabled = _async_update_issue(hass, entry)
    if not enabled:
        return
    unsubscribe: CALLBACK_TYPE | None = None

    @callback
    def changed(_event: Event[er.EventEntityRegistryUpdatedData]) -> None:
        nonlocal unsubscribe
        if not _async_update_issue(hass, entry) and unsubscribe is not None:
            unsubscribe()
            unsubscribe = None

    @callback
    def unload() -> None:
        if unsubscribe is not None:
            unsubscribe()

    unsubscribe = async_track_entity_registry_updated_event(hass, enabled, changed)
    entry.async_on_unload(unload)


@callback
def _async_update_issue(hass: HomeAssistant, entry: Se5ConfigEntry) -> list[str]:
    """Raise or withdraw the issue as the sensors are now; the enabled ones."""
    enabled = enabled_row_sensors(hass, entry)
    if not enabled:
        ir.async_delete_issue(hass, DOMAIN, issue_id(entry.entry_id))
        return enabled
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(entry.entry_id),
        is_fixable=True,
        is_persistent=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="person_sensors",
        translation_placeholders={"box": entry.title},
        data={"entry_id": entry.entry_id},
    )
    return enabled


@callback
def async_disable(hass: HomeAssistant, entry: Se5ConfigEntry) -> None:
    """Disable them (the user can enable them again), and withdraw the issue."""
    registry = er.async_get(hass)
    for entity_id in enabled_row_sensors(hass, entry):
        registry.async_update_entity(entity_id, disabled_by=er.RegistryEntryDisabler.USER)
    ir.async_delete_issue(hass, DOMAIN, issue_id(entry.entry_id))
