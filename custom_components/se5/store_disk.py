"""The recent recognitions mirrored on disk, when the user asks for it (off by default).

One folder per box entry, `<config>/se5/<entry_id>/`, readable by Home Assistant's user only:
for each recognition `<id>.json` (who, which kind, where, when) and its images `<id>.face.jpg`
and `<id>.scene.jpg`; each person's registered photo once, `person-<hash>.jpg`. The folder
mirrors the store in memory (the same count and size bounds), plus an age limit. Every file
operation runs in the executor, in order, one at a time; names never reach the log.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
import hashlib
import json
import logging
import os
from pathlib import Path
import shutil
from typing import Any

from homeassistant.core import HomeAssistant

from .client import MAX_AHEAD_MS, PersonType
from .const import DOMAIN
from .store import StoredRecognition

_LOGGER = logging.getLogger(__name__)

_MODE_FOLDER = 0o700
_MODE_FILE = 0o600
_OWN_IMAGES = ("face", "scene")

type Loaded = list[tuple[StoredRecognition, bytes | None]]


def folder_of(hass: HomeAssistant, entry_id: str) -> Path:
    """The folder of an entry's recognitions."""
    return Path(hass.config.path(DOMAIN, entry_id))


def _person_file(folder: Path, identity_id: str) -> Path:
    digest = hashlib.sha256(identity_id.encode()).hexdigest()[:20]
    return folder / f"person-{digest}.jpg"


def _ensure_folder(folder: Path) -> None:
    """The folder, readable by Home Assistant's user only (an existing one is tightened)."""
    folder.mkdir(mode=_MODE_FOLDER, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o777 != _MODE_FOLDER:
        folder.chmod(_MODE_FOLDER)


def _write_file(folder: Path, path: Path, data: bytes) -> None:
    """Write `path` whole or not at all; the file is never readable by others, even briefly.

    The temporary file is created with its final permissions (not changed after writing).
    """
    _ensure_folder(folder)
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)  # left by an interrupted write, maybe with other modes
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _MODE_FILE)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    temporary.replace(path)


def write(folder: Path, record: StoredRecognition) -> None:
    """Write one recognition: its images, then its metadata (which says it is whole).

    Runs in the executor: images still as the box sent them are decoded here, off the loop.
    """
    images = {"face": record.image_of("face"), "scene": record.image_of("scene")}
    for kind, data in images.items():
        if data is not None:
            _write_file(folder, folder / f"{record.id}.{kind}.jpg", data)
    meta = {
        "id": record.id,
        "device_id": record.device_id,
        "identity_id": record.identity_id,
        "identity_name": record.identity_name,
        "person_type": record.person_type.value,
        "score": record.score,
        "timestamp": record.timestamp.isoformat(),
        "live": record.live,
        "face_image_id": record.face_image_id,
        "scene_image_id": record.scene_image_id,
        "box_time": record.box_time,
        "images": [kind for kind, data in images.items() if data is not None],
        "registered": record.has_registered,
        "mask": record.mask,
    }
    data = json.dumps(meta, ensure_ascii=False).encode()
    _write_file(folder, folder / f"{record.id}.json", data)


def write_person(folder: Path, identity_id: str, photo: bytes | None) -> None:
    """Write (or delete, given None) a person's registered photo."""
    path = _person_file(folder, identity_id)
    if photo is None:
        path.unlink(missing_ok=True)
    else:
        _write_file(folder, path, photo)


def delete(folder: Path, record_id: str) -> None:
    """Delete one recognition's files."""
    (folder / f"{record_id}.json").unlink(missing_ok=True)
    for kind in _OWN_IMAGES:
        (folder / f"{record_id}.{kind}.jpg").unlink(missing_ok=True)


def wipe(folder: Path) -> None:
    """Delete the folder and everything in it."""
    shutil.rmtree(folder, ignore_errors=True)


def _record(folder: Path, meta: dict[str, Any]) -> tuple[StoredRecognition, bytes | None]:
    record_id = str(meta["id"])
    kinds = set(meta.get("images") or ())

    def read(kind: str) -> bytes | None:
        return (folder / f"{record_id}.{kind}.jpg").read_bytes() if kind in kinds else None

    timestamp = datetime.fromisoformat(str(meta["timestamp"]))
    if timestamp.tzinfo is None:
        raise ValueError("naive timestamp")
    identity_id = str(meta.get("identity_id") or "")
    person = _person_file(folder, identity_id)
    registered = (
        person.read_bytes() if meta.get("registered") and identity_id and person.is_file() else None
    )
    score = meta.get("score")
    record = StoredRecognition(
        id=record_id,
        device_id=str(meta["device_id"]),
        identity_id=identity_id,
        identity_name=str(meta.get("identity_name") or ""),
        person_type=PersonType(meta["person_type"]),
        score=float(score) if isinstance(score, int | float) else None,
        timestamp=timestamp,
        live=bool(meta.get("live", True)),
        face=read("face"),
        scene=read("scene"),
        has_registered=registered is not None,
        face_image_id=meta.get("face_image_id"),
        scene_image_id=meta.get("scene_image_id"),
        box_time=box_time if isinstance(box_time := meta.get("box_time"), str) else None,
        mask=mask if isinstance(mask := meta.get("mask"), bool) else None,
    )
    return record, registered


