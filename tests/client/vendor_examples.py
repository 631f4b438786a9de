"""The vendor pages' own example requests and answers, as data (the conformance tests feed them).

Each constant names its page, relative to the vendor docs (`/work/bm1682/zh`, repository
sophonai/bm1682). Where a page's example is not valid JSON (comments, a missing comma, a tab in
a string, trailing commas, `...` for elided entries) it is the same example made valid; each such
fix is said. Long base64 strings and feature vectors are cut; nothing else is changed.
"""

# ruff: noqa: RUF001 - the vendor's file names have full-width parentheses

from __future__ import annotations

from typing import Any, Final

from tests.client.test_system_parse import V5_IP, V6_IP

_FACE_API: Final = (
    "api-lie-biao/2.sophon-ren-lian-shi-bie-wu-ji-suan-xi-tong-kai-fa-wen-dang/"
    "5-gong-yong-jie-kou-shuo-ming/"
)
F5: Final = "V5R7C01/" + _FACE_API
F6: Final = "V6R2C01/" + _FACE_API
S5: Final = "V5R7C01/api-lie-biao/xi-tong-pei-zhi-zhi-nang/xi-tong-guan-li/ji-ben-xin-xi/"
S6: Final = "V6R2C01/api-lie-biao/xi-tong-pei-zhi-zhi-nang/xi-tong-guan-li/ji-ben-xin-xi/"

# Device lists -----------------------------------------------------------------------------------

V5_DEVICES_PAGE: Final = (
    F5 + "5.7-she-bei-guan-li/2-cha-xun-she-bei-SophonDeviceapiDevices（GET）.md"
)
#: The page's answer (its comma before "preview_list" is missing in the page).
V5_DEVICES: Final[dict[str, Any]] = {
    "data": {
        "devices_list": [
            {
                "device_id": "2c1a6a12-ecf4-4490-a2fc-8d7a5023bfcd",
                "device_attr": {
                    "actions": {
                        "do_attribute": False,
                        "do_detect": True,
                        "do_feature": True,
                        "do_match": True,
                        "do_track": True,
                        "fast_mode": False,
                        "paint_bbox": False,
                        "paint_landmark": False,
                    }
                },
                "device_ip": "192.168.1.100",
                "device_key": "rtsp://192.168.1.100:554/ch2",
                "device_name": "ddd",
                "device_type": "rtsp",
                "group_id": "139e03c6-ab31-4af8-bcf6-24aa000dfdab",
                "netRelay": {},
                "permission_id": "820737ae-a6d3-4322-bf7c-46f48066fb64",
            }
        ],
        "preview_list": {
            "preview_list": ["2c1a6a12-ecf4-4490-a2fc-8d7a5023bfcd"],
            "current_preview_list": ["2c1a6a12-ecf4-4490-a2fc-8d7a5023bfcd"],
            "preview_mode": "1",
            "last_set_name": "WEBUI",
        },
    }
}
#: The add-device page's table: the relay of a gate (its example has `"netRelay": {}`).
V5_RELAY_PAGE: Final = (
    F5 + "5.7-she-bei-guan-li/1-zeng-jia-she-bei-SophonDeviceapiDevices（POST）.md"
)
V5_RELAY: Final = {"ip": "192.168.1.200", "net_port": 50000, "door_port": 2, "delay_time": 3}

V6_DEVICES_PAGE: Final = F6 + "5.7-device-manger/2-get-device.md"
V6_DEVICES: Final[dict[str, Any]] = {
    "devices": [
        {
            "media_device_id": "2c1a6a12-ecf4-4490-a2fc-8d7a5023bfcd",
            "media_device_ip": "192.168.1.100",
            "media_device_url": "rtsp://192.168.1.100:554/ch2",
            "media_device_name": "ddd",
            "media_device_type": "rtsp",
            "net_relay": {},
            "permission_id": "820737ae-a6d3-4322-bf7c-46f48066fb64",
        }
    ]
}

# People -----------------------------------------------------------------------------------------

