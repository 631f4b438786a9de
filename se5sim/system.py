"""The box's system API on port 8888: identity and health, in either dialect.

V5: ``GET /SophonSystem/api/<name>`` answering ``{"data": ...}``, values as the V5 docs show
them (strings with units: ``"44.0'C"``, ``"4470r/min"``, ``"11.51G"``). V6: ``POST
/sophon/v2/system/<name>`` answering flat objects with numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import random
import string
from typing import Any, Final, Literal

from aiohttp import web

from .envelopes import Handler, json_response, v5_error, v5_not_found, v6_body, v6_error
from .faults import Gate, SystemFaults
from .model import Dialect

GIB: Final = 1024**3
MIB: Final = 1024**2
V5_PREFIX: Final = "/SophonSystem/api/"
V6_PREFIX: Final = "/sophon/v2/system/"
_TPU: Final = "INT8 17.6TOP;FP32 2.2TFLOPS"
_DETAILS: Final = (
    "name:AI_SE/SophonGate path:apps/gate_system revision:7385e481 upstream:master<br/>"
    "name:AI_SE/liteos path:web/edge/WebUI revision:72b3a470 upstream:master<br/>"
)


def size_text(value: int) -> str:
    """A size as the box writes it: ``"12.0G"``, or ``"963.63M"`` below 1 GiB."""
    if value >= GIB:
        return f"{round(value / GIB, 2)}G"
    return f"{round(value / MIB, 2)}M"


def rate(used: int, total: int) -> float:
    """``used / total`` to two decimals, as the box reports usage (0 for an empty total)."""
    return round(used / total, 2) if total else 0.0


@dataclass(slots=True)
class SimHealth:
    """Health values of the simulated box; change them at will, each answer reads them anew."""

    core_temperature: float = 44.0
    board_temperature: float = 46.0
    cpu_rate: float = 0.19
    """0..1 across all cores."""
    tpu_rate: float = 0.15
    memory_board_total: int = 12 * GIB
    memory_total: int = round(11.51 * GIB)
    """Usable memory."""
    memory_used: int = round(963.63 * MIB)
    disk_nominal: int = 32 * GIB
    disk_total: int = round(30.54 * GIB)
    disk_used: int = round(13.7 * GIB)
    external_disk: bool = False
    external_total: int = 500 * GIB
    external_used: int = 300 * GIB
    fan_rpm: float = 4470.0
    """0 for a box without a fan."""
    uptime: str = "3 hours, 57 minutes"
    firmware_version: str | None = None
    """The application firmware version; None: the dialect's documented example."""
    v5_memory_page: Literal["new", "old"] = "new"
    """Which of the two documented V5 ``memoryInfo`` shapes to answer."""

    @property
    def memory_rate(self) -> float:
        """Used share of the usable memory, 0..1."""
        return rate(self.memory_used, self.memory_total)

    @property
    def disk_rate(self) -> float:
        """Used share of the eMMC, 0..1."""
        return rate(self.disk_used, self.disk_total)

    @property
    def external_rate(self) -> float:
        """Used share of the external disk, 0..1."""
        return rate(self.external_used, self.external_total)


@dataclass(slots=True)
class BoxIdentity:
    """Who the box says it is."""

    serial: str | None
    mac: str | None
    """eth0 (WAN) MAC, ``aa:bb:cc:dd:ee:ff``."""
    hostname: str = "BM1684-180"

    @property
    def mac_hex(self) -> str | None:
        """``BOX_MAC`` of the configuration: ``"0xe0a50900426c"``."""
        return None if self.mac is None else "0x" + self.mac.replace(":", "")

    @classmethod
    def derived(cls, seed: int) -> BoxIdentity:
        """A serial and a Bitmain MAC drawn from the seed."""
        rng = random.Random(f"se5sim:identity:{seed}")
        letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(6))
        serial = f"HQDZKE5{letters}{rng.randrange(10_000):04d}"
        mac = "e0:a5:09:" + ":".join(f"{rng.randrange(256):02x}" for _ in range(3))
        return cls(serial=serial, mac=mac)


def _lan_mac(mac: str) -> str:
    """eth1's MAC: the WAN MAC plus 4, as in the docs' example."""
    value = (int(mac.replace(":", ""), 16) + 4) % 2**48
    return ":".join(f"{byte:02x}" for byte in value.to_bytes(6))


