"""The face register over REST: V5 users, groups and photos; V6 identities and photos."""

from __future__ import annotations

from typing import Any, Final, Literal

from aiohttp import web

from . import images
from .envelopes import (
    MAX_PAGE,
    Routes,
    jpeg,
    json_response,
    v5_int,
    v5_not_found,
    v6_body,
    v6_error,
    v6_paging,
)
from .model import SimPerson
from .people import People
from .people_entries import identity_entry, person_entry
from .people_write_api import V5_USERS_PATH, PeopleWriteApi

GROUPS_PATH: Final = "/SophonFogSys/api/groups"
V5_IMAGES_PREFIX: Final = "/SophonFace/api/images/"
V6_IDENTITIES_PATH: Final = "/sophon/v2/face/getidentities"
V6_IDENTITY_PATH: Final = "/sophon/v2/face/getidentity"
V6_REGISTER_IMAGE_PREFIX: Final = "/sophon/v2/face/getregisterimage/"


type V5Skip = Literal["offset", "page"]
"""How a V5 box reads ``skip_num`` of the users call: an offset, or a page number."""


class PeopleApi:
    """Handlers of the register calls; the V5 users and groups are served on V6 boxes too."""

    def __init__(self, people: People, *, v5_skip: V5Skip = "offset") -> None:
        self._people = people
        self._v5_skip: V5Skip = v5_skip

    def routes(self, dialect: str) -> Routes:
        """Exact paths served in this dialect (none on a firmware without the register)."""
        if not self._people.api:
            return {}
        routes: Routes = {
            V5_USERS_PATH: {"GET": self._users},
            GROUPS_PATH: {"GET": self._groups},
        }
        if dialect == "v6":
            routes[V6_IDENTITIES_PATH] = {"POST": self._identities}
            routes[V6_IDENTITY_PATH] = {"POST": self._identity}
        for path, methods in PeopleWriteApi(self._people).routes(dialect).items():
            routes[path] = {**routes.get(path, {}), **methods}
        return routes

    def prefixes(self, dialect: str) -> Routes:
        """Paths that end in an image id."""
        if not self._people.api:
            return {}
        if dialect == "v5":
            return {V5_IMAGES_PREFIX: {"GET": self._v5_image}}
        return {V6_REGISTER_IMAGE_PREFIX: {"GET": self._v6_register_image}}

    async def _users(self, request: web.Request) -> web.Response:
        query = request.query
        identity_id = query.get("identity_id")
        if identity_id is not None:
            person = self._people.get(identity_id)
            selected = [] if person is None else [person]
        else:
            skip = v5_int(query, "skip_num", 0)
            if isinstance(skip, web.Response):
                return skip
            limit = v5_int(query, "limit", 10)
            if isinstance(limit, web.Response):
                return limit
            group = query.get("group_name")
            matching = [p for p in self._people if group is None or p.group_name == group]
            size = min(limit, MAX_PAGE)
            # The users page calls skip_num a page ("表示第一页"), the groups page an offset.
            start = skip * size if self._v5_skip == "page" else skip
            selected = matching[start : start + size]
        return json_response({"data": {"identities_list": [person_entry(p) for p in selected]}})

    async def _groups(self, request: web.Request) -> web.Response:
        query = request.query
        skip = v5_int(query, "skip_num", 0)
        if isinstance(skip, web.Response):
            return skip
        limit = v5_int(query, "limit", 10, low=1)
        if isinstance(limit, web.Response):
            return limit
        names = sorted({person.group_name for person in self._people} | {"default_group"})
        wanted = query.get("group_name")
        if wanted:
            names = [name for name in names if name == wanted]
        page = names[skip : skip + limit]
        return json_response(
            {
                "data": {
                    "groups_list": [
                        {"group_id": name, "groupname": name, "name": name, "version": "V2"}
                        for name in page
                    ],
                    "pagination": {
                        "limit": limit,
                        "num_pages": -(-len(names) // limit),
                        "skip_num": skip,
                        "total_count": len(names),
                    },
                }
            }
        )

    async def _v5_image(self, request: web.Request) -> web.Response:
        image_id = request.path.removeprefix(V5_IMAGES_PREFIX)
        person = self._people.by_image_id(image_id)
        photo = None if person is None else person.photo_jpeg
        if photo is None:
            return v5_not_found(f"image {image_id} was not found")
        return jpeg(photo)

    async def _identities(self, request: web.Request) -> web.Response:
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
        matching = [p for p in self._people if _matches(p, filters)]
        page = matching[index * limit : (index + 1) * limit]
        return json_response(
            {
                "identities": [identity_entry(p) for p in page],
                "pagination": {
                    "page_index": index,
                    "page_limit": limit,
                    "total_count": len(matching),
                },
            }
        )

    async def _identity(self, request: web.Request) -> web.Response:
        body = await v6_body(request)
        if isinstance(body, web.Response):
            return body
        identity_id = body.get("identity_id")
        if not isinstance(identity_id, str) or not identity_id:
            return v6_error(400, "MISSING_ARGUMENTS", "identity_id")
        person = self._people.get(identity_id)
        if person is None:
            return v6_error(404, "ID_NOT_FOUND", identity_id)
        return json_response(identity_entry(person))

    async def _v6_register_image(self, request: web.Request) -> web.Response:
        # Documented: a photo that cannot be found comes back as a blank image, not an error.
        person = self._people.by_image_id(request.path.removeprefix(V6_REGISTER_IMAGE_PREFIX))
        photo = None if person is None else person.photo_jpeg
        return jpeg(photo or images.blank_jpeg())


def _matches(person: SimPerson, filters: dict[str, Any]) -> bool:
    identity_id = filters.get("identity_id")
    if identity_id and person.identity_id != identity_id:
        return False
    name = filters.get("identity_name")
    if name and str(name) not in person.name:
        return False
    permissions = filters.get("permission_id_list")
    return not (
        isinstance(permissions, list)
        and permissions
        and not set(permissions) & set(person.permission_ids)
    )