V5_GROUPS_PAGE: Final = (
    F5 + "5.2-ren-lian-di-ku-zu-guan-li/2-cha-xun-fen-zu-SophonFogSysapigroups（GET）.md"
)
V5_GROUPS: Final[dict[str, Any]] = {
    "data": {
        "groups_list": [
            {
                "group_id": "default_group",
                "groupname": "default_group",
                "name": "default_group",
                "version": "V2",
            }
        ],
        "pagination": {"limit": 10, "num_pages": 1, "skip_num": 0, "total_count": 3},
    }
}
V5_USERS_PAGE: Final = F5 + "5.3-ren-yuan-guan-li/2-cha-xun-ren-yuan-SophonFogSysapiusers（GET）.md"
#: The page's request: `users?group_name=default_group&skip_num=0&limit=10`.
V5_USERS_QUERY: Final = {"group_name": "default_group", "skip_num": "0", "limit": "10"}
#: The page's answer (its `//` comments and a tab inside a permission id removed).
V5_USERS: Final[list[dict[str, Any]]] = [
    {
        "group_name": ["default_group"],
        "identity_id": "888888",
        "info": {
            "description": "",
            "image_id": "8f5d7b5a-d5da-4b3f-bf46-5830d412ba5e",
            "name": "小明",
            "permission_ids": ["31d637be-032e-4a68-89f6-dff91ef2cd6d"],
            "type": 5,
            "user_id": "888888",
            "visit_card_number": "",
        },
        "reg_photo": "",
    },
    {
        "group_name": ["default_group"],
        "identity_id": "001",
        "info": {
            "image_id": "e690d158-f41f-4eaf-a055-4ca28952aea2",
            "name": "小王",
            "permission_ids": [
                "f4add9c0-4212-4064-a045-b6185cf00501",
                "abckd9c0-4212-4064-a045-b6185defw501",
            ],
            "type": 1,
            "user_id": "001",
        },
        "reg_photo": "",
    },
]
V5_IMAGE_PAGE: Final = F5 + "5.5-shi-jian-guan-li/15-di-ku-tu-huo-qu-jie-kou.md"

V6_IDENTITIES_PAGE: Final = F6 + "5.3-identity-manager/3-get-identities.md"
#: The page's answer (its `... ...` for the other ten of 13 left out; 13 made 3 to match).
V6_IDENTITIES: Final[dict[str, Any]] = {
    "identities": [
        {
            "ext_user_info": {},
            "face_ids": ["912ce1a6-f4e6-4604-b492-ca1c0443ead4"],
            "identity_id": "100000",
            "identity_name": "小王",
            "permission_ids": [],
            "register_image_ids": ["1e644cc0-1631-4248-b518-c8701d3c7a91"],
            "user_type": "employee",
        },
        {
            "ext_user_info": {},
            "face_ids": ["db4c5e0c-0135-4238-acc8-a273d4130a4a"],
            "identity_id": "100001",
            "identity_name": "小张",
            "permission_ids": [],
            "register_image_ids": ["4a697e92-f0d6-4733-ae03-10eff5987abf"],
            "user_type": "employee",
        },
        {
            "ext_user_info": {},
            "face_ids": ["08aebfc8-cabf-49c6-881f-c64cdd4d49a8"],
            "identity_id": "100002",
            "identity_name": "小李",
            "permission_ids": [],
            "register_image_ids": ["c7d78dac-2dd1-4a51-8f78-c617bfc841a7"],
            "user_type": "employee",
        },
    ],
    "pagination": {"page_index": 0, "page_limit": 10, "total_count": 3},
}
V6_REGISTER_IMAGE_PAGE: Final = F6 + "5.3-identity-manager/9-get-register-pic.md"

# Event history and its images -------------------------------------------------------------------

V5_EVENTS_PAGE: Final = F5 + "5.5-shi-jian-guan-li/12-zhu-dong-cha-xun-jie-kou.md"
#: The page's answer: its one event whole (the feature vector cut), its `...` left out.
V5_EVENTS: Final[dict[str, Any]] = {
    "data": [
        {
            "_id": "1607062639.737444",
            "common": {
                "card_id": "",
                "ep_info": {
                    "device_id": "a853043e-c10a-4af3-96e5-f646748faed4",
                    "ep_id": "0xe0a509261422__192.168.1.96",
                    "ep_ip": "192.168.1.96",
                    "ep_name": "111",
                    "ep_type": "photo",
                },
                "frame_id": 0,
                "group_id": "",
                "group_name": "",
                "identity_id": "",
                "identity_info": {},
                "identity_name": "",
                "is_send": 0,
                "permission_id": "",
                "permission_name": "",
                "person_type": 4,
                "recognize_face_attr": {"age": None, "feature": [-0.0129], "point": []},
                "recognize_face_pic_id": "1607062639.7370062",
                "score": 10.15,
                "spot_pic_id": "1607062639.7370062",
                "want_action": "0",
            },
            "gate_data": {},
            "grab_data": {},
            "timestamp": 1607062639.7013178,
            "video_data": {},
        }
    ],
    "pagination": {"num_pages": 1, "page": 0, "per_page": 5, "total_count": 1},
}
V5_EVENT_IMAGE_PAGE: Final = F5 + "5.5-shi-jian-guan-li/14-xian-chang-tu-huo-qu-jie-kou.md"
#: The page's request: `event_images/1607062639.7370062?datetime=1607062639.7013178`.
V5_EVENT_IMAGE_REQUEST: Final = (
    "/SophonFace/api/event_images/1607062639.7370062",
    "1607062639.7013178",
)

