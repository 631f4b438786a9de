"""Words shown for recognitions (logbook, media browser, card), from the translation files.

The `common` section of `translations/<language>.json` holds the integration's own phrases;
the kinds of people come from the event entity's translated event types. Home Assistant falls
back to English for a language the integration does not translate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.translation import async_get_cached_translations, async_get_translations

from .const import DOMAIN, PERSON_TYPES

KIND_KEY = f"component.{DOMAIN}.entity.event.recognition.state_attributes.event_type.state.{{}}"
STRANGER_KEY = f"component.{DOMAIN}.entity.sensor.last_person.state.stranger"
COMMON_KEY = f"component.{DOMAIN}.common.{{}}"
CATEGORIES = ("entity", "common")
KIND_ICONS = {
    "employee": "mdi:badge-account",
    "visitor": "mdi:account-clock",
    "blacklist": "mdi:account-cancel",
    "stranger": "mdi:account-question",
    "vip": "mdi:account-star",
}
"""The icon of each kind of person (the event entity's icons in icons.json)."""

CARD_LABELS = (
    "card_title",
    "card_empty",
    "card_recovered",
    "card_scene",
    "card_registered",
    "card_register",
    "card_register_name",
    "card_register_until",
    "card_register_done",
    "card_mask",
    "editor_title",
    "editor_limit",
    "editor_cameras",
    "editor_person_types",
    "editor_show_scene",
    "editor_show_registered",
)
"""The card's and its editor's words (sent to the browser with the recognitions)."""


async def async_load_labels(hass: HomeAssistant, language: str | None = None) -> Labels:
    """The words in a language (the server's by default), read from the translation files."""
    language = language or hass.config.language
    strings: dict[str, str] = {}
    for category in CATEGORIES:
        strings.update(await async_get_translations(hass, language, category, {DOMAIN}))
    return Labels(strings)


@callback
def cached_labels(hass: HomeAssistant) -> Labels:
    """The words in the server's language, as loaded already (for synchronous callers)."""
    strings: dict[str, str] = {}
    for category in CATEGORIES:
        strings.update(async_get_cached_translations(hass, hass.config.language, category, DOMAIN))
    return Labels(strings)


@dataclass(frozen=True, slots=True)
class Labels:
    """Translated words, with English words of last resort."""

    strings: Mapping[str, str]

    def kind(self, person_type: str) -> str:
        """The kind of person, translated ("VIP", "访客")."""
        return self.strings.get(KIND_KEY.format(person_type)) or person_type

    def who(self, name: str | None, person_type: str) -> str:
        """The name, or the translated word for a stranger."""
        if person_type == "stranger" or not (name or "").strip():
            return self.strings.get(STRANGER_KEY) or "stranger"
        return str(name).strip()

    def text(self, key: str, **placeholders: Any) -> str:
        """A phrase of the `common` section with its placeholders filled in."""
        template = self.strings.get(COMMON_KEY.format(key)) or key
        try:
            return template.format(**placeholders)
        except (KeyError, IndexError, ValueError):
            return template

    def card(self) -> dict[str, Any]:
        """What the card needs: its words and the kinds of people."""
        return {
            **{key: self.text(key) for key in CARD_LABELS},
            "stranger": self.who(None, "stranger"),
            "kinds": {kind: self.kind(kind) for kind in PERSON_TYPES},
        }


def device_name(hass: HomeAssistant, ha_device_id: str | None, fallback: str) -> str:
    """A device's name as the user sees it (renamed or not)."""
    if ha_device_id and (device := dr.async_get(hass).async_get(ha_device_id)) is not None:
        return device.name_by_user or device.name or fallback
    return fallback
