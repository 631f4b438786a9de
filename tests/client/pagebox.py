"""A box that answers exactly what it is told (the vendor pages' examples) and records each call.

Every call the client makes is recorded with its method, path (as sent, still quoted), query and
JSON body; a call it was not told about gets V5's not-found envelope, and the conformance tests
then fail on it: the client makes no call that no page documents.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
import json
from typing import Any

from aiohttp import web
import pytest

from tests.helpers import start_http_server

type Answer = Any | Callable[["Seen"], Any]
"""JSON to answer, JPEG bytes, a web.Response, or a function of the call giving one."""


@dataclass(frozen=True, slots=True)
class Seen:
    """One call as it reached the box."""

    method: str
    path: str
    query: dict[str, str]
    body: Any

    @property
    def call(self) -> tuple[str, str]:
        """`(method, path)`."""
        return (self.method, self.path)


class PageBox:
    """Answers `(method, path)` as told; `seen` holds every call, `unknown` the untold ones.

    The fixture fails a test that made an untold call.
    """

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], Answer] = {}
        self.seen: list[Seen] = []
        self.unknown: list[Seen] = []
        self.port = 0

    def on(self, method: str, path: str, answer: Answer) -> None:
        """Answer this call (a path as sent, quoted) with `answer`."""
        self.answers[(method, path)] = answer

    def not_found(self, method: str, path: str) -> None:
        """Answer this call as a box that does not have it (V5's not-found envelope)."""
        error = {"code": 40400, "message": "not found", "status": "NOT_FOUND"}
        self.on(method, path, web.json_response({"error": error}, status=404))

    def calls(self) -> list[tuple[str, str]]:
        """The `(method, path)` of every call so far, in order."""
        return [seen.call for seen in self.seen]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Record the call, answer it."""
        raw = await request.read()
        seen = Seen(
            request.method,
            request.raw_path.split("?", 1)[0],
            dict(request.query),
            json.loads(raw) if raw else None,
        )
        self.seen.append(seen)
        answer = self.answers.get(seen.call)
        if answer is None:
            self.unknown.append(seen)
            error = {"code": 40400, "message": "no such page", "status": "NOT_FOUND"}
            return web.json_response({"error": error}, status=404)
        if callable(answer):
            answer = answer(seen)
        if isinstance(answer, web.StreamResponse):
            return answer
        if isinstance(answer, bytes):
            return web.Response(body=answer, content_type="image/jpeg")
        return web.json_response(answer, dumps=lambda data: json.dumps(data, ensure_ascii=False))


@pytest.fixture
async def page_box(socket_enabled: None) -> AsyncIterator[PageBox]:
    """A started PageBox on 127.0.0.1 (REST and system API on the same port)."""
    box = PageBox()
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]] = box.handle
    box.port, runner = await start_http_server(handler)
    yield box
    await runner.cleanup()
    assert not box.unknown, f"calls that no page documents: {box.unknown}"
