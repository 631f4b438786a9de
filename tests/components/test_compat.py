"""The bridges between the Home Assistant releases, each side tested on either release."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.se5 import compat
from custom_components.se5.const import DOMAIN


@pytest.mark.parametrize("by_id", [True, False], ids=["2026", "2025"])
def test_via_device_links_by_id_or_by_identifier(
    monkeypatch: pytest.MonkeyPatch, by_id: bool
) -> None:
    monkeypatch.setattr(compat, "_VIA_DEVICE_ID", by_id)
    parent = dr.DeviceEntry(id="parent-id", identifiers={(DOMAIN, "box")})
    expected: dict[str, Any] = (
        {"via_device_id": "parent-id"} if by_id else {"via_device": (DOMAIN, "box")}
    )
    assert compat.via_device(parent, (DOMAIN, "box")) == expected


async def test_device_by_identifier_on_this_release(hass: HomeAssistant) -> None:
    entry = MockConfigEntry(domain=DOMAIN)
    entry.add_to_hass(hass)
    registry = dr.async_get(hass)
    created = registry.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "box")}
    )
    assert compat.device_by_identifier(registry, (DOMAIN, "box"), entry.entry_id) == created
    assert compat.device_by_identifier(registry, (DOMAIN, "other"), entry.entry_id) is None


class _Registry2025:
    """A registry as 2025.x has it: no lookup scoped to a config entry."""

    def __init__(self, device: object) -> None:
        self.device = device

    def async_get_device(self, *, identifiers: set[tuple[str, str]]) -> object:
        return self.device if identifiers == {(DOMAIN, "box")} else None


class _Registry2026(_Registry2025):
    """A registry as 2026.x has it: identifiers are scoped to config entries."""

    def async_get_device_by_identifier(self, identifier: tuple[str, str], entry_id: str) -> object:
        return self.device if (identifier, entry_id) == ((DOMAIN, "box"), "entry") else None


@pytest.mark.parametrize("registry_class", [_Registry2025, _Registry2026], ids=["2025", "2026"])
def test_device_by_identifier_on_either_release(registry_class: type[_Registry2025]) -> None:
    device = object()
    registry: Any = registry_class(device)
    assert compat.device_by_identifier(registry, (DOMAIN, "box"), "entry") is device
    assert compat.device_by_identifier(registry, (DOMAIN, "nope"), "entry") is None
