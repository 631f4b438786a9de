"""The demo's dashboard: the box's cameras with their last faces and people.

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
    """The box device and its entities (by translation key)."""

    name: str
    entities: dict[str, str] = field(default_factory=dict)
    cameras: list[CameraEntities] = field(default_factory=list)


# The last-recognition sensors shown under each face, in this order.
PERSON_SENSORS = ("last_person", "last_person_type", "last_score", "last_recognition")


def camera_card(camera: CameraEntities) -> dict[str, object]:
    """The last face of one camera and who it was.

    The picture is the camera's still image, which the frontend fetches again every 10 s.
    (A "live" view would update at once, but Home Assistant ends a camera's MJPEG stream when
    the camera has no image yet, so a card opened before its camera's first recognition would
    stay empty until the page is reloaded.)
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
    rows = [camera.entities[key] for key in PERSON_SENSORS if key in camera.entities]
    if rows:
        cards.append({"type": "entities", "entities": rows, "state_color": False})
    return {"type": "vertical-stack", "cards": cards}


def box_card(box: BoxEntities) -> dict[str, object]:
    """The box: its event stream and the recognitions received."""
    rows = [box.entities[key] for key in ("event_stream", "recognitions") if key in box.entities]
    return {"type": "entities", "title": box.name, "entities": rows}


def dashboard_config(box: BoxEntities) -> dict[str, object]:
    """The Lovelace configuration of the demo's dashboard."""
    cards = [box_card(box), *(camera_card(camera) for camera in box.cameras)]
    return {
        "title": "SE5 demo",
        "views": [
            {
                "title": "Faces",
                "path": "faces",
                "icon": "mdi:face-recognition",
                "cards": cards,
            }
        ],
    }
