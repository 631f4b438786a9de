"""The box's event history: every recognition, kept with its images, and how it is searched.

The calls that read it over REST (V5 and V6) are in :mod:`se5sim.history_api`. Searches list the
newest event first (``order="newest"``, a guess: the docs do not say), or the oldest first
(``order="oldest"``), so that clients can be tested against both.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from .model import Dialect, SentRecognition, SimDevice

type HistoryOrder = Literal["newest", "oldest"]
type FilterUnit = Literal["auto", "s", "ms"]

HISTORY_ORDERS: Final[tuple[HistoryOrder, ...]] = ("newest", "oldest")
FILTER_UNITS: Final[tuple[FilterUnit, ...]] = ("auto", "s", "ms")
#: How far the ``datetime``/``timestamp`` of an image request may be from the event's when
#: lenient; strict asks for the event's own ``timestamp`` value, as the image pages say.
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

    @property
    def identity_id(self) -> str:
        """Strangers have no identity in the history (``""``), unlike in live frames."""
        return "" if self.sent.person_type == "stranger" else self.sent.identity_id

    @property
    def identity_name(self) -> str:
        """The name as the history writes it (``""`` for strangers)."""
        return "" if self.sent.person_type == "stranger" else self.sent.identity_name


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    """What a search asks for, read from either dialect's call; None or empty: any."""

    gte: float | None = None
    """Earliest event time, epoch seconds."""
    lte: float | None = None
    """Latest event time, epoch seconds."""
    score_min: float | None = None
    score_max: float | None = None
    device_ids: frozenset[str] = frozenset()
    person_type: str = ""
    identity_id: object = None
    """As sent: only the same text matches."""
    name: str | None = None
    """Part of the name."""

    def matches(self, record: HistoryRecord) -> bool:
        """Whether the record is one the search asks for."""
        sent = record.sent
        return (
            (self.gte is None or record.seconds >= self.gte)
            and (self.lte is None or record.seconds <= self.lte)
            and (self.score_min is None or sent.score >= self.score_min)
            and (self.score_max is None or sent.score <= self.score_max)
            and (not self.device_ids or sent.device_id in self.device_ids)
            and (not self.person_type or sent.person_type == self.person_type)
            and (not self.identity_id or record.identity_id == self.identity_id)
            and (not self.name or self.name in record.identity_name)
        )


class History:
    """A bounded store of recognitions (the oldest go first), searched by :meth:`select`."""

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
        self.strict = True
        """An image is found only with its event's exact time value (else within a second)."""

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
        if abs(record.seconds - seconds) > (0.0 if self.strict else IMAGE_TIME_SLACK):
            return None
        return record.sent.face_jpeg if is_face else record.sent.scene_jpeg

    @property
    def dialect(self) -> Dialect:
        """The firmware dialect whose ids and calls the history has."""
        return self._dialect

    @property
    def box_id(self) -> str:
        """The box part of a V5 event's ``ep_id``."""
        return self._box_id

    def select(self, query: HistoryQuery) -> list[HistoryRecord]:
        """The records the query asks for, in the history's order."""
        selected = [record for record in self._records if query.matches(record)]
        newest = self._order == "newest"
        return sorted(selected, key=lambda r: (r.sent.timestamp_ms, r.seq), reverse=newest)

    def v6_seconds(self, value: float) -> float:
        """A V6 time filter in seconds, read in the configured unit."""
        if self._filter_unit == "ms" or (self._filter_unit == "auto" and value >= 1e11):
            return value / 1000
        return value
