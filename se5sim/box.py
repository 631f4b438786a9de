"""The simulated box's make-up: construction, devices, people and read-only views."""

from __future__ import annotations

import asyncio
import enum
import random
from typing import Any, Final

from .configs import Configs
from .devices import build_device
from .eventsocket import EventSocket
from .history import FilterUnit, History, HistoryOrder, HistoryRecord
from .listeners import PortListener
from .model import (
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
from .people_api import V5Skip
from .recognitions import RecognitionMaker
from .relays import RelayPulse, Relays
from .rest import BoxState, RestApi
from .system import BoxIdentity, SimHealth, SystemApi


class _Derived(enum.Enum):
    """Marks an identity value drawn from the seed."""

    FROM_SEED = enum.auto()


FROM_SEED: Final = _Derived.FROM_SEED


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


class BoxBase:
    """What the simulated box is: its devices, people, identity, health, listeners and state.

    The simulator proper (:class:`se5sim.Simulator`) adds life cycle, recognitions and faults.
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
        v6_legacy_routes: bool = False,
        v5_skip: V5Skip = "offset",
        strict: bool = True,
        history_size: int = 10_000,
        history_order: HistoryOrder = "newest",
        v6_filter_unit: FilterUnit = "auto",
    ) -> None:
        """Describe the box; nothing listens until :meth:`start`.

        ``serial``/``mac`` None make the box answer without them (an error for the serial, no
        MAC in the interface list or configuration). ``extra_people`` registers that many
        generated people. ``numeric_ids`` writes device ids as JSON numbers (1, 2, 3...).
        ``v6_legacy_routes`` makes a V6 box still answer the V5 device list and
        ``EventAction`` (undocumented on V6). ``strict`` (the default) refuses, with the box's
        400, what the vendor pages do not allow: door commands no relay can carry out (see
        :mod:`se5sim.relays`), reading the whole configuration list, and history images asked
        with another time than their event's own ``timestamp``. ``v5_skip`` says how
        the V5 users call reads ``skip_num`` (``"offset"`` or ``"page"``). ``history_size``
        bounds the event history; ``history_order`` and ``v6_filter_unit`` choose how the
        history is paged and how V6 reads its time filters (see :mod:`se5sim.history`).
        """
        if dialect not in DIALECTS:
            raise ValueError(f"dialect must be one of {DIALECTS}, not {dialect!r}")
        if v5_skip not in ("offset", "page"):
            raise ValueError(f"v5_skip must be 'offset' or 'page', not {v5_skip!r}")
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
        history.strict = strict
        devices_by_id: dict[str, SimDevice] = {}
        self._state = BoxState(
            dialect=dialect,
            devices=devices_by_id,
            people=people,
            history=history,
            identity=identity,
            relays=Relays(devices_by_id, strict=strict),
            configs=Configs(dialect, self._score_scale, identity.mac_hex, strict=strict),
            v6_legacy_routes=v6_legacy_routes,
            v5_skip=v5_skip,
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
        """Bodies received on ``PUT /SophonFogSys/api/EventAction`` (not the malformed ones)."""
        return list(self._state.relays.actions)

    @property
    def relay_pulses(self) -> list[RelayPulse]:
        """What the box did to its relays: each door by (IP, TCP port, channel)."""
        return list(self._state.relays.pulses)

    @property
    def relay_doors(self) -> set[tuple[str, int, int]]:
        """Every door the devices' relays bind: (relay IP, TCP port, channel)."""
        return self._state.relays.doors()

    @property
    def strict(self) -> bool:
        """Whether what the vendor pages do not allow is refused (see the constructor)."""
        return self._state.relays.strict

    @strict.setter
    def strict(self, strict: bool) -> None:
        self._state.relays.strict = strict
        self._state.configs.strict = strict
        self._state.history.strict = strict

    @property
    def pass_mode(self) -> str:
        """Who the gates let through: ``normal``, ``allpass`` or ``allforbidden``."""
        return self._state.configs.pass_mode

    @pass_mode.setter
    def pass_mode(self, mode: str) -> None:
        self._state.configs.pass_mode = mode

    @property
    def config_writes(self) -> list[dict[str, Any]]:
        """The ``config_dict`` of every configuration write received."""
        return list(self._state.configs.writes)

    @property
    def config_list_reads(self) -> int:
        """Reads of the whole configuration list (the box's secrets; refused when strict)."""
        return self._state.configs.whole_list_reads

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
        device = build_device(
            index,
            name,
            kind,
            role=role,
            relay=relay,
            device_id=str(index + 1) if self._numeric_ids else make_uuid(self._device_rng),
            group_id=self._group_id,
            permission_id=self._permission_id,
            numeric=self._numeric_ids,
        )
        self._device_count += 1
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
