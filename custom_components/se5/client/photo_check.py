"""The box's check of a photo before it is registered (V5 `FIQA`, V6 `fiqa`); changes nothing.

F5/5.4-bi-dui-guan-li/4-tu-xiang-zhi-liang-jian-ce.md, F6/5.4-compare-manager/4-face-fiqa.md.
Both tables call `image_base64_str` "图片base64转换格式"; both examples (and both face-detect
pages') send a `data:image/jpeg;base64,` URL, which is what is sent. The level is the box's
default (`high`, the level its registration checks at).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .errors import Se5ApiError, Se5LowQualityError, Se5NoFaceError, Se5NotABoxError
from .fetch import NotFoundError, RequestFn, short_text
from .models import Dialect
from .people_write import check_photo_bytes, data_url, refusal

V5_FIQA_PATH: Final = "/SophonFace/api/FIQA"
V6_FIQA_PATH: Final = "/sophon/v2/face/fiqa"


async def check_photo(request: RequestFn, dialect: Dialect, photo: bytes) -> bool:
    """Ask the box whether the photo has a face good enough to register (changes nothing).

    True when the box passed it, False when it has no such check (not found); raises
    Se5NoFaceError or Se5LowQualityError (with what failed) when it did not pass.
    """
    check_photo_bytes(photo)
    v6 = dialect is Dialect.V6
    body = {"image_base64_str": data_url(photo)}
    try:
        payload = await request("POST", V6_FIQA_PATH if v6 else V5_FIQA_PATH, json_body=body)
    except NotFoundError:
        return False
    except Se5ApiError as err:
        raise refusal(err) from err
    if v6:
        result = payload if isinstance(payload, Mapping) else {}
        detail = _get(result, "detailed_result")
        failed = _get(detail, "failed_items")
    else:
        faces = _get(payload, "data")
        if isinstance(faces, list) and not faces:
            raise Se5NoFaceError("NO_FACE", "no face found in the photo")
        result = faces[0] if isinstance(faces, list) and isinstance(faces[0], Mapping) else {}
        failed = result.get("fails")
    passed = result.get("fiqa_result")
    if not isinstance(passed, bool):
        raise Se5NotABoxError("the photo check answered without a result")
    if not passed:
        items = tuple(
            short_text(item) for item in (failed if isinstance(failed, list) else []) if item
        )
        raise Se5LowQualityError("LOW_QUALITY_ERROR", ", ".join(items), items)
    return True


def _get(data: Any, key: str) -> Any:
    return data.get(key) if isinstance(data, Mapping) else None
