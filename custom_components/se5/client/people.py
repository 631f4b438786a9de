"""The people registered on the box and their photos (V5 users and groups, V6 identities).

Decisions where the docs are silent:
- A V6 entry of `user_type` `"car"` is not a person and is skipped; an unknown type counts as
  an employee (the documented default of V5). Strangers are never in the register.
- Whatever the box sends, the register stays bounded: ids are cut like a frame's text
  (`TEXT_MAX`), names and group names like a frame's names (`NAME_MAX`), a person keeps at most
  `MAX_PERSON_GROUPS` group names, at most `MAX_GROUPS` groups are read, and a listing asks
  for no more pages than `limit / page_size` and one per group (plus two): a box whose pages
  never end, or bring one new person each, does not keep the client paging.
- V6 answers a photo it cannot find with a blank image, not an error. A photo is taken as
  missing when it is not a JPEG/PNG, is smaller than `MIN_PHOTO_BYTES`, or is byte for byte
  the image the box answers for an id that cannot exist (fetched once per client).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from dataclasses import replace
import math
from typing import Any, Final
from urllib.parse import quote

from . import values
from .errors import Se5ApiError, Se5Error, Se5NotABoxError
from .fetch import ImageFn, RequestFn, is_image
from .images import decode_image
from .models import Dialect, Person, PersonType
from .parse import NAME_MAX, TEXT_MAX, cap_text

V5_USERS_PATH: Final = "/SophonFogSys/api/users"
V5_GROUPS_PATH: Final = "/SophonFogSys/api/groups"
V5_IMAGES_PATH: Final = "/SophonFace/api/images/"
V6_IDENTITIES_PATH: Final = "/sophon/v2/face/getidentities"
V6_REGISTER_IMAGE_PATH: Final = "/sophon/v2/face/getregisterimage/"
DEFAULT_GROUP: Final = "default_group"
#: Below this, a "photo" is the box's blank placeholder (a real face photo is 5 KB or more).
MIN_PHOTO_BYTES: Final = 1024
#: An id no box gives a photo: what it answers for it is its blank image.
_NO_SUCH_PHOTO: Final = "00000000-0000-0000-0000-000000000000"
#: People per V5 page. Each entry carries its registered photo in base64 (a mandatory field,
#: about 30-400 KB): ten stay near 4 MB at most, half the 8 MiB cap of an answer.
V5_PAGE_SIZE: Final = 10
#: Photos fetched at once when a list asks for them.
_PHOTO_CONCURRENCY: Final = 4
#: Face-library groups read (V5); a box has a handful.
MAX_GROUPS: Final = 256
#: Group names kept per person.
MAX_PERSON_GROUPS: Final = 16
#: People listed when the caller sets no limit (the pages asked for are counted from it).
DEFAULT_MAX_PEOPLE: Final = 20_000
_EXTRA_PAGES: Final = 2


def _id(value: object) -> str | None:
    """An identity id, cut as a frame's text is (so that both name the same person)."""
    text = values.text(value)
    return None if text is None else cap_text(text, TEXT_MAX)


def _name(value: object) -> str | None:
    text = values.text(value)
    return None if text is None else cap_text(text, NAME_MAX)


def _person_type(value: object) -> PersonType | None:
    """V6 `user_type` (or a V5 number); None for `"car"`; employee when unknown."""
    if isinstance(value, str):
        word = value.strip().lower()
        if word == "car":
            return None
        try:
            return PersonType(word)
        except ValueError:
            pass
    code = values.number(value)
    if code is not None and code.is_integer():
        return PersonType.from_code(int(code)) or PersonType.EMPLOYEE
    return PersonType.EMPLOYEE


def parse_person_v5(entry: object, *, with_photo: bool = False) -> Person | None:
    """One entry of the V5 `identities_list`; None without an identity id."""
    if not isinstance(entry, Mapping):
        return None
    identity_id = _id(entry.get("identity_id"))
    if identity_id is None:
        return None
    info = entry.get("info")
    info = info if isinstance(info, Mapping) else {}
    groups = entry.get("group_name")
    if isinstance(groups, str):
        groups = [groups]
    group_names = (
        tuple(g for g in map(_name, groups[:MAX_PERSON_GROUPS]) if g)
        if isinstance(groups, list)
        else ()
    )
    return Person(
        identity_id=identity_id,
        name=cap_text(
            values.text(info.get("name")) or values.text(entry.get("identity_name")) or "",
            NAME_MAX,
        ),
        person_type=_person_type(info.get("type")) or PersonType.EMPLOYEE,
        groups=group_names,
        photo=decode_image(entry.get("reg_photo")) if with_photo else None,
        photo_id=_id(info.get("image_id")),
    )