@dataclass(slots=True)
class SystemApi:
    """Request dispatch of the system API."""

    dialect: Dialect
    identity: BoxIdentity
    health: SimHealth
    faults: SystemFaults = field(default_factory=SystemFaults)
    gate: Gate = field(default_factory=Gate)

    def application(self) -> web.Application:
        """A new aiohttp application serving this API."""
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._dispatch)
        return app

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        failure = self.faults.take()
        if failure == "down" and request.transport is not None:
            request.transport.abort()  # a kept-alive connection dies with the port
        if failure == "http500":
            return web.Response(status=500, text="Internal Server Error")
        if failure == "timeout":
            await self.gate.hold()
        v5 = self.dialect == "v5"
        prefix, method = (V5_PREFIX, "GET") if v5 else (V6_PREFIX, "POST")
        name = request.path.removeprefix(prefix) if request.path.startswith(prefix) else None
        answers = self._v5_answers() if v5 else self._v6_answers()
        if name is not None and v5 and name == "hostname" and request.method == "POST":
            return await self._set_hostname(request, "data")
        if name is not None and not v5 and name == "sethostname" and request.method == "POST":
            return await self._set_hostname(request, None)
        answer = answers.get(name) if name is not None else None
        if answer is None:
            message = f"{request.path} was not found on the server"
            return v5_not_found(message) if v5 else v6_error(404, "NOT_FOUND", message)
        if request.method != method:
            if v5:
                return v5_error(404, 40401, "NOT_FOUND", f"method {request.method} not allowed")
            return v6_error(404, "NOT_FOUND", f"{request.method} is not supported here")
        return await answer(request)

    async def _set_hostname(self, request: web.Request, envelope: str | None) -> web.Response:
        body = await v6_body(request)
        if isinstance(body, web.Response):
            return body
        hostname = body.get("hostname")
        if not isinstance(hostname, str) or not hostname:
            if envelope:
                return v5_error(400, 40000, "BAD_REQUEST", "hostname is required")
            return v6_error(400, "MISSING_ARGUMENTS", "hostname")
        self.identity.hostname = hostname
        return json_response({"data": {"success": True}} if envelope else {"result": True})

    # ------------------------------------------------------------------ answers

    def _serial(self, wrap: bool) -> web.Response:
        serial = self.identity.serial
        if serial is None:
            if wrap:
                return v5_error(500, 50000, "INTERNAL_ERROR", "cannot read the serial number")
            return v6_error(500, "INTERNAL_ERROR", "cannot read the serial number")
        return json_response({"data": {"device_sn": serial}} if wrap else {"device_sn": serial})

    def _interfaces(self) -> list[dict[str, Any]]:
        mac = self.identity.mac
        interfaces: list[dict[str, Any]] = []
        for device, ip in (("eth0", "192.168.1.64"), ("eth1", "192.168.150.1")):
            entry: dict[str, Any] = {"device": device, "ip": ip, "dns": "192.168.1.2"}
            entry["netmask"] = "255.255.240.0" if device == "eth0" else "255.255.255.0"
            if device == "eth0":
                entry["gateway"] = "192.168.1.2"
            if mac is None:  # the older page's shape: numeric bandwidth, no MAC
                entry.update(status="static", bandwidth=100.0, bandwidthvarity=True)
            else:
                entry.update(status="static", bandwidth="100.0Mb/s", bandwidth_varity=True)
                entry["mac"] = mac if device == "eth0" else _lan_mac(mac)
            interfaces.append(entry)
        return interfaces

    def _external(self) -> dict[str, Any]:
        health = self.health
        present = health.external_disk
        total = health.external_total if present else 0
        used = health.external_used if present else 0
        return {
            "external_hard_state": "1" if present else "0",
            "external_hard_disk_rate": health.external_rate if present else 0.0,
            "external_hard_total_disk": size_text(total) if present else "0G",
            "external_hard_free_disk": size_text(total - used) if present else "0G",
            "external_hard_used_disk": size_text(used) if present else "0G",
        }

    def _memory_pools(self) -> dict[str, Any]:
        total = self.health.memory_total
        return {
            pool: {
                "free": size_text(total // 3 - self.health.memory_used // 3),
                "total": size_text(total // 3),
                "used": size_text(self.health.memory_used // 3),
                f"{pool}_scale": 0.33,
            }
            for pool in ("system", "tpu", "video")
        }

    def _v5_answers(self) -> dict[str, Handler]:
        h = self.health

        def data(values: Any) -> Handler:
            async def answer(request: web.Request) -> web.Response:
                return json_response({"data": values})

            return answer

        async def serial(request: web.Request) -> web.Response:
            return self._serial(wrap=True)

        memory: dict[str, Any]
        if h.v5_memory_page == "old":
            memory = {
                "total_memory": size_text(h.memory_total),
                "used_memory": size_text(h.memory_used),
            }
        else:
            memory = {
                "hardware_total_memory": size_text(h.memory_board_total),
                "total_memory": size_text(h.memory_total),
                "total_free_memory": size_text(h.memory_total - h.memory_used),
                "total_used_memory": size_text(h.memory_used),
                "total_memory_scale": h.memory_rate,
                **self._memory_pools(),
            }
        return {
            "deviceSN": serial,
            "hardwareInfo": data({"model": "SE5", "hardwareVersion": "SE50210"}),
            "systemVersion": data(
                {
                    "version": h.firmware_version or "V5R3C01_686e472",
                    "mcu_version": "0x23",
                    "details": _DETAILS,
                }
            ),
            "hostname": data({"hostname": self.identity.hostname}),
            "ip": data(self._interfaces()),
            "temperature": data(
                {
                    "core_temperature": f"{h.core_temperature:.1f}'C",
                    "board_temperature": f"{h.board_temperature:.1f}'C",
                }
            ),
            "cpu": data(
                {
                    "cpu_rate": h.cpu_rate,
                    "info": {"cpu_count": "8", "cpu_freq": "2.3Ghz", "cpu_type": "A53"},
                }
            ),
            "tpu": data({"info": {"detail": _TPU}, "tpu_rate": h.tpu_rate}),
            "memoryInfo": data(memory),
            "diskInfo": data(
                {
                    "disk_rate": h.disk_rate,
                    "free_disk": size_text(h.disk_total - h.disk_used),
                    "hardware_total_disk": size_text(h.disk_nominal),
                    "total_disk": size_text(h.disk_total),
                    "used_disk": size_text(h.disk_used),
                }
            ),
            "externalDiskInfo": data(self._external()),
            "fan": data({"fan_speed": f"{round(h.fan_rpm)}r/min"}),
            "uptime": data({"uptime": h.uptime}),
        }

    def _v6_answers(self) -> dict[str, Handler]:
        h = self.health

        def flat(values: Any) -> Handler:
            async def answer(request: web.Request) -> web.Response:
                body = await v6_body(request)
                if isinstance(body, web.Response):
                    return body
                return json_response(values)

            return answer

        async def serial(request: web.Request) -> web.Response:
            body = await v6_body(request)
            return body if isinstance(body, web.Response) else self._serial(wrap=False)

        async def storage(request: web.Request) -> web.Response:
            body = await v6_body(request)
            if isinstance(body, web.Response):
                return body
            device = body.get("device")
            if device is None:
                return v6_error(400, "MISSING_ARGUMENTS", "device")
            if device == "emmc":
                mounted, nominal, total, used = True, h.disk_nominal, h.disk_total, h.disk_used
            elif device == "hdd":
                mounted, total, used = h.external_disk, h.external_total, h.external_used
                nominal = total
            else:
                return v6_error(400, "INVALID_ARGUMENTS", "device must be emmc or hdd")
            if not mounted:
                nominal = total = used = 0
            return json_response(
                {
                    "mount_status": mounted,
                    "nominal_capacity": size_text(nominal) if mounted else "0G",
                    "total_disk": size_text(total) if mounted else "0G",
                    "used_disk": size_text(used) if mounted else "0G",
                    "free_disk": size_text(total - used) if mounted else "0G",
                    "disk_usage": rate(used, total),
                }
            )

        interfaces = [
            {"interface": entry.pop("device"), "mode": entry.pop("status"), **entry}
            for entry in self._interfaces()
        ]
        return {
            "getdevicesn": serial,
            "gethardwareinfo": flat(
                {
                    "model": "SE50221",
                    "product_version": "V1.2",
                    "device_sn": self.identity.serial or "",
                    "chip_sn": "HQDZKM6BJAABF0485",
                    "mcu_version": "0x34",
                }
            ),
            "getsoftwareversion": flat(
                {
                    "nnsdk_version": "2.4.0_20210604_042200",
                    "app_gate_version": h.firmware_version or "V6R2C01_3f9e2a1",
                    "app_version_details": _DETAILS,
                }
            ),
            "gethostname": flat({"hostname": self.identity.hostname}),
            "getip": flat({"address_list": interfaces}),
            "gettemperature": flat(
                {
                    "core_temperature": h.core_temperature,
                    "board_temperature": h.board_temperature,
                }
            ),
            "getcpuinfo": flat(
                {
                    "cpu_arch": "A53",
                    "cur_cpu_usage": h.cpu_rate,
                    "cpu_freq": "2.3Ghz",
                    "cpu_cores": "8",
                }
            ),
            "gettpuinfo": flat({"tpu_usage": h.tpu_rate, "tpu_description": _TPU}),
            "getmemoryinfo": flat(
                {
                    "total_memory": size_text(h.memory_board_total),
                    "svt_memory": size_text(h.memory_total),
                    "svt_free_memory": size_text(h.memory_total - h.memory_used),
                    "svt_used_memory": size_text(h.memory_used),
                    "svt_memory_usage": h.memory_rate,
                    **self._memory_pools(),
                }
            ),
            "getstorage": storage,
            "getexternaldisk": flat(self._external()),
            "getfanspeed": flat({"fan_speed": float(h.fan_rpm)}),
            "getuptime": flat({"uptime": h.uptime}),
        }
