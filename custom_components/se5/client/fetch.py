"""What the protocol modules need from the client: JSON calls, and images fetched by id.

Also what the JSON calls (`rest`) and the image fetches share: the capped reader of an answer,
its JSON decoding, and the reading of the box's error envelope.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, Final, Literal, Protocol

import aiohttp
from yarl import URL

from .errors import (
    Se5ApiError,
    Se5BoxStartingError,
    Se5ConnectionError,
    Se5Error,
    Se5NotABoxError,
    Se5ServerError,
)
from .parse import ANSWER_MAX_VALUES, cap_text, loads, too_many_values

#: Larger than any photo the box takes (a 1920x1080 scene is about 0.2-0.5 MB).
MAX_IMAGE_BYTES: Final = 16 * 1024 * 1024
#: Largest error answer read (an error envelope, or the start of a page for the message); also
#: the largest JSON answer read on an image call, where JSON is only ever an error.
ERROR_BODY_BYTES: Final = 64 * 1024
#: Answers at least this long are decoded in a worker thread (a JSON answer of 256 KiB takes
#: about 1-3 ms to decode; the largest read, 8 MiB, far longer).
OFF_LOOP_BYTES: Final = 256 * 1024
#: Characters kept of a message (or code) taken from an answer into an exception.
MESSAGE_MAX: Final = 200
JPEG_MAGIC: Final = b"\xff\xd8\xff"
PNG_MAGIC: Final = b"\x89PNG\r\n\x1a\n"
#: Error codes of a path that does not exist (V5 answers these for a missing id too).
PATH_NOT_FOUND_CODES: Final = frozenset({40400, 40401, "NOT_FOUND"})
#: Error codes of something asked for that is not there. V6 `ID_NOT_FOUND` proves the call
#: exists (it is no path not found), but an image under it is missing all the same.
NOT_FOUND_CODES: Final = PATH_NOT_FOUND_CODES | {"ID_NOT_FOUND"}
INIT_ERROR: Final = "DEVICE_INIT_ERROR"

Read = Literal["whole", "not_json", "too_large"]
# JSON's white space, and the byte order mark some servers put first.
_JSON_SPACE: Final = b" \t\r\n\xef\xbb\xbf"
# First bytes of the images the box sends (JPEG, PNG).
_IMAGE_STARTS: Final = (JPEG_MAGIC[:1], PNG_MAGIC[:1])


class NotFoundError(Se5ApiError):
    """What was asked for is not there: an HTTP 404, or one of the not-found codes."""


class Se5RedirectError(Se5ApiError):
    """The box answered with a redirect, which the client never follows.

    Following it would send the call (a door command with its body, say) to whatever host the
    answer names.
    """

    def __init__(self, status: int) -> None:
        super().__init__(status, f"redirect (HTTP {status}) not followed")


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


class CappedRequestFn(Protocol):
    """A `RequestFn` whose answer may be read up to `max_bytes` (one that carries a photo)."""

    async def __call__(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: dict[str, str | int] | None = None,
        max_bytes: int = ...,
    ) -> Any:
        """Send the call and decode the answer, read up to `max_bytes`."""


class ImageFn(Protocol):
    """One image fetched by path: the bytes, or None when the box has none."""

    async def __call__(self, path: str, params: Mapping[str, str] | None = None) -> bytes | None:
        """Fetch the image."""


def is_image(body: bytes) -> bool:
    """True for JPEG or PNG bytes."""
    return body.startswith((JPEG_MAGIC, PNG_MAGIC))


async def read_capped(
    response: aiohttp.ClientResponse, limit: int, *, image_limit: int | None = None
) -> tuple[bytes, Read]:
    """The body read up to `limit` bytes, and how far: whole, or stopped early.

    With `image_limit`, a body that starts as an image (not as JSON) may reach that instead.
    `not_json`: its first byte other than white space is not `{` or `[` (nor an image's);
    reading stopped after the chunk that showed it. `too_large`: declared or found larger than
    its limit.
    """
    declared = response.content_length
    if declared is not None and declared > max(limit, image_limit or 0):
        return b"", "too_large"
    body = bytearray()
    cap: int | None = None
    async for chunk in response.content.iter_any():
        body += chunk
        if cap is None and (start := body.lstrip(_JSON_SPACE)):
            if bytes(start[:1]) in (b"{", b"["):
                cap = limit
            elif image_limit is not None and bytes(body[:1]) in _IMAGE_STARTS:
                cap = image_limit
            else:
                return bytes(body[:limit]), "not_json"
            if declared is not None and declared > cap:
                return b"", "too_large"
        if len(body) > (limit if cap is None else cap):
            return bytes(body[: limit if cap is None else cap]), "too_large"
    return bytes(body), "whole"


def decode(body: bytes, read: Read) -> Any:
    """The JSON of a body read whole; None when it was not, or is not JSON (however broken).

    None also for a body of more than `ANSWER_MAX_VALUES` JSON values (see `too_complex`).
    """
    if read != "whole" or too_many_values(body, ANSWER_MAX_VALUES):
        return None
    try:
        return loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError too
        return None


async def decode_off_loop(body: bytes, read: Read) -> Any:
    """`decode`, in a worker thread when the body is `OFF_LOOP_BYTES` or longer."""
    if read != "whole" or len(body) < OFF_LOOP_BYTES:
        return decode(body, read)
    return await asyncio.get_running_loop().run_in_executor(None, decode, body, read)


def too_complex(body: bytes) -> bool:
    """True for a body of more than `ANSWER_MAX_VALUES` JSON values: never decoded."""
    return too_many_values(body, ANSWER_MAX_VALUES)


def envelope_error(
    status: int,
    error: Mapping[str, Any],
    *,
    not_found_codes: frozenset[object] = PATH_NOT_FOUND_CODES,
) -> Se5Error:
    """The exception for the box's `{"error": {...}}` (code, message and status capped).

    Se5BoxStartingError for `DEVICE_INIT_ERROR`; NotFoundError for an HTTP 404 or one of
    `not_found_codes`; Se5ApiError otherwise.
    """
    code = error.get("code", status)
    message = short_text(error.get("message", ""))
    if code == INIT_ERROR:
        return Se5BoxStartingError(message or "the box is still starting")
    found = isinstance(code, str | int | float) and code in not_found_codes
    kind = NotFoundError if status == 404 or found else Se5ApiError
    if isinstance(code, bool) or not isinstance(code, str | int):
        code = str(code)
    error_status = error.get("status")
    return kind(
        short_text(code) if isinstance(code, str) else code,
        message,
        short_text(error_status) if isinstance(error_status, str) else None,
    )


def short_text(value: object) -> str:
    """`value` as text of at most MESSAGE_MAX characters, for an exception's message."""
    return cap_text(str(value).strip(), MESSAGE_MAX)


def short_body(body: bytes) -> str:
    """A short, printable excerpt of an error body for messages."""
    return short_text(body[: MESSAGE_MAX * 4].decode("utf-8", "replace"))


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
    (another error envelope, an image over ``max_bytes``). Only an image of a 200 answer is
    read further than ERROR_BODY_BYTES.
    """
    try:
        async with (
            asyncio.timeout(timeout),
            session.get(url, params=params, allow_redirects=False) as response,
        ):
            status = response.status
            image_limit = max_bytes if status == 200 else None
            body, read = await read_capped(
                response, min(max_bytes, ERROR_BODY_BYTES), image_limit=image_limit
            )
    except TimeoutError as err:
        raise Se5ConnectionError(f"no answer within {timeout:g} s") from err
    except aiohttp.ClientError as err:
        raise Se5ConnectionError(str(err) or type(err).__name__) from err
    if 300 <= status < 400:
        raise Se5RedirectError(status)
    if status == 200 and read == "too_large":
        raise Se5ApiError("TOO_LARGE", "answer larger than an image call's cap")
    if status == 200 and read == "whole" and is_image(body):
        return body
    payload = decode(body, read)
    error = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(error, dict):
        exception = envelope_error(status, error, not_found_codes=NOT_FOUND_CODES)
        if isinstance(exception, NotFoundError):
            return None
        raise exception
    if status >= 500:
        raise Se5ServerError(status)
    if status >= 400 and status != 404:
        raise Se5ApiError(status, "image request refused")
    return None


class TooLargeError(Se5NotABoxError):
    """The answer is larger than its cap: no box answers so (ends dialect detection)."""


def judge_answer(
    method: str, path: str, status: int, *, body: bytes, read: Read, limit: int, payload: Any
) -> Any:
    """The JSON of an answer (`payload`, decoded by `decode`), or the error it stands for.

    A redirect, an error envelope, an HTTP error, an answer over `limit` (TooLargeError) or
    one that is not JSON each raise; no call of the client follows a redirect.
    """
    if 300 <= status < 400:
        raise Se5RedirectError(status)
    if isinstance(payload, dict) and isinstance(error := payload.get("error"), dict):
        raise envelope_error(status, error)
    if status >= 500:
        raise Se5ServerError(status, short_body(body))
    if status == 404:
        raise NotFoundError(status, "not found")
    if status >= 400:
        raise Se5ApiError(status, short_body(body))
    if read == "too_large":
        raise TooLargeError(f"answer to {method} {path} is larger than {limit} bytes")
    if payload is None:
        if too_complex(body):
            raise Se5NotABoxError(f"answer to {method} {path} holds too many JSON values")
        raise Se5NotABoxError(f"answer to {method} {path} is not JSON")
    return payload
