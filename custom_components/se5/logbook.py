"""Logbook entries for recognitions: "Front gate recognized 小明 (VIP)"."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.logbook.const import LOGBOOK_ENTRY_MESSAGE, LOGBOOK_ENTRY_NAME
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.translation import async_get_cached_translations

from .const import (
    ATTR_DEVICE_NAME,
    ATTR_IDENTITY_NAME,
    ATTR_PERSON_TYPE,
    DOMAIN,
    EVENT_SE5,
    EVENT_SE5_RECOVERED,
)

_MESSAGES = {
    "en": "recognized {who} ({kind})",
    "zh-Hans": "识别到 {who}（{kind}）",  # noqa: RUF001 - Chinese punctuation
}
_RECOVERED = {
    "en": "recognized {who} ({kind}) while Home Assistant was disconnected (recovered)",
    "zh-Hans": "在 Home Assistant 断开期间识别到 {who}（{kind}）（已补录）",  # noqa: RUF001
}
_KIND_KEY = f"component.{DOMAIN}.entity.event.recognition.state_attributes.event_type.state.{{}}"
_STRANGER_KEY = f"component.{DOMAIN}.entity.sensor.last_person.state.stranger"


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe `se5_event` and `se5_recognition_recovered` in the logbook."""

    def describer(messages: dict[str, str]) -> Callable[[Event], dict[str, str]]:
        @callback
        def describe(event: Event) -> dict[str, str]:
            data: Mapping[str, Any] = event.data
            language = hass.config.language
            labels = async_get_cached_translations(hass, language, "entity", DOMAIN)
            person_type = str(data.get(ATTR_PERSON_TYPE, ""))
            kind = labels.get(_KIND_KEY.format(person_type), person_type)
            who = str(data.get(ATTR_IDENTITY_NAME) or "")
            if person_type == "stranger" or not who:
                who = labels.get(_STRANGER_KEY, "stranger")
            device = dr.async_get(hass).async_get(str(data.get("device_id", "")))
            name = (device.name_by_user or device.name) if device else None
            template = messages["zh-Hans" if language.startswith("zh") else "en"]
            return {
                LOGBOOK_ENTRY_NAME: name or str(data.get(ATTR_DEVICE_NAME) or DOMAIN),
                LOGBOOK_ENTRY_MESSAGE: template.format(who=who, kind=kind),
            }

        return describe

    async_describe_event(DOMAIN, EVENT_SE5, describer(_MESSAGES))
    async_describe_event(DOMAIN, EVENT_SE5_RECOVERED, describer(_RECOVERED))
