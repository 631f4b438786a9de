"""A registered person as the box writes them: a V5 users entry, a V6 identity."""

from __future__ import annotations

from typing import Any

from .images import b64
from .model import SimPerson


def person_entry(person: SimPerson) -> dict[str, Any]:
    """An entry of the V5 ``identities_list``."""
    photo = person.photo_jpeg
    info: dict[str, Any] = {
        "name": person.name,
        "type": person.type_number,
        "user_id": person.user_id,
        "image_id": person.image_id,
        "permission_ids": list(person.permission_ids),
    }
    if person.ext_info:
        info["ext_info"] = dict(person.ext_info)
    return {
        "identity_id": person.identity_id,
        "group_name": [person.group_name],
        "info": info,
        "reg_photo": b64(photo) if photo else "",
    }


def identity_entry(person: SimPerson) -> dict[str, Any]:
    """A V6 identity (``getidentities`` entry, ``getidentity`` answer)."""
    return {
        "identity_id": person.identity_id,
        "identity_name": person.name,
        "user_type": person.person_type,
        "permission_ids": list(person.permission_ids),
        "ext_user_info": dict(person.ext_info),
        "face_ids": [person.face_id],
        "register_image_ids": [person.image_id] if person.image_id else [],
    }