V6_EVENTS_PAGE: Final = F6 + "5.5-event-manager/12-events-query.md"
#: The page's answer: its one event (`feature_binary` cut); the page leaves the device empty,
#: which no recognition can be placed on: the device here is the device list example's.
V6_EVENTS: Final[dict[str, Any]] = {
    "events": [
        {
            "event_id": "1628066406652506",
            "ext_data": {
                "in_timestamp": 1628066406.608026,
                "recognition_timestamp": 1628066406.608026,
            },
            "frame_id": 0,
            "identity_id": "",
            "identity_name": "",
            "media_device_info": {
                "media_device_id": "2c1a6a12-ecf4-4490-a2fc-8d7a5023bfcd",
                "media_device_ip": "192.168.1.100",
                "media_device_name": "ddd",
                "media_device_type": "rtsp",
            },
            "permission_id": "",
            "permission_name": "",
            "post_action": "0",
            "recognize_face_attr": {"age": None, "feature_binary": "zuSKvBMx"},
            "recognize_face_image_id": "001628066406.650539",
            "register_image_id": "",
            "score": 27.69,
            "spot_image_id": "001628066406.650539",
            "timestamp": 1628066406.608026,
            "user_type": "stranger",
        }
    ],
    "pagination": {"page_index": 0, "page_limit": 10, "total_count": 1},
}
V6_SPOT_IMAGE_PAGE: Final = F6 + "5.5-event-manager/17-get-spot-pic.md"

# Doors, configuration, score scale --------------------------------------------------------------

EVENT_ACTION_PAGE: Final = (
    F5 + "5.5-shi-jian-guan-li/3-qing-qiu-xiao-he-zi-xiang-ying-shi-jian-"
    "SophonFogSysapiEventAction（PUT）.md"
)
#: The page gives no example: its answer table, `data.message` and `data.action_mode`.
EVENT_ACTION_ANSWER: Final = {"data": {"message": "success", "action_mode": "opendoor"}}

V5_CONFIG_PAGE: Final = (
    F5 + "5.11-pei-zhi-guan-li/1-cha-xun-pei-zhi-SophonConfigsapiDevices（GET）.md"
)
#: The page's answer example (the whole list), the entries read here and the secrets it holds.
V5_CONFIG_LIST: Final[dict[str, Any]] = {
    "data": {
        "BOX_MAC": "0xe0a50900426c",
        "DEV_SNO": "EEIGVB000120210629172137",
        "LOGIN_TOKEN": "7cbc8e8938c84243bf9880c5b12689ec",
        "MQ_PASSWORD": "337523cac8a3389345bf4ec6a702b2f0",
        "PASSMODE": "normal",
        "THRESHOLD": 82,
        "THRESHOLD_RANGE": "0.0,82.0,100.0",
    }
}
V5_CONFIG_WRITE_PAGE: Final = (
    F5 + "5.11-pei-zhi-guan-li/2-xiu-gai-pei-zhi-SophonConfigapiConfigs（PUT）.md"
)
#: The page's answer to a write of EVENT_IMAGE_PATH: three other names (a contradiction).
V5_CONFIG_WRITE_ANSWER: Final = {
    "data": {
        "failed_configs": [],
        "success_configs": ["EVENTOPLAD_URL", "DUPLICATE_REMOVAL_TIMEOUT", "INIT"],
    }
}
V5_CONFIG_FIELDS_PAGE: Final = F5 + "5.11-pei-zhi-guan-li/3-pei-zhi-zi-duan-shuo-ming.md"
V5_PRETTY_SCORE_PAGE: Final = F5 + "5.5-shi-jian-guan-li/10-huo-qu-pei-zhi-yu-zhi-kong-jian.md"
V5_PRETTY_SCORE: Final = {"data": {"threshold_range": [0.0, 80.0, 100.0]}}

