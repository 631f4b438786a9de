"""The box's event history: recognitions missed while the socket was down, found afterwards.

V5: `GET /SophonFace/api/events?per_page=&page=&datetime_gte=` with the fields under `common`;
V6: `POST /sophon/v2/face/getevents` with the device under `media_device_info`. Both give
timestamps as float seconds and image ids instead of images.

Decisions where the docs are silent or disagree:
- V6 documents its time filters in ms, its example uses seconds. The client sends
  `datetime_gte` in seconds and `datetime_lte` in ms: whichever unit the box reads, the answer
  holds at least what was asked for, and the client filters the exact range itself.
- The order of a page is not documented: the client reads it from the first page's timestamps.
  Newest-first pages are read from the start until `since` is passed; oldest-first pages are
  read from the end. Either way no more than `limit / page_size + 3` pages are fetched, with
  the client's own page size: a box that serves one event per page (its `per_page` says 1)
  does not make the client ask for hundreds.
- What is kept is cut to the newest `limit` after every page: a page of far more events than
  asked for holds no more than `limit` of them (and a large page is parsed in a worker thread).
- A history event without a device id or a timestamp, stamped more than `MAX_AHEAD_MS` after
  now, or of a car, is skipped; a scene id equal
  to the face id carries no scene (the box kept only the face crop).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
import math
import time
from typing import Any, Final
from urllib.parse import quote

from . import values
from .errors import FrameError, Se5NotABoxError
from .fetch import RequestFn
from .models import Dialect, ImageSelection, Recognition
from .parse import MAX_AHEAD_MS, TEXT_MAX, parse_event

V5_EVENTS_PATH: Final = "/SophonFace/api/events"
V5_EVENT_IMAGES_PATH: Final = "/SophonFace/api/event_images/"
V6_EVENTS_PATH: Final = "/sophon/v2/face/getevents"
V6_SPOT_IMAGE_PATH: Final = "/sophon/v2/face/getspotimage/"
_NO_IMAGES: Final = ImageSelection(face=False, scene=False, registered=False)
_SECONDS_LIMIT: Final = 100_000_000_000
_EXTRA_PAGES: Final = 3
OFF_LOOP_EVENTS: Final = 200
"""Pages of more events than this are parsed in a worker thread (~20 µs per event)."""


def _ms(value: object) -> int | None:
    """Epoch ms from float seconds (or ms); rounded, so that `x.608` s gives 608 ms exactly."""
    number = values.number(value)
    if number is None or number <= 0:
        return None
    return round(number * 1000) if number < _SECONDS_LIMIT else round(number)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _v5_frame(entry: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[Any, Any, Any]]:
    common = _mapping(entry.get("common"))
    ep_info = _mapping(common.get("ep_info"))
    info = _mapping(common.get("identity_info"))
    frame = {
        "device_id": ep_info.get("device_id", entry.get("device_id")),
        "identity_id": common.get("identity_id"),
        "identity_name": common.get("identity_name"),
        "identity_info": dict(info),
        "score": common.get("score"),
        "group_name": common.get("group_name"),
        "event_id": entry.get("_id", entry.get("event_id")),
        "recognize_face_attr": common.get("recognize_face_attr"),
        "ext_data": {
            "person_type": common.get("person_type"),
            "device_ip": ep_info.get("ep_ip"),
            "device_type": ep_info.get("ep_type"),
        },
    }
    ids = (common.get("recognize_face_pic_id"), common.get("spot_pic_id"), info.get("image_id"))
    return frame, ids


def _v6_frame(entry: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[Any, Any, Any]]:
    device = _mapping(entry.get("media_device_info"))
    frame = {
        "media_device_id": device.get("media_device_id", entry.get("media_device_id")),
        "media_device_ip": device.get("media_device_ip"),
        "media_device_type": device.get("media_device_type"),
        "identity_id": entry.get("identity_id"),
        "identity_name": entry.get("identity_name"),
        "user_type": entry.get("user_type"),
        "score": entry.get("score"),
        "event_id": entry.get("event_id"),
        "recognize_face_attr": entry.get("recognize_face_attr"),
    }
    ids = (
        entry.get("recognize_face_image_id"),
        entry.get("spot_image_id"),
        entry.get("register_image_id"),
    )
    return frame, ids


def parse_history_event(entry: object, score_scale: int | None = None) -> Recognition | None:
    """One history event (V5 or V6 shape) as a Recognition with image ids; None if unusable.

    Device ids, person types and scores are normalised exactly as in live frames. The event's
    time value is kept as the box wrote it (`box_time`): its image calls take it unchanged.
    """
    if not isinstance(entry, Mapping):
        return None
    v6 = "media_device_info" in entry or "media_device_id" in entry
    user_type = entry.get("user_type")
    if isinstance(user_type, str) and user_type.strip().lower() == "car":
        return None
    timestamp_ms = _ms(entry.get("timestamp"))
    if timestamp_ms is None or timestamp_ms > time.time() * 1000 + MAX_AHEAD_MS:
        # From a box whose clock is wrong: kept, it would stay the newest event forever.
        return None
    frame, (face_id, scene_id, registered_id) = _v6_frame(entry) if v6 else _v5_frame(entry)
    frame["timestamp"] = timestamp_ms
    try:
        recognition = parse_event(frame, _NO_IMAGES, score_scale=score_scale)
    except FrameError:
        return None
    face = _whole_text(face_id)
    scene = _whole_text(scene_id)
    return replace(
        recognition,
        face_image_id=face,
        scene_image_id=None if scene == face else scene,
        registered_image_id=_whole_text(registered_id),
        box_time=_time_text(entry.get("timestamp")),
    )


def _whole_text(value: object) -> str | None:
    """Text the box gave to be sent back unchanged (an image id): None when over `TEXT_MAX`.

    A cut id would name nothing; an uncut one of any length would be kept with the event (and
    stored with it) however long the box made it.
    """
    text = values.text(value)
    return text if text is not None and len(text) <= TEXT_MAX else None


def _time_text(value: object) -> str | None:
    """A time value as the box wrote it: JSON's shortest form of the number read, or its text.

    None when over `TEXT_MAX` (the event's time is then sent in its own form).
    """
    if isinstance(value, float):
        return repr(value)
    return _whole_text(value)


@dataclass(frozen=True, slots=True)
class _Page:
    count: int
    """Events on the page, usable or not."""
    raw_ms: list[int]
    """Timestamps of the page's events, in the box's order (for the order)."""
    recognitions: list[Recognition]
    total: int | None
    served: int


def _page(payload: Any, dialect: Dialect, page_size: int, score_scale: int | None) -> _Page:
    key = "data" if dialect is Dialect.V5 else "events"
    entries = payload.get(key) if isinstance(payload, Mapping) else None
    if not isinstance(entries, list):
        raise Se5NotABoxError(f"answer has no {key} list")
    pagination = _mapping(payload.get("pagination"))
    total = values.number(pagination.get("total_count"))
    served = values.number(pagination.get("per_page" if dialect is Dialect.V5 else "page_limit"))
    raw = [_ms(e.get("timestamp")) if isinstance(e, Mapping) else None for e in entries]
    return _Page(
        count=len(entries),
        raw_ms=[ms for ms in raw if ms is not None],
        recognitions=[r for e in entries if (r := parse_history_event(e, score_scale)) is not None],
        total=int(total) if total is not None and total >= 0 else None,
        served=int(served) if served is not None and served >= 1 else page_size,
    )


async def _fetch(
    request: RequestFn,
    dialect: Dialect,
    index: int,
    *,
    page_size: int,
    since: datetime,
    until: datetime | None,
    score_scale: int | None,
) -> _Page:
    gte = math.floor(since.timestamp())
    if dialect is Dialect.V5:
        params: dict[str, str | int] = {"per_page": page_size, "page": index, "datetime_gte": gte}
        if until is not None:
            params["datetime_lte"] = math.ceil(until.timestamp())
        payload = await request("GET", V5_EVENTS_PATH, params=params)
    else:
        filters: dict[str, int] = {"datetime_gte": gte}
        if until is not None:
            filters["datetime_lte"] = math.ceil(until.timestamp() * 1000)
        body = {"filters": filters, "page_limit": page_size, "page_index": index}
        payload = await request("POST", V6_EVENTS_PATH, json_body=body)
    entries = (
        payload.get("data" if dialect is Dialect.V5 else "events")
        if isinstance(payload, Mapping)
        else None
    )
    if isinstance(entries, list) and len(entries) > OFF_LOOP_EVENTS:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, _page, payload, dialect, page_size, score_scale)
    return _page(payload, dialect, page_size, score_scale)


async def list_events(
    request: RequestFn,
    dialect: Dialect,
    since: datetime,
    until: datetime | None,
    *,
    limit: int,
    page_size: int,
    score_scale: int | None = None,
) -> list[Recognition]:
    """Recognitions with `since < timestamp <= until`, oldest first, the newest `limit`."""
    if since.tzinfo is None or (until is not None and until.tzinfo is None):
        raise ValueError("since and until must be timezone-aware")
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    if limit < 1:
        return []
    query: dict[str, Any] = {
        "page_size": page_size,
        "since": since,
        "until": until,
        "score_scale": score_scale,
    }
    first = await _fetch(request, dialect, 0, **query)
    # From the page size asked for, never from the one the box says it served.
    max_pages = math.ceil(limit / page_size) + _EXTRA_PAGES
    pages = 1
    oldest_first = len(first.raw_ms) > 1 and first.raw_ms[0] < first.raw_ms[-1]
    if oldest_first and first.total is not None and first.total > first.served:
        # Read from the last page backwards: the newest events are at the end.
        walk = _Walk(since, until, limit, pages_backwards=True, events_backwards=False)
        index = math.ceil(first.total / first.served) - 1
        passed = False
        while index > 0 and pages < max_pages and walk.kept < limit and not passed:
            _, passed = walk.take(await _fetch(request, dialect, index, **query))
            pages += 1
            index -= 1
        if index == 0 and walk.kept < limit and not passed:
            walk.take(first)
    else:
        walk = _Walk(
            since, until, limit, pages_backwards=not oldest_first, events_backwards=not oldest_first
        )
        page, index = first, 0
        while True:
            fresh, passed = walk.take(page)
            last = page.total is not None and (index + 1) * page.served >= page.total
            if last or not fresh or page.count < page.served or pages >= max_pages:
                break
            if not oldest_first and (passed or walk.kept >= limit):
                break
            index += 1
            page = await _fetch(request, dialect, index, **query)
            pages += 1
    return walk.found


class _Walk:
    """What a walk through the history pages kept, page by page: the newest `limit` at most.

    `pages_backwards`: each page fetched holds older events than the ones before it;
    `events_backwards`: a page lists its events newest first.
    """

    def __init__(
        self,
        since: datetime,
        until: datetime | None,
        limit: int,
        *,
        pages_backwards: bool,
        events_backwards: bool,
    ) -> None:
        self._since = since
        self._until = until
        self._limit = limit
        self._pages_backwards = pages_backwards
        self._events_backwards = events_backwards
        self._seen: set[object] = set()
        self.found: list[Recognition] = []
        """The kept events, oldest first (a stable sort: those of one millisecond keep the
        box's order)."""

    @property
    def kept(self) -> int:
        """How many events are kept."""
        return len(self.found)

    def take(self, page: _Page) -> tuple[int, bool]:
        """Keep the page's events in range, then only the newest `limit` of all kept.

        Returns how many events were new to the walk (kept or not), and whether one of them
        was at or before `since`.
        """
        fresh, passed, kept = 0, False, []
        for rec in page.recognitions:
            key = rec.event_id or (rec.timestamp_ms, rec.device_id, rec.identity_id)
            if key in self._seen:
                continue
            self._seen.add(key)
            fresh += 1
            if rec.timestamp <= self._since:
                passed = True
            elif self._until is None or rec.timestamp <= self._until:
                kept.append(rec)
        if self._events_backwards:
            kept.reverse()
        merged = kept + self.found if self._pages_backwards else self.found + kept
        self.found = sorted(merged, key=lambda rec: rec.timestamp_ms)[-self._limit :]
        if len(self._seen) > 4 * (self._limit + len(page.recognitions)):
            # Only the kept events' keys are still needed to tell a repeated page.
            self._seen = {
                rec.event_id or (rec.timestamp_ms, rec.device_id, rec.identity_id)
                for rec in self.found
            }
        return fresh, passed


def event_image_request(
    dialect: Dialect, image_id: str, timestamp: datetime | str
) -> tuple[str, dict[str, str]]:
    """Path and query of an event image: the event's time goes with the id.

    The time value as the box gave it (text) goes unchanged (the pages' example passes the
    event's `timestamp`, `1607062639.7013178`); a datetime, in seconds.
    """
    if isinstance(timestamp, str):
        seconds = timestamp
    else:
        seconds = f"{timestamp.timestamp():.6f}".rstrip("0").rstrip(".")
    if dialect is Dialect.V5:
        return V5_EVENT_IMAGES_PATH + quote(image_id, safe=""), {"datetime": seconds}
    return V6_SPOT_IMAGE_PATH + quote(image_id, safe=""), {"timestamp": seconds}
