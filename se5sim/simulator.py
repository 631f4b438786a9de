"""The simulated SE5 box: REST API, system API, event socket, recognitions, history, faults."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
import enum
import logging
import random
import re
from types import TracebackType
from typing import Any, Final, Self

from .eventsocket import EventSocket
from .faults import Gate, RelayFailureMode, SystemFailureMode
from .history import FilterUnit, History, HistoryOrder, HistoryRecord
from .listeners import PortListener
from .model import (
    DEFAULT_DEVICES,
    DEVICE_KINDS,
    DEVICE_ROLES,
    DIALECTS,
    DeviceKind,
    DeviceRole,
    Dialect,
    PersonType,
    SentRecognition,
    SimDevice,
    SimPerson,
    SubscriptionRecord,
    make_uuid,
)
from .people import People
from .recognitions import BAD_FRAME_KINDS, BadFrameKind, RecognitionMaker
from .rest import BoxState, FailureMode, RestApi
from .system import BoxIdentity, SimHealth, SystemApi

__all__ = ["BAD_FRAME_KINDS", "BadFrameKind", "Simulator"]

_LOGGER = logging.getLogger(__name__)


class _Derived(enum.Enum):
    """Marks an identity value drawn from the seed."""

    FROM_SEED = enum.auto()


FROM_SEED: Final = _Derived.FROM_SEED


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "camera"


class Simulator:
    """A simulated Sophgo SE5 face-recognition box.

    Use ``await sim.start()`` / ``await sim.stop()`` or ``async with Simulator(...) as sim``.
    Ports 0 (the default; the real box uses 5555, 5679 and 8888) pick free ports; the bound
    ports stay the same across :meth:`go_down` and :meth:`come_back`.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        rest_port: int = 0,
        ws_port: int = 0,
        system_port: int = 0,
        dialect: Dialect = "v5",
        devices: int = 3,
        rate: float = 0.0,
        seed: int = 0,
        score_scale: int | None = None,
        serial: str | _Derived | None = FROM_SEED,
        mac: str | _Derived | None = FROM_SEED,
        extra_people: int = 0,
        numeric_ids: bool = False,
        v6_door_api: bool = False,
        history_size: int = 10_000,
        history_order: HistoryOrder = "newest",
        v6_filter_unit: FilterUnit = "auto",
    ) -> None:
        """Describe the box; nothing listens until :meth:`start`.

        ``serial``/``mac`` None make the box answer without them (an error for the serial, no
        MAC in the interface list or configuration). ``extra_people`` registers that many
        generated people. ``numeric_ids`` writes device ids as JSON numbers (1, 2, 3...).
        ``v6_door_api`` makes a V6 box answer the V5 ``EventAction`` call. ``history_size``
        bounds the event history; ``history_order`` and ``v6_filter_unit`` choose how the
        history is paged and how V6 reads its time filters (see :mod:`se5sim.history`).
        """
        if dialect not in DIALECTS:
            raise ValueError(f"dialect must be one of {DIALECTS}, not {dialect!r}")
        if score_scale not in (None, 1, 100):
            raise ValueError("score_scale must be 1, 100 or None")
        if devices < 0:
            raise ValueError("devices must be >= 0")
        if rate < 0:
            raise ValueError("rate must be >= 0")
        self._host = host
        self._dialect: Dialect = dialect
        self._seed = seed
        self._rate = rate
        self._score_scale = score_scale or (1 if dialect == "v5" else 100)
        self._numeric_ids = numeric_ids
        box_rng = random.Random(f"se5sim:box:{seed}")
        self._group_id = make_uuid(box_rng)
        self._permission_id = make_uuid(box_rng)
        self._device_rng = random.Random(f"se5sim:devices:{seed}")
        self._device_count = 0
        self._rate_rng = random.Random(f"se5sim:rate:{seed}")
        identity = BoxIdentity.derived(seed)
        if not isinstance(serial, _Derived):
            identity.serial = serial
        if not isinstance(mac, _Derived):
            identity.mac = None if mac is None else mac.lower()
        people = People(seed, self._permission_id, extra_people)
        history = History(
            dialect,
            size=history_size,
            order=history_order,
            filter_unit=v6_filter_unit,
            box_id=identity.mac_hex or "",
        )
        self._state = BoxState(
            dialect=dialect,
            devices={},
            people=people,
            history=history,
            identity=identity,
            v6_door_api=v6_door_api,
        )
        self._system = SystemApi(dialect, identity, SimHealth())
        self._maker = RecognitionMaker(
            dialect, seed, self._score_scale, people, self._state.devices
        )
        for _ in range(devices):
            self.add_device()
        self._socket = EventSocket(dialect)
        self._rest = PortListener(lambda: RestApi(self._state).application(), host, rest_port)
        self._ws = PortListener(self._socket.application, host, ws_port)
        self._system_listener = PortListener(self._system.application, host, system_port)
        self._system_back: asyncio.TimerHandle | None = None
        self._started = False
        self._up = False
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
        return self._rest.port

    @property
    def ws_port(self) -> int:
        """The event-socket port (the bound one once started)."""
        return self._ws.port

    @property
    def system_port(self) -> int:
        """The system-API port (the bound one once started)."""
        return self._system_listener.port

    @property
    def rest_url(self) -> str:
        """``http://host:port`` of the REST API."""
        return f"http://{_url_host(self._host)}:{self.rest_port}"

    @property
    def ws_url(self) -> str:
        """``ws://host:port`` of the event socket."""
        return f"ws://{_url_host(self._host)}:{self.ws_port}"

    @property
    def system_url(self) -> str:
        """``http://host:port`` of the system API."""
        return f"http://{_url_host(self._host)}:{self.system_port}"

    @property
    def is_up(self) -> bool:
        """True while the box is on (its listeners accept connections)."""
        return self._up

    @property
    def rate(self) -> float:
        """Random recognitions per second (on the followed devices, else on any device)."""
        return self._rate

    @property
    def devices(self) -> list[SimDevice]:
        """The devices, in the order of the device list."""
        return list(self._state.devices.values())

    @property
    def people(self) -> list[SimPerson]:
        """The registered people, in registration order."""
        return list(self._state.people)

    @property
    def strangers(self) -> list[SimPerson]:
        """The unregistered faces the box may see."""
        return self._state.people.strangers

    @property
    def serial(self) -> str | None:
        """The serial number the box reports (None: it answers an error)."""
        return self._state.identity.serial

    @property
    def mac(self) -> str | None:
        """The eth0 MAC the box reports, ``aa:bb:cc:dd:ee:ff`` (None: it reports none)."""
        return self._state.identity.mac

    @property
    def health(self) -> SimHealth:
        """The health values the system API reports; change them at will."""
        return self._system.health

    @property
    def history(self) -> list[SentRecognition]:
        """Every recognition kept in the event history, oldest recorded first."""
        return [record.sent for record in self._state.history.records]

    @property
    def history_records(self) -> list[HistoryRecord]:
        """The history with its image ids, oldest recorded first."""
        return self._state.history.records

    @property
    def subscriptions(self) -> list[SubscriptionRecord]:
        """Every subscription frame received so far."""
        return list(self._socket.subscriptions)

    @property
    def connections_total(self) -> int:
        """Event-socket connections accepted so far."""
        return self._socket.connections_total

    @property
    def active_connections(self) -> int:
        """Event-socket connections open now."""
        return self._socket.active

    @property
    def relay_actions(self) -> list[dict[str, Any]]:
        """Bodies received on ``PUT /SophonFogSys/api/EventAction``."""
        return list(self._state.relay_actions)

    # ----------------------------------------------------------------- set-up

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
            id=str(index + 1) if self._numeric_ids else make_uuid(self._device_rng),
            name=name,
            ip=ip,
            kind=kind,
            url=urls[kind],
            relay=relay_entry,
            role=role,
            group_id=self._group_id,
            permission_id=self._permission_id,
            numeric=self._numeric_ids,
        )
        self._state.devices[device.id] = device
        return device

    def remove_device(self, device_id: str) -> None:
        """Detach a device; raises KeyError if there is no such device."""
        del self._state.devices[device_id]

    def device(self, device_id: str) -> SimDevice:
        """The device with this id; raises KeyError."""
        return self._state.devices[device_id]

    def add_person(
        self, name: str, person_type: PersonType = "employee", **kwargs: Any
    ) -> SimPerson:
        """Register a person (see :meth:`se5sim.people.People.add` for the keywords)."""
        return self._state.people.add(name, person_type, **kwargs)

    def remove_person(self, identity_id: str) -> SimPerson:
        """Delete a registered person; raises KeyError. Their history stays."""
        return self._state.people.remove(identity_id)

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
        """Bind the three listeners and start the random recognitions (if ``rate`` > 0)."""
        if self._started:
            raise RuntimeError("the simulator is already started")
        await self._listen()
        self._started = True
        self._update_rate_task()
        _LOGGER.info(
            "se5sim %s up: %s %s %s", self._dialect, self.rest_url, self.ws_url, self.system_url
        )

    async def stop(self) -> None:
        """Close every connection and listener; stop background tasks."""
        if not self._started:
            return
        self._started = False
        await self._cancel_rate_task()
        self._cancel_system_back()
        await self._unlisten(abrupt=False)
        _LOGGER.info("se5sim stopped")

    async def go_down(self) -> None:
        """Power off: connections die without a close frame; all ports refuse connections.

        Recognitions fired meanwhile are kept in the history and delivered to nobody.
        """
        self._require_started()
        if self._up:
            await self._unlisten(abrupt=True)
            _LOGGER.info("se5sim down")

    async def come_back(self, init_seconds: float = 0.0) -> None:
        """Power on again on the same ports; REST answers DEVICE_INIT_ERROR for a while."""
        self._require_started()
        if self._up:
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
        started: list[PortListener] = []
        try:
            for listener, open_port in (
                (self._rest, True),
                (self._ws, True),
                (self._system_listener, self._system.faults.mode != "down"),
            ):
                await listener.start(open_port=open_port)
                started.append(listener)
        except BaseException:
            for listener in reversed(started):
                await listener.stop()
            raise
        self._up = True

    async def _unlisten(self, *, abrupt: bool) -> None:
        self._up = False
        # Open WebSockets are closed here rather than in a shutdown hook: a runner's cleanup
        # would otherwise wait for their handlers until its shutdown timeout. Requests held
        # by a "timeout" fault are let go for the same reason.
        await self._socket.close_all(abrupt=abrupt)
        self._system.gate.release()
        self._state.relay_gate.release()
        for listener in (self._ws, self._rest, self._system_listener):
            await listener.stop()

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
        # Poisson arrivals; a rate change (set_rate) wakes the loop to draw a new delay. The
        # box recognises people whether anyone listens or not: with no follower (or while
        # it is down) the recognitions go to the history only.
        while self._rate > 0:
            self._rate_changed.clear()
            delay = self._rate_rng.expovariate(self._rate)
            try:
                await asyncio.wait_for(self._rate_changed.wait(), delay)
            except TimeoutError:
                followed = self._socket.followed()
                candidates = [d for d in self._state.devices if d in followed]
                candidates = candidates or list(self._state.devices)
                if candidates:
                    await self.fire(self._rate_rng.choice(candidates))
        self._rate_task = None

    # ----------------------------------------------------------------- event socket

    async def wait_for_subscription(
        self,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - the simulator's API: a plain number of seconds
    ) -> SubscriptionRecord:
        """Wait until ``count`` subscription frames in total were received; the latest one.

        Raises TimeoutError.
        """
        return await self._socket.wait_for_subscription(count, timeout)

    async def drop_connections(self, *, abrupt: bool = False) -> None:
        """Close every event-socket connection, as a restarting box service does.

        By default each gets a close frame (1001 going away); ``abrupt=True`` just closes TCP.
        """
        await self._socket.close_all(abrupt=abrupt)

    def go_silent(self) -> None:
        """Half-open: stop reading from and sending to the connections open now.

        Their TCP stays open and WebSocket pings get no pong. Connections opened later work.
        """
        self._socket.go_silent()

    def resume(self) -> None:
        """Undo :meth:`go_silent`."""
        self._socket.resume()

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
        """Push one recognition to every connection following its device; keep it in history.

        The history keeps it also while the box is down or nobody listens.

        ``device_id`` None picks a random followed device (any device if none is followed).
        ``identity_id`` picks a registered person or a stranger face by id; ``person_type``
        picks a random face of that type (``"stranger"``: an unregistered face); neither
        picks a random face of any type. ``score`` is sent as given (on the box's scale);
        None draws one. ``omit_person_type`` leaves ``ext_data.person_type`` out (V5
        employees only). Raises ValueError for an impossible request.
        """
        if omit_person_type:
            if self._dialect != "v5":
                raise ValueError("omit_person_type only exists in the V5 dialect")
            if person_type not in (None, "employee"):
                raise ValueError("omit_person_type is only allowed for employees")
            person_type = "employee"
        device = self._maker.pick_device(device_id, self._socket.followed())
        person = self._maker.pick_person(identity_id, person_type)
        event = self._maker.build(
            device,
            person,
            score=score,
            timestamp_ms=timestamp_ms,
            omit_person_type=omit_person_type,
        )
        delivered = await self._socket.deliver(event) if self._up else 0
        sent = replace(event.sent, delivered=delivered)
        registered = self._state.people.get(person.identity_id) is not None
        self._state.history.record(
            sent,
            device,
            face_attr=event.face_attr,
            registered_image_id=person.image_id if registered and person.image_id else "",
        )
        _LOGGER.debug(
            "fire: %s on %s (%s) -> %d connections",
            person.name,
            device.name,
            person.person_type,
            delivered,
        )
        return sent

    # ----------------------------------------------------------------- faults

    async def send_bad_frame(self, kind: BadFrameKind, size: int | None = None) -> int:
        """Send a malformed frame to every subscribed connection; how many got it.

        Kinds: ``garbage`` (non-JSON text), ``binary`` (a binary frame), ``truncated`` (a
        recognition's JSON cut in the middle), ``oversized`` (a recognition padded with a
        ``padding`` field to ``size`` bytes, default 20 MiB), ``not_object`` (a JSON array),
        ``wrong_types`` (device id a number, score a string), ``empty`` (``{}``).
        """
        return await self._socket.broadcast(self._maker.bad_payload(kind, size))

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

    def fail_system(
        self, mode: SystemFailureMode, *, count: int | None = None, seconds: float | None = None
    ) -> None:
        """Make the system API (only) fail; the event socket and REST stay fine.

        ``"http500"`` answers HTTP 500, ``"timeout"`` accepts and never answers, ``"down"``
        refuses connections (at once; kept-alive connections are cut on their next request).
        For the next ``count`` requests (not with ``"down"``), or ``seconds``; neither: until
        :meth:`clear_system_failure`.
        """
        self._system.faults.set(mode, count=count, seconds=seconds)
        self._cancel_system_back()
        if mode == "down":
            self._system_listener.close_port()
            if seconds is not None:
                loop = asyncio.get_running_loop()
                self._system_back = loop.call_later(seconds, self.clear_system_failure)
        elif self._up:
            self._system_listener.open_port()

    def clear_system_failure(self) -> None:
        """Stop an injected system-API failure; held requests are let go, the port reopens."""
        self._cancel_system_back()
        self._system.faults.clear()
        self._system.gate.release()
        if self._up:
            self._system_listener.open_port()

    def _cancel_system_back(self) -> None:
        if self._system_back is not None:
            self._system_back.cancel()
            self._system_back = None

    def fail_relay(self, mode: RelayFailureMode) -> None:
        """Make ``EventAction`` fail until cleared; the bodies are still recorded.

        ``"error"``: an error envelope; ``"http500"``; ``"timeout"``: never answers.
        """
        self._state.set_relay_failure(mode)

    def clear_relay_failure(self) -> None:
        """``EventAction`` answers again; held requests are let go."""
        self._state.set_relay_failure(None)

    @property
    def held_requests(self) -> int:
        """Requests held by a ``"timeout"`` fault (system API and relay) right now."""
        gates: tuple[Gate, ...] = (self._system.gate, self._state.relay_gate)
        return sum(gate.held for gate in gates)
