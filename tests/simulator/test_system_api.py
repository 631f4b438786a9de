"""The simulated box's system API (port 8888) and configuration, both dialects."""

from __future__ import annotations

from collections.abc import Callable
import re
from typing import Any

import aiohttp

from se5sim import Simulator
from se5sim.system import size_text

V5 = "/SophonSystem/api/"
V6 = "/sophon/v2/system/"
V5_NAMES = [
    "deviceSN",
    "hardwareInfo",
    "systemVersion",
    "hostname",
    "ip",
    "temperature",
    "cpu",
    "tpu",
    "memoryInfo",
    "diskInfo",
    "externalDiskInfo",
    "fan",
    "uptime",
]
V6_NAMES = [
    "getdevicesn",
    "gethardwareinfo",
    "getsoftwareversion",
    "gethostname",
    "getip",
    "gettemperature",
    "getcpuinfo",
    "gettpuinfo",
    "getmemoryinfo",
    "getexternaldisk",
    "getfanspeed",
    "getuptime",
]


async def call(
    session: aiohttp.ClientSession, sim: Simulator, name: str, body: Any = None, **kwargs: Any
) -> tuple[int, Any]:
    """One system call in the box's dialect: GET on V5, POST with a JSON body on V6."""
    if sim.dialect == "v5":
        method, url = kwargs.pop("method", "GET"), sim.system_url + V5 + name
    else:
        method, url = kwargs.pop("method", "POST"), sim.system_url + V6 + name
        kwargs.setdefault("json", {} if body is None else body)
    async with session.request(method, url, **kwargs) as response:
        return response.status, await response.json(content_type=None)


async def test_v5_answers(make_sim: Callable[..., Any], session: aiohttp.ClientSession) -> None:
    sim: Simulator = await make_sim(dialect="v5")
    answers = {}
    for name in V5_NAMES:
        status, body = await call(session, sim, name)
        assert status == 200, name
        assert set(body) == {"data"}, name
        answers[name] = body["data"]
    assert answers["deviceSN"] == {"device_sn": sim.serial}
    assert answers["hardwareInfo"] == {"model": "SE5", "hardwareVersion": "SE50210"}
    assert answers["systemVersion"]["version"] == "V5R3C01_686e472"
    assert "<br/>" in answers["systemVersion"]["details"]
    eth0, eth1 = answers["ip"]
    assert (eth0["device"], eth0["mac"], eth1["device"]) == ("eth0", sim.mac, "eth1")
    assert "gateway" in eth0
    assert "gateway" not in eth1
    assert eth1["ip"] == "192.168.150.1"
    assert eth1["mac"] != eth0["mac"]
    assert answers["temperature"] == {"core_temperature": "44.0'C", "board_temperature": "46.0'C"}
    assert answers["cpu"]["cpu_rate"] == 0.19
    assert answers["tpu"]["tpu_rate"] == 0.15
    memory = answers["memoryInfo"]
    assert memory["hardware_total_memory"] == "12.0G"
    assert memory["total_memory"] == "11.51G"  # usable, unlike V6's total_memory
    assert memory["total_used_memory"] == "963.63M"
    assert memory["total_memory_scale"] == 0.08
    assert {"system", "tpu", "video"} <= set(memory)
    assert answers["diskInfo"] == {
        "disk_rate": 0.45,
        "free_disk": "16.84G",
        "hardware_total_disk": "32.0G",
        "total_disk": "30.54G",
        "used_disk": "13.7G",
    }
    assert answers["externalDiskInfo"] == {
        "external_hard_state": "0",
        "external_hard_disk_rate": 0.0,
        "external_hard_total_disk": "0G",
        "external_hard_free_disk": "0G",
        "external_hard_used_disk": "0G",
    }
    assert answers["fan"] == {"fan_speed": "4470r/min"}
    assert answers["uptime"] == {"uptime": "3 hours, 57 minutes"}
    assert answers["hostname"] == {"hostname": "BM1684-180"}


