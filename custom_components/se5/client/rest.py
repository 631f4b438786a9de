"""The box's REST API on port 5555: device list (with dialect detection), people, door relay."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import logging
from typing import Any, Literal

import aiohttp
from yarl import URL

from .errors import (
    Se5ApiError,
    Se5BoxStartingError,
    Se5ConnectionError,
    Se5Error,
    Se5NotABoxError,
    Se5ServerError,
)
from .images import decode_image
from .models import Device, Dialect, Person, PersonType, Relay
from .parse import loads, parse_device_v5, parse_device_v6

_LOGGER = logging.getLogger(__name__)

DEFAULT_REST_PORT = 5555
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
"""Largest answer read by default (a 16-camera box lists its devices in about 10 KB)."""
ERROR_BODY_BYTES = 64 * 1024
"""Largest error answer read (an error envelope, or the start of a page for the message)."""

V5_DEVICES_PATH = "/SophonDevice/api/Devices"
V6_DEVICES_PATH = "/sophon/v2/face/getmediadevices"
USERS_PATH = "/SophonFogSys/api/users"
EVENT_ACTION_PATH = "/SophonFogSys/api/EventAction"

_INIT_ERROR = "DEVICE_INIT_ERROR"


class _NotFoundError(Se5ApiError):
    """The path does not exist on this box (used for dialect detection)."""


class _TooLargeError(Se5NotABoxError):
    """The answer is larger than its cap: no box answers so (ends dialect detection)."""


class Se5Client:
    """REST client of one SE5 box. The aiohttp session is the caller's and stays open."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        port: int = DEFAULT_REST_PORT,
        *,
        dialect: Dialect | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """Prepare a client; nothing is sent until a method is called."""
        self._session = session
        self._base = URL.build(scheme="http", host=host, port=port)
        self._timeout = timeout
        self.dialect = dialect

    @property
    def base_url(self) -> URL:
        """The REST base URL of the box."""
        return self._base

    async def detect_dialect(self) -> Dialect:
        """Find out which firmware dialect the box speaks, and remember it."""
        dialect, _ = await self._detect()
        return dialect

    async def list_devices(self) -> list[Device]:
        """The devices attached to the box, in the box's order.

        Uses the known dialect, or detects it. When a known dialect stops answering as the box
        did (a firmware upgrade), the dialect is detected again.
        """
        if self.dialect is not None:
            try:
                return await self._list_devices(self.dialect)
            except _TooLargeError:
                raise
            except (Se5NotABoxError, _NotFoundError):
                _LOGGER.debug(
                    "%s no longer answers as %s; detecting again", self._base, self.dialect
                )
        _, devices = await self._detect()
        return devices

    async def list_people(self, group: str = "default_group", page_size: int = 100) -> list[Person]:
        """The people registered in a group, all pages (V5 users endpoint)."""
        people: list[Person] = []
        skip = 0
        while True:
            payload = await self._request(
                "GET",
                USERS_PATH,
                params={"group_name": group, "skip_num": skip, "limit": page_size},
            )
            entries = _envelope_list(payload, "identities_list")
            people.extend(p for p in map(_parse_person, entries) if p is not None)
            if len(entries) < page_size:
                return people
            skip += len(entries)

    async def open_door(
        self, relay: Relay, *, mode: str = "opendoor", duration: int = 5, logic_port: int = 0
    ) -> None:
        """Ask the box to drive a device's network relay (`opendoor`, `closedoor`, `alarm`)."""
        action = {
            "action_ip": relay.ip,
            "action_port": str(relay.door_port if relay.door_port is not None else ""),
            "action_mode": mode,
            "action_duration": duration,
            "logic_port": logic_port,
        }
        payload = await self._request("PUT", EVENT_ACTION_PATH, json_body={"action": [action]})
        if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
            raise Se5NotABoxError("EventAction answer has no data object")

    # Internals ------------------------------------------------------------------------------

    async def _detect(self) -> tuple[Dialect, list[Device]]:
        """Try V5 then V6; the first that answers with its own envelope wins.

        An answer over its cap ends the detection: the other dialect's path would most likely
        bring the same answer (a non-JSON answer costs little: only its start is read).
        """
        failures: list[str] = []
        for dialect in (Dialect.V5, Dialect.V6):
            try:
                devices = await self._list_devices(dialect)
            except _TooLargeError as err:
                raise _TooLargeError(f"not an SE5 box ({dialect}: {err})") from err
            except (Se5NotABoxError, Se5ApiError) as err:
                failures.append(f"{dialect}: {err}")
                continue
            self.dialect = dialect
            return dialect, devices
        raise Se5NotABoxError("not an SE5 box (" + "; ".join(failures) + ")")

    async def _list_devices(self, dialect: Dialect) -> list[Device]:
        parse: Callable[[object], Device | None]
        if dialect is Dialect.V5:
            payload = await self._request("GET", V5_DEVICES_PATH)
            entries = _envelope_list(payload, "devices_list")
            parse = parse_device_v5
        else:
            payload = await self._request("POST", V6_DEVICES_PATH, json_body={})
            if not isinstance(payload, dict) or not isinstance(payload.get("devices"), list):
                raise Se5NotABoxError("answer has no devices list")
            entries = payload["devices"]
            parse = parse_device_v6
        devices: dict[str, Device] = {}
        for entry in entries:
            if (device := parse(entry)) is not None:
                devices.setdefault(device.id, device)
        return list(devices.values())

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: dict[str, str | int] | None = None,
        max_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> Any:
        """Send a request, read at most `max_bytes` of the answer, return its JSON.

        An answer declared or found larger than `max_bytes` raises Se5NotABoxError as soon as
        that is known, without reading the rest; an answer that does not start as JSON is not
        read further than its first chunk.
        """
        url = self._base.with_path(path)
        try:
            async with (
                asyncio.timeout(self._timeout),
                self._session.request(method, url, json=json_body, params=params) as response,
            ):
                status = response.status
                limit = max_bytes if status < 400 else min(max_bytes, ERROR_BODY_BYTES)
                body, read = await _read_capped(response, limit)
        except TimeoutError as err:
            raise Se5ConnectionError(f"no answer within {self._timeout:g} s") from err
        except aiohttp.ClientError as err:
            raise Se5ConnectionError(str(err) or type(err).__name__) from err
        payload = None
        if read == "whole":
            try:
                payload = loads(body)
            except (ValueError, RecursionError):
                payload = None
        if isinstance(payload, dict) and isinstance(error := payload.get("error"), dict):
            raise _envelope_error(status, error)
        if status >= 500:
            raise Se5ServerError(status, _short(body))
        if status == 404:
            raise _NotFoundError(status, "not found")
        if status >= 400:
            raise Se5ApiError(status, _short(body))
        if read == "too_large":
            raise _TooLargeError(f"answer to {method} {path} is larger than {limit} bytes")
        if payload is None:
            raise Se5NotABoxError(f"answer to {method} {path} is not JSON")
        return payload