V6_CONFIG_PAGE: Final = F6 + "5.11-config-manager/1-get-config.md"
V6_CONFIG_WRITE_PAGE: Final = F6 + "5.11-config-manager/2-update-config.md"
V6_CONFIG_FIELDS_PAGE: Final = F6 + "5.11-config-manager/3-config-detail.md"

# Event socket -----------------------------------------------------------------------------------

V5_PUSH_PAGE: Final = (
    F5 + "5.5-shi-jian-guan-li/6-shi-shi-shang-bao-shi-jian-ju-ti-nei-rong（p0）.md"
)
#: The page's answer (its `identity_info` is JavaScript with `…`: its keys, valid).
V5_PUSH: Final[dict[str, Any]] = {
    "reg_pic": "",
    "ext_data": {
        "person_type": 5,
        "device_ip": "192.168.1.243",
        "device_type": "0",
        "spot_pic": "/9j/6QAEAAD/2xxD...",
        "recognize_face": "/9j/6QAEAAD/2wBD...",
    },
    "identity_id": "666666",
    "device_id": "04f98265-1fad-47e5-9dda-66e191272055",
    "identity_info": {
        "addTime": 1594111791,
        "image_id": "5282249a-044d-43a2-9a97-0e4fee3832f5",
        "name": "stranger",
        "type": 4,
    },
    "score": 0.6231614351272583,
    "timestamp": 1566016554020,
    "group_name": "default_group",
    "identity_name": "小明",
}
V6_PUSH_PAGE: Final = F6 + "5.5-event-manager/6-realtime-event.md"
V6_PUSH: Final[dict[str, Any]] = {
    "reg_pic": "",
    "media_device_ip": "192.168.1.243",
    "media_device_type": "rtsp",
    "recognize_face_image": "data:image/jpeg;base64,/9j/6QAEAAD/2xxD...",
    "identity_id": "666666",
    "media_device_id": "04f98265-1fad-47e5-9dda-66e191272055",
    "score": 0.6231614351272583,
    "timestamp": 1566016554020,
    "identity_name": "小明",
}
#: The device ids of both pages' subscription examples.
PUSH_DEVICE_IDS: Final = (
    "04f98265-1fad-47e5-9dda-66e191272055",
    "f9f0768f-497c-45f3-9307-ae80a9d89390",
    "804b1218-218e-4465-8e1f-c305a5981001",
    "9483034a-da64-4db0-b223-64e87d5567db",
)

# System API (port 8888): identity; the health answers are in test_system_parse.py --------------

S5_PAGES: Final = (
    "get_box_sn", "get_box_hardware_version", "get_box_version", "get_box_ip",
    "get_box_hostname", "get_box_temperature", "get_box_cpu_status", "get_box_tpu_status",
    "get_box_memory_info", "get_box_disk_info", "get_box_external_disk_info",
    "get_box_fan_speed", "get_box_run_time",
)  # fmt: skip
"""The system pages read (the same names under S6)."""

IDENTITY: Final[dict[str, dict[str, Any]]] = {
    "v5": {
        "deviceSN": {"data": {"device_sn": "HQDZKE5BJJFJH0047"}},
        "hardwareInfo": {"data": {"model": "SE5", "hardwareVersion": "SE50210"}},
        "systemVersion": {"data": {"version": "V5R3C01_686e472", "mcu_version": "0x23"}},
        "ip": V5_IP,
        "hostname": {"data": {"hostname": "BM1684-180"}},
    },
    "v6": {
        "getdevicesn": {"device_sn": "HQDZKE5BJJFJH0047"},
        "gethardwareinfo": {"model": "SE50221", "product_version": "V1.2", "mcu_version": "0x34"},
        "getsoftwareversion": {"app_gate_version": "V5R3C01_686e472"},
        "getip": V6_IP,
        "gethostname": {"hostname": "BM1684-180"},
    },
}
HEALTH_KEYS = (
    "temperature",
    "cpu",
    "tpu",
    "memory",
    "disk",
    "external",
    "fan",
    "uptime",
    "version",
)
HEALTH_CALLS: Final = {
    "v5": dict(zip(HEALTH_KEYS, (
        "temperature", "cpu", "tpu", "memoryInfo", "diskInfo", "externalDiskInfo", "fan",
        "uptime", "systemVersion",
    ), strict=True)),
    "v6": dict(zip(HEALTH_KEYS, (
        "gettemperature", "getcpuinfo", "gettpuinfo", "getmemoryinfo", "getstorage",
        "getexternaldisk", "getfanspeed", "getuptime", "getsoftwareversion",
    ), strict=True)),
}  # fmt: skip
