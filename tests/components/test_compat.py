"""The bridges between the Home Assistant releases, each side tested on either release."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from homeassistant.auth.models import User
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import (
    Context,
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
)
from homeassistant.exceptions import Unauthorized, UnknownUser
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.se5 import compat
from custom_components.se5.compat import vol
from custom_components.se5.const import DOMAIN
from custom_components.se5.device_trigger import async_get_triggers
from se5sim import Simulator
from tests.components.conftest import entry_for, ha_device, ha_person, setup_entry


@pytest.mark.parametrize("by_id", [True, False], ids=["2026", "2025"])
def test_via_device_links_by_id_or_by_identifier(
    monkeypatch: pytest.MonkeyPatch, by_id: bool
) -> None:
    monkeypatch.setattr(compat, "_VIA_DEVICE_ID", by_id)
    parent: Any = SimpleNamespace(id="parent-id")  # only its id is read
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


class _Device2026:
    """A device as 2026.x has it: one config entry; `config_entries` deprecated (it reports)."""

    def __init__(self, *, composite: bool = False) -> None:
        self.config_entry_id = "entry"
        self.is_composite_device = composite

    @property
    def config_entries(self) -> set[str]:
        if not self.is_composite_device:
            raise AssertionError("read the deprecated config_entries")
        return {"entry", "other"}


def test_device_entry_ids_on_either_release() -> None:
    device_2025: Any = SimpleNamespace(config_entries={"entry", "other"})
    assert compat.device_entry_ids(device_2025) == {"entry", "other"}
    device_2026: Any = _Device2026()
    assert compat.device_entry_ids(device_2026) == {"entry"}
    composite: Any = _Device2026(composite=True)  # reported by 2026.x only when not composite
    assert compat.device_entry_ids(composite) == {"entry", "other"}


async def test_actions_and_triggers_read_a_devices_entry_without_deprecated_calls(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """On 2026.x each read of `DeviceEntry.config_entries` by a custom integration logs a
    warning asking the user to report it: the actions and device triggers that name a device
    find its box without it (on 2025.x this runs the other side of the bridge)."""
    vip = next(p for p in sim.people if p.person_type == "vip")
    entry = entry_for(sim, people=[vip.identity_id])
    await setup_entry(hass, entry, sim)
    gate = next(d for d in sim.devices if d.relay)
    gate_device, person = ha_device(hass, entry, gate.id), ha_person(hass, entry, vip.identity_id)
    assert gate_device is not None
    assert person is not None
    await hass.services.async_call(
        DOMAIN, "open_door", {ATTR_DEVICE_ID: gate_device.id}, blocking=True
    )
    await hass.services.async_call(
        DOMAIN, "update_person", {ATTR_DEVICE_ID: person.id, "name": "New name"}, blocking=True
    )
    assert len(await async_get_triggers(hass, gate_device.id)) > 1
    assert len(sim.relay_pulses) == 1
    assert next(p for p in sim.people if p.identity_id == vip.identity_id).name == "New name"
    assert "DeviceEntry.config_entries" not in caplog.text
    await hass.config_entries.async_unload(entry.entry_id)


async def _response(call: ServiceCall) -> ServiceResponse:
    return {"who": call.context.user_id or "system"}


async def test_admin_action_with_a_response_on_2025(
    hass: HomeAssistant,
    monkeypatch: pytest.MonkeyPatch,
    hass_admin_user: User,
    hass_read_only_user: User,
) -> None:
    """2025.x's admin wrapper drops the response: the bridge checks the user itself."""
    monkeypatch.setattr(compat, "_ADMIN_RESPONSE", False)
    compat.async_register_admin_service(
        hass, DOMAIN, "probe", _response, vol.Schema({}), supports_response=SupportsResponse.ONLY
    )

    async def call(user_id: str | None) -> Any:
        return await hass.services.async_call(
            DOMAIN,
            "probe",
            {},
            blocking=True,
            return_response=True,
            context=Context(user_id=user_id),
        )

    assert await call(hass_admin_user.id) == {"who": hass_admin_user.id}
    assert await call(None) == {"who": "system"}  # an automation's or the system's own call
    with pytest.raises(Unauthorized):
        await call(hass_read_only_user.id)
    with pytest.raises(UnknownUser):
        await call("no-such-user")


def test_admin_action_with_a_response_on_2026(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """2026.x registers the response itself: the bridge hands everything over."""
    calls: list[tuple[Any, ...]] = []

    def register(*args: Any, supports_response: SupportsResponse) -> None:
        calls.append((*args, supports_response))

    monkeypatch.setattr(compat, "_ADMIN_RESPONSE", True)
    monkeypatch.setattr(compat.service_helper, "async_register_admin_service", register)
    schema = vol.Schema({})
    compat.async_register_admin_service(
        hass, DOMAIN, "probe", _response, schema, supports_response=SupportsResponse.OPTIONAL
    )
    assert calls == [(hass, DOMAIN, "probe", _response, schema, SupportsResponse.OPTIONAL)]