def parse_person_v6(entry: object) -> Person | None:
    """One V6 identity; None without an identity id, and for a car."""
    if not isinstance(entry, Mapping):
        return None
    identity_id = _id(entry.get("identity_id"))
    person_type = _person_type(entry.get("user_type"))
    if identity_id is None or person_type is None:
        return None
    image_ids = entry.get("register_image_ids")
    photo_id = None
    if isinstance(image_ids, list):
        photo_id = next((i for i in map(_id, image_ids[:MAX_PERSON_GROUPS]) if i), None)
    return Person(
        identity_id=identity_id,
        name=cap_text(values.text(entry.get("identity_name")) or "", NAME_MAX),
        person_type=person_type,
        photo_id=photo_id,
    )


def parse_group_names(payload: Any) -> list[str]:
    """Group names of a V5 `groups` answer (`name`, else `groupname`, else `group_id`)."""
    data = payload.get("data") if isinstance(payload, Mapping) else None
    groups = data.get("groups_list") if isinstance(data, Mapping) else None
    if not isinstance(groups, list):
        return []
    names = (
        _name(g.get("name")) or _name(g.get("groupname")) or _name(g.get("group_id"))
        for g in groups[:MAX_GROUPS]
        if isinstance(g, Mapping)
    )
    return [name for name in names if name]


def _v5_entries(payload: Any) -> list[Any]:
    data = payload.get("data") if isinstance(payload, Mapping) else None
    entries = data.get("identities_list") if isinstance(data, Mapping) else None
    if not isinstance(entries, list):
        raise Se5NotABoxError("answer has no data.identities_list list")
    return entries


async def _v5_groups(request: RequestFn, page_size: int) -> list[str]:
    """Every face-library group; `default_group` when the box does not answer the call."""
    names: dict[str, None] = {}  # in the box's order, each once
    try:
        for _ in range(math.ceil(MAX_GROUPS / page_size) + 1):
            payload = await request(
                "GET", V5_GROUPS_PATH, params={"skip_num": len(names), "limit": page_size}
            )
            page = [name for name in parse_group_names(payload) if name not in names]
            names.update(dict.fromkeys(page))
            if len(page) < page_size or len(names) >= MAX_GROUPS:
                break
    except (Se5ApiError, Se5NotABoxError):
        pass
    return list(names)[:MAX_GROUPS] or [DEFAULT_GROUP]


async def _v5_pages(request: RequestFn, group: str, page_size: int) -> AsyncGenerator[list[Any]]:
    """The pages of one group, however the box reads `skip_num`.

    The users page says `skip_num` "默认为0, 表示第一页" (a page number), the groups page calls
    it "分页查询的起始点" (an offset). The second request tells them apart: `skip_num=1` answers
    the first page shifted by one entry on a box that reads an offset, and the next page on one
    that reads a page number. With one entry per page both readings are the same.
    """

    async def fetch(skip: int) -> list[Any]:
        params: dict[str, str | int] = {"group_name": group, "skip_num": skip, "limit": page_size}
        return _v5_entries(await request("GET", V5_USERS_PATH, params=params))

    page = await fetch(0)
    if not page:
        return
    yield page
    offset = True
    skip = len(page)
    if len(page) > 1:
        second = await fetch(1)
        if not second:
            return
        offset = second[0] == page[1]
        skip = 1 + len(second) if offset else 2
        yield second
    while page := await fetch(skip):
        yield page
        skip += len(page) if offset else 1


async def _list_v5(
    request: RequestFn, page_size: int, limit: int | None, with_photos: bool
) -> dict[str, Person]:
    people: dict[str, Person] = {}
    # Each entry carries its photo in base64: small pages keep an answer well under its cap.
    page_size = min(page_size, V5_PAGE_SIZE)
    groups = await _v5_groups(request, page_size)
    budget = math.ceil((limit or DEFAULT_MAX_PEOPLE) / page_size) + len(groups) + _EXTRA_PAGES
    for group in groups:
        in_group: set[str] = set()
        pages = _v5_pages(request, group, page_size)
        async for entries in pages:
            budget -= 1
            new_in_group = 0
            for entry in entries:
                person = parse_person_v5(entry, with_photo=with_photos)
                if person is None or person.identity_id in in_group:
                    continue
                in_group.add(person.identity_id)
                new_in_group += 1
                if person.identity_id not in people:
                    people[person.identity_id] = person
                    if limit is not None and len(people) >= limit:
                        await pages.aclose()
                        return people
            # A box that caps `limit` sends short pages: only an empty page, or one that holds
            # nobody new to this group (a repeated page), ends the group. Someone listed in an
            # earlier group does not: people may belong to several groups.
            if not new_in_group or budget <= 0:
                break
        await pages.aclose()
        if budget <= 0:
            break
    return people


