"""Changing the face register over REST: V5 users POST/PUT/DELETE and FIQA; V6 identities.

Read from the vendor pages (F5 = V5R7C01 5.3 人员管理 and 5.4 FIQA, F6 = V6R2C01 5.3
identity-manager and 5.4 face-fiqa), strict where they are strict:
- V6 `createidentity` needs `register_image` (the simulator registers from photos only; a
  feature or a path on the box is refused), refuses a taken `identity_id` with `ID_REPEAT_ERROR`
  unless `force_replace`, and makes an id when none is given. `updateidentity` overwrites every
  field ("强制更新覆盖"): a field left out goes back to its default (name "佚名", employee, no
  permission groups, no extra information). `replaceface` / `addface` change the photo.
  `deleteidentities` answers which ids it deleted and which failed.
- V5 `POST users` needs `identity_id`, `group_name`, `info.name` and (by default) `reg_photo`;
  an id that exists answers "already exist" unless `ignore_exist`. `PUT users` needs
  `identity_id` and `info.permission_ids`; `DELETE users` takes `identity_id` or
  `identity_ids` in a JSON body.
- Photos are judged by :mod:`se5sim.faces` (no face, low quality, not an image) at the call's
  `fiqa_level` (default ``high``).
V5 documents no error codes for these calls: the simulator answers 40000 BAD_REQUEST with the
V6 code's words in the message, and 40400 NOT_FOUND for someone not registered. The V5 create
table omits type 3 (blacklist), which the same page's answer lists: it is accepted.
"""

from __future__ import annotations

from typing import Any, Final

from aiohttp import web

from .envelopes import (
    Handler,
    Routes,
    json_response,
    request_json,
    v5_bad_request,
    v5_error,
    v5_not_found,
    v6_body,
    v6_error,
)
from .faces import Verdict, decode_base64, judge
from .model import PERSON_TYPE_NUMBERS, PersonType, SimPerson
from .people import People
from .people_entries import identity_entry, person_entry

V5_USERS_PATH: Final = "/SophonFogSys/api/users"
V5_FIQA_PATH: Final = "/SophonFace/api/FIQA"
V6_CREATE_PATH: Final = "/sophon/v2/face/createidentity"
V6_UPDATE_PATH: Final = "/sophon/v2/face/updateidentity"
V6_DELETE_PATH: Final = "/sophon/v2/face/deleteidentities"
V6_REPLACE_FACE_PATH: Final = "/sophon/v2/face/replaceface"
V6_ADD_FACE_PATH: Final = "/sophon/v2/face/addface"
V6_FIQA_PATH: Final = "/sophon/v2/face/fiqa"
DEFAULT_NAME: Final = "佚名"
_TYPES_BY_NUMBER: Final = {number: kind for kind, number in PERSON_TYPE_NUMBERS.items()}
_REGISTERED_TYPES: Final = frozenset(k for k in PERSON_TYPE_NUMBERS if k != "stranger")


def _v6_refusal(verdict: Verdict) -> web.Response:
    return v6_error(400, verdict.error or "INVALID_ARGUMENTS", verdict.message)


def _v5_refusal(verdict: Verdict) -> web.Response:
    return v5_bad_request(f"{verdict.error}: {verdict.message}")


def _fiqa_detail(verdict: Verdict) -> dict[str, Any]:
    return {
        "bbox": [0, 0, verdict.width, verdict.height],
        "detailed_scores": {"face_size": float(min(verdict.width, verdict.height))},
        "failed_items": list(verdict.failed),
        "passed_items": list(verdict.passed),
    }