async def test_v6_answers(make_sim: Callable[..., Any], session: aiohttp.ClientSession) -> None:
    sim: Simulator = await make_sim(dialect="v6")
    answers = {}
    for name in V6_NAMES:
        status, body = await call(session, sim, name)
        assert status == 200, name
        assert "data" not in body, name
        answers[name] = body
    assert answers["getdevicesn"] == {"device_sn": sim.serial}
    assert answers["gethardwareinfo"]["model"] == "SE50221"
    assert answers["gethardwareinfo"]["mcu_version"] == "0x34"
    assert answers["getsoftwareversion"]["app_gate_version"].startswith("V6R2C01_")
    eth0 = answers["getip"]["address_list"][0]
    assert (eth0["interface"], eth0["mode"], eth0["mac"]) == ("eth0", "static", sim.mac)
    assert answers["gettemperature"] == {"core_temperature": 44.0, "board_temperature": 46.0}
    assert answers["getcpuinfo"]["cur_cpu_usage"] == 0.19
    assert answers["gettpuinfo"]["tpu_usage"] == 0.15
    memory = answers["getmemoryinfo"]
    assert (memory["total_memory"], memory["svt_memory"]) == ("12.0G", "11.51G")
    assert memory["svt_memory_usage"] == 0.08
    assert answers["getexternaldisk"]["external_hard_state"] == "0"
    assert "external_hard_disk_rate" in answers["getexternaldisk"]  # as the example, not table
    assert answers["getfanspeed"] == {"fan_speed": 4470.0}
    assert answers["getuptime"] == {"uptime": "3 hours, 57 minutes"}
    status, emmc = await call(session, sim, "getstorage", {"device": "emmc"})
    assert status == 200
    assert emmc == {
        "mount_status": True,
        "nominal_capacity": "32.0G",
        "total_disk": "30.54G",
        "used_disk": "13.7G",
        "free_disk": "16.84G",
        "disk_usage": 0.45,
    }
    status, hdd = await call(session, sim, "getstorage", {"device": "hdd"})
    assert (status, hdd["mount_status"], hdd["total_disk"], hdd["disk_usage"]) == (
        200,
        False,
        "0G",
        0.0,
    )
    # an empty body counts as {}
    async with session.post(sim.system_url + V6 + "getuptime") as response:
        assert response.status == 200


async def test_health_changes_show(sim: Simulator, session: aiohttp.ClientSession) -> None:
    sim.health.core_temperature = 81.25
    sim.health.fan_rpm = 0
    sim.health.external_disk = True
    sim.health.external_total = 500 * 1024**3
    sim.health.external_used = 300 * 1024**3
    sim.health.uptime = "2hours,40minutes"
    temperature = "temperature" if sim.dialect == "v5" else "gettemperature"
    fan = "fan" if sim.dialect == "v5" else "getfanspeed"
    external = "externalDiskInfo" if sim.dialect == "v5" else "getexternaldisk"
    uptime = "uptime" if sim.dialect == "v5" else "getuptime"

    def data(body: Any) -> Any:
        return body["data"] if sim.dialect == "v5" else body

    core = data((await call(session, sim, temperature))[1])["core_temperature"]
    assert core == ("81.2'C" if sim.dialect == "v5" else 81.25)
    assert data((await call(session, sim, fan))[1])["fan_speed"] == (
        "0r/min" if sim.dialect == "v5" else 0.0
    )
    assert data((await call(session, sim, external))[1]) == {
        "external_hard_state": "1",
        "external_hard_disk_rate": 0.6,
        "external_hard_total_disk": "500.0G",
        "external_hard_free_disk": "200.0G",
        "external_hard_used_disk": "300.0G",
    }
    assert data((await call(session, sim, uptime))[1]) == {"uptime": "2hours,40minutes"}
    if sim.dialect == "v6":
        _, hdd = await call(session, sim, "getstorage", {"device": "hdd"})
        assert (hdd["mount_status"], hdd["disk_usage"], hdd["used_disk"]) == (True, 0.6, "300.0G")


async def test_v5_older_memory_page(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession
) -> None:
    sim: Simulator = await make_sim(dialect="v5")
    sim.health.v5_memory_page = "old"
    _, body = await call(session, sim, "memoryInfo")
    assert body == {"data": {"total_memory": "11.51G", "used_memory": "963.63M"}}


