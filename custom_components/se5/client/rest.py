"""The box's REST API on port 5555 and its system API on port 8888.

Port 5555: device list (with dialect detection), people, door relay, configuration, event
history.
Port 8888: identity and health.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import datetime
import logging
from typing import Any

import aiohttp
from yarl import URL

from . import configs, devices, doors, history, people, people_write, photo_check, system
from .configs import PassMode
from .device_list import parse_device_v5, parse_device_v6
from .doors import DoorMode
from .errors import Se5ApiError, Se5ConnectionError, Se5NotABoxError
from .fetch import (
    ERROR_BODY_BYTES,
    NotFoundError,
    TooLargeError,
    decode_off_loop,
    fetch_image,
    judge_answer,
    read_capped,
)
from .models import BoxInfo, Device, Dialect, Health, Person, Recognition, Relay
from .people_write import NewPerson, PersonChange
from .send import send_once
from .system import DEFAULT_SYSTEM_PORT

_LOGGER = logging.getLogger(__name__)

DEFAULT_REST_PORT = 5555
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
"""Largest answer read by default (a 16-camera box lists its devices in about 10 KB)."""

MAX_DEVICES = 256
"""Devices read from a device list (a box serves about 16 cameras, plus gates and readers):
the rest of a longer list is ignored, and the list is read no further than `MAX_DEVICES * 4`
entries (unusable ones included)."""

V5_DEVICES_PATH = "/SophonDevice/api/Devices"
V6_DEVICES_PATH = "/sophon/v2/face/getmediadevices"


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
        system_port: int = DEFAULT_SYSTEM_PORT,
    ) -> None:
        """Prepare a client; nothing is sent until a method is called."""
        self._session = session
        self._base = URL.build(scheme="http", host=host, port=port)
        self._system_base = URL.build(scheme="http", host=host, port=system_port)
        self._timeout = timeout
        self._blank_photo = people.BlankPhoto()
        self.dialect = dialect
        self.devices_listed = 0
        """Entries of the last device list read."""
        self.devices_cut = False
        """Whether the last device list was read only in part (`MAX_DEVICES`)."""
        self.score_scale: int | None = None
        """The box's score scale (1 or 100) once learned (`learn_score_scale`)."""

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
            except TooLargeError:
                raise
            except (Se5NotABoxError, NotFoundError):
                _LOGGER.debug(
                    "%s no longer answers as %s; detecting again", self._base, self.dialect
                )
        _, devices = await self._detect()
        return devices

    async def get_box_info(self) -> BoxInfo:
        """Serial, eth0 MAC, model, versions and host name (system API, calls made at once).

        Each missing piece is None. Raises Se5ConnectionError when neither the system API nor
        the configuration answered anything usable, Se5NotABoxError when the box answered but
        gave no serial and no MAC.
        """
        dialect = await self._known_dialect()
        return await system.fetch_box_info(self._system_request, self._request, dialect)

    async def get_serial(self) -> str:
        """The box's serial alone: one call on the system port (see `system.fetch_serial`).

        Learns the dialect when it was not known. Raises Se5Error when the port does not
        answer, or answers without a serial.
        """
        dialect, serial = await system.fetch_serial(self._system_request, self.dialect)
        self.dialect = dialect
        return serial

    async def get_health(self) -> Health:
        """Temperatures, usage, memory, disks, fan and uptime (system API, calls made at once).

        A failed call leaves its fields None; raises the first error when all of them failed.
        """
        return await system.fetch_health(self._system_request, await self._known_dialect())

    async def list_people(
        self, *, page_size: int = 100, limit: int | None = None, with_photos: bool = False
    ) -> list[Person]:
        """Everyone registered on the box (every group), each once, at most `limit`.

        `with_photos` fills `Person.photo` (V6: one request per person).
        """
        return await people.list_people(
            self._request,
            await self._known_dialect(),
            self.get_person_photo,
            page_size=page_size,
            limit=limit,
            with_photos=with_photos,
        )

    async def get_person_photo(self, person: Person) -> bytes | None:
        """The registered photo of a person (JPEG), or None when the box has none."""
        return await people.person_photo(
            self._request, self._image, await self._known_dialect(), person, self._blank_photo
        )

    async def list_events(
        self,
        since: datetime,
        until: datetime | None = None,
        *,
        limit: int = 500,
        page_size: int = 100,
    ) -> list[Recognition]:
        """Recognitions of the event history with `since < timestamp <= until`, oldest first.

        At most `limit` (the newest ones), with image ids and no images; see `client.history`.
        """
        return await history.list_events(
            self._request,
            await self._known_dialect(),
            since,
            until,
            limit=limit,
            page_size=page_size,
            score_scale=self.score_scale,
        )

    async def get_event_image(self, image_id: str, timestamp: datetime | str) -> bytes | None:
        """A face crop or scene photo of the history by id and event time; None if gone.

        `timestamp`: the event's time value as the box gave it (`Recognition.box_time`), sent
        unchanged; a datetime when that is not known.
        """
        path, params = history.event_image_request(await self._known_dialect(), image_id, timestamp)
        return await self._image(path, params)

    async def open_door(self, relay: Relay, *, duration: int | None = None) -> int:
        """Pulse a device's relay: the box opens exactly that door; the seconds it stays open.

        `duration` (1..254 s) defaults to the relay's `delay_time` clamped into that range,
        else 5. Sent once (`_write`). Raises Se5RelayIncompleteError (nothing sent) for a relay
        without a TCP port or a channel, Se5ApiError when the box refuses, Se5UnconfirmedError
        when it went out and no answer came, another Se5ConnectionError when it was not sent.
        """
        seconds = await doors.send_door_command(self._write, relay, DoorMode.OPEN, duration)
        return seconds if seconds is not None else doors.default_duration(relay)

    async def close_door(self, relay: Relay) -> None:
        """Ask the box to close (release) a device's relay at once (`closedoor`)."""
        await doors.send_door_command(self._write, relay, DoorMode.CLOSE)

    async def get_pass_mode(self) -> PassMode:
        """Who the gates let through (V5 `PASSMODE`, V6 `GATE_PASS_MODE`), read by name."""
        return await configs.read_pass_mode(self._request, await self._known_dialect())

    async def set_pass_mode(self, mode: PassMode) -> None:
        """Set who the gates let through (a write: sent once; read it back afterwards)."""
        await configs.write_pass_mode(self._write, await self._known_dialect(), mode)

    async def learn_score_scale(self) -> int | None:
        """Read the scale of the box's scores (1 or 100) and use it from now on.

        None when the box does not tell it (then each score is judged by its value); the scale
        learned before is kept when the box is not reachable.
        """
        scale = await configs.read_score_scale(self._request, await self._known_dialect())
        self.score_scale = scale
        return scale

    # Changes (see `people_write` and `devices`: each write sent once) ------------------------

    async def check_photo(self, photo: bytes) -> bool:
        """Ask the box whether a photo can be registered; False when it has no such check."""
        return await photo_check.check_photo(self._request, await self._known_dialect(), photo)

    async def register_person(self, person: NewPerson) -> str:
        """Register someone on the box; their identity id."""
        return await people_write.register(self._write, await self._known_dialect(), person)

    async def update_person(self, identity_id: str, change: PersonChange) -> None:
        """Change a registered person's name, kind, photo or validity."""
        dialect = await self._known_dialect()
        await people_write.update(self._request, self._write, dialect, identity_id, change)

    async def remove_person(self, identity_id: str) -> None:
        """Delete a registered person from the box."""
        await people_write.remove(self._write, await self._known_dialect(), identity_id)

    async def set_recognition(self, device_id: str, enabled: bool) -> None:
        """Switch recognition on or off on a V5 video device (ValueError elsewhere)."""
        if await self._known_dialect() is not Dialect.V5:
            raise ValueError("the V6 API documents no recognition switch")
        await devices.set_recognition(self._request, self._write, device_id, enabled)

    # Internals ------------------------------------------------------------------------------

    async def _known_dialect(self) -> Dialect:
        return self.dialect if self.dialect is not None else await self.detect_dialect()

    async def _system_request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: dict[str, str | int] | None = None,
    ) -> Any:
        return await self._request(
            method, path, json_body=json_body, params=params, base=self._system_base
        )

    async def _image(self, path: str, params: Mapping[str, str] | None = None) -> bytes | None:
        return await fetch_image(
            self._session,
            self._base.with_path(path, encoded=True),  # ids are quoted by the callers
            params=params,
            timeout=self._timeout,
        )

    async def _detect(self) -> tuple[Dialect, list[Device]]:
        """Try V6 then V5; the first that answers with its own envelope wins.

        V6 first: a V6 box may still answer the V5 device route (an older API kept beside the
        new one), but a V5 box never answers V6's.

        An answer over its cap ends the detection: the other dialect's path would most likely
        bring the same answer (a non-JSON answer costs little: only its start is read).
        """
        failures: list[str] = []
        for dialect in (Dialect.V6, Dialect.V5):
            try:
                devices = await self._list_devices(dialect)
            except TooLargeError as err:
                raise TooLargeError(f"not an SE5 box ({dialect}: {err})") from err
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
        read = 0
        for entry in entries[: MAX_DEVICES * 4]:
            read += 1
            if (device := parse(entry)) is not None:
                devices.setdefault(device.id, device)
                if len(devices) >= MAX_DEVICES:
                    break
        self.devices_listed = len(entries)
        self.devices_cut = read < len(entries)
        return list(devices.values())

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: dict[str, str | int] | None = None,
        base: URL | None = None,
        max_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> Any:
        """Send a request, read at most `max_bytes` of the answer, return its JSON.

        An answer declared or found larger than `max_bytes` raises Se5NotABoxError as soon as
        that is known, without reading the rest; an answer that does not start as JSON is not
        read further than its first chunk. `base` is the system API's base URL for port 8888.
        A redirect is never followed (Se5RedirectError).
        """
        url = (base or self._base).with_path(path)
        try:
            async with (
                asyncio.timeout(self._timeout),
                self._session.request(
                    method, url, json=json_body, params=params, allow_redirects=False
                ) as response,
            ):
                status = response.status
                limit = max_bytes if status < 300 else min(max_bytes, ERROR_BODY_BYTES)
                body, read = await read_capped(response, limit)
        except TimeoutError as err:
            raise Se5ConnectionError(f"no answer within {self._timeout:g} s") from err
        except aiohttp.ClientError as err:
            raise Se5ConnectionError(str(err) or type(err).__name__) from err
        payload = await decode_off_loop(body, read)
        return judge_answer(
            method, path, status, body=body, read=read, limit=limit, payload=payload
        )

    async def _write(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: dict[str, str | int] | None = None,
        base: URL | None = None,
        max_bytes: int = ERROR_BODY_BYTES,
    ) -> Any:
        """A call that changes the box: sent once, on a connection of its own (`send`).

        Its answer is judged as `_request`'s, read up to `max_bytes` (a short answer, unless
        the box sends a photo back); raises Se5UnconfirmedError when the call went out but no
        answer came back (it is never sent again).
        """
        url = (base or self._base).with_path(path)
        status, body, read = await send_once(
            method,
            url,
            json_body=json_body,
            params=params,
            timeout=self._timeout,
            max_bytes=max_bytes,
        )
        payload = await decode_off_loop(body, read)
        return judge_answer(
            method, path, status, body=body, read=read, limit=max_bytes, payload=payload
        )


def _envelope_list(payload: Any, key: str) -> list[Any]:
    """`{"data": {key: [...]}}`, the V5 envelope."""
    data = payload.get("data") if isinstance(payload, dict) else None
    entries = data.get(key) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise Se5NotABoxError(f"answer has no data.{key} list")
    return entries
