"""A score is 0..100 % in Home Assistant, whatever scale the box sends it on.

The box tells its scale where it can (V5 `PrettyScore`'s `threshold_range`, else `THRESHOLD`;
V6 `MATCH_THRESHOLD`), read by name at set-up and on the system poll; live frames and the
history are read with it. Without it each value is judged alone.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.se5.const import EVENT_SE5
from se5sim import Simulator
from tests.components.conftest import entity_id, entry_for, setup_entry, uid
from tests.helpers import wait_for


@pytest.mark.parametrize(
    ("dialect", "scale", "raw", "percent"),
    [
        ("v5", 1, 0.6231614351272583, 62.32),  # the seed's example frame
        ("v5", 100, 82.05, 82.05),
        ("v5", 100, 0.9, 0.9),  # a box on 0..100 that says so: 0.9 is 0.9 %
        ("v6", 100, 82.05, 82.05),  # the V6 field table
        ("v6", 100, 0.9, 0.9),
        ("v6", 1, 0.6231614351272583, 62.32),  # the V6 push example
    ],
)
async def test_scores_on_the_boxs_scale(
    socket_enabled: None,
    hass: HomeAssistant,
    dialect: str,
    scale: int,
    raw: float,
    percent: float,
) -> None:
    async with Simulator(
        host="127.0.0.1", dialect=dialect, devices=1, seed=11, score_scale=scale
    ) as sim:
        entry = entry_for(sim)
        await setup_entry(hass, entry, sim)
        assert entry.runtime_data.client.score_scale == scale
        assert sim.config_list_reads == 0
        events = async_capture_events(hass, EVENT_SE5)
        device = sim.devices[0]
        await sim.fire(device.id, person_type="vip", score=raw)
        await wait_for(lambda: events, what="se5_event")
        await hass.async_block_till_done()
        assert events[0].data["score"] == pytest.approx(percent / 100, abs=1e-4)
        sensor = hass.states.get(entity_id(hass, "sensor", uid(entry, device.id, "last_score")))
        assert sensor is not None
        assert float(sensor.state) == pytest.approx(percent, abs=0.01)
        assert sensor.attributes["unit_of_measurement"] == "%"
        await hass.config_entries.async_unload(entry.entry_id)
