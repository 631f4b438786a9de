"""Registering, changing and removing people on the box (V5 users, V6 identities).

Every call that changes the register goes through `write` (`Se5Client._write`): sent once, on a
connection of its own, never re-sent. The reading of a record before it is changed goes through
`request` (it changes nothing), as does the photo check (`photo_check`).

Decisions where the docs leave a choice:
- V5 requires an identity id to create someone (V6 makes one): the client makes one, `ha-` and
  twelve hex digits, unless the caller gives one.
- A person is registered in the face library `default_group` (V5) and bound to no permission
  group: the box recognises them by name; which gates open for them on the box's own is the
  box's permission groups' business (its web page), not Home Assistant's.
- A visitor's validity goes into the informational fields (V5 `ext_info.startTime/endTime`,
  V6 `ext_user_info.start_time/end_time`) as `YYYY-MM-DD HH:MM:SS` local time: the box shows
  them and enforces nothing (Home Assistant removes the visitor when the time is up).
- An update reads the record first and sends it back whole with the changes: V6
  `updateidentity` overwrites every field, V5 `PUT users` may unbind a person whose
  `info.permission_ids` is left out. A new photo replaces the first registered one (V6
  `replaceface` naming the record's first `face_id`, as the page's example does, else its first
  `register_image_id`; `addface` when there is none; V5 `reg_photo` in the same `PUT`, and the
  record's `info.image_id`, the box's id of the old photo, not sent back with it).
- Photos go as the pages' examples send them: V6 `register_image` as `data:image/jpg;base64,`
  (the three pages' spelling), V5 `reg_photo` as plain base64 (the registration flow page).
- V5 `POST users` answers with the photo (`data.reg_photo`, mandatory in its table): that
  answer, and the record read before a V5 change, are read up to `PHOTO_ANSWER_BYTES`.
- The box's refusals become `Se5NoFaceError`, `Se5LowQualityError`, `Se5DuplicateError`,
  `Se5NotRegisteredError` or, for any other, `Se5RefusedError`, each with the box's code and
  message. V5 documents no codes: an answer saying "already exist" is a duplicate, a
  not-found one an unknown person; V6 `deleteidentities` gives no reason for an id in
  `failed_identity_ids`: an unknown person.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
import secrets
from typing import Any, Final

from . import values
from .errors import (
    Se5ApiError,
    Se5DuplicateError,
    Se5LowQualityError,
    Se5NoFaceError,
    Se5NotABoxError,
    Se5NotRegisteredError,
    Se5RefusedError,
)
from .fetch import (
    ERROR_BODY_BYTES,
    JPEG_MAGIC,
    PNG_MAGIC,
    CappedRequestFn,
    NotFoundError,
    RequestFn,
)
from .models import Dialect, PersonType
from .parse import NAME_MAX, TEXT_MAX, cap_text

V5_USERS_PATH: Final = "/SophonFogSys/api/users"
V6_CREATE_PATH: Final = "/sophon/v2/face/createidentity"
V6_UPDATE_PATH: Final = "/sophon/v2/face/updateidentity"
V6_DELETE_PATH: Final = "/sophon/v2/face/deleteidentities"
V6_GET_PATH: Final = "/sophon/v2/face/getidentity"
V6_REPLACE_FACE_PATH: Final = "/sophon/v2/face/replaceface"
V6_ADD_FACE_PATH: Final = "/sophon/v2/face/addface"
DEFAULT_GROUP: Final = "default_group"
MAX_PHOTO_BYTES: Final = 8 * 1024 * 1024
"""The largest photo sent to the box (its own limit is not documented)."""
PHOTO_ANSWER_BYTES: Final = ERROR_BODY_BYTES + 4 * -(-MAX_PHOTO_BYTES // 3)
"""The largest answer that carries one photo back in base64 (V5 users)."""
_TIME_FORMAT: Final = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True, slots=True)
class NewPerson:
    """Someone to register: a name, a kind, a photo (JPEG or PNG), maybe a validity."""

    name: str = field(repr=False)  # personal data: never in a log by way of a repr
    person_type: PersonType
    photo: bytes = field(repr=False)  # a face, and up to 8 MB
    identity_id: str | None = None
    """None: a new id (made by the box on V6, by the client on V5)."""
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    """Visitors: shown on the box (it enforces nothing)."""


@dataclass(frozen=True, slots=True)
class PersonChange:
    """What changes about a registered person (None: unchanged)."""

    name: str | None = field(default=None, repr=False)  # personal data, as NewPerson's
    person_type: PersonType | None = None
    photo: bytes | None = field(default=None, repr=False)
    valid_from: datetime | None = None
    valid_until: datetime | None = None


def check_photo_bytes(photo: bytes) -> None:
    """ValueError unless `photo` is a JPEG or PNG of at most `MAX_PHOTO_BYTES`."""
    if not photo.startswith((JPEG_MAGIC, PNG_MAGIC)):
        raise ValueError("the photo is not a JPEG or PNG image")
    if len(photo) > MAX_PHOTO_BYTES:
        raise ValueError(f"the photo is larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MB")


def _base64(photo: bytes) -> str:
    return base64.b64encode(photo).decode("ascii")


def data_url(photo: bytes, jpeg: str = "jpeg") -> str:
    """A data URL of the photo; `jpeg` is how a JPEG's subtype is spelt."""
    kind = "png" if photo.startswith(PNG_MAGIC) else jpeg
    return f"data:image/{kind};base64,{_base64(photo)}"


