"""Fixtures for the Home Assistant tests: real HA, the simulator over 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
from typing import Any

from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import pytest_socket

from custom_components.se5.client import Backoff, StreamState
from custom_components.se5.compat import device_by_identifier
from custom_components.se5.const import (
    CONF_DEVICES,
    CONF_DIALECT,
    CONF_EVENT_PORT,
    CONF_FACE_IMAGE,
    CONF_FEED_PORT,
    CONF_MAC,
    CONF_PEOPLE,
    CONF_REGISTERED_IMAGE,
    CONF_REST_PORT,
    CONF_SCENE_IMAGE,
    CONF_SYSTEM_PORT,
    DOMAIN,
)
from custom_components.se5.coordinator import push as coordinator_module
from custom_components.se5.identifiers import (
    box_unique_id,
    device_identifier,
    device_unique_id,
    person_identifier,
    person_unique_id,
)
from custom_components.se5.migration import MINOR_VERSION, VERSION
from se5sim import Simulator
from tests.client.hostile import HostileBox
from tests.helpers import wait_for

PER_RECOGNITION = (
    ("event", "recognition"),
    ("sensor", "last_person"),
    ("sensor", "last_person_type"),
    ("sensor", "last_recognition"),
)
"""Entities disabled by default that write a state per recognition."""


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/se5."""


@pytest.fixture(autouse=True)
def fast_stream(monkeypatch: pytest.MonkeyPatch) -> Generator[None]:
    """Short backoff, so that drops and reboots play out in a second.

    The heartbeat stays long: a dropped box resets its sockets (no heartbeat needed to see it),
    and a short one would race the simulator's pongs on a busy machine.
    """
    monkeypatch.setattr(coordinator_module, "HEARTBEAT", 10.0)
    monkeypatch.setattr(
        coordinator_module, "BACKOFF", Backoff(initial=0.05, maximum=0.2, stable_after=0.5)
    )
    return


LOOPBACK_HOSTS = ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
"""Addresses a test may connect to: loopback only; .2 and .3 play other hosts of the LAN."""


@pytest.fixture
def other_hosts(socket_enabled: None) -> None:
    """Let the test connect to 127.0.0.2 and 127.0.0.3 too (the plugin allows 127.0.0.1)."""
    pytest_socket.socket_allow_hosts(LOOPBACK_HOSTS, allow_unix_socket=True)


@pytest.fixture(params=["v5"])
def dialect(request: pytest.FixtureRequest) -> str:
    """Firmware dialect of the simulator; tests parametrize it to cover both."""
    return str(request.param)


@pytest.fixture
async def hostile(socket_enabled: None) -> AsyncIterator[HostileBox]:
    """A hand-written box that plays by the rules until a test turns it (tests/client/hostile)."""
    box = HostileBox()
    await box.start()
    yield box
    await box.stop()


@pytest.fixture
async def sim(socket_enabled: None, dialect: str) -> AsyncIterator[Simulator]:
    """A running simulator with three devices."""
    simulator = Simulator(host="127.0.0.1", dialect=dialect, devices=3, seed=11)
    await simulator.start()
    yield simulator
    await simulator.stop()


def entry_for(sim: Simulator, **options: Any) -> MockConfigEntry:
    """A config entry for the simulator; all devices and all images, nobody, unless told."""
    assert sim.serial is not None
    return MockConfigEntry(
        domain=DOMAIN,
        title="SE5 127.0.0.1",
        unique_id=sim.serial,
        version=VERSION,
        minor_version=MINOR_VERSION,
        data={
            CONF_HOST: "127.0.0.1",
            CONF_REST_PORT: sim.rest_port,
            CONF_EVENT_PORT: sim.ws_port,
            CONF_SYSTEM_PORT: sim.system_port,
            CONF_DIALECT: sim.dialect,
            CONF_MAC: sim.mac,
            CONF_FEED_PORT: sim.feed_port,
        },
        options={
            CONF_DEVICES: [device.id for device in sim.devices],
            CONF_FACE_IMAGE: True,
            CONF_SCENE_IMAGE: True,
            CONF_REGISTERED_IMAGE: False,
            CONF_PEOPLE: [],
            **options,
        },
    )


async def setup_entry(
    hass: HomeAssistant, entry: MockConfigEntry, sim: Simulator, *, enable_counter: bool = True
) -> None:
    """Set the entry up and wait until the box has its subscription (events now flow).

    The recognition counter and the per-recognition entities (the event entity, the "Last
    person", "Last person type" and "Last recognition" sensors), disabled by default, are
    enabled unless told, so that tests can read them.
    """
    subscribed = len(sim.subscriptions)
    entry.add_to_hass(hass)
    if enable_counter:
        registry = er.async_get(hass)
        registry.async_get_or_create(
            "sensor", DOMAIN, uid(entry, "recognitions"), config_entry=entry
        )
        for device in sim.devices:
            for platform, key in PER_RECOGNITION:
                registry.async_get_or_create(
                    platform, DOMAIN, uid(entry, device.id, key), config_entry=entry
                )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await wait_for(
        lambda: entry.runtime_data.push.stream.state is StreamState.CONNECTED,
        what="stream connected",
    )
    await sim.wait_for_subscription(count=subscribed + 1)
    await hass.async_block_till_done()


@pytest.fixture
async def entry(hass: HomeAssistant, sim: Simulator) -> MockConfigEntry:
    """A loaded entry following all the simulator's devices."""
    config_entry = entry_for(sim)
    await setup_entry(hass, config_entry, sim)
    return config_entry


def entity_id(hass: HomeAssistant, platform: str, unique_id: str) -> str:
    """The entity id registered for a unique id."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, unique_id)
    assert found is not None, f"no {platform} entity with unique id {unique_id}"
    return found


def ha_device(hass: HomeAssistant, entry: MockConfigEntry, device_id: str) -> dr.DeviceEntry | None:
    """The entry's device for a box device id."""
    assert entry.unique_id is not None
    return device_by_identifier(
        dr.async_get(hass), device_identifier(entry.unique_id, device_id), entry.entry_id
    )


def ha_box(hass: HomeAssistant, entry: MockConfigEntry) -> dr.DeviceEntry | None:
    """The entry's box device."""
    assert entry.unique_id is not None
    return device_by_identifier(dr.async_get(hass), (DOMAIN, entry.unique_id), entry.entry_id)


def ha_person(
    hass: HomeAssistant, entry: MockConfigEntry, identity_id: str
) -> dr.DeviceEntry | None:
    """The entry's device of a followed person."""
    assert entry.unique_id is not None
    return device_by_identifier(
        dr.async_get(hass), person_identifier(entry.unique_id, identity_id), entry.entry_id
    )


def uid(entry: MockConfigEntry, *parts: str) -> str:
    """The unique id of an entity of the entry's box: `uid(entry, key)` for the box's own,
    `uid(entry, device_id, key)` for a device's, `uid(entry, "person", identity_id, key)` for a
    person's."""
    box = str(entry.unique_id)
    if len(parts) == 1:
        return box_unique_id(box, parts[0])
    if len(parts) == 3 and parts[0] == "person":
        return person_unique_id(box, parts[1], parts[2])
    assert len(parts) == 2, parts
    return device_unique_id(box, parts[0], parts[1])


def address(sim: Simulator, **changes: Any) -> dict[str, Any]:
    """The user step's input for the simulator (with `changes`)."""
    return {
        CONF_HOST: "127.0.0.1",
        CONF_REST_PORT: sim.rest_port,
        CONF_EVENT_PORT: sim.ws_port,
        CONF_SYSTEM_PORT: sim.system_port,
        **changes,
    }
