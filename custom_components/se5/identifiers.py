"""Device identifiers and entity unique ids: one unambiguous form for each thing.

Every id is scoped by the box's own identity (`box_uid`: its serial number, or its MAC when
the box does not tell its serial), so that two boxes never collide, whatever ids their devices
have. Ids are joined with `_`; an `_` (or `%`) inside the box's, a device's or a person's id is
escaped (`%5F`, `%25`), and every segment after the box says what it is:
- the box: `<box>`; its entities: `<box>_<key>`;
- a camera, gate or reader: `<box>_device_<device id>`; its entities: `..._<key>`;
- a followed person: `<box>_person_<identity id>`; their entities: `..._<key>`.

So a device whose id is `person_7` is never taken for the person `7`, nor a device named like
one of the box's entity keys for that entity. Keys are the integration's own and never start
with `device_` or `person_`. (Version 2.1 entries joined raw ids: `migration.py` rewrites them.)
"""

from __future__ import annotations

from .const import DOMAIN

DEVICE = "device"
PERSON = "person"


def escape(value: str) -> str:
    """`value` without a raw `_`: `%` as `%25`, then `_` as `%5F`."""
    return value.replace("%", "%25").replace("_", "%5F")


def unescape(value: str) -> str:
    """The id `escape` was given."""
    return value.replace("%5F", "_").replace("%25", "%")


def device_prefix(box_uid: str) -> str:
    """What every identifier and unique id of the box's cameras, gates and readers starts with."""
    return f"{escape(box_uid)}_{DEVICE}_"


def device_id_from_unique_id(box_uid: str, unique_id: str, key: str) -> str | None:
    """The box's device id in a device entity's unique id of `key`; None when it is not one."""
    prefix, suffix = device_prefix(box_uid), f"_{key}"
    if not unique_id.startswith(prefix) or not unique_id.endswith(suffix):
        return None
    return unescape(unique_id[len(prefix) : -len(suffix)])


def box_identifier(box_uid: str) -> tuple[str, str]:
    """The box's identifier."""
    return (DOMAIN, escape(box_uid))


def device_identifier(box_uid: str, device_id: str) -> tuple[str, str]:
    """A camera's, gate's or reader's identifier."""
    return (DOMAIN, f"{device_prefix(box_uid)}{escape(device_id)}")


def person_identifier(box_uid: str, identity_id: str) -> tuple[str, str]:
    """A followed person's identifier."""
    return (DOMAIN, f"{escape(box_uid)}_{PERSON}_{escape(identity_id)}")


def box_unique_id(box_uid: str, key: str) -> str:
    """The unique id of one of the box's own entities."""
    return f"{escape(box_uid)}_{key}"


def device_unique_id(box_uid: str, device_id: str, key: str) -> str:
    """The unique id of an entity of a camera, gate or reader."""
    return f"{device_identifier(box_uid, device_id)[1]}_{key}"


def person_unique_id(box_uid: str, identity_id: str, key: str) -> str:
    """The unique id of an entity of a followed person."""
    return f"{person_identifier(box_uid, identity_id)[1]}_{key}"