async def _read_capped(
    response: aiohttp.ClientResponse, limit: int
) -> tuple[bytes, Literal["whole", "not_json", "too_large"]]:
    """The body read up to `limit` bytes, and how far: whole, or stopped early.

    `not_json`: its first byte other than white space is not `{` or `[`; reading stopped after
    the chunk that showed it. `too_large`: declared or found larger than `limit`.
    """
    declared = response.content_length
    if declared is not None and declared > limit:
        return b"", "too_large"
    body = bytearray()
    sniffed = False
    async for chunk in response.content.iter_any():
        body += chunk
        if len(body) > limit:
            return bytes(body[:limit]), "too_large"
        if not sniffed and (start := body.lstrip(_JSON_SPACE)):
            sniffed = True
            if bytes(start[:1]) not in (b"{", b"["):
                return bytes(body), "not_json"
    return bytes(body), "whole"


# JSON's white space, and the byte order mark some servers put first.
_JSON_SPACE = b" \t\r\n\xef\xbb\xbf"


def _envelope_error(status: int, error: dict[str, Any]) -> Se5Error:
    code = error.get("code", status)
    message = str(error.get("message", ""))
    if code == _INIT_ERROR:
        return Se5BoxStartingError(message or "the box is still starting")
    kind = _NotFoundError if status == 404 or code in (40400, 40401, "NOT_FOUND") else Se5ApiError
    error_status = error.get("status")
    return kind(code, message, error_status if isinstance(error_status, str) else None)


def _envelope_list(payload: Any, key: str) -> list[Any]:
    """`{"data": {key: [...]}}`, the V5 envelope."""
    data = payload.get("data") if isinstance(payload, dict) else None
    entries = data.get(key) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise Se5NotABoxError(f"answer has no data.{key} list")
    return entries


def _parse_person(entry: object) -> Person | None:
    if not isinstance(entry, dict) or not (identity_id := entry.get("identity_id")):
        return None
    info = entry.get("info")
    info = info if isinstance(info, dict) else {}
    groups = entry.get("group_name")
    if isinstance(groups, str):
        groups = [groups]
    code = info.get("type")
    kind = PersonType.from_code(code) if isinstance(code, int) else None
    return Person(
        identity_id=str(identity_id),
        name=str(info.get("name") or ""),
        person_type=kind or PersonType.EMPLOYEE,
        groups=tuple(str(g) for g in groups) if isinstance(groups, list) else (),
        photo=decode_image(entry.get("reg_photo")),
    )


def _short(body: bytes) -> str:
    """A short, printable excerpt of an error body for messages."""
    return body[:120].decode("utf-8", "replace").strip()
