"""Answers in the box's own shapes: JSON, V5 and V6 error envelopes, request bodies, paging."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final

from aiohttp import web

from .frames import dumps, loads

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
type Routes = dict[str, dict[str, Handler]]
"""Handlers by path, then by HTTP method."""

#: The largest page a list call serves (the box's own limit is not documented).
MAX_PAGE: Final = 1000


def json_response(data: Any, status: int = 200) -> web.Response:
    """JSON as the box writes it (UTF-8, not ASCII-escaped)."""
    return web.json_response(data, status=status, dumps=dumps)


def v5_error(status: int, code: int, name: str, message: str) -> web.Response:
    """A V5 error envelope."""
    return json_response({"error": {"code": code, "message": message, "status": name}}, status)


def v6_error(status: int, code: str, message: str) -> web.Response:
    """A V6 error envelope."""
    return json_response({"error": {"code": code, "message": message}}, status)


def init_error() -> web.Response:
    """The answer of a box that is still starting (both dialects)."""
    return v6_error(500, "DEVICE_INIT_ERROR", "device is initializing, please retry later")


def v5_bad_request(message: str) -> web.Response:
    """V5 40000 BAD_REQUEST."""
    return v5_error(400, 40000, "BAD_REQUEST", message)


def v5_not_found(message: str) -> web.Response:
    """V5 40400 NOT_FOUND."""
    return v5_error(404, 40400, "NOT_FOUND", message)


def jpeg(data: bytes) -> web.Response:
    """Image bytes as the box sends them."""
    return web.Response(body=data, content_type="image/jpeg")


async def request_text(request: web.Request) -> str:
    """The body as text in its charset (UTF-8 by default); ValueError when it is not."""
    raw = await request.read()
    try:
        return raw.decode(request.charset or "utf-8")
    except (UnicodeDecodeError, LookupError) as err:  # not in its charset, or no such charset
        raise ValueError("the body is not text") from err


async def request_json(request: web.Request) -> Any:
    """The JSON a call was sent; ValueError when it cannot be read (the box answers 400)."""
    return loads(await request_text(request))


async def v6_body(request: web.Request) -> dict[str, Any] | web.Response:
    """The JSON object a V6 call was sent (an empty body counts as ``{}``), or the error."""
    try:
        text = await request_text(request)
        body = loads(text) if text.strip() else {}
    except ValueError:
        return v6_error(400, "UNSUPPORT_CONTENT_TYPE", "the body must be JSON")
    if not isinstance(body, dict):
        return v6_error(400, "INVALID_REQUEST_JSON", "the body must be a JSON object")
    return body


def v6_paging(body: dict[str, Any], default_limit: int = 10) -> tuple[int, int] | web.Response:
    """``(page_limit, page_index)`` of a V6 list call, or the INVALID_ARGUMENTS answer."""
    limit = body.get("page_limit", default_limit)
    index = body.get("page_index", 0)
    for name, value, low in (("page_limit", limit, 1), ("page_index", index, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            return v6_error(400, "INVALID_ARGUMENTS", f"{name} must be an integer >= {low}")
    return min(limit, MAX_PAGE), index


def v5_int(query: Any, name: str, default: int, low: int = 0) -> int | web.Response:
    """An integer query parameter of a V5 call, or the BAD_REQUEST answer."""
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        return v5_bad_request(f"{name} must be an integer")
    if value < low:
        return v5_bad_request(f"{name} must be >= {low}")
    return value