async def test_identity_is_derived_from_the_seed(make_sim: Callable[..., Any]) -> None:
    one: Simulator = await make_sim(seed=3)
    two: Simulator = await make_sim(seed=3)
    other: Simulator = await make_sim(seed=4)
    assert (one.serial, one.mac) == (two.serial, two.mac)
    assert one.serial != other.serial
    assert one.mac != other.mac
    assert one.serial is not None
    assert re.fullmatch(r"HQDZKE5[A-Z]{6}\d{4}", one.serial)
    assert one.mac is not None
    assert re.fullmatch(r"e0:a5:09(:[0-9a-f]{2}){3}", one.mac)
    assert one.system_port not in (0, one.rest_port, one.ws_port)
    assert one.system_url == f"http://127.0.0.1:{one.system_port}"


async def test_box_without_serial_or_mac(
    make_sim: Callable[..., Any], session: aiohttp.ClientSession, dialect: str
) -> None:
    sim: Simulator = await make_sim(dialect=dialect, serial=None, mac=None)
    assert (sim.serial, sim.mac) == (None, None)
    status, body = await call(session, sim, "deviceSN" if dialect == "v5" else "getdevicesn")
    assert status == 500
    assert body["error"]["code"] == (50000 if dialect == "v5" else "INTERNAL_ERROR")
    _, body = await call(session, sim, "ip" if dialect == "v5" else "getip")
    entries = body["data"] if dialect == "v5" else body["address_list"]
    assert all("mac" not in entry for entry in entries)
    if dialect == "v5":  # the older page's shape
        assert entries[0]["bandwidth"] == 100.0
        assert entries[0]["bandwidthvarity"] is True
    if dialect == "v5":  # no BOX_MAC either (V6 documents none anyway)
        url = sim.rest_url + "/SophonConfig/api/Configs/BOX_MAC"
        async with session.get(url) as response:
            assert response.status == 404


async def test_errors(sim: Simulator, session: aiohttp.ClientSession) -> None:
    v5 = sim.dialect == "v5"
    status, body = await call(session, sim, "nosuchcall")
    assert status == 404
    assert body["error"]["code"] == (40400 if v5 else "NOT_FOUND")
    # the other dialect's call and method are not found either
    status, body = await call(session, sim, "uptime" if not v5 else "getuptime")
    assert status == 404
    status, body = await call(session, sim, "uptime" if v5 else "getuptime", method="DELETE")
    assert status == 404
    assert body["error"]["code"] == (40401 if v5 else "NOT_FOUND")
    async with session.get(sim.system_url + "/") as response:
        assert response.status == 404
    if not v5:
        status, body = await call(session, sim, "getuptime", data=b"{nope", json=None)
        assert (status, body["error"]["code"]) == (400, "UNSUPPORT_CONTENT_TYPE")
        status, body = await call(session, sim, "getuptime", [1])
        assert (status, body["error"]["code"]) == (400, "INVALID_REQUEST_JSON")
        status, body = await call(session, sim, "getstorage", {})
        assert (status, body["error"]["code"]) == (400, "MISSING_ARGUMENTS")
        status, body = await call(session, sim, "getstorage", {"device": "floppy"})
        assert (status, body["error"]["code"]) == (400, "INVALID_ARGUMENTS")
        status, body = await call(session, sim, "getdevicesn", data=b"{nope", json=None)
        assert status == 400
        status, body = await call(session, sim, "getstorage", data=b"{nope", json=None)
        assert status == 400


async def test_set_hostname(sim: Simulator, session: aiohttp.ClientSession) -> None:
    v5 = sim.dialect == "v5"
    setter, getter = ("hostname", "hostname") if v5 else ("sethostname", "gethostname")
    url = sim.system_url + (V5 if v5 else V6) + setter
    async with session.post(url, json={"hostname": "gate-box"}) as response:
        assert response.status == 200
        assert await response.json() == ({"data": {"success": True}} if v5 else {"result": True})
    _, body = await call(session, sim, getter)
    assert (body["data"] if v5 else body) == {"hostname": "gate-box"}
    for bad in ({}, {"hostname": ""}):
        async with session.post(url, json=bad) as response:
            assert response.status == 400
    async with session.post(url, data=b"{nope") as response:
        assert response.status == 400


def test_size_text() -> None:
    assert size_text(12 * 1024**3) == "12.0G"
    assert size_text(round(963.63 * 1024**2)) == "963.63M"
    assert size_text(0) == "0.0M"