def _register_image(photo: bytes) -> str:
    """V6 `register_image`, as the pages' examples spell it (`data:image/jpg;base64,`)."""
    return data_url(photo, "jpg")


def _name(name: str) -> str:
    text = name.strip()
    if not text:
        raise ValueError("the name is empty")
    if len(text) > NAME_MAX:
        raise ValueError(f"the name is longer than {NAME_MAX} characters")
    return text


def _validity(dialect: Dialect, start: datetime | None, end: datetime | None) -> dict[str, str]:
    """The informational visitor fields of the dialect (empty without an end)."""
    if end is None:
        return {}
    keys = ("startTime", "endTime") if dialect is Dialect.V5 else ("start_time", "end_time")
    fields = {keys[1]: end.strftime(_TIME_FORMAT)}
    if start is not None:
        fields[keys[0]] = start.strftime(_TIME_FORMAT)
    return fields


def refusal(err: Se5ApiError, *, not_found: bool = False) -> Se5ApiError:
    """The distinct error of a box's refusal (`err` itself when it is no refusal we know)."""
    code, message = err.code, err.message
    word = str(code).upper()
    text = message.lower()
    if word == "NO_FACE_ERROR":
        return Se5NoFaceError(code, message)
    if word == "LOW_QUALITY_ERROR":
        failed = tuple(part.strip() for part in message.split(",") if part.strip())
        return Se5LowQualityError(code, message, failed)
    if word in ("ID_REPEAT_ERROR", "NAME_REPEAT_ERROR") or "already exist" in text:
        return Se5DuplicateError(code, message)
    if word == "ID_NOT_FOUND" or (not_found and isinstance(err, NotFoundError)):
        # V5 answers the same 40400 for a missing path and a missing person: `not_found` says
        # the path is known to exist (a call this client reads on the same box).
        return Se5NotRegisteredError(code, message)
    if isinstance(err, Se5RefusedError):
        return err
    return Se5RefusedError(code, message, err.status)


# Registering ------------------------------------------------------------------------------------


def new_identity_id() -> str:
    """An identity id for a V5 box, which needs one from the caller."""
    return f"ha-{secrets.token_hex(6)}"


async def register(write: CappedRequestFn, dialect: Dialect, person: NewPerson) -> str:
    """Register someone; their identity id (the box's own on V6)."""
    check_photo_bytes(person.photo)
    name = _name(person.name)
    validity = _validity(dialect, person.valid_from, person.valid_until)
    try:
        if dialect is Dialect.V6:
            body: dict[str, Any] = {
                "identity_id": person.identity_id or "",
                "identity_name": name,
                "user_type": person.person_type.value,
                "permission_ids": [],
                "register_image": _register_image(person.photo),
                "ext_user_info": validity,
                "force_replace": False,
            }
            payload = await write("POST", V6_CREATE_PATH, json_body=body)
            identity_id = values.text(_get(payload, "identity_id"))
        else:
            wanted = person.identity_id or new_identity_id()
            info: dict[str, Any] = {
                "name": name,
                "type": person.person_type.code,
                "user_id": wanted,
                "permission_ids": [],
            }
            if validity:
                info["ext_info"] = validity
            body = {
                "identity_id": wanted,
                "group_name": DEFAULT_GROUP,
                "reg_photo": _base64(person.photo),
                "info": info,
                "ignore_exist": False,
            }
            payload = await write(
                "POST", V5_USERS_PATH, json_body=body, max_bytes=PHOTO_ANSWER_BYTES
            )
            identity_id = values.text(_get(_get(payload, "data"), "identity_id")) or (
                wanted if isinstance(_get(payload, "data"), Mapping) else None
            )
    except Se5ApiError as err:
        raise refusal(err) from err
    if identity_id is None:
        raise Se5NotABoxError("the box answered the registration without an identity id")
    # Cut as the register's ids are (people.py), so that both name the same person.
    return cap_text(identity_id, TEXT_MAX)


# Changing ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Update:
    """An update as sent: the person, the checked name, the validity fields."""

    identity_id: str
    change: PersonChange
    name: str | None
    validity: dict[str, str]


