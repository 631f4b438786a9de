"""The vendor pages' examples of the calls that change the box, as data (`vendor_examples.py`
holds the reads; the same conventions: each constant names its page, each fix to make an example
valid JSON is said, long base64 strings are cut and nothing else is changed).
"""

# ruff: noqa: RUF001 - the vendor's file names have full-width parentheses

from __future__ import annotations

from typing import Any, Final

from tests.client.vendor_examples import F5, F6

# Photo check ------------------------------------------------------------------------------------

V5_FIQA_PAGE: Final = F5 + "5.4-bi-dui-guan-li/4-tu-xiang-zhi-liang-jian-ce.md"
V6_FIQA_PAGE: Final = F6 + "5.4-compare-manager/4-face-fiqa.md"
#: Both pages' request: `{"image_base64_str":"data:image/jpeg;base64,/9j/...` (the string is
#: left open in both); the tables say only "图片base64转换格式".
FIQA_REQUEST_START: Final = "data:image/jpeg;base64,/9j/"
V5_FIQA_ANSWER: Final[dict[str, Any]] = {
    "data": [
        {
            "bbox": [95, 61, 529, 652],
            "fails": [],
            "fiqa_result": True,
            "info": {
                "clarity": 1.7304892992152823,
                "face_angle": [7.167378813028336, -1.192113496363163, 0.7817673683166504],
                "face_color": 0.5837053571428571,
                "face_location": False,
                "face_size": 289,
                "image_quality": 1,
            },
            "score": 1,
            "success": [
                "face_size",
                "image_quality",
                "face_location",
                "face_angle",
                "clarity",
                "face_color",
            ],
        }
    ]
}
V6_FIQA_ANSWER: Final[dict[str, Any]] = {
    "detailed_result": {
        "bbox": [74, 132, 582, 753],
        "detailed_scores": {
            "brightness": 0.6982694456054408,
            "clarity": 1.3644584821822876,
            "face_size": 414.7357482910156,
            "headpose": {"pitch_angle": 8.61, "roll_angle": -0.99, "yaw_angle": -1.99},
            "mask": -1,
            "occlusion": [0],
            "partial": False,
        },
        "failed_items": [],
        "passed_items": ["headpose", "brightness", "occlusion", "partial", "face_size", "clarity"],
    },
    "fiqa_result": True,
}

# People: V5 users -------------------------------------------------------------------------------

V5_CREATE_PAGE: Final = (
    F5 + "5.3-ren-yuan-guan-li/1-chuang-jian-ren-yuan-SophonFogSysapiusers（POST）.md"
)
_V5_GROUPS: Final = ["f4add9c0-4212-4064-a045-b6185cf00501", "abckd9c0-4212-4064-a045-b6185defw501"]
#: The page's request (its `//` comment and the tabs inside a permission id removed).
V5_CREATE_REQUEST: Final[dict[str, Any]] = {
    "info": {"name": "小王", "type": 1, "permission_ids": _V5_GROUPS},
    "group_name": "default_group",
    "identity_id": "001",
    "import_mode": False,
    "reg_photo": "",
}
#: The page's answer (the tabs inside a permission id removed): the photo comes back whole.
V5_CREATE_ANSWER: Final[dict[str, Any]] = {
    "data": {
        "group_name": "default_group",
        "identity_id": "001",
        "info": {"name": "小王", "permission_ids": _V5_GROUPS, "type": 1, "user_id": "001"},
        "reg_photo": "xxx",
    }
}

V5_UPDATE_PAGE: Final = (
    F5 + "5.3-ren-yuan-guan-li/3-geng-xin-ren-yuan-SophonFogSysapiusers（PUT）.md"
)
_V5_UPDATE_GROUPS: Final = [
    "f4add9c0-4212-4064-a045-b6185cf00501",
    "bb982244-ce4e-469d-ab5f-34314dd0c09a",
]
#: The page's request (the tabs inside a permission id removed).
V5_UPDATE_REQUEST: Final[dict[str, Any]] = {
    "info": {"name": "小明", "type": 1, "aaa": 1, "permission_ids": _V5_UPDATE_GROUPS},
    "identity_id": "001",
    "reg_photo": "",
}
#: The page's answer (its trailing comma removed).
V5_UPDATE_ANSWER: Final[dict[str, Any]] = {
    "data": {
        "group_name": ["default_group"],
        "identity_id": "001",
        "image_id": "8f5d7b5a-d5da-4b3f-bf46-5830d412ba5e",
        "info": {
            "description": "",
            "name": "小明",
            "permission_ids": _V5_UPDATE_GROUPS,
            "type": 1,
            "user_id": "001",
        },
    }
}

V5_DELETE_PAGE: Final = (
    F5 + "5.3-ren-yuan-guan-li/4-shan-chu-ren-yuan-SophonFogSysapiusers（DELETE）.md"
)
#: The page's request and answer for one person (its `//` comments removed).
V5_DELETE_REQUEST: Final = {"identity_id": "001"}
V5_DELETE_ANSWER: Final[dict[str, Any]] = {
    "data": {
        "group_name": ["default_group"],
        "identity_id": "001",
        "message": "have remove from group success",
    }
}

# People: V6 identities --------------------------------------------------------------------------

_IDENTITY: Final = F6 + "5.3-identity-manager/"
#: The start of every register_image in the pages' requests (createidentity, addface,
#: replaceface), `image/jpg` as they spell it; their tables say only "base64".
REGISTER_IMAGE_START: Final = "data:image/jpg;base64,/9j/4AAQSkZ"

