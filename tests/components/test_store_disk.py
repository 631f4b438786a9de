"""Recent recognitions kept on disk when asked: written off the loop, read back, bounded, wiped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
import logging
import os
from pathlib import Path
import stat

from homeassistant.config_entries import ConfigEntryDisabler
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.util import dt as dt_util
import pytest

from custom_components.se5 import recent as recent_module, store_disk
from custom_components.se5.client import PersonType
from custom_components.se5.recent import DATA_STORES
from custom_components.se5.store import StoredRecognition
from se5sim import Simulator
from tests.components.conftest import entry_for, setup_entry
from tests.helpers import wait_for


@pytest.fixture
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A configuration folder of this test's own (nothing written into the plugin's)."""
    hass.config.config_dir = str(tmp_path)
    return tmp_path


async def _flush(hass: HomeAssistant, entry_id: str) -> None:
    entry = hass.config_entries.async_get_entry(entry_id)
    assert entry is not None
    disk = entry.runtime_data.recent.disk
    if disk is not None:
        await disk.async_flush()


async def test_kept_on_disk_and_read_back_after_a_restart(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, config_dir: Path
) -> None:
    entry = entry_for(sim, keep_on_disk=True, registered_image=True)
    await setup_entry(hass, entry, sim)
    vip = next(p for p in sim.people if p.person_type == "vip")
    sent = [
        await sim.fire(sim.devices[0].id, identity_id=vip.identity_id),
        await sim.fire(sim.devices[1].id, person_type="stranger"),
        await sim.fire(sim.devices[2].id, identity_id=vip.identity_id),
    ]
    store = entry.runtime_data.recent.store
    await wait_for(lambda: len(store) == 3, what="three stored")
    await _flush(hass, entry.entry_id)
    folder = config_dir / "se5" / entry.entry_id
    names = sorted(path.name for path in folder.iterdir())
    person_files = [name for name in names if name.startswith("person-")]
    assert len(person_files) == 1  # the VIP's registered photo, once
    for recognition in sent:
        assert f"{recognition.event_id}.json" in names
        assert (folder / f"{recognition.event_id}.face.jpg").read_bytes() == recognition.face_jpeg
        assert (folder / f"{recognition.event_id}.scene.jpg").read_bytes() == recognition.scene_jpeg
    assert (folder / person_files[0]).read_bytes() == sent[0].registered_jpeg
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())
    meta = json.loads((folder / f"{sent[0].event_id}.json").read_text(encoding="utf-8"))
    assert meta["identity_name"] == vip.name
    assert len(json.dumps(meta)) < 1024  # metadata only, the images are beside it

    # A restart: the memory is gone, the folder is read back (in the executor).
    await hass.config_entries.async_unload(entry.entry_id)
    hass.data[DATA_STORES].pop(entry.entry_id)
    await setup_entry(hass, entry, sim)
    store = entry.runtime_data.recent.store
    assert [r.id for r in store.all()] == [s.event_id for s in sent]
    for record, recognition in zip(store.all(), sent, strict=True):
        assert record.face == recognition.face_jpeg
        assert record.scene == recognition.scene_jpeg
    assert store.registered_photo(store.all()[2]) == sent[2].registered_jpeg
    assert store.registered_photo(store.all()[1]) is None


