"""1,000 recognitions with about 400 KB of images each: the store stays within its cap.

Asserted: the store's own count of bytes (images, registered photos, overhead) never exceeds its
cap, it holds fewer than the recognitions sent, and what it keeps is the newest (the oldest went).
The growth of the process's resident memory depends on the machine (allocator, Python, what else
the process holds): it is printed with the other figures (`pytest -s`) for the notes, not asserted.
"""

from __future__ import annotations

import gc
from pathlib import Path

from homeassistant.core import HomeAssistant
import pytest

from custom_components.se5.store import MEGABYTE
from se5sim import Simulator
from tests.components.conftest import entry_for, setup_entry
from tests.helpers import wait_for

RECOGNITIONS = 1_000
CAP_MB = 50


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    pytest.skip("no /proc/self/status")


@pytest.mark.timeout(300)
async def test_thousand_large_recognitions_stay_within_the_cap(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    # Face crops, scene photos and registered photos: what the box sends, all of it.
    entry = entry_for(sim, recent_count=RECOGNITIONS, recent_size_mb=CAP_MB, registered_image=True)
    await setup_entry(hass, entry, sim)
    push = entry.runtime_data.push
    store = entry.runtime_data.recent.store
    gc.collect()
    rss_before = _rss_mb()
    received = 0
    largest = 0
    fired: list[str] = []
    for number in range(RECOGNITIONS):
        sent = await sim.fire(sim.devices[number % len(sim.devices)].id)
        fired.append(sent.event_id)
        received += len(sent.face_jpeg) + len(sent.scene_jpeg or b"")
        received += len(sent.registered_jpeg or b"")
        if number % 50 == 49:
            await wait_for(lambda n=number: push.recognitions == n + 1, what="recognitions")
            assert store.size <= CAP_MB * MEGABYTE
            largest = max(largest, store.size)
    await wait_for(lambda: push.recognitions == RECOGNITIONS, what="all recognitions")
    await hass.async_block_till_done()
    gc.collect()
    rss_after = _rss_mb()

    average_kb = received / RECOGNITIONS / 1000
    print(
        f"\n{RECOGNITIONS} recognitions, {received / MEGABYTE:.0f} MB of images received "
        f"({average_kb:.0f} KB each); store: {len(store)} kept, {store.size / MEGABYTE:.1f} MB "
        f"(largest seen {largest / MEGABYTE:.1f} MB, cap {CAP_MB} MB); "
        f"RSS {rss_before:.0f} -> {rss_after:.0f} MB (+{rss_after - rss_before:.0f} MB)"
    )
    assert average_kb > 300  # the scenario asked for: about 400 KB per recognition
    assert store.size <= CAP_MB * MEGABYTE
    assert largest > (CAP_MB - 1) * MEGABYTE  # the store was full, not empty
    assert 0 < len(store) < RECOGNITIONS
    # The newest are kept, the oldest went: what is kept is the last ones sent, in order.
    newest = store.recent(limit=1)[0]
    assert newest.id == sim.history[-1].event_id == fired[-1]
    assert fired[0] not in store
    assert [record.id for record in store.all()] == fired[-len(store) :]