async def _list_v6(request: RequestFn, page_size: int, limit: int | None) -> dict[str, Person]:
    people: dict[str, Person] = {}
    for index in range(math.ceil((limit or DEFAULT_MAX_PEOPLE) / page_size) + _EXTRA_PAGES):
        payload = await request(
            "POST", V6_IDENTITIES_PATH, json_body={"page_limit": page_size, "page_index": index}
        )
        entries = payload.get("identities") if isinstance(payload, Mapping) else None
        if not isinstance(entries, list):
            raise Se5NotABoxError("answer has no identities list")
        added = 0
        for entry in entries:
            person = parse_person_v6(entry)
            if person is not None and person.identity_id not in people:
                people[person.identity_id] = person
                added += 1
                if limit is not None and len(people) >= limit:
                    return people
        pagination = payload.get("pagination")
        total = values.number(_get(pagination, "total_count"))
        served = values.number(_get(pagination, "page_limit")) or page_size
        if not entries or not added or len(entries) < served:
            break
        if total is not None and (index + 1) * served >= total:
            break
    return people


def _get(data: Any, key: str) -> Any:
    return data.get(key) if isinstance(data, Mapping) else None


async def list_people(
    request: RequestFn,
    dialect: Dialect,
    photo: Callable[[Person], Awaitable[bytes | None]],
    *,
    page_size: int,
    limit: int | None,
    with_photos: bool,
) -> list[Person]:
    """Everyone registered, in the box's order, each once; photos only when asked for."""
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    if limit is not None and limit < 1:
        return []
    if dialect is Dialect.V5:
        people = await _list_v5(request, page_size, limit, with_photos)
    else:
        people = await _list_v6(request, page_size, limit)
    result = list(people.values())
    if not with_photos:
        return result
    semaphore = asyncio.Semaphore(_PHOTO_CONCURRENCY)

    async def with_photo(person: Person) -> Person:
        if person.photo is not None or person.photo_id is None:
            return person
        async with semaphore:
            return replace(person, photo=await photo(person))

    return list(await asyncio.gather(*(with_photo(person) for person in result)))


class BlankPhoto:
    """Remembers the blank image a V6 box answers for a photo it cannot find."""

    def __init__(self) -> None:
        self._sample: bytes | None = None
        self._known = False

    async def is_blank(self, image: ImageFn, data: bytes) -> bool:
        """True when `data` is the box's placeholder rather than a photo."""
        if len(data) < MIN_PHOTO_BYTES or not is_image(data):
            return True
        if not self._known:
            try:
                self._sample = await image(V6_REGISTER_IMAGE_PATH + _NO_SUCH_PHOTO)
            except Se5Error:
                return False  # try again next time
            self._known = True
        return data == self._sample


async def person_photo(
    request: RequestFn, image: ImageFn, dialect: Dialect, person: Person, blank: BlankPhoto
) -> bytes | None:
    """The registered photo of a person, or None when the box has none."""
    if person.photo is not None:
        return person.photo
    photo_id = person.photo_id
    if dialect is Dialect.V6:
        if photo_id is None:
            return None
        data = await image(V6_REGISTER_IMAGE_PATH + quote(photo_id, safe=""))
        return None if data is None or await blank.is_blank(image, data) else data
    try:
        payload = await request("GET", V5_USERS_PATH, params={"identity_id": person.identity_id})
        entries = _v5_entries(payload)
    except (Se5ApiError, Se5NotABoxError):
        entries = []
    for entry in entries:
        found = parse_person_v5(entry, with_photo=True)
        if found is not None and found.identity_id == person.identity_id:
            if found.photo is not None:
                return found.photo
            photo_id = photo_id or found.photo_id
    if photo_id is None:
        return None
    return await image(V5_IMAGES_PATH + quote(photo_id, safe=""))
