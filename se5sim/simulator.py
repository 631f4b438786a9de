"""The simulated SE5 box: REST API, event socket, scripted and random recognitions, faults."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
import contextlib
from dataclasses import dataclass, field, replace
import json
import logging
import random
import re
import time
from types import TracebackType
from typing import Any, Final, Literal, Self

from aiohttp import WSCloseCode, WSMsgType, web

from . import images
from .frames import Event, dumps
from .model import (
    DEFAULT_DEVICES,
    DEFAULT_PEOPLE,
    DEVICE_KINDS,
    DEVICE_ROLES,
    DIALECTS,
    PERSON_TYPES,
    STRANGER_COUNT,
    STRANGER_GROUP,
    DeviceKind,
    DeviceRole,
    Dialect,
    PersonType,
    SentRecognition,
    SimDevice,
    SimPerson,
    Subscription,
    SubscriptionRecord,
    make_uuid,
)
from .rest import BoxState, FailureMode, RestApi

_LOGGER = logging.getLogger(__name__)

type BadFrameKind = Literal[
    "garbage", "binary", "truncated", "oversized", "not_object", "wrong_types", "empty"
]

BAD_FRAME_KINDS: Final[tuple[BadFrameKind, ...]] = (
    "garbage",
    "binary",
    "truncated",
    "oversized",
    "not_object",
    "wrong_types",
    "empty",
)
#: Default size of an "oversized" frame.
OVERSIZED_BYTES: Final = 20 * 1024 * 1024
#: The box only receives small subscription frames; 4 MiB is far more than any needs.
MAX_CLIENT_FRAME: Final = 4 * 1024 * 1024
#: How long a graceful close waits for the client's close frame.
CLOSE_TIMEOUT: Final = 2.0
#: How long a listener's shutdown waits for its handlers.
SHUTDOWN_TIMEOUT: Final = 5.0

#: How often each kind of person passes a camera, for random recognitions.
_TYPE_WEIGHTS: Final[dict[PersonType, int]] = {
    "employee": 40,
    "visitor": 15,
    "blacklist": 5,
    "stranger": 30,
    "vip": 10,
}


@dataclass(eq=False, slots=True)
class _Connection:
    """One open event-socket connection."""

    id: int
    ws: web.WebSocketResponse
    transport: asyncio.Transport | None
    subscription: Subscription | None = None
    silent: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def pause(self) -> None:
        """Stop reading from the socket (pings get no pong); the TCP stays open."""
        self.silent = True
        if self.transport is not None and not self.transport.is_closing():
            self.transport.pause_reading()

    def unpause(self) -> None:
        """Read from the socket again."""
        self.silent = False
        if self.transport is not None and not self.transport.is_closing():
            self.transport.resume_reading()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "camera"


class Simulator:
    """A simulated Sophgo SE5 face-recognition box.

    Use ``await sim.start()`` / ``await sim.stop()`` or ``async with Simulator(...) as sim``.
    Ports 0 (the default; the real box uses 5555 and 5679) pick free ports; the bound ports
    stay the same across :meth:`go_down` and :meth:`come_back`.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        rest_port: int = 0,
        ws_port: int = 0,
        dialect: Dialect = "v5",
        devices: int = 3,
        rate: float = 0.0,
        seed: int = 0,
        score_scale: int | None = None,
    ) -> None:
        if dialect not in DIALECTS:
            raise ValueError(f"dialect must be one of {DIALECTS}, not {dialect!r}")
        if score_scale not in (None, 1, 100):
            raise ValueError("score_scale must be 1, 100 or None")
        if devices < 0:
            raise ValueError("devices must be >= 0")
        if rate < 0:
            raise ValueError("rate must be >= 0")
        self._host = host
        self._rest_port = rest_port
        self._ws_port = ws_port
        self._dialect: Dialect = dialect
        self._seed = seed
        self._rate = rate
        self._score_scale = score_scale or (1 if dialect == "v5" else 100)
        box_rng = random.Random(f"se5sim:box:{seed}")
        self._group_id = make_uuid(box_rng)
        self._permission_id = make_uuid(box_rng)
        self._device_rng = random.Random(f"se5sim:devices:{seed}")
        self._device_count = 0
        self._rng = random.Random(f"se5sim:events:{seed}")
        self._rate_rng = random.Random(f"se5sim:rate:{seed}")
        people, self._strangers = self._make_people(seed)
        self._state = BoxState(dialect=dialect, devices={}, people=people)
        for _ in range(devices):
            self.add_device()
        self._stranger_record_next = False
        self._connections: dict[int, _Connection] = {}
        self._connections_total = 0
        self._subscriptions: list[SubscriptionRecord] = []
        self._subscribed = asyncio.Condition()
        self._runners: list[web.AppRunner] = []
        self._started = False
        self._rate_task: asyncio.Task[None] | None = None
        self._rate_changed = asyncio.Event()

    # ----------------------------------------------------------------- properties

    @property
    def host(self) -> str:
        """The address the listeners bind to."""
        return self._host

    @property
    def dialect(self) -> Dialect:
        """The firmware dialect, ``"v5"`` or ``"v6"``."""
        return self._dialect

    @property
    def seed(self) -> int:
        """The seed of ids, images and random choices."""
        return self._seed

    @property
    def score_scale(self) -> int:
        """The scale of random scores: 1 (0..1) or 100 (0..100)."""
        return self._score_scale

    @property
    def rest_port(self) -> int:
        """The REST port (the bound one once started)."""
        return self._rest_port

    @property
    def ws_port(self) -> int:
        """The event-socket port (the bound one once started)."""
        return self._ws_port

    @property
    def rest_url(self) -> str:
        """``http://host:port`` of the REST API."""
        return f"http://{_url_host(self._host)}:{self._rest_port}"

    @property
    def ws_url(self) -> str:
        """``ws://host:port`` of the event socket."""
        return f"ws://{_url_host(self._host)}:{self._ws_port}"

    @property
    def is_up(self) -> bool:
        """True while the listeners accept connections."""
        return bool(self._runners)

    @property
    def rate(self) -> float:
        """Random recognitions per second across the followed devices."""
        return self._rate

    @property
    def devices(self) -> list[SimDevice]:
        """The devices, in the order of the device list."""
        return list(self._state.devices.values())

    @property
    def people(self) -> list[SimPerson]:
        """The registered people."""
        return list(self._state.people)

    @property
    def strangers(self) -> list[SimPerson]:
        """The unregistered faces the box may see."""
        return list(self._strangers)

    @property
    def subscriptions(self) -> list[SubscriptionRecord]:
        """Every subscription frame received so far."""
        return list(self._subscriptions)

    @property
    def connections_total(self) -> int:
        """Event-socket connections accepted so far."""
        return self._connections_total

    @property
    def active_connections(self) -> int:
        """Event-socket connections open now."""
        return len(self._connections)

    @property
    def relay_actions(self) -> list[dict[str, Any]]:
        """Bodies received on ``PUT /SophonFogSys/api/EventAction``."""
        return list(self._state.relay_actions)

    # ----------------------------------------------------------------- set-up

    def _make_people(self, seed: int) -> tuple[list[SimPerson], list[SimPerson]]:
        rng = random.Random(f"se5sim:people:{seed}")
        used: set[str] = set()
        people: list[SimPerson] = []
        for index, (name, person_type, group, gender, age, glasses) in enumerate(DEFAULT_PEOPLE):
            identity_id = str(rng.randrange(100_000, 1_000_000))
            while identity_id in used:
                identity_id = str(rng.randrange(100_000, 1_000_000))
            used.add(identity_id)
            people.append(
                SimPerson(
                    identity_id=identity_id,
                    name=name,
                    person_type=person_type,
                    group_name=group,
                    user_id=f"{rng.randrange(10**8):08d}",
                    image_id=make_uuid(rng),
                    face_id=make_uuid(rng),
                    permission_ids=(self._permission_id,),
                    gender=gender,
                    age=age,
                    glasses=glasses,
                    photo_jpeg=images.face_jpeg(seed, f"person:{index}:registered"),
                    face_jpeg=images.face_jpeg(seed, f"person:{index}:seen"),
                )
            )
        strangers = [
            SimPerson(
                identity_id=make_uuid(rng),
                name="stranger",
                person_type="stranger",
                group_name=STRANGER_GROUP,
                user_id="",
                image_id=make_uuid(rng),
                face_id=make_uuid(rng),
                permission_ids=(),
                gender=rng.choice(("male", "female")),
                age=rng.randrange(18, 70),
                glasses=rng.random() < 0.3,
                photo_jpeg=None,
                face_jpeg=images.face_jpeg(seed, f"stranger:{index}"),
            )
            for index in range(STRANGER_COUNT)
        ]
        return people, strangers

    def add_device(
        self,
        name: str | None = None,
        kind: DeviceKind = "rtsp",
        *,
        role: DeviceRole | None = None,
        relay: dict[str, Any] | bool | None = None,
    ) -> SimDevice:
        """Attach a device; it appears in the device list at once.

        Without arguments the next default device is added (name, kind, role and relay from
        the built-in table). ``relay=True`` gives the device a generated network relay.
        """
        index = self._device_count
        if name is None and index < len(DEFAULT_DEVICES):
            name, kind, default_role, has_relay = DEFAULT_DEVICES[index]
            role = role or default_role
            relay = has_relay if relay is None else relay
        if kind not in DEVICE_KINDS:
            raise ValueError(f"kind must be one of {DEVICE_KINDS}, not {kind!r}")
        if role is None:
            role = "capture" if kind == "photo" else "ipc"
        if role not in DEVICE_ROLES:
            raise ValueError(f"role must be one of {DEVICE_ROLES}, not {role!r}")
        self._device_count += 1
        name = name or f"Camera {index + 1}"
        ip = f"192.168.{1 + index // 150}.{101 + index % 150}"
        urls: dict[DeviceKind, str] = {
            "rtsp": f"rtsp://{ip}:554/ch1",
            "photo": ip,
            "file": f"/data/video/{_slug(name)}.mp4",
            "gb28181": f"gb28181://34020000001320{index:06d}@{ip}:5060",
        }
        relay_entry: dict[str, Any] | None
        if relay is True:
            relay_entry = {
                "ip": f"192.168.{10 + index // 200}.{20 + index % 200}",
                "net_port": 6722,
                "door_port": 1,
                "delay_time": 5,
            }
        elif isinstance(relay, dict):
            relay_entry = dict(relay)
        else:
            relay_entry = None
        device = SimDevice(
            id=make_uuid(self._device_rng),
            name=name,
            ip=ip,
            kind=kind,
            url=urls[kind],
            relay=relay_entry,
            role=role,
            group_id=self._group_id,
            permission_id=self._permission_id,
        )
        self._state.devices[device.id] = device
        return device

    def remove_device(self, device_id: str) -> None:
        """Detach a device; raises KeyError if there is no such device."""
        del self._state.devices[device_id]

    def device(self, device_id: str) -> SimDevice:
        """The device with this id; raises KeyError."""
        return self._state.devices[device_id]

    # ----------------------------------------------------------------- life cycle

    async def __aenter__(self) -> Self:
        """Start the simulator."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the simulator."""
        await self.stop()

    async def start(self) -> None:
        """Bind both listeners and start the random recognitions (if ``rate`` > 0)."""
        if self._started:
            raise RuntimeError("the simulator is already started")
        await self._listen()
        self._started = True
        self._update_rate_task()
        _LOGGER.info("se5sim %s up: %s %s", self._dialect, self.rest_url, self.ws_url)

    async def stop(self) -> None:
        """Close every connection and both listeners; stop background tasks."""
        if not self._started:
            return
        self._started = False
        await self._cancel_rate_task()
        await self._unlisten(abrupt=False)
        _LOGGER.info("se5sim stopped")

    async def go_down(self) -> None:
        """Power off: connections die without a close frame; both ports refuse connections."""
        self._require_started()
        if self.is_up:
            await self._unlisten(abrupt=True)
            _LOGGER.info("se5sim down")

    async def come_back(self, init_seconds: float = 0.0) -> None:
        """Power on again on the same ports; REST answers DEVICE_INIT_ERROR for a while."""
        self._require_started()
        if self.is_up:
            raise RuntimeError("the simulator is already up")
        self._state.faults.start_init_window(init_seconds)
        await self._listen()
        _LOGGER.info("se5sim back (initialising for %.1f s)", init_seconds)

    async def reboot(self, downtime: float = 1.0, init_seconds: float = 0.0) -> None:
        """:meth:`go_down`, wait ``downtime`` seconds, :meth:`come_back`."""
        await self.go_down()
        await asyncio.sleep(downtime)
        await self.come_back(init_seconds)

    def _require_started(self) -> None:
        if not self._started:
            raise RuntimeError("the simulator is not started")

    async def _listen(self) -> None:
        rest_app = RestApi(self._state).application()
        ws_app = web.Application()
        ws_app.router.add_get("/{path:.*}", self._handle_ws)
        ports: list[int] = []
        try:
            for app, port in ((rest_app, self._rest_port), (ws_app, self._ws_port)):
                runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
                await runner.setup()
                self._runners.append(runner)
                await web.TCPSite(runner, self._host, port).start()
                ports.append(runner.addresses[0][1])
        except BaseException:
            await self._cleanup_runners()
            raise
        self._rest_port, self._ws_port = ports

    async def _unlisten(self, *, abrupt: bool) -> None:
        # Open WebSockets are closed here rather than in ``on_shutdown``: a runner's cleanup
        # would otherwise wait for their handlers until its shutdown timeout.
        await self._close_connections(abrupt=abrupt)
        await self._cleanup_runners()

    async def _cleanup_runners(self) -> None:
        while self._runners:  # the event socket first
            await self._runners.pop().cleanup()

    # ----------------------------------------------------------------- rate loop

    def set_rate(self, rate: float) -> None:
        """Change the number of random recognitions per second (0 stops them)."""
        if rate < 0:
            raise ValueError("rate must be >= 0")
        self._rate = rate
        self._rate_changed.set()
        self._update_rate_task()

    def _update_rate_task(self) -> None:
        if self._started and self._rate > 0 and self._rate_task is None:
            self._rate_task = asyncio.create_task(self._rate_loop(), name="se5sim rate loop")

    async def _cancel_rate_task(self) -> None:
        task, self._rate_task = self._rate_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _rate_loop(self) -> None:
        # Poisson arrivals; a rate change (set_rate) wakes the loop to draw a new delay.
        while self._rate > 0:
            self._rate_changed.clear()
            delay = self._rate_rng.expovariate(self._rate)
            try:
                await asyncio.wait_for(self._rate_changed.wait(), delay)
            except TimeoutError:
                followed = self._followed_device_ids()
                if self.is_up and followed:
                    await self.fire(self._rate_rng.choice(followed))
        self._rate_task = None

    def _followed_device_ids(self) -> list[str]:
        wanted: set[str] = set()
        for connection in self._connections.values():
            if connection.subscription is not None:
                wanted |= connection.subscription.device_ids
        return [device_id for device_id in self._state.devices if device_id in wanted]

    # ----------------------------------------------------------------- event socket

    async def _handle_ws(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(
            timeout=CLOSE_TIMEOUT, compress=False, max_msg_size=MAX_CLIENT_FRAME
        )
        await ws.prepare(request)
        self._connections_total += 1
        connection = _Connection(self._connections_total, ws, request.transport)
        self._connections[connection.id] = connection
        _LOGGER.info("WS: connection %d from %s", connection.id, request.remote)
        try:
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    await self._on_client_text(connection, message.data)
        finally:
            del self._connections[connection.id]
            connection.done.set()
            _LOGGER.info("WS: connection %d closed", connection.id)
        return ws

    async def _on_client_text(self, connection: _Connection, text: str) -> None:
        try:
            payload = json.loads(text)
        except ValueError:
            _LOGGER.debug("WS: connection %d sent non-JSON text, ignored", connection.id)
            return
        if not isinstance(payload, dict):
            return
        connection.subscription = Subscription.parse(payload, self._dialect)
        self._subscriptions.append(SubscriptionRecord(connection.id, payload, time.time()))
        _LOGGER.info("WS: connection %d subscribed: %s", connection.id, connection.subscription)
        async with self._subscribed:
            self._subscribed.notify_all()

    async def wait_for_subscription(
        self,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - the simulator's API: a plain number of seconds
    ) -> SubscriptionRecord:
        """Wait until ``count`` subscription frames in total were received; the latest one.

        Raises TimeoutError.
        """
        async with asyncio.timeout(timeout), self._subscribed:
            await self._subscribed.wait_for(lambda: len(self._subscriptions) >= count)
        return self._subscriptions[-1]

    async def _send(self, connection: _Connection, payload: str | bytes) -> bool:
        if connection.silent or connection.ws.closed:
            return False
        try:
            async with connection.lock:
                if isinstance(payload, bytes):
                    await connection.ws.send_bytes(payload)
                else:
                    await connection.ws.send_str(payload)
        except ConnectionError as err:  # the peer went away while we were sending
            _LOGGER.debug("WS: send to connection %d failed: %s", connection.id, err)
            return False
        return True

    async def _close_connections(self, *, abrupt: bool) -> None:
        connections = list(self._connections.values())
        if not connections:
            return
        for connection in connections:
            if connection.silent:
                connection.unpause()
        if abrupt:
            for connection in connections:
                if connection.transport is not None:
                    connection.transport.abort()
        else:
            await asyncio.gather(
                *(
                    connection.ws.close(code=WSCloseCode.GOING_AWAY, message=b"box shutting down")
                    for connection in connections
                ),
                return_exceptions=True,
            )
        waiters = [asyncio.ensure_future(connection.done.wait()) for connection in connections]
        _, pending = await asyncio.wait(waiters, timeout=CLOSE_TIMEOUT + 1)
        for waiter in pending:  # pragma: no cover - only if a handler hangs
            waiter.cancel()

    async def drop_connections(self, *, abrupt: bool = False) -> None:
        """Close every event-socket connection, as a restarting box service does.

        By default each gets a close frame (1001 going away); ``abrupt=True`` just closes TCP.
        """
        await self._close_connections(abrupt=abrupt)

    def go_silent(self) -> None:
        """Half-open: stop reading from and sending to the connections open now.

        Their TCP stays open and WebSocket pings get no pong. Connections opened later work.
        """
        for connection in self._connections.values():
            connection.pause()

    def resume(self) -> None:
        """Undo :meth:`go_silent`."""
        for connection in self._connections.values():
            if connection.silent:
                connection.unpause()

    # ----------------------------------------------------------------- recognitions

    async def fire(
        self,
        device_id: str | None = None,
        *,
        identity_id: str | None = None,
        person_type: PersonType | None = None,
        score: float | None = None,
        timestamp_ms: int | None = None,
        omit_person_type: bool = False,
    ) -> SentRecognition:
        """Push one recognition to every connection that follows its device.

        ``device_id`` None picks a random followed device (any device if none is followed).
        ``identity_id`` picks a registered person or a stranger face by id; ``person_type``
        picks a random face of that type (``"stranger"``: an unregistered face); neither
        picks a random face of any type. ``score`` is sent as given (on the box's scale);
        None draws one. ``omit_person_type`` leaves ``ext_data.person_type`` out (V5
        employees only). Raises ValueError for an impossible request.
        """
        if person_type is not None and person_type not in PERSON_TYPES:
            raise ValueError(f"person_type must be one of {PERSON_TYPES}, not {person_type!r}")
        if omit_person_type:
            if self._dialect != "v5":
                raise ValueError("omit_person_type only exists in the V5 dialect")
            if person_type not in (None, "employee"):
                raise ValueError("omit_person_type is only allowed for employees")
            person_type = "employee"
        device = self._pick_device(device_id)
        person = self._pick_person(identity_id, person_type)
        event = self._build_event(
            device,
            person,
            score=score,
            timestamp_ms=timestamp_ms,
            omit_person_type=omit_person_type,
        )
        delivered = await self._deliver(event)
        _LOGGER.debug(
            "fire: %s on %s (%s) -> %d connections",
            person.name,
            device.name,
            person.person_type,
            delivered,
        )
        return replace(event.sent, delivered=delivered)

    def _pick_device(self, device_id: str | None) -> SimDevice:
        if device_id is not None:
            device = self._state.devices.get(device_id)
            if device is None:
                raise ValueError(f"no device {device_id!r}")
            return device
        candidates = self._followed_device_ids() or list(self._state.devices)
        if not candidates:
            raise ValueError("the box has no devices")
        return self._state.devices[self._rng.choice(candidates)]

    def _pick_person(self, identity_id: str | None, person_type: PersonType | None) -> SimPerson:
        if identity_id is not None:
            for person in self._all_faces():
                if person.identity_id == identity_id:
                    if person_type is not None and person.person_type != person_type:
                        raise ValueError(
                            f"{identity_id!r} is a {person.person_type}, not a {person_type}"
                        )
                    return person
            raise ValueError(f"no person {identity_id!r}")
        if person_type is None:
            person_type = self._rng.choices(
                list(_TYPE_WEIGHTS), weights=list(_TYPE_WEIGHTS.values())
            )[0]
        candidates = [p for p in self._all_faces() if p.person_type == person_type]
        if not candidates:
            raise ValueError(f"nobody of type {person_type!r} is registered")
        return self._rng.choice(candidates)

    def _all_faces(self) -> Iterable[SimPerson]:
        yield from self._state.people
        yield from self._strangers

    def _random_score(self, person: SimPerson) -> float:
        if person.person_type == "stranger":
            value = self._rng.uniform(0.35, 0.7)
        else:
            value = self._rng.uniform(0.72, 0.99)
        return round(value * 100, 2) if self._score_scale == 100 else value

    def _build_event(
        self,
        device: SimDevice,
        person: SimPerson,
        *,
        score: float | None = None,
        timestamp_ms: int | None = None,
        omit_person_type: bool = False,
        advance_stranger_shape: bool = True,
    ) -> Event:
        v5 = self._dialect == "v5"
        if timestamp_ms is None:
            timestamp_ms = time.time_ns() // 1_000_000
        identity_info: dict[str, Any] | None = None
        if v5:
            if person.person_type != "stranger":
                identity_info = {
                    "image_id": person.image_id,
                    "type": person.type_number,
                    "user_id": person.user_id,
                    "name": person.name,
                    "face_ids": [person.face_id],
                }
            elif self._stranger_record_next:
                identity_info = {
                    "addTime": timestamp_ms // 1000,
                    "image_id": person.image_id,
                    "name": "stranger",
                    "type": 4,
                }
            else:
                identity_info = {}
            if person.person_type == "stranger" and advance_stranger_shape:
                self._stranger_record_next = not self._stranger_record_next
        sent = SentRecognition(
            dialect=self._dialect,
            device_id=device.id,
            device_ip=device.ip,
            identity_id=person.identity_id,
            identity_name=person.name,
            person_type=person.person_type,
            group_name=person.group_name,
            score=self._random_score(person) if score is None else score,
            timestamp_ms=timestamp_ms,
            event_id=make_uuid(self._rng),
            video_id=device.id,
            face_jpeg=person.face_jpeg,
            scene_jpeg=(
                images.scene_jpeg(self._seed, self._rng.randrange(images.SCENE_COUNT))
                if v5
                else None
            ),
            registered_jpeg=person.photo_jpeg,
            identity_info=identity_info,
            person_type_sent=not omit_person_type,
        )
        return Event(
            sent=sent,
            device_type=device.type_code if v5 else device.v6_type,
            face_attr={"gender": person.gender, "age": person.age, "glasses": person.glasses},
        )

    async def _deliver(self, event: Event) -> int:
        sends = []
        for connection in list(self._connections.values()):
            subscription = connection.subscription
            if subscription is None or event.sent.device_id not in subscription.device_ids:
                continue
            text = event.text(
                with_face=subscription.with_face, with_register=subscription.with_register
            )
            sends.append(self._send(connection, text))
        results = await asyncio.gather(*sends)
        return sum(results)

    # ----------------------------------------------------------------- faults

    async def send_bad_frame(self, kind: BadFrameKind, size: int | None = None) -> int:
        """Send a malformed frame to every subscribed connection; how many got it.

        Kinds: ``garbage`` (non-JSON text), ``binary`` (a binary frame), ``truncated`` (a
        recognition's JSON cut in the middle), ``oversized`` (a recognition padded with a
        ``padding`` field to ``size`` bytes, default 20 MiB), ``not_object`` (a JSON array),
        ``wrong_types`` (device id a number, score a string), ``empty`` (``{}``).
        """
        payload = self._bad_payload(kind, size)
        targets = [c for c in self._connections.values() if c.subscription is not None]
        results = await asyncio.gather(*(self._send(c, payload) for c in targets))
        return sum(results)

    def _bad_payload(self, kind: BadFrameKind, size: int | None) -> str | bytes:
        if kind not in BAD_FRAME_KINDS:
            raise ValueError(f"kind must be one of {BAD_FRAME_KINDS}, not {kind!r}")
        if kind == "garbage":
            return "<html>502 Bad Gateway</html> not JSON {"
        if kind == "binary":
            return b"\x00\x01\x02\x03SE5\xff\xfe\xfd binary frame"
        if kind == "empty":
            return "{}"
        if not self._state.devices or not self._state.people:
            raise ValueError("a bad recognition needs a device and a registered person")
        event = self._build_event(
            next(iter(self._state.devices.values())),
            self._state.people[0],
            advance_stranger_shape=False,
        )
        frame = event.frame(with_face=False, with_register=False)
        if kind == "truncated":
            text = dumps(frame)
            return text[: len(text) // 2]
        if kind == "not_object":
            return dumps([frame])
        if kind == "wrong_types":
            frame["device_id" if self._dialect == "v5" else "media_device_id"] = 12345
            frame["score"] = str(frame["score"])
            return dumps(frame)
        # oversized
        target = OVERSIZED_BYTES if size is None else size
        frame["padding"] = ""
        missing = target - len(dumps(frame).encode())
        if missing < 0:
            raise ValueError(f"size must be at least {target - missing} bytes")
        frame["padding"] = "x" * missing
        return dumps(frame)

    def fail_rest(
        self, mode: FailureMode, *, count: int | None = None, seconds: float | None = None
    ) -> None:
        """Make REST fail: ``"init"`` (HTTP 500 DEVICE_INIT_ERROR) or ``"http500"`` (plain).

        For the next ``count`` requests, or ``seconds``, whichever ends first; neither: until
        :meth:`clear_rest_failure`.
        """
        self._state.faults.set(mode, count=count, seconds=seconds)

    def clear_rest_failure(self) -> None:
        """Stop an injected REST failure and any start-up window."""
        self._state.faults.clear()
        self._state.faults.init_until = None
