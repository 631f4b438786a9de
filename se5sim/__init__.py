"""A simulator of the Sophgo SE5 face-recognition box (REST API and event socket).

Command line: ``python -m se5sim --dialect v5 --devices 4 --rate 1`` (see ``--help``).

As a library::

    async with Simulator(rest_port=0, ws_port=0, system_port=0, dialect="v6", seed=1) as sim:
        ...  # point a client at sim.rest_url / sim.ws_url / sim.system_url
        await sim.wait_for_subscription()
        sent = await sim.fire(sim.devices[0].id, person_type="vip")
        await sim.reboot(downtime=1.0, init_seconds=2.0)

The simulator is an independent implementation of the box: it shares no code with the
integration, and depends only on aiohttp, Pillow and the standard library.
"""

from .faults import RelayFailureMode, SystemFailureMode
from .history import HistoryRecord
from .model import (
    DeviceKind,
    DeviceRole,
    Dialect,
    PersonType,
    SentRecognition,
    SimDevice,
    SimPerson,
    SubscriptionRecord,
)
from .simulator import BAD_FRAME_KINDS, BadFrameKind, Simulator
from .system import SimHealth

__all__ = [
    "BAD_FRAME_KINDS",
    "BadFrameKind",
    "DeviceKind",
    "DeviceRole",
    "Dialect",
    "HistoryRecord",
    "PersonType",
    "RelayFailureMode",
    "SentRecognition",
    "SimDevice",
    "SimHealth",
    "SimPerson",
    "Simulator",
    "SubscriptionRecord",
    "SystemFailureMode",
]