class PeopleWriteApi:
    """Handlers of the calls that change the register."""

    def __init__(self, people: People) -> None:
        self._people = people

    def routes(self, dialect: str) -> Routes:
        """Exact paths served in this dialect (a V6 box serves the V5 register's reads only)."""
        routes: Routes = {}
        if dialect == "v5":
            routes[V5_USERS_PATH] = {
                "POST": self._v5_create,
                "PUT": self._v5_update,
                "DELETE": self._v5_delete,
            }
            routes[V5_FIQA_PATH] = {"POST": self._v5_fiqa}
        else:
            routes[V6_CREATE_PATH] = {"POST": self._v6_create}
            routes[V6_UPDATE_PATH] = {"POST": self._v6_update}
            routes[V6_DELETE_PATH] = {"POST": self._v6_delete}
            routes[V6_REPLACE_FACE_PATH] = {"POST": self._v6_replace_face}
            routes[V6_ADD_FACE_PATH] = {"POST": self._v6_replace_face}
            routes[V6_FIQA_PATH] = {"POST": self._v6_fiqa}
        checks = (V5_FIQA_PATH, V6_FIQA_PATH)
        return {
            path: {
                method: handler if path in checks else self._held(handler)
                for method, handler in methods.items()
            }
            for path, methods in routes.items()
        }

    def _held(self, handler: Handler) -> Handler:
        """The handler, whose answer is never sent while answers are held (done all the same)."""

        async def answer(request: web.Request) -> web.StreamResponse:
            response = await handler(request)
            if self._people.hold_answers:
                await self._people.gate.hold()
            return response

        return answer

    # V6 ---------------------------------------------------------------------------------------

    async def _v6_create(self, request: web.Request) -> web.Response:
        body = await v6_body(request)
        if isinstance(body, web.Response):
            return body
        if "register_feature" in body or "register_image_path" in body:
            return v6_error(400, "INVALID_ARGUMENTS", "only register_image is simulated")
        if "register_image" not in body:
            return v6_error(400, "MISSING_ARGUMENTS", "register_image")
        kind = body.get("user_type", "employee")
        if kind not in _REGISTERED_TYPES:
            return v6_error(400, "INVALID_ARGUMENTS", "user_type")
        identity_id = body.get("identity_id") or ""
        name = body.get("identity_name", DEFAULT_NAME)
        permissions = body.get("permission_ids", [])
        ext = body.get("ext_user_info", {})
        if (
            not isinstance(identity_id, str)
            or not isinstance(name, str)
            or not isinstance(permissions, list)
            or not isinstance(ext, dict)
        ):
            return v6_error(400, "INVALID_ARGUMENTS", "identity_id, identity_name, ...")
        if identity_id and self._people.get(identity_id) is not None:
            if body.get("force_replace") is not True:
                return v6_error(400, "ID_REPEAT_ERROR", identity_id)
            self._people.remove(identity_id)
        photo = decode_base64(body["register_image"])
        verdict = judge(photo, str(body.get("fiqa_level", "high")))
        if verdict.error is not None:
            return _v6_refusal(verdict)
        assert photo is not None  # noqa: S101 - judged an image above
        person = self._people.register(
            name,
            kind,
            photo,
            identity_id=identity_id or None,
            permission_ids=tuple(map(str, permissions)),
            ext_info=ext,
        )
        return json_response(
            {
                "face_id": person.face_id,
                "identity_id": person.identity_id,
                "register_image_id": person.image_id,
            }
        )

    async def _v6_registered(
        self, request: web.Request
    ) -> tuple[dict[str, Any], str, SimPerson] | web.Response:
        """The body of a V6 change of someone registered, their id and record; or the error."""
        body = await v6_body(request)
        if isinstance(body, web.Response):
            return body
        identity_id = body.get("identity_id")
        if not isinstance(identity_id, str) or not identity_id:
            return v6_error(400, "MISSING_ARGUMENTS", "identity_id")
        person = self._people.get(identity_id)
        if person is None:
            return v6_error(404, "ID_NOT_FOUND", identity_id)
        return body, identity_id, person

    async def _v6_update(self, request: web.Request) -> web.Response:
        found = await self._v6_registered(request)
        if isinstance(found, web.Response):
            return found
        body, identity_id, _person = found
        kind = body.get("user_type", "employee")
        name = body.get("identity_name", DEFAULT_NAME)
        permissions = body.get("permission_ids", [])
        ext = body.get("ext_user_info", {})
        if (
            kind not in _REGISTERED_TYPES
            or not isinstance(name, str)
            or not isinstance(permissions, list)
            or not isinstance(ext, dict)
        ):
            return v6_error(400, "INVALID_ARGUMENTS", "user_type, identity_name, ...")
        # Forced overwrite: what was left out is back to its default.
        person = self._people.update(
            identity_id,
            name=name,
            person_type=kind,
            permission_ids=tuple(map(str, permissions)),
            ext_info=dict(ext),
        )
        return json_response(identity_entry(person))

    async def _v6_replace_face(self, request: web.Request) -> web.Response:
        found = await self._v6_registered(request)
        if isinstance(found, web.Response):
            return found
        body, identity_id, person = found
        if request.path == V6_REPLACE_FACE_PATH:
            keys = ("register_image_index", "register_image_id", "face_id")
            if not any(key in body for key in keys):
                return v6_error(400, "MISSING_ARGUMENTS", "register_image_index")
            if (
                body.get("register_image_index", 0) != 0
                or body.get("register_image_id", person.image_id) != person.image_id
                or body.get("face_id", person.face_id) != person.face_id
            ):
                return v6_error(404, "ID_NOT_FOUND", "no such registered photo")
        if "register_image" not in body:
            return v6_error(400, "MISSING_ARGUMENTS", "register_image")
        photo = decode_base64(body["register_image"])
        verdict = judge(photo, str(body.get("fiqa_level", "high")))
        if verdict.error is not None:
            return _v6_refusal(verdict)
        person = self._people.update(identity_id, photo=photo)
        return json_response(
            {
                "identity_id": identity_id,
                "total_face_cnt": 1,
                "face_ids": [person.face_id],
                "register_image_ids": [person.image_id],
            }
        )

    async def _v6_delete(self, request: web.Request) -> web.Response:
        body = await v6_body(request)
        if isinstance(body, web.Response):
            return body
        ids = body.get("identity_ids")
        if not isinstance(ids, list) or not ids:
            return v6_error(400, "MISSING_ARGUMENTS", "identity_ids")
        done, failed = [], []
        for identity_id in ids:
            if isinstance(identity_id, str) and self._people.get(identity_id) is not None:
                self._people.remove(identity_id)
                done.append(identity_id)
            else:
                failed.append(identity_id)
        return json_response({"success_identity_ids": done, "failed_identity_ids": failed})

    async def _v6_fiqa(self, request: web.Request) -> web.Response:
        body = await v6_body(request)
        if isinstance(body, web.Response):
            return body
        if "image_base64_str" not in body:
            return v6_error(400, "MISSING_ARGUMENTS", "image_base64_str")
        photo = decode_base64(body["image_base64_str"])
        verdict = judge(photo, str(body.get("fiqa_level", "high")))
        if verdict.error not in (None, "LOW_QUALITY_ERROR"):
            return _v6_refusal(verdict)
        return json_response(
            {"detailed_result": _fiqa_detail(verdict), "fiqa_result": verdict.error is None}
        )

    # V5 ---------------------------------------------------------------------------------------

    async def _v5_json(self, request: web.Request) -> dict[str, Any] | web.Response:
        try:
            body = await request_json(request)
        except ValueError:
            return v5_error(400, 40001, "UNSUPPORT_CONTENT_TYPE", "the body must be JSON")
        if not isinstance(body, dict):
            return v5_bad_request("the body must be a JSON object")
        return body

    async def _v5_create(self, request: web.Request) -> web.Response:
        body = await self._v5_json(request)
        if isinstance(body, web.Response):
            return body
        identity_id, group, info = body.get("identity_id"), body.get("group_name"), body.get("info")
        if not isinstance(identity_id, str) or not identity_id:
            return v5_bad_request("identity_id is required")
        if not isinstance(group, str) or not group:
            return v5_bad_request("group_name is required")
        if not isinstance(info, dict) or not isinstance(info.get("name"), str) or not info["name"]:
            return v5_bad_request("info.name is required")
        kind = _v5_type(info.get("type", 1))
        if kind is None:
            return v5_bad_request("info.type must be 1, 2, 3 or 5")
        if self._people.get(identity_id) is not None:
            if body.get("ignore_exist") is not True:
                return v5_bad_request(f"identity {identity_id} already exist")
            self._people.remove(identity_id)
        photo = decode_base64(body.get("reg_photo"))
        verdict = judge(photo, str(body.get("fiqa_level", "high")))
        if verdict.error is not None:
            return _v5_refusal(verdict)
        assert photo is not None  # noqa: S101 - judged an image above
        ext = info.get("ext_info")
        person = self._people.register(
            info["name"],
            kind,
            photo,
            identity_id=identity_id,
            group_name=group.split(",")[0],
            permission_ids=tuple(map(str, info.get("permission_ids") or [])),
            ext_info=ext if isinstance(ext, dict) else {},
        )
        entry = person_entry(person)
        entry["group_name"] = person.group_name
        return json_response({"data": entry})

    async def _v5_update(self, request: web.Request) -> web.Response:
        body = await self._v5_json(request)
        if isinstance(body, web.Response):
            return body
        identity_id, info = body.get("identity_id"), body.get("info")
        if not isinstance(identity_id, str) or not identity_id:
            return v5_bad_request("identity_id is required")
        if not isinstance(info, dict) or not isinstance(info.get("permission_ids"), list):
            return v5_bad_request("info.permission_ids is required")
        person = self._people.get(identity_id)
        if person is None:
            return v5_not_found(f"identity {identity_id} was not found")
        if "user_id" in info and info["user_id"] != person.user_id:
            return v5_bad_request("info.user_id cannot be changed")
        changes: dict[str, Any] = {"permission_ids": tuple(map(str, info["permission_ids"]))}
        if isinstance(info.get("name"), str) and info["name"]:
            changes["name"] = info["name"]
        if "type" in info:
            kind = _v5_type(info["type"])
            if kind is None:
                return v5_bad_request("info.type must be 1, 2, 3 or 5")
            changes["person_type"] = kind
        if isinstance(info.get("ext_info"), dict):
            changes["ext_info"] = dict(info["ext_info"])
        photo = None
        if body.get("reg_photo"):
            photo = decode_base64(body["reg_photo"])
            verdict = judge(photo)
            if verdict.error is not None:
                return _v5_refusal(verdict)
        updated = self._people.update(identity_id, photo=photo, **changes)
        entry = person_entry(updated)
        del entry["reg_photo"]
        # The page's answer: the photo's id beside the record (F5 5.3/3).
        entry["image_id"] = entry["info"].pop("image_id")
        return json_response({"data": entry})

    async def _v5_delete(self, request: web.Request) -> web.Response:
        body = await self._v5_json(request)
        if isinstance(body, web.Response):
            return body
        single, several = body.get("identity_id"), body.get("identity_ids")
        if isinstance(single, str) and single:
            person = self._people.get(single)
            if person is None:
                return v5_not_found(f"identity {single} was not found")
            self._people.remove(single)
            return json_response(
                {
                    "data": {
                        "group_name": [person.group_name],
                        "identity_id": single,
                        "message": "have remove from group success",
                    }
                }
            )
        if isinstance(several, list) and several:
            removed = [i for i in several if isinstance(i, str) and self._people.get(i)]
            for identity_id in removed:
                self._people.remove(identity_id)
            return json_response(
                {"data": {"identity_ids": removed, "message": "have remove from group success"}}
            )
        return v5_bad_request("identity_id or identity_ids is required")

    async def _v5_fiqa(self, request: web.Request) -> web.Response:
        body = await self._v5_json(request)
        if isinstance(body, web.Response):
            return body
        if "image_base64_str" not in body:
            return v5_bad_request("image_base64_str is required")
        photo = decode_base64(body["image_base64_str"])
        verdict = judge(photo, str(body.get("fiqa_level", "high")))
        if verdict.error == "NO_FACE_ERROR":
            return json_response({"data": []})
        if verdict.error not in (None, "LOW_QUALITY_ERROR"):
            return _v5_refusal(verdict)
        return json_response(
            {
                "data": [
                    {
                        "bbox": [0, 0, verdict.width, verdict.height],
                        "fails": list(verdict.failed),
                        "fiqa_result": verdict.error is None,
                        "info": {"face_size": min(verdict.width, verdict.height)},
                        "score": 1 if verdict.error is None else 0,
                        "success": list(verdict.passed),
                    }
                ]
            }
        )


def _v5_type(value: object) -> PersonType | None:
    """A V5 `info.type` number of a registered kind; None otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    kind = _TYPES_BY_NUMBER.get(value)
    return kind if kind in _REGISTERED_TYPES else None