def load(folder: Path, not_before: datetime) -> Loaded:
    """The recognitions on disk not older than `not_before`, oldest first.

    Older ones, unreadable ones and stray files (an interrupted write) are deleted.
    """
    if not folder.is_dir():
        return []
    _ensure_folder(folder)
    latest = datetime.now(UTC) + timedelta(milliseconds=MAX_AHEAD_MS)
    found: Loaded = []
    for path in folder.glob("*.json"):
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
            record, registered = _record(folder, meta)
        except (OSError, ValueError, KeyError, TypeError) as err:
            _LOGGER.debug("Deleting an unreadable stored recognition %s: %s", path.name, err)
            delete(folder, path.stem)
            continue
        if record.id != path.stem or not not_before <= record.timestamp <= latest:
            # Too old, or dated in the future (written before times were clamped): it would
            # never age out.
            delete(folder, path.stem)
            continue
        found.append((record, registered))
    keep = {f"{record.id}.json" for record, _ in found}
    keep |= {f"{record.id}.{kind}.jpg" for record, _ in found for kind in _OWN_IMAGES}
    keep |= {_person_file(folder, r.identity_id).name for r, photo in found if photo is not None}
    for path in folder.iterdir():
        if path.name not in keep:
            try:
                path.unlink(missing_ok=True)
            except OSError as err:  # a folder someone put there, no permission: left alone
                _LOGGER.debug("Cannot delete %s: %s", path.name, err)
    found.sort(key=lambda pair: pair[0].sort_key)
    return found


class DiskMirror:
    """Runs the file operations of one folder in the executor, in order."""

    def __init__(self, hass: HomeAssistant, folder: Path) -> None:
        self.hass = hass
        self.folder = folder
        self._queue: deque[Callable[[], None]] = deque()
        self._worker: asyncio.Task[None] | None = None
        self._failing = False

    def write(self, record: StoredRecognition) -> None:
        """Write a recognition (soon, off the event loop)."""
        self._enqueue(lambda: write(self.folder, record))

    def write_person(self, identity_id: str, photo: bytes | None) -> None:
        """Write or delete a person's registered photo (soon, off the event loop)."""
        self._enqueue(lambda: write_person(self.folder, identity_id, photo))

    def delete(self, record_id: str) -> None:
        """Delete a recognition's files (soon, off the event loop)."""
        self._enqueue(lambda: delete(self.folder, record_id))

    def wipe(self) -> None:
        """Delete the whole folder (soon, off the event loop); what was queued is dropped."""
        self._queue.clear()
        self._enqueue(lambda: wipe(self.folder))

    async def async_load(self, not_before: datetime) -> Loaded:
        """Read what is on disk (in the executor); nothing when the folder cannot be read."""
        await self.async_flush()
        try:
            return await self.hass.async_add_executor_job(load, self.folder, not_before)
        except OSError as err:
            _LOGGER.warning("Cannot read the recent recognitions kept on disk: %s", err)
            return []

    async def async_flush(self) -> None:
        """Wait until every queued operation ran."""
        while self._queue or (self._worker is not None and not self._worker.done()):
            worker = self._worker
            if worker is None or worker.done():
                worker = self._start()  # a worker that was cancelled left work behind
            await asyncio.wait({worker})

    def _enqueue(self, operation: Callable[[], None]) -> None:
        self._queue.append(operation)
        if self._worker is None or self._worker.done():
            self._start()

    def _start(self) -> asyncio.Task[None]:
        self._worker = self.hass.async_create_background_task(
            self._drain(), f"{DOMAIN} store {self.folder.name}"
        )
        return self._worker

    async def _drain(self) -> None:
        while self._queue:
            operation = self._queue.popleft()
            try:
                await self.hass.async_add_executor_job(operation)
            except OSError as err:
                # Once until writing works again (a full disk fails every write).
                if not self._failing:
                    self._failing = True
                    _LOGGER.warning("Cannot write the recent recognitions to disk: %s", err)
            else:
                if self._failing:
                    self._failing = False
                    _LOGGER.info("Writing the recent recognitions to disk works again")
