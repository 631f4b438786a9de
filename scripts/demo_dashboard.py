"""The demo's dashboard: the live recognitions card, the cameras' last faces and door locks, the
people followed, and the box (with its pass mode).

`dashboard_config` is the one place that says what the dashboard shows; `scripts/demo_ready.py`
saves its result as the "SE5 demo" dashboard (/se5-demo, opened first) when it adds the box. A card
that ships with the integration (for example the live recognitions card) is added here, next to
the per-camera cards.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CameraEntities:
    """A camera, gate or reader of the box and its entities (by translation key)."""

    name: str
    entities: dict[str, str] = field(default_factory=dict)


@dataclass
class BoxEntities:
    """The box device and its entities (by translation key), its cameras and its people."""

    name: str
    entities: dict[str, str] = field(default_factory=dict)
    cameras: list[CameraEntities] = field(default_factory=list)
    people: list[CameraEntities] = field(default_factory=list)
    """Followed people (a device each, entities `photo`, `sightings`, ...)."""


# Under each face: the score of the last recognition and the door lock, when the device has one
# (a V5 box's gate with a relay: pressing it pulses the relay, which the simulator prints).
CAMERA_ROWS = ("last_score", "door")
# The box's own rows: the stream, the pass mode, the register and its health.
BOX_ROWS = (
    "event_stream",
    "pass_mode",
    "registered_people",
    "core_temperature",
    "disk_usage",
    "boot_time",
    "recognitions",
)


def recognitions_card() -> dict[str, object]:
    """The integration's own live card: recent recognitions with their faces.

    Without the registered photo: the demo's box is added with the face crop only (the
    config flow's default), so that column would stay empty.
    """
    return {"type": "custom:se5-recognitions-card", "limit": 8}


def camera_card(camera: CameraEntities) -> dict[str, object]:
    """The last face of one camera, its score and its door lock (unlock from the row).

    The picture is the camera's still image, which the frontend fetches again every 10 s.
    (A "live" view would update at once, but Home Assistant ends a camera's MJPEG stream when
    the camera has no image yet, so a card opened before its camera's first recognition would
    stay empty until the page is reloaded.) The live card above shows each face at once.
    """
    cards: list[dict[str, object]] = []
    if face := camera.entities.get("last_face"):
        cards.append(
            {
                "type": "picture-entity",
                "entity": face,
                "name": camera.name,
                "camera_view": "auto",
                "show_state": False,
                "show_name": True,
            }
        )
    rows = [camera.entities[key] for key in CAMERA_ROWS if key in camera.entities]
    if rows:
        cards.append({"type": "entities", "entities": rows, "state_color": False})
    return {"type": "vertical-stack", "cards": cards}


PEOPLE_ROW = (
    "| <img src=\"{{{{ state_attr('{photo}', 'entity_picture') }}}}\" width=\"40\"> "
    "| {name} "
    "| {{% set seen = state_attr('{sightings}', 'last_seen') %}}"
    "{{% if seen %}}{{{{ relative_time(as_datetime(seen)) }}}} ago, "
    "{{{{ state_attr('{sightings}', 'last_seen_at') }}}}{{% else %}}not yet{{% endif %}} |"
)


def people_cards(people: list[CameraEntities]) -> list[dict[str, object]]:
    """The followed people: photo, full name, and when and where each was last seen.

    One Markdown table (a template, rendered by Home Assistant): the Sightings sensor carries
    when and where as attributes, and a table keeps every name whole, where a glance card cuts
    them and shows the photo entity's own state (when it was fetched).
    """
    rows = [
        PEOPLE_ROW.format(photo=p.entities["photo"], sightings=p.entities["sightings"], name=p.name)
        for p in people
        if "photo" in p.entities and "sightings" in p.entities
    ]
    if not rows:
        return []
    table = "\n".join(["| | Who | Last seen |", "| --- | --- | --- |", *rows])
    return [{"type": "markdown", "title": "People", "content": table}]


def box_card(box: BoxEntities) -> dict[str, object]:
    """The box: its event stream, its register and its health."""
    rows = [box.entities[key] for key in BOX_ROWS if key in box.entities]
    return {"type": "entities", "title": box.name, "entities": rows}


def dashboard_config(box: BoxEntities) -> dict[str, object]:
    """The Lovelace configuration of the demo's dashboard."""
    cards = [
        recognitions_card(),
        *(camera_card(camera) for camera in box.cameras),
        *people_cards(box.people),
        box_card(box),
    ]
    return {
        "title": "SE5 demo",
        "views": [
            {
                # The header shows the view's title (its only view): the same on both lines,
                # where 2025.4's sidebar says "Overview" (see demo_ready.save_dashboard).
                "title": "SE5 demo",
                "path": "faces",
                "icon": "mdi:face-recognition",
                "cards": cards,
            }
        ],
    }
