"""The box's event history: every recognition, kept with its images, queried over REST.

V5: ``GET /SophonFace/api/events`` and ``GET /SophonFace/api/event_images/<id>?datetime=``.
V6: ``POST /sophon/v2/face/getevents`` and ``GET /sophon/v2/face/getspotimage/<id>?timestamp=``.
Pages list the newest event first (``order="newest"``, a guess: the docs do not say), or the
oldest first (``order="oldest"``), so that clients can be tested against both.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
import math
from typing import Any, Final, Literal

from aiohttp import web

from .envelopes import (
    MAX_PAGE,
    Routes,
    jpeg,
    json_response,
    v5_bad_request,
    v5_int,
    v5_not_found,
    v6_body,
    v6_error,
    v6_paging,
)
from .frames import loads
from .model import PERSON_TYPE_NUMBERS, Dialect, SentRecognition, SimDevice

type HistoryOrder = Literal["newest", "oldest"]
type FilterUnit = Literal["auto", "s", "ms"]

HISTORY_ORDERS: Final[tuple[HistoryOrder, ...]] = ("newest", "oldest")
FILTER_UNITS: Final[tuple[FilterUnit, ...]] = ("auto", "s", "ms")
V5_EVENTS_PATH: Final = "/SophonFace/api/events"
V5_EVENT_IMAGES_PREFIX: Final = "/SophonFace/api/event_images/"
V6_EVENTS_PATH: Final = "/sophon/v2/face/getevents"
V6_SPOT_IMAGE_PREFIX: Final = "/sophon/v2/face/getspotimage/"
#: How far the ``datetime``/``timestamp`` of an image request may be from the event's.
IMAGE_TIME_SLACK: Final = 1.0


@dataclass(frozen=True, slots=True)
class HistoryRecord:
    """One recognition as the history keeps it."""

    sent: SentRecognition
    seq: int
    device_wire_id: str | int
    device_name: str
    device_kind: str
    permission_id: str
    face_attr: dict[str, Any] = field(repr=False)
    face_image_id: str
    scene_image_id: str
    """Equal to ``face_image_id`` when there is no scene photo (V6, as in the docs' example)."""
    registered_image_id: str

    @property
    def seconds(self) -> float:
        """The event time as the history writes it: float epoch seconds."""
        return self.sent.timestamp_ms / 1000


def _age_band(age: object) -> str | None:
    if not isinstance(age, int):
        return None
    for limit, band in ((13, "child"), (18, "juvenile"), (40, "youth"), (60, "middle-aged")):
        if age < limit:
            return band
    return "aged"


def _attributes(record: HistoryRecord) -> dict[str, Any]:
    attr = record.face_attr
    glasses = attr.get("glasses")
    return {
        "age": _age_band(attr.get("age")),
        "box": [48.0, 15.0, 171.8, 189.5],
        "gender": attr.get("gender"),
        "glasses": None if glasses is None else ("yes" if glasses else "no"),
        "hat": None,
        "mask": None,
        "point": [],
    }


class History:
    """A bounded store of recognitions (the oldest go first) and the calls that read it."""

    def __init__(
        self,
        dialect: Dialect,
        *,
        size: int = 10_000,
        order: HistoryOrder = "newest",
        filter_unit: FilterUnit = "auto",
        box_id: str = "",
    ) -> None:
        if size < 1:
            raise ValueError("history_size must be >= 1")
        if order not in HISTORY_ORDERS:
            raise ValueError(f"history_order must be one of {HISTORY_ORDERS}, not {order!r}")
        if filter_unit not in FILTER_UNITS:
            raise ValueError(f"filter_unit must be one of {FILTER_UNITS}, not {filter_unit!r}")
        self._dialect = dialect
        self._size = size
        self._order = order
        self._filter_unit = filter_unit
        self._box_id = box_id
        self._records: deque[HistoryRecord] = deque()
        self._images: dict[str, tuple[HistoryRecord, bool]] = {}
        """image id -> (record, True for the face crop / False for the scene)."""
        self._seq = 0

    @property
    def records(self) -> list[HistoryRecord]:
        """What the history holds, oldest recorded first."""
        return list(self._records)

    def record(
        self,
        sent: SentRecognition,
        device: SimDevice,
        *,
        face_attr: dict[str, Any],
        registered_image_id: str,
    ) -> HistoryRecord:
        """Keep one recognition; the oldest is dropped when the store is full."""
        self._seq += 2
        # The documented ids read as the event's seconds with more digits (V5
        # "1607062639.7370062", V6 "001628066406.650539"). The whole sequence number goes in
        # (at least 4 or 3 digits, more later), so that no two images share an id.
        stamp = f"{sent.timestamp_ms / 1000:.3f}"
        if self._dialect == "v5":
            face_id = f"{stamp}{self._seq:04d}"
            scene_id = f"{stamp}{self._seq + 1:04d}"
        else:
            face_id = scene_id = f"00{stamp}{self._seq:03d}"
        record = HistoryRecord(
            sent=sent,
            seq=self._seq,
            device_wire_id=device.wire_id,
            device_name=device.name,
            device_kind=device.kind if self._dialect == "v5" else device.v6_type,
            permission_id=device.permission_id,
            face_attr=dict(face_attr),
            face_image_id=face_id,
            scene_image_id=scene_id if sent.scene_jpeg is not None else face_id,
            registered_image_id=registered_image_id,
        )
        if len(self._records) >= self._size:
            dropped = self._records.popleft()
            self._images.pop(dropped.face_image_id, None)
            self._images.pop(dropped.scene_image_id, None)
        self._records.append(record)
        self._images[record.face_image_id] = (record, True)
        if record.scene_image_id != record.face_image_id:
            self._images[record.scene_image_id] = (record, False)
        return record

    def image(self, image_id: str, seconds: float) -> bytes | None:
        """The face crop or scene photo with this id, if the time matches its event."""
        found = self._images.get(image_id)
        if found is None:
            return None
        record, is_face = found
        if abs(record.seconds - seconds) > IMAGE_TIME_SLACK:
            return None
        return record.sent.face_jpeg if is_face else record.sent.scene_jpeg

    def _ordered(self, records: list[HistoryRecord]) -> list[HistoryRecord]:
        newest = self._order == "newest"
        return sorted(records, key=lambda r: (r.sent.timestamp_ms, r.seq), reverse=newest)

    def _seconds(self, value: float) -> float:
        """A V6 time filter in seconds, read in the configured unit."""
        if self._filter_unit == "ms" or (self._filter_unit == "auto" and value >= 1e11):
            return value / 1000
        return value

    # ------------------------------------------------------------------ REST

    def routes(self) -> Routes:
        """Exact paths served."""
        if self._dialect == "v5":
            return {V5_EVENTS_PATH: {"GET": self._v5_events}}
        return {V6_EVENTS_PATH: {"POST": self._v6_events}}

    def prefixes(self) -> Routes:
        """Paths that end in an image id."""
        if self._dialect == "v5":
            return {V5_EVENT_IMAGES_PREFIX: {"GET": self._v5_image}}
        return {V6_SPOT_IMAGE_PREFIX: {"GET": self._v6_image}}

    async def _v5_events(self, request: web.Request) -> web.Response:
        query = request.query
        per_page = v5_int(query, "per_page", 10, low=1)
        if isinstance(per_page, web.Response):
            return per_page
        page = v5_int(query, "page", 0)
        if isinstance(page, web.Response):
            return page
        per_page = min(per_page, MAX_PAGE)
        bounds: list[float | None] = []
        for key in ("datetime_gte", "datetime_lte", "score_min", "score_max"):
            value = _number(query.get(key))
            if value is not None and not isinstance(value, float):
                return v5_bad_request(f"{key} must be a number")
            bounds.append(value)
        gte, lte, score_min, score_max = bounds
        try:
            streams = _id_list(query.getall("streams", []))
        except ValueError:
            return v5_bad_request("streams must be a JSON list of device ids")
        identity_id = query.get("identity_id")
        name = query.get("name")
        selected = [
            r
            for r in self._records
            if (gte is None or r.seconds >= gte)
            and (lte is None or r.seconds <= lte)
            and (score_min is None or r.sent.score >= score_min)
            and (score_max is None or r.sent.score <= score_max)
            and (not streams or r.sent.device_id in streams)
            and (not identity_id or _identity_id(r) == identity_id)
            and (not name or name in _identity_name(r))
        ]
        ordered = self._ordered(selected)
        return json_response(
            {
                "data": [
                    self._v5_event(r) for r in ordered[page * per_page : (page + 1) * per_page]
                ],
                "pagination": {
                    "num_pages": math.ceil(len(ordered) / per_page),
                    "page": page,
                    "per_page": per_page,
                    "total_count": len(ordered),
                },
            }
        )

    def _v5_event(self, record: HistoryRecord) -> dict[str, Any]:
        sent = record.sent
        stranger = sent.person_type == "stranger"
        return {
            "_id": sent.event_id,
            "common": {
                "card_id": "",
                "ep_info": {
                    "device_id": record.device_wire_id,
                    "ep_id": f"{self._box_id}__{sent.device_ip}",
                    "ep_ip": sent.device_ip,
                    "ep_name": record.device_name,
                    "ep_type": record.device_kind,
                },
                "frame_id": 0,
                "group_id": "",
                "group_name": "" if stranger else sent.group_name,
                "identity_id": _identity_id(record),
                "identity_info": {} if stranger else dict(sent.identity_info or {}),
                "identity_name": _identity_name(record),
                "is_send": 0,
                "permission_id": record.permission_id,
                "permission_name": "",
                "person_type": PERSON_TYPE_NUMBERS[sent.person_type],
                "recognize_face_attr": _attributes(record),
                "recognize_face_pic_id": record.face_image_id,
                "score": sent.score,
                "spot_pic_id": record.scene_image_id,
                "want_action": "0",
            },
            "gate_data": {},
            "grab_data": {},
            "timestamp": record.seconds,
            "video_data": {},
        }

    async def _v6_events(self, request: web.Request) -> web.Response:
        body = await v6_body(request)
        if isinstance(body, web.Response):
            return body
        paging = v6_paging(body)
        if isinstance(paging, web.Response):
            return paging
        limit, index = paging
        filters = body.get("filters") or {}
        if not isinstance(filters, dict):
            return v6_error(400, "INVALID_ARGUMENTS", "filters must be an object")
        bounds: list[float | None] = []
        for key in ("datetime_gte", "datetime_lte", "score_min", "score_max"):
            value = filters.get(key)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                return v6_error(400, "INVALID_ARGUMENTS", key)
            bounds.append(None if value is None else float(value))
        gte, lte, score_min, score_max = bounds
        if gte is not None:
            gte = self._seconds(gte)
        if lte is not None:
            lte = self._seconds(lte)
        try:
            devices = _id_list(filters.get("media_device_ids") or [])
        except ValueError:
            return v6_error(400, "INVALID_ARGUMENTS", "media_device_ids")
        user_type = str(filters.get("user_type") or "").lower()
        identity_id = filters.get("identity_id")
        name = filters.get("identity_name")
        selected = [
            r
            for r in self._records
            if (gte is None or r.seconds >= gte)
            and (lte is None or r.seconds <= lte)
            and (score_min is None or r.sent.score >= score_min)
            and (score_max is None or r.sent.score <= score_max)
            and (not devices or r.sent.device_id in devices)
            and (not user_type or r.sent.person_type == user_type)
            and (not identity_id or _identity_id(r) == identity_id)
            and (not name or str(name) in _identity_name(r))
        ]
        ordered = self._ordered(selected)
        return json_response(
            {
                "events": [self._v6_event(r) for r in ordered[index * limit : (index + 1) * limit]],
                "pagination": {
                    "page_index": index,
                    "page_limit": limit,
                    "total_count": len(ordered),
                },
            }
        )

    def _v6_event(self, record: HistoryRecord) -> dict[str, Any]:
        sent = record.sent
        return {
            "event_id": sent.event_id,
            "ext_data": {"in_timestamp": record.seconds, "recognition_timestamp": record.seconds},
            "frame_id": 0,
            "identity_id": _identity_id(record),
            "identity_name": _identity_name(record),
            "media_device_info": {
                "media_device_id": record.device_wire_id,
                "media_device_ip": sent.device_ip,
                "media_device_name": record.device_name,
                "media_device_type": record.device_kind,
            },
            "permission_id": record.permission_id,
            "permission_name": "",
            "post_action": "0",
            "recognize_face_attr": _attributes(record),
            "recognize_face_image_id": record.face_image_id,
            "register_image_id": record.registered_image_id,
            "score": sent.score,
            "spot_image_id": record.scene_image_id,
            "timestamp": record.seconds,
            "user_type": sent.person_type,
        }

    async def _v5_image(self, request: web.Request) -> web.Response:
        seconds = _number(request.query.get("datetime"))
        if not isinstance(seconds, float):
            return v5_bad_request("datetime (the event's timestamp) is required")
        data = self.image(request.path.removeprefix(V5_EVENT_IMAGES_PREFIX), seconds)
        if data is None:
            return v5_not_found("no such event image")
        return jpeg(data)

    async def _v6_image(self, request: web.Request) -> web.Response:
        seconds = _number(request.query.get("timestamp"))
        if not isinstance(seconds, float):
            return v6_error(400, "MISSING_ARGUMENTS", "timestamp")
        data = self.image(request.path.removeprefix(V6_SPOT_IMAGE_PREFIX), seconds)
        if data is None:
            return v6_error(404, "ID_NOT_FOUND", "no such event image")
        return jpeg(data)


def _identity_id(record: HistoryRecord) -> str:
    """Strangers have no identity in the history (``""``), unlike in live frames."""
    return "" if record.sent.person_type == "stranger" else record.sent.identity_id


def _identity_name(record: HistoryRecord) -> str:
    return "" if record.sent.person_type == "stranger" else record.sent.identity_name


def _number(text: str | None) -> float | str | None:
    """A query number as a float; the text itself when it is not one; None when absent."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


def _id_list(values: Any) -> set[str]:
    """Device ids from a list, JSON list text, or comma-separated text; ValueError if broken."""
    ids: set[str] = set()
    items = values if isinstance(values, list) else [values]
    for item in items:
        if isinstance(item, str) and item.startswith("["):
            ids |= _id_list(loads(item))
        elif isinstance(item, str):
            ids |= {part.strip() for part in item.split(",") if part.strip()}
        elif isinstance(item, int) and not isinstance(item, bool):
            ids.add(str(item))
    return ids
