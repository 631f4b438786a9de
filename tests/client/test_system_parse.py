"""System-API parsers on every example of PROTOCOL-SYSTEM.md, its traps, and odd values."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import given, strategies as st
import pytest

from custom_components.se5.client import BoxInfo, Health
from custom_components.se5.client.system import (
    parse_box_info,
    parse_config_mac,
    parse_health,
    parse_mac,
    parse_memory,
    unwrap,
)

GIB = 1024**3
MIB = 1024**2

V5_IP = {
    "data": [
        {
            "device": "eth0",
            "ip": "192.168.1.64",
            "netmask": "255.255.240.0",
            "dns": "192.168.1.2",
            "gateway": "192.168.1.2",
            "status": "static",
            "bandwidth": "100.0Mb/s",
            "bandwidth_varity": True,
            "mac": "e0:a5:09:00:32:31",
        },
        {"device": "eth1", "ip": "192.168.150.1", "mac": "e0:a5:09:00:32:35"},
    ]
}
V5_IP_OLD = {
    "data": [
        {"device": "eth0", "ip": "192.168.1.64", "bandwidth": 100.0, "bandwidthvarity": True},
        {"device": "eth1", "ip": "192.168.150.1", "bandwidth": 100.0, "bandwidthvarity": True},
    ]
}
V6_IP = {
    "address_list": [
        {"interface": "eth1", "mode": "static", "mac": "e0:a5:09:00:32:35"},
        {"interface": "eth0", "mode": "dynamic", "mac": "E0:A5:09:00:32:31"},
    ]
}


def test_v5_identity_examples() -> None:
    info = parse_box_info(
        {
            "serial": unwrap({"data": {"device_sn": "HQDZKE5BJJFJH0047"}}),
            "hardware": unwrap({"data": {"model": "SE5", "hardwareVersion": "SE50210"}}),
            "version": unwrap(
                {
                    "data": {
                        "version": "V5R3C01_686e472",
                        "mcu_version": "0x23",
                        "details": "name:a revision:1<br/>name:b revision:2",
                    }
                }
            ),
            "hostname": unwrap({"data": {"hostname": "BM1684-180"}}),
            "ip": unwrap(V5_IP),
        }
    )
    assert info == BoxInfo(
        serial="HQDZKE5BJJFJH0047",
        mac="e0:a5:09:00:32:31",  # eth0 (WAN), not eth1
        model="SE5",
        hardware_version="SE50210",  # the example's hardwareVersion, not the table's name
        firmware_version="V5R3C01_686e472",
        mcu_version="0x23",
        hostname="BM1684-180",
    )
    assert info.unique_id == "HQDZKE5BJJFJH0047"


def test_v6_identity_examples() -> None:
    info = parse_box_info(
        {
            "serial": {"device_sn": "HQDZKE5BJJFJH0047"},
            "hardware": {
                "model": "SE50221",
                "product_version": "V1.2",
                "device_sn": "HQDZKE6BJAABF0499",
                "chip_sn": "HQDZKM6BJAABF0485",
                "mcu_version": "0x34",
            },
            "version": {
                "nnsdk_version": "2.4.0_20210604_042200",
                "app_gate_version": "V5R3C01_686e472",
                "app_version_details": "...",
            },
            "hostname": {"hostname": "BM1684-180"},
            "ip": V6_IP,
        }
    )
    # The serial is getdevicesn's, never gethardwareinfo's (which differs in the docs).
    assert info == BoxInfo(
        serial="HQDZKE5BJJFJH0047",
        mac="e0:a5:09:00:32:31",
        model="SE50221",
        hardware_version="V1.2",
        firmware_version="V5R3C01_686e472",
        mcu_version="0x34",  # moved to gethardwareinfo in V6
        hostname="BM1684-180",
    )


def test_firmware_falls_back_to_nnsdk() -> None:
    info = parse_box_info({"version": {"nnsdk_version": "2.4.0_20210604_042200"}})
    assert info.firmware_version == "2.4.0_20210604_042200"


def test_v5_table_names_are_read_too() -> None:
    info = parse_box_info({"hardware": {"model": "SE5", "product_version": "V1.0"}})
    assert (info.model, info.hardware_version) == ("SE5", "V1.0")


def test_unique_id_fallbacks() -> None:
    assert BoxInfo(serial=" hqdzke5bjjfjh0047 ").unique_id == "HQDZKE5BJJFJH0047"
    assert BoxInfo(serial="", mac="e0:a5:09:00:42:6c").unique_id == "mac-e0a50900426c"
    assert BoxInfo(serial="  ", mac="e0:a5:09:00:42:6c").unique_id == "mac-e0a50900426c"
    assert BoxInfo(hostname="BM1684-180").unique_id is None
    assert BoxInfo().unique_id is None


def test_macs() -> None:
    assert parse_mac(unwrap(V5_IP_OLD)) is None  # the older page has no MAC
    assert parse_mac([{"device": "eth1", "mac": "e0:a5:09:00:32:35"}]) == "e0:a5:09:00:32:35"
    assert parse_mac([{"device": "eth0", "mac": "nope"}, "junk"]) is None
    assert parse_mac({"address_list": "nope"}) is None
    assert parse_mac(None) is None
    assert parse_config_mac({"BOX_MAC": "0xe0a50900426c", "DEV_SNO": "EEIGVB0001"}) == (
        "e0:a5:09:00:42:6c"
    )
    assert parse_config_mac({"config_dict": {"BOX_MAC": "0xe0a50900426c"}}) == "e0:a5:09:00:42:6c"
    assert parse_config_mac({"DEV_SNO": "EEIGVB000120210629172137"}) is None
    assert parse_config_mac("nope") is None


def test_cloud_codes_never_identify_the_box() -> None:
    info = parse_box_info(
        {"serial": {"dev_sno": "AAAZKE5xxJFJH0047", "MQ_LICENSE_KEY": "x", "reporter_id": "y"}}
    )
    assert info.serial is None
    assert info.unique_id is None


V5_HEALTH: dict[str, Any] = {
    "temperature": {"data": {"core_temperature": "44.0'C", "board_temperature": "46.0'C"}},
    "cpu": {
        "data": {
            "cpu_rate": 0.19,
            "info": {"cpu_count": "8", "cpu_freq": "2.3Ghz", "cpu_type": "A53"},
        }
    },
    "tpu": {"data": {"info": {"detail": "INT8 17.6TOP;FP32 2.2TFLOPS"}, "tpu_rate": 0.15}},
    "memory": {
        "data": {
            "hardware_total_memory": "12.0G",
            "system": {"free": "3.28G", "system_scale": 0.32, "total": "3.71G", "used": "440.0M"},
            "total_free_memory": "10.57G",
            "total_memory": "11.51G",
            "total_used_memory": "963.63M",
            "total_memory_scale": 0.08,
            "tpu": {"free": "3.41G", "total": "3.92G", "tpu_scale": 0.34, "used": "523.49M"},
            "video": {"free": "3.87G", "total": "3.88G", "used": "0.14M", "video_scale": 0.34},
        }
    },
    "disk": {
        "data": {
            "disk_rate": 0.45,
            "free_disk": "16.84G",
            "hardware_total_disk": "32.0G",
            "total_disk": "30.54G",
            "used_disk": "13.7G",
        }
    },
    "external": {
        "data": {
            "external_hard_state": "1",
            "external_hard_disk_rate": 0.6,
            "external_hard_total_disk": "500G",
            "external_hard_free_disk": "200G",
            "external_hard_used_disk": "300G",
        }
    },
    "fan": {"data": {"fan_speed": "4470r/min"}},
    "uptime": {"data": {"uptime": "3 hours, 57 minutes"}},
    "version": {"data": {"version": "V5R3C01_686e472", "mcu_version": "0x23"}},
}

V6_HEALTH: dict[str, Any] = {
    "temperature": {"core_temperature": 44.0, "board_temperature": 46.0},
    "cpu": {"cpu_arch": "A53", "cur_cpu_usage": 0.19, "cpu_freq": "2.3Ghz", "cpu_cores": "8"},
    "tpu": {"tpu_usage": 0.15, "tpu_description": "INT8 17.6TOP;FP32 2.2TFLOPS"},
    "memory": {
        # the board total: not the usable memory, unlike V5's total_memory
        "total_memory": "12.0G",
        "svt_memory": "11.51G",
        "svt_free_memory": "10.57G",
        "svt_used_memory": "963.63M",
        "svt_memory_usage": 0.08,
        "system": {"free": "3.28G", "total": "3.71G", "used": "440.0M", "system_scale": 0.32},
    },
    "disk": {
        "mount_status": True,
        "nominal_capacity": "32.0G",
        "total_disk": "30.54G",
        "used_disk": "13.7G",
        "free_disk": "16.84G",
        "disk_usage": 0.45,
    },
    "external": {
        "external_hard_state": "1",
        "external_hard_disk_rate": 0.6,
        "external_hard_total_disk": "500G",
        "external_hard_free_disk": "200G",
        "external_hard_used_disk": "300G",
    },
    "fan": {"fan_speed": 4470.0},
    "uptime": {"uptime": "3 hours, 57 minutes"},
    "version": {"nnsdk_version": "2.4.0_20210604_042200", "app_gate_version": "V5R3C01_686e472"},
}

EXPECTED_HEALTH = Health(
    core_temperature=44.0,
    board_temperature=46.0,
    cpu_usage=19.0,
    tpu_usage=15.0,
    memory_usage=8.0,
    memory_total=round(11.51 * GIB),
    memory_used=round(963.63 * MIB),
    disk_usage=45.0,
    disk_total=round(30.54 * GIB),
    disk_free=round(16.84 * GIB),
    external_disk=True,
    external_disk_usage=60.0,
    external_disk_total=500 * GIB,
    fan_speed=4470.0,
    uptime=timedelta(hours=3, minutes=57),
    firmware_version="V5R3C01_686e472",
)


@pytest.mark.parametrize("answers", [V5_HEALTH, V6_HEALTH], ids=["v5", "v6"])
def test_health_examples(answers: dict[str, Any]) -> None:
    health = parse_health({key: unwrap(value) for key, value in answers.items()})
    assert health == EXPECTED_HEALTH


def test_v5_older_memory_page() -> None:
    usage, total, used = parse_memory(
        unwrap({"data": {"total_memory": "12G", "used_memory": "1.5G"}})
    )
    assert (total, used) == (12 * GIB, round(1.5 * GIB))
    assert usage == 12.5


def test_memory_used_from_free() -> None:
    usage, total, used = parse_memory({"svt_memory": "10G", "svt_free_memory": "7.5G"})
    assert (usage, total, used) == (25.0, 10 * GIB, round(2.5 * GIB))


def test_v6_external_usage_named_as_in_the_table() -> None:
    answers = {"external": {"external_hard_state": "1", "external_hard_disk_usage": 0.25}}
    assert parse_health(answers).external_disk_usage == 25.0


@pytest.mark.parametrize(
    "external",
    [
        {
            "external_hard_state": "0",
            "external_hard_disk_rate": 0.0,
            "external_hard_total_disk": "0G",
            "external_hard_free_disk": "0G",
            "external_hard_used_disk": "0G",
        },
        {"external_hard_state": 0},
        {"external_hard_total_disk": "0G"},
    ],
)
def test_no_external_disk(external: dict[str, Any]) -> None:
    health = parse_health({"external": external})
    assert health.external_disk is False
    assert health.external_disk_usage is None
    assert health.external_disk_total is None


def test_no_fan_and_status_push_values() -> None:
    # V5 "0r/min" without a fan; the status push writes bare integer temperatures
    health = parse_health(
        {
            "fan": {"fan_speed": "0r/min"},
            "temperature": {"temperature": 39, "board_temperature": 39},
            "uptime": {"uptime": "2hours,40minutes"},
        }
    )
    assert health.fan_speed == 0.0
    assert (health.core_temperature, health.board_temperature) == (39.0, 39.0)
    assert health.uptime == timedelta(hours=2, minutes=40)


def test_disk_usage_computed_when_no_rate() -> None:
    health = parse_health({"disk": {"total_disk": "40G", "free_disk": "30G"}})
    assert (health.disk_usage, health.disk_total, health.disk_free) == (25.0, 40 * GIB, 30 * GIB)


def test_scale_is_not_usage() -> None:
    # *_scale of the pools is their share of memory, not usage: only total_memory_scale counts
    usage, _, _ = parse_memory({"system": {"system_scale": 0.32}, "tpu": {"tpu_scale": 0.34}})
    assert usage is None


def test_empty_and_wrong_answers() -> None:
    assert parse_health({}) == Health()
    wrong = dict.fromkeys(V5_HEALTH, "nope")
    assert parse_health(wrong) == Health()
    assert parse_box_info({}) == BoxInfo()
    assert parse_box_info({key: [1, 2] for key in ("serial", "hardware", "ip")}) == BoxInfo()
    assert unwrap({"data": "text"}) == {"data": "text"}
    assert unwrap([1]) == [1]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
KEYS = st.sampled_from(
    [
        *("serial", "hardware", "version", "ip", "hostname", "temperature", "cpu", "tpu"),
        *("memory", "disk", "external", "fan", "uptime"),
    ]
)


@given(
    st.dictionaries(
        KEYS,
        JSON
        | st.dictionaries(
            st.sampled_from(
                [
                    "device_sn",
                    "model",
                    "total_memory",
                    "svt_memory",
                    "disk_rate",
                    "external_hard_state",
                    "fan_speed",
                    "uptime",
                    "core_temperature",
                    "address_list",
                    "mac",
                    "cpu_rate",
                ]
            ),
            JSON,
        ),
    )
)
def test_parsers_never_raise(answers: dict[str, Any]) -> None:
    parse_health(answers)
    parse_box_info(answers)
    parse_config_mac(answers)
