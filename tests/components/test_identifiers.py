"""Identifiers and unique ids: unambiguous whatever the ids hold."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.se5.device_trigger import is_box_device
from custom_components.se5.identifiers import (
    device_id_from_unique_id,
    device_identifier,
    device_unique_id,
    escape,
    person_identifier,
    unescape,
)


def test_ids_with_the_separator_stay_apart() -> None:
    for value in ("a_b", "100%", "%5F", "_", "person_7", "小明_1"):
        assert unescape(escape(value)) == value
        assert "_" not in escape(value)
    assert device_identifier("B", "person_7") != person_identifier("B", "7")
    assert device_identifier("B_1", "x") != device_identifier("B", "1_x")
    unique_id = device_unique_id("B_1", "a_b", "last_face")
    assert device_id_from_unique_id("B_1", unique_id, "last_face") == "a_b"
    assert device_id_from_unique_id("B_1", unique_id, "open_door") is None
    assert device_id_from_unique_id("B", unique_id, "last_face") is None


async def test_only_a_box_camera_is_a_box_device(hass: HomeAssistant) -> None:
    assert not is_box_device(hass, "no-such-device")
    other = MockConfigEntry(domain="other", unique_id="B")
    other.add_to_hass(hass)
    foreign = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("se5", device_identifier("B", "x")[1])}
    )
    assert not is_box_device(hass, foreign.id)
