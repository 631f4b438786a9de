"""What the protocol modules need from the client: JSON calls, and images fetched by id."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
import json
from typing import Any, Final, Protocol

import aiohttp
from yarl import URL

from .errors import Se5ApiError, Se5BoxStartingError, Se5ConnectionError, Se5ServerError

#: Larger than any photo the box takes (a 1920x1080 scene is about 0.2-0.5 MB).
MAX_IMAGE_BYTES: Final = 16 * 1024 * 1024
JPEG_MAGIC: Final = b"\xff\xd8\xff"
PNG_MAGIC: Final = b"\x89PNG\r\n\x1a\n"
_NOT_FOUND_CODES: Final = frozenset({40400, 40401, "NOT_FOUND", "ID_NOT_FOUND"})


class RequestFn(Protocol):
    """One JSON call to the box: the decoded answer, or an Se5Error."""

    async def __call__(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: dict[str, str | int] | None = None,
    ) -> Any:
        """Send the call and decode the answer."""


class ImageFn(Protocol):
    """One image fetched by path: the bytes, or None when the box has none."""

    async def __call__(self, path: str, params: Mapping[str, str] | None = None) -> bytes | None:
        """Fetch the image."""


def is_image(body: bytes) -> bool:
    """True for JPEG or PNG bytes."""
    return body.startswith((JPEG_MAGIC, PNG_MAGIC))


async def fetch_image(
    session: aiohttp.ClientSession,
    url: URL,
    *,
    params: Mapping[str, str] | None,
    timeout: float,  # noqa: ASYNC109 - the client's configured timeout, a plain number
    max_bytes: int = MAX_IMAGE_BYTES,
) -> bytes | None:
    """GET an image: its bytes; None when the box says there is none (not found, not an image).

    Raises Se5ConnectionError (unreachable, timeout, HTTP 5xx, box starting) and Se5ApiError
    (another error envelope, an image over ``max_bytes``).
    """
    try:
        async with asyncio.timeout(timeout), session.get(url, params=params) as response:
            status = response.status
            length = response.content_length
            if length is not None and length > max_bytes:
                raise Se5ApiError("TOO_LARGE", f"image of {length} bytes")
            body = bytearray()
            async for chunk in response.content.iter_chunked(65_536):
                body += chunk
                if len(body) > max_bytes:
                    raise Se5ApiError("TOO_LARGE", f"image over {max_bytes} bytes")
    except TimeoutError as err:
        raise Se5ConnectionError(f"no answer within {timeout:g} s") from err
    except aiohttp.ClientError as err:
        raise Se5ConnectionError(str(err) or type(err).__name__) from err
    data = bytes(body)
    if status == 200 and is_image(data):
        return data
    try:
        payload = json.loads(data)
    except ValueError:
        payload = None
    error = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(error, dict):
        code = error.get("code", status)
        message = str(error.get("message", ""))
        if code == "DEVICE_INIT_ERROR":
            raise Se5BoxStartingError(message or "the box is still starting")
        if status == 404 or (isinstance(code, str | int) and code in _NOT_FOUND_CODES):
            return None
        raise Se5ApiError(code, message)
    if status >= 500:
        raise Se5ServerError(status)
    if status >= 400 and status != 404:
        raise Se5ApiError(status, "image request refused")
    return None