async def test_bounds_apply_on_disk_and_turning_it_off_wipes_it(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    config_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(recent_module, "PRUNE_INTERVAL", timedelta(seconds=0.2))
    entry = entry_for(sim, keep_on_disk=True, recent_count=2, keep_days=2, registered_image=True)
    await setup_entry(hass, entry, sim)
    recent = entry.runtime_data.recent
    old = await sim.fire(
        sim.devices[0].id,
        timestamp_ms=int((dt_util.utcnow() - timedelta(days=3)).timestamp() * 1000),
    )
    first = await sim.fire(sim.devices[0].id)
    second = await sim.fire(sim.devices[1].id)
    vip = next(p for p in sim.people if p.person_type == "vip")
    third = await sim.fire(sim.devices[2].id, identity_id=vip.identity_id)
    await wait_for(lambda: third.event_id in recent.store, what="stored")
    await _flush(hass, entry.entry_id)
    folder = config_dir / "se5" / entry.entry_id
    kept = {path.name.split(".")[0] for path in folder.iterdir()}
    assert kept - {second.event_id, third.event_id} == {_person(folder)}
    assert {second.event_id, third.event_id} <= kept  # the oldest went, files and all
    assert old.event_id not in recent.store
    assert first.event_id not in recent.store

    # Recognitions older than the days kept go at the next pass (hourly; here, at once).
    recent.store.configure(10, recent.store.max_bytes)
    # As if it had been recovered from the box's history:
    recent.store.add(_recognition(old.event_id, dt_util.utcnow() - timedelta(days=3)))
    assert old.event_id in recent.store
    await wait_for(lambda: old.event_id not in recent.store, what="the old one pruned")

    # Off: the folder goes, what is in memory stays.
    hass.config_entries.async_update_entry(entry, options={**entry.options, "keep_on_disk": False})
    await hass.async_block_till_done()
    await wait_for(lambda: not folder.exists(), what="folder wiped")
    assert recent.disk is None
    assert third.event_id in recent.store
    # On again: what is in memory is written.
    hass.config_entries.async_update_entry(entry, options={**entry.options, "keep_on_disk": True})
    await hass.async_block_till_done()
    await _flush(hass, entry.entry_id)
    assert (folder / f"{third.event_id}.json").is_file()
    assert (folder / f"{_person(folder)}.jpg").read_bytes() == third.registered_jpeg

    # A reload keeps the store in memory (the URLs sent stay valid); the disk is not read again.
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.runtime_data.recent.reused
    assert third.event_id in entry.runtime_data.recent.store


def _person(folder: Path) -> str:
    return next(p.name for p in folder.iterdir() if p.name.startswith("person-")).split(".")[0]


async def test_removing_the_entry_wipes_memory_and_disk(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, config_dir: Path
) -> None:
    entry = entry_for(sim, keep_on_disk=True)
    await setup_entry(hass, entry, sim)
    await sim.fire(sim.devices[0].id)
    await wait_for(lambda: len(entry.runtime_data.recent.store) == 1, what="stored")
    await _flush(hass, entry.entry_id)
    folder = config_dir / "se5" / entry.entry_id
    assert any(folder.iterdir())
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert not folder.exists()
    assert entry.entry_id not in hass.data[DATA_STORES]


async def test_a_folder_that_cannot_be_written_is_reported(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    config_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    (config_dir / "se5").write_text("not a folder")
    entry = entry_for(sim, keep_on_disk=True)
    await setup_entry(hass, entry, sim)
    vip = next(p for p in sim.people if p.person_type == "vip")
    sent = await sim.fire(sim.devices[0].id, identity_id=vip.identity_id)
    store = entry.runtime_data.recent.store
    await wait_for(lambda: sent.event_id in store, what="stored")
    with caplog.at_level(logging.WARNING):
        await _flush(hass, entry.entry_id)
    ours = [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.se5") and record.levelno >= logging.INFO
    ]
    assert any("Cannot write the recent recognitions to disk" in text for text in ours)
    assert not any(vip.name in text for text in ours)  # no names in the log
    assert store.get(sent.event_id) is not None  # memory keeps it
    # Warned once, not for every write; told when writing works again.
    for _ in range(3):
        event_id = (await sim.fire(sim.devices[0].id)).event_id
        await wait_for(lambda event_id=event_id: event_id in store, what="stored")
    await _flush(hass, entry.entry_id)  # each of them failed to write
    (config_dir / "se5").unlink()
    sent = await sim.fire(sim.devices[0].id)
    await wait_for(lambda: sent.event_id in store, what="stored")
    with caplog.at_level(logging.INFO):
        await _flush(hass, entry.entry_id)
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("custom_components.se5")]
    assert sum("Cannot write the recent recognitions" in text for text in ours) == 1
    assert "Writing the recent recognitions to disk works again" in ours


def test_load_skips_what_it_cannot_read(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    good = _recognition("good", now)
    store_disk.write(tmp_path, good)
    store_disk.write(tmp_path, _recognition("old", now - timedelta(days=9)))
    store_disk.write(tmp_path, _recognition("renamed", now))
    (tmp_path / "renamed.json").rename(tmp_path / "other.json")
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "naive.json").write_text(
        json.dumps(
            {
                "id": "naive",
                "device_id": "d",
                "person_type": "vip",
                "timestamp": "2025-01-01T00:00:00",
            }
        )
    )
    (tmp_path / "stray.face.jpg").write_bytes(b"x")
    (tmp_path / "good.face.jpg.tmp").write_bytes(b"half")
    loaded = store_disk.load(tmp_path, now - timedelta(days=7))
    assert [record.id for record, _ in loaded] == ["good"]
    assert loaded[0][0].face == good.face
    assert sorted(path.name for path in tmp_path.iterdir()) == ["good.face.jpg", "good.json"]
    assert store_disk.load(tmp_path / "missing", now) == []
    store_disk.write_person(tmp_path, "7", b"photo")
    store_disk.write_person(tmp_path, "7", None)
    store_disk.wipe(tmp_path)
    assert not tmp_path.exists()


def test_a_record_dated_in_the_future_is_dropped_at_load(tmp_path: Path) -> None:
    """Written by an older release from a box whose clock was wrong: it would never age out."""
    now = datetime.now(UTC)
    store_disk.write(tmp_path, _recognition("now", now))
    store_disk.write(tmp_path, _recognition("future", now + timedelta(days=400)))
    loaded = store_disk.load(tmp_path, now - timedelta(days=7))
    assert [record.id for record, _ in loaded] == ["now"]
    assert not (tmp_path / "future.json").exists()


def test_files_are_never_readable_by_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Created with their final permissions (not changed after writing: that leaves a moment
    when another user can read a face), in a folder tightened even when it existed."""
    folder = tmp_path / "se5" / "entry"
    folder.mkdir(parents=True, mode=0o755)
    folder.chmod(0o755)
    previous = os.umask(0)
    chmods: list[Path] = []
    real_chmod = Path.chmod

    def chmod(path: Path, mode: int, **kwargs: object) -> None:
        if path.is_file():
            chmods.append(path)
        real_chmod(path, mode)

    monkeypatch.setattr(Path, "chmod", chmod)
    try:
        store_disk.write(folder, _recognition("r1", datetime.now(UTC)))
        store_disk.write_person(folder, "7", b"photo")
    finally:
        os.umask(previous)
    assert not chmods
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp")) == []


def _recognition(record_id: str, when: datetime) -> StoredRecognition:
    return StoredRecognition(
        id=record_id,
        device_id="d",
        identity_id="",
        identity_name="",
        person_type=PersonType.STRANGER,
        score=None,
        timestamp=when,
        live=False,
        face=b"\xff\xd8face",
    )


async def test_disabling_the_entry_forgets_what_is_in_memory(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim)
    await setup_entry(hass, entry, sim)
    await sim.fire(sim.devices[0].id)
    await wait_for(lambda: len(entry.runtime_data.recent.store) == 1, what="stored")
    await hass.config_entries.async_reload(entry.entry_id)
    assert entry.entry_id in hass.data[DATA_STORES]  # a reload keeps it
    await hass.config_entries.async_set_disabled_by(entry.entry_id, ConfigEntryDisabler.USER)
    await hass.async_block_till_done()
    assert entry.entry_id not in hass.data[DATA_STORES]


async def test_turned_off_while_not_loaded_wipes_at_the_next_start(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator, config_dir: Path
) -> None:
    entry = entry_for(sim, keep_on_disk=True)
    await setup_entry(hass, entry, sim)
    await sim.fire(sim.devices[0].id)
    await wait_for(lambda: len(entry.runtime_data.recent.store) == 1, what="stored")
    await _flush(hass, entry.entry_id)
    folder = config_dir / "se5" / entry.entry_id
    assert any(folder.iterdir())
    assert await hass.config_entries.async_unload(entry.entry_id)
    hass.config_entries.async_update_entry(entry, options={**entry.options, "keep_on_disk": False})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert not folder.exists()


async def test_a_failed_set_up_leaves_no_pruning_timer(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    config_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A step after the store's failing sets the entry up to retry: the store's pruning
    timer stops with it (each retry would add one)."""
    entry = entry_for(sim, keep_on_disk=True)
    entry.add_to_hass(hass)
    made: list[recent_module.Se5Recent] = []
    load = recent_module.Se5Recent.async_load

    async def load_and_keep(recent: recent_module.Se5Recent) -> None:
        made.append(recent)
        await load(recent)

    async def fail(*_args: object) -> None:
        raise ConfigEntryNotReady("not yet")

    monkeypatch.setattr(recent_module.Se5Recent, "async_load", load_and_keep)
    monkeypatch.setattr(hass.config_entries, "async_forward_entry_setups", fail)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state.recoverable
    assert len(made) == 1
    assert made[0].disk is not None  # it had started
    assert made[0]._stop_pruning is None  # and stopped
    assert await hass.config_entries.async_unload(entry.entry_id)  # no more retries