V6_CREATE_PAGE: Final = _IDENTITY + "1-create-identity.md"
V6_CREATE_REQUEST: Final = {
    "identity_id": "100000",
    "register_image": "data:image/jpg;base64,/9j/4AAQSkZ... ",
}
V6_CREATE_ANSWER: Final = {
    "face_id": "11045712-0608-41e3-9612-f759ad564caf",
    "identity_id": "100000",
    "register_image_id": "69919728-f3c5-4c29-96de-681d9b21ddf4",
}

V6_IDENTITY_PAGE: Final = _IDENTITY + "2-get-identity.md"
V6_IDENTITY_REQUEST: Final = {"identity_id": "100000"}
V6_IDENTITY: Final[dict[str, Any]] = {
    "ext_user_info": {},
    "face_ids": ["912ce1a6-f4e6-4604-b492-ca1c0443ead4"],
    "identity_id": "100000",
    "identity_name": "小王",
    "permission_ids": [],
    "register_image_ids": ["1e644cc0-1631-4248-b518-c8701d3c7a91"],
    "user_type": "employee",
}

V6_UPDATE_PAGE: Final = _IDENTITY + "4-update-identity.md"
V6_UPDATE_REQUEST: Final = {
    "identity_id": "100000",
    "identity_name": "小王",
    "permission_ids": ["db4c5e0c-0135-4238-acc8-a273d4130a4a"],
}
V6_UPDATE_ANSWER: Final[dict[str, Any]] = {
    "ext_user_info": {},
    "face_ids": ["df1fa172-1d4f-41ff-86da-3b7a575f2f41"],
    "identity_id": "100000",
    "identity_name": "小王",
    "permission_ids": ["db4c5e0c-0135-4238-acc8-a273d4130a4a"],
    "register_image_ids": ["19d0c455-cd0c-489d-b06e-e3c0eed09fe8"],
    "user_type": "employee",
}

V6_DELETE_PAGE: Final = _IDENTITY + "5-delete-identity.md"
V6_DELETE_REQUEST: Final = {"identity_ids": ["100000", "100001"]}
V6_DELETE_ANSWER: Final = {"success_identity_ids": ["100000", "100001"], "failed_identity_ids": []}

_FACES: Final = {
    "total_face_cnt": 2,
    "face_ids": ["11045712-0608-41e3-9612-f759ad564caf", "c0202ce2-09e8-4f48-b8b6-3ec85b5ddbad"],
    "register_image_ids": [
        "69919728-f3c5-4c29-96de-681d9b21ddf4",
        "5d290f79-f07a-409d-8eea-92f3ef077c94",
    ],
}
V6_ADD_FACE_PAGE: Final = _IDENTITY + "6-add-face.md"
V6_ADD_FACE_REQUEST: Final = {
    "identity_id": "100000",
    "register_image": "data:image/jpg;base64,/9j/4AAQSkZ... ",
}
V6_ADD_FACE_ANSWER: Final[dict[str, Any]] = {"identity_id": "100000", **_FACES}

V6_REPLACE_FACE_PAGE: Final = _IDENTITY + "8-update-image.md"
V6_REPLACE_FACE_REQUEST: Final = {
    "identity_id": "100000",
    "face_id": "c8305074-ffc4-4f29-8044-de0bf52cb597",
    "register_image": "data:image/jpg;base64,/9j/4AAQSkZJRgABAQAAA......",
}
#: The page's answer: `identity_id` a list, where its table says string.
V6_REPLACE_FACE_ANSWER: Final[dict[str, Any]] = {"identity_id": ["100000"], **_FACES}

# Device settings and changes --------------------------------------------------------------------

V5_DEVICE_UPDATE_PAGE: Final = (
    F5 + "5.7-she-bei-guan-li/3-geng-xin-she-bei-SophonDeviceapiDevices（PUT）.md"
)
#: The page's request: the device list example's record without `device_ip` (which the PUT
#: table does not name either).
V5_DEVICE_UPDATE_REQUEST: Final[dict[str, Any]] = {
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
            "device_key": "rtsp://192.168.1.100:554/ch2",
            "device_name": "ddd",
            "device_type": "rtsp",
            "group_id": "139e03c6-ab31-4af8-bcf6-24aa000dfdab",
            "netRelay": {},
            "permission_id": "820737ae-a6d3-4322-bf7c-46f48066fb64",
        }
    ]
}
#: The page's answer: one updated device, its id and name left empty.
V5_DEVICE_UPDATE_ANSWER: Final = {
    "data": {"success_devices": [{"device_id": "", "device_name": ""}]}
}

V6_FEED_PAGE: Final = F6 + "5.7-device-manger/8-preview-manager.md"
#: The page's 54547 example, a binary frame of UTF-8 JSON.
V6_FEED_FRAME: Final[dict[str, Any]] = {
    "modify_media_device": {
        "action": "add",
        "media_device_info": {
            "media_device_url": "192.168.1.96",
            "addtime": 1587543999.1922684,
            "media_device_ip": "192.168.1.96",
            "net_relay": {},
            "permission_id": "c732adf3",
            "media_device_type": "photo",
            "media_device_attr": {
                "do_feature": True,
                "do_attribute": False,
                "do_detect": True,
                "do_fast_mode": False,
                "do_match": True,
            },
            "media_device_name": "bbb",
            "media_device_id": "772e476f-726a-455b-a642-17a4e33fd314",
        },
    },
    "last_set_name": "BOX",
    "preview_device_list": [],
    "selected_device_list": [],
    "preview_mode": "1",
}