async def update(
    request: CappedRequestFn,
    write: RequestFn,
    dialect: Dialect,
    identity_id: str,
    change: PersonChange,
) -> None:
    """Change a registered person: the record read and sent back whole with the changes."""
    if change.photo is not None:
        check_photo_bytes(change.photo)
    name = None if change.name is None else _name(change.name)
    wanted = _Update(
        identity_id, change, name, _validity(dialect, change.valid_from, change.valid_until)
    )
    try:
        if dialect is Dialect.V6:
            await _update_v6(request, write, wanted)
        else:
            await _update_v5(request, write, wanted)
    except Se5ApiError as err:
        raise refusal(err, not_found=dialect is Dialect.V5) from err


async def _update_v6(request: RequestFn, write: RequestFn, wanted: _Update) -> None:
    identity_id, change, name, validity = (
        wanted.identity_id,
        wanted.change,
        wanted.name,
        wanted.validity,
    )
    record = await request("POST", V6_GET_PATH, json_body={"identity_id": identity_id})
    if not isinstance(record, Mapping) or values.text(record.get("identity_id")) != identity_id:
        raise Se5NotRegisteredError("ID_NOT_FOUND", f"{identity_id} is not registered")
    if change.photo is not None:
        body: dict[str, Any] = {"identity_id": identity_id}
        face, photo = _first(record.get("face_ids")), _first(record.get("register_image_ids"))
        if face is not None:
            body["face_id"] = face
        elif photo is not None:
            body["register_image_id"] = photo
        path = V6_ADD_FACE_PATH if face is None and photo is None else V6_REPLACE_FACE_PATH
        body["register_image"] = _register_image(change.photo)
        await write("POST", path, json_body=body)
    if name is None and change.person_type is None and not validity:
        return
    info = record.get("ext_user_info")
    permissions = record.get("permission_ids")
    await write(
        "POST",
        V6_UPDATE_PATH,
        json_body={
            "identity_id": identity_id,
            "identity_name": name if name is not None else record.get("identity_name", ""),
            "user_type": (
                change.person_type.value
                if change.person_type is not None
                else record.get("user_type", PersonType.EMPLOYEE.value)
            ),
            "permission_ids": permissions if isinstance(permissions, list) else [],
            "ext_user_info": {**(info if isinstance(info, Mapping) else {}), **validity},
        },
    )


async def _update_v5(request: CappedRequestFn, write: RequestFn, wanted: _Update) -> None:
    identity_id, change, name, validity = (
        wanted.identity_id,
        wanted.change,
        wanted.name,
        wanted.validity,
    )
    payload = await request(
        "GET", V5_USERS_PATH, params={"identity_id": identity_id}, max_bytes=PHOTO_ANSWER_BYTES
    )
    entries = _get(_get(payload, "data"), "identities_list")
    entry = next(
        (
            e
            for e in (entries if isinstance(entries, list) else [])
            if isinstance(e, Mapping) and values.text(e.get("identity_id")) == identity_id
        ),
        None,
    )
    if entry is None:
        raise Se5NotRegisteredError("NOT_FOUND", f"{identity_id} is not registered")
    read = entry.get("info")
    info: dict[str, Any] = dict(read) if isinstance(read, Mapping) else {}
    if not isinstance(info.get("permission_ids"), list):
        info["permission_ids"] = []
    if name is not None:
        info["name"] = name
    if change.person_type is not None:
        info["type"] = change.person_type.code
    if validity:
        ext = info.get("ext_info")
        info["ext_info"] = {**(ext if isinstance(ext, Mapping) else {}), **validity}
    body: dict[str, Any] = {"identity_id": identity_id, "info": info}
    if change.photo is not None:
        info.pop("image_id", None)  # the old photo's id: the box makes a new one
        body["reg_photo"] = _base64(change.photo)
    await write("PUT", V5_USERS_PATH, json_body=body)


# Removing ---------------------------------------------------------------------------------------


async def remove(write: RequestFn, dialect: Dialect, identity_id: str) -> None:
    """Delete a registered person (their faces and photos go with them)."""
    try:
        if dialect is Dialect.V6:
            payload = await write("POST", V6_DELETE_PATH, json_body={"identity_ids": [identity_id]})
            done = _get(payload, "success_identity_ids")
            if not isinstance(done, list) or identity_id not in map(values.text, done):
                # The page gives no reason per id; an unknown id is the one it can mean.
                raise Se5NotRegisteredError(
                    "ID_NOT_FOUND", f"{identity_id} is in failed_identity_ids"
                )
        else:
            payload = await write("DELETE", V5_USERS_PATH, json_body={"identity_id": identity_id})
            if not isinstance(_get(payload, "data"), Mapping):
                raise Se5NotABoxError("the box answered the deletion without data")
    except Se5ApiError as err:
        raise refusal(err, not_found=dialect is Dialect.V5) from err


def _get(data: Any, key: str) -> Any:
    return data.get(key) if isinstance(data, Mapping) else None


def _first(ids: Any) -> str | None:
    """The first id of a list of ids, as text; None for anything else."""
    return values.text(ids[0]) if isinstance(ids, list) and ids else None
