"""The event history over REST: V5 and V6 queries and event images, in the box's shapes.

V5: ``GET /SophonFace/api/events`` and ``GET /SophonFace/api/event_images/<id>?datetime=``.
V6: ``POST /sophon/v2/face/getevents`` and ``GET /sophon/v2/face/getspotimage/<id>?timestamp=``.
Both read their filters into one :class:`~se5sim.history.HistoryQuery`.
"""

from __future__ import annotations

import math
from typing import Any, Final

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
from .history import History, HistoryQuery, HistoryRecord
from .model import PERSON_TYPE_NUMBERS

V5_EVENTS_PATH: Final = "/SophonFace/api/events"
V5_EVENT_IMAGES_PREFIX: Final = "/SophonFace/api/event_images/"
V6_EVENTS_PATH: Final = "/sophon/v2/face/getevents"
V6_SPOT_IMAGE_PREFIX: Final = "/sophon/v2/face/getspotimage/"


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
        "mask": attr.get("mask"),
        "point": [],
    }


class HistoryApi:
    """Handlers of the history calls of the history's dialect."""

    def __init__(self, history: History) -> None:
        self._history = history

    def routes(self) -> Routes:
        """Exact paths served."""
        if self._history.dialect == "v5":
            return {V5_EVENTS_PATH: {"GET": self._v5_events}}
        return {V6_EVENTS_PATH: {"POST": self._v6_events}}

    def prefixes(self) -> Routes:
        """Paths that end in an image id."""
        if self._history.dialect == "v5":
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
        ordered = self._history.select(
            HistoryQuery(
                gte=gte,
                lte=lte,
                score_min=score_min,
                score_max=score_max,
                device_ids=frozenset(streams),
                identity_id=query.get("identity_id"),
                name=query.get("name"),
            )
        )
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
                    "ep_id": f"{self._history.box_id}__{sent.device_ip}",
                    "ep_ip": sent.device_ip,
                    "ep_name": record.device_name,
                    "ep_type": record.device_kind,
                },
                "frame_id": 0,
                "group_id": "",
                "group_name": "" if stranger else sent.group_name,
                "identity_id": record.identity_id,
                "identity_info": {} if stranger else dict(sent.identity_info or {}),
                "identity_name": record.identity_name,
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
            gte = self._history.v6_seconds(gte)
        if lte is not None:
            lte = self._history.v6_seconds(lte)
        try:
            devices = _id_list(filters.get("media_device_ids") or [])
        except ValueError:
            return v6_error(400, "INVALID_ARGUMENTS", "media_device_ids")
        name = filters.get("identity_name")
        ordered = self._history.select(
            HistoryQuery(
                gte=gte,
                lte=lte,
                score_min=score_min,
                score_max=score_max,
                device_ids=frozenset(devices),
                person_type=str(filters.get("user_type") or "").lower(),
                identity_id=filters.get("identity_id"),
                name=str(name) if name else None,
            )
        )
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
            "identity_id": record.identity_id,
            "identity_name": record.identity_name,
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
        data = self._history.image(request.path.removeprefix(V5_EVENT_IMAGES_PREFIX), seconds)
        if data is None:
            return v5_not_found("no such event image")
        return jpeg(data)

    async def _v6_image(self, request: web.Request) -> web.Response:
        seconds = _number(request.query.get("timestamp"))
        if not isinstance(seconds, float):
            return v6_error(400, "MISSING_ARGUMENTS", "timestamp")
        data = self._history.image(request.path.removeprefix(V6_SPOT_IMAGE_PREFIX), seconds)
        if data is None:
            return v6_error(404, "ID_NOT_FOUND", "no such event image")
        return jpeg(data)


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
