"""With the recorder on, recognitions cost the database a few hundred bytes, not their images."""

from __future__ import annotations

import time
from typing import Any

from homeassistant.components.recorder import Recorder, get_instance
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from sqlalchemy import text

from se5sim import Simulator
from tests.components.conftest import entry_for, setup_entry
from tests.helpers import wait_for

RECOGNITIONS = 100
BUDGET = 150 * 1024
"""1.5 KB a recognition at most: see the README's note on the database."""


@pytest.fixture
def mock_recorder_before_hass(async_test_recorder: Any) -> None:
    """Prepare the recorder's database before Home Assistant (and the autouse fixtures) start."""


async def _used_bytes(hass: HomeAssistant) -> int:
    instance = get_instance(hass)

    def measure() -> int:
        with instance.engine.connect() as connection:  # type: ignore[union-attr]
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            pages = connection.execute(text("PRAGMA page_count")).scalar_one()
            free = connection.execute(text("PRAGMA freelist_count")).scalar_one()
            size = connection.execute(text("PRAGMA page_size")).scalar_one()
        return int((pages - free) * size)

    return await instance.async_add_executor_job(measure)


@pytest.mark.parametrize("persistent_database", [True])
async def test_hundred_recognitions_stay_small(
    recorder_mock: Recorder, socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim)  # face crop and scene photo on
    await setup_entry(hass, entry, sim, enable_counter=False)  # the entities a user gets by default
    hub = entry.runtime_data.push
    await async_wait_recording_done(hass)
    before = await _used_bytes(hass)

    image_bytes = 0
    kinds: list[Any] = ["employee", "visitor", "blacklist", "stranger", "vip"]
    # Recognitions seconds apart on the box's clock, as at a real door (whole-second states such
    # as "Last recognition" change with each), and a new kind of person each time (every
    # sensor changes): the most a recognition can cost.
    start = int(time.time() * 1000) - RECOGNITIONS * 5_000
    for number in range(RECOGNITIONS):
        device = sim.devices[number % len(sim.devices)]
        sent = await sim.fire(
            device.id,
            person_type=kinds[number % len(kinds)],
            timestamp_ms=start + number * 5_000,
        )
        image_bytes += len(sent.face_jpeg) + len(sent.scene_jpeg)
        await wait_for(lambda n=number: hub.recognitions == n + 1, what="recognition")
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    after = await _used_bytes(hass)

    assert image_bytes / RECOGNITIONS > 200 * 1024  # realistic frames went through
    print(f"database grew by {after - before} bytes for {RECOGNITIONS} recognitions")
    assert after - before < BUDGET, f"database grew by {after - before} bytes"
