"""The box's event socket (port 5679): subscribe, receive recognitions, stay connected."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from enum import StrEnum
import logging
import random

import aiohttp
from yarl import URL

from .bigframe import parse_big_frame
from .errors import FrameError
from .handshake import ws_connect
from .models import Dialect, Recognition, Subscription
from .parse import parse_frame
from .wire import WireTap, install_tap

_LOGGER = logging.getLogger(__name__)

DEFAULT_EVENT_PORT = 5679
DEFAULT_HEARTBEAT = 20.0
"""Seconds without a byte before a ping; a half-open socket is found at most 1.5 heartbeats after
the last byte (30 s by default), however long a frame takes to arrive."""
DEFAULT_MAX_FRAME_BYTES = 32 * 1024 * 1024
"""Frames announced at this size or more are dropped as they arrive (never buffered)."""
OFF_LOOP_FRAME_CHARS = 1024 * 1024
"""Frames at least this long are parsed (JSON and base64) in a worker thread."""
HELD_FRAMES_PER_LIMIT = 2
"""Big frames waiting for the consumer are held up to this many times the frame limit (by
default 64 MiB); beyond it reading pauses until the consumer takes them (see `wire`)."""
DEFAULT_CONNECT_TIMEOUT = 10.0
_WS_TIMEOUT = aiohttp.ClientWSTimeout(ws_receive=None, ws_close=5.0)


class StreamState(StrEnum):
    """Where the subscription stands."""

    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class Backoff:
    """Capped exponential backoff with jitter: each delay lies in [cap/2, cap]."""

    initial: float = 1.0
    maximum: float = 60.0
    factor: float = 2.0
    stable_after: float = 30.0
    """A connection that lasted this long resets the backoff."""

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """Seconds to wait before reconnection attempt number `attempt` (from 0)."""
        cap = min(self.maximum, self.initial * self.factor ** min(attempt, 64))
        return cap * (0.5 + rand() / 2)


@dataclass(slots=True)
class StreamStats:
    """What the stream has seen since it was created."""

    connections: int = 0
    frames: int = 0
    recognitions: int = 0
    bad_frames: Counter[str] = field(default_factory=Counter)


class EventStream:
    """The subscription to one box's recognitions, kept alive through drops and reboots.

    Iterate it (once) to receive `Recognition`s; call `stop()` to end the iteration, or cancel
    the task that iterates. The aiohttp session is the caller's.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        port: int = DEFAULT_EVENT_PORT,
        *,
        dialect: Dialect,
        subscription: Subscription,
        heartbeat: float = DEFAULT_HEARTBEAT,
        backoff: Backoff | None = None,
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
        max_held_bytes: int | None = None,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        on_state: Callable[[StreamState], None] | None = None,
    ) -> None:
        """Prepare the stream; nothing connects until iteration starts.

        `max_held_bytes`: the budget of big frames held for the consumer (default
        `HELD_FRAMES_PER_LIMIT` times `max_frame_bytes`; 0: none).
        """
        self._session = session
        self._url = URL.build(scheme="ws", host=host, port=port, path="/")
        self._dialect = dialect
        self._subscription = subscription
        self._heartbeat = heartbeat
        self._backoff = backoff or Backoff()
        self._max_frame_bytes = max_frame_bytes
        self._max_held_bytes = (
            HELD_FRAMES_PER_LIMIT * max_frame_bytes if max_held_bytes is None else max_held_bytes
        )
        self._connect_timeout = connect_timeout
        self._on_state = on_state
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._tap: WireTap | None = None
        self._connecting: asyncio.Timeout | None = None
        self._stop_event = asyncio.Event()
        self._iterating = False
        self._logged_faults: set[str] = set()
        self.state = StreamState.STOPPED
        self.last_error: str | None = None
        self.stats = StreamStats()
        self.score_scale: int | None = None
        """The box's score scale (1 or 100) once known; frames are read with it."""

    @property
    def url(self) -> URL:
        """The event socket URL."""
        return self._url

    @property
    def subscription(self) -> Subscription:
        """The subscription sent on every (re)connection."""
        return self._subscription

    @property
    def tap(self) -> WireTap | None:
        """The wire tap of the open socket (None between connections, or without one)."""
        return self._tap

    async def update_subscription(self, subscription: Subscription) -> bool:
        """Change what is pushed, on the open socket when there is one (no reconnect).

        Returns True when the new subscription was sent now; otherwise it is sent on the next
        connection.
        """
        self._subscription = subscription
        ws = self._ws
        if ws is None or ws.closed or self.state is not StreamState.CONNECTED:
            return False
        try:
            await ws.send_str(subscription.to_wire(self._dialect))
        except (aiohttp.ClientError, ConnectionError, RuntimeError) as err:
            # The socket is going away; the reconnection will subscribe anew.
            _LOGGER.debug("%s: resubscribe failed (%s), will send on reconnect", self._url, err)
            return False
        return True

    async def stop(self) -> None:
        """End the iteration and close the socket."""
        self._stop_event.set()
        if (connecting := self._connecting) is not None:
            # Cut a pending connection attempt short (it ends as a timeout).
            connecting.reschedule(asyncio.get_running_loop().time())
        if (ws := self._ws) is not None:
            await ws.close()

    def __aiter__(self) -> AsyncIterator[Recognition]:
        """Connect, subscribe and yield recognitions until stopped."""
        if self._iterating:
            raise RuntimeError("an EventStream can be iterated only once at a time")
        self._iterating = True
        return self._run()

    async def _run(self) -> AsyncIterator[Recognition]:
        loop = asyncio.get_running_loop()
        attempt = 0
        try:
            while not self._stop_event.is_set():
                self._set_state(
                    StreamState.RECONNECTING
                    if self.stats.connections or attempt
                    else StreamState.CONNECTING
                )
                connected_at: float | None = None
                try:
                    ws = await self._open()
                except (aiohttp.ClientError, OSError, TimeoutError) as err:
                    if self._stop_event.is_set():  # stop() cut the attempt short
                        break
                    self.last_error = (
                        f"no connection within {self._connect_timeout:g} s"
                        if isinstance(err, TimeoutError)
                        else _describe(err)
                    )
                    _LOGGER.debug("%s: cannot connect: %s", self._url, self.last_error)
                else:
                    # Before anything awaits (sending the subscription does): the box may
                    # answer it at once, and every byte of its answer must pass the tap.
                    tap = self._install_tap(ws)
                    if self._stop_event.is_set():  # stop() came as the socket opened
                        await ws.close()
                        break
                    self._ws = ws
                    self._tap = tap
                    try:
                        await ws.send_str(self._subscription.to_wire(self._dialect))
                        self.stats.connections += 1
                        connected_at = loop.time()
                        self.last_error = None
                        self._set_state(StreamState.CONNECTED)
                        async for recognition in self._receive(ws, tap):
                            attempt = 0
                            yield recognition
                    except (aiohttp.ClientError, ConnectionError) as err:
                        self.last_error = _describe(err)
                    finally:
                        self._ws = None
                        self._tap = None
                        await ws.close()
                    _LOGGER.debug("%s: connection ended: %s", self._url, self.last_error)
                if self._stop_event.is_set():
                    break
                if connected_at is not None and (
                    loop.time() - connected_at >= self._backoff.stable_after
                ):
                    attempt = 0
                delay = self._backoff.delay(attempt)
                attempt += 1
                self._set_state(StreamState.RECONNECTING)
                await self._sleep_unless_stopped(delay)
        finally:
            self._iterating = False
            self._set_state(StreamState.STOPPED)

    async def _open(self) -> aiohttp.ClientWebSocketResponse:
        """Open the socket within the connect timeout (which stop() can cut short)."""
        try:
            async with asyncio.timeout(self._connect_timeout) as self._connecting:
                return await ws_connect(
                    self._session,
                    self._url,
                    autoping=False,
                    max_msg_size=self._max_frame_bytes,
                    timeout=_WS_TIMEOUT,
                )
        finally:
            self._connecting = None

    def _install_tap(self, ws: aiohttp.ClientWebSocketResponse) -> WireTap | None:
        """The wire tap of a just-opened socket (see `install_tap`); None when not possible."""
        tap = install_tap(
            ws,
            max_message_bytes=self._max_frame_bytes,
            on_oversized=self._oversized,
            clock=asyncio.get_running_loop().time,
            divert_bytes=OFF_LOOP_FRAME_CHARS,
            max_held_bytes=self._max_held_bytes,
        )
        if tap is None:
            _LOGGER.debug("%s: cannot watch the socket's bytes; timing whole frames", self._url)
        return tap

    async def _receive(
        self, ws: aiohttp.ClientWebSocketResponse, tap: WireTap | None
    ) -> AsyncIterator[Recognition]:
        """Yield the recognitions of one connection until it closes or goes silent.

        The heartbeat is ours rather than aiohttp's (which times whole messages and can leave a
        timer behind after a missed pong), and it counts bytes: after `heartbeat` seconds
        without a byte, ping; no byte (pong or frame) within half that means the connection is
        half-open. A frame that takes minutes to arrive keeps the connection alive as long as
        its bytes come: the box cannot answer a ping in the middle of a frame.
        """
        loop = asyncio.get_running_loop()
        grace = self._heartbeat / 2
        last_seen = loop.time()
        pinged_at: float | None = None
        while True:
            waiting = tap.messages_waiting() if tap is not None else None
            if waiting:
                # Bytes came in recently; ws.receive() returns at once (no timer needed).
                message = await ws.receive()
            else:
                if tap is not None and tap.last_bytes_at > last_seen:
                    last_seen = tap.last_bytes_at
                now = loop.time()
                if pinged_at is not None and last_seen > pinged_at:
                    pinged_at = None
                if pinged_at is None:
                    wait = last_seen + self._heartbeat - now
                    if wait <= 0:
                        if not await self._ping(ws, grace):
                            return
                        pinged_at = now
                        wait = grace
                else:
                    wait = pinged_at + grace - now
                    if wait <= 0:
                        self.last_error = f"no answer to a ping within {grace:g} s (half-open)"
                        return
                try:
                    message = await ws.receive(timeout=wait)
                except TimeoutError:
                    continue
                last_seen = loop.time()
            kind = message.type
            if kind is aiohttp.WSMsgType.TEXT or kind is aiohttp.WSMsgType.BINARY:
                self.stats.frames += 1
                data = message.data
                if tap is not None and (diverted := tap.take(data)) is not None:
                    is_text, data = diverted
                    kind = aiohttp.WSMsgType.TEXT if is_text else kind
                try:
                    recognition = await self._parse(data, loop)
                except FrameError as err:
                    if kind is aiohttp.WSMsgType.BINARY:
                        err = FrameError("binary", f"binary frame that is not a JSON event ({err})")
                    self._bad_frame(err)
                else:
                    self.stats.recognitions += 1
                    yield recognition
                if waiting is not False:
                    # ws.receive() returned without suspending (frames were buffered, or that
                    # cannot be seen): give the loop its turn, or a burst would hold it.
                    await asyncio.sleep(0)
            elif kind is aiohttp.WSMsgType.PING:
                await ws.pong(message.data)
            elif kind is aiohttp.WSMsgType.ERROR:
                error = message.data
                if isinstance(error, aiohttp.WebSocketError):
                    self._socket_error(error, tap)
                self.last_error = _describe(error) if error else "socket error"
                return
            elif kind in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSING,
                aiohttp.WSMsgType.CLOSED,
            ):
                code = ws.close_code
                self.last_error = "closed by the box" + (f" (code {code})" if code else "")
                return
            # PONG and CONTINUATION carry nothing for us.

    def _socket_error(self, error: aiohttp.WebSocketError, tap: WireTap | None) -> None:
        """A frame aiohttp ended the socket on, said as the bad frame it is (reconnecting).

        What the box sends meanwhile comes back from its history after the reconnection.
        """
        if error.code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG and (tap is None or not tap.failed):
            # (a tap that failed the socket counted it already, in _oversized)
            reason = f"frame larger than {self._max_frame_bytes} bytes; reconnecting"
            self._bad_frame(FrameError("too_large", reason))
        elif error.code == aiohttp.WSCloseCode.INVALID_TEXT:
            self._bad_frame(FrameError("not_utf8", "text frame that is not UTF-8; reconnecting"))

    async def _parse(
        self, data: str | bytes | list[bytes], loop: asyncio.AbstractEventLoop
    ) -> Recognition:
        """Parse a frame; a long one (or the chunks of a diverted one) in a worker thread."""
        images = self._subscription.images
        scale = self.score_scale
        if not isinstance(data, list) and len(data) < OFF_LOOP_FRAME_CHARS:
            return parse_frame(data, images, score_scale=scale)
        return await loop.run_in_executor(None, parse_big_frame, data, images, scale)

    async def _ping(self, ws: aiohttp.ClientWebSocketResponse, grace: float) -> bool:
        """Send a ping; False (half-open) when even that cannot be written within `grace`."""
        try:
            async with asyncio.timeout(grace):
                await ws.ping()
        except TimeoutError:
            self.last_error = f"a ping could not be sent within {grace:g} s (half-open)"
            return False
        return True

    def _oversized(self, size: int, dropped: bool) -> None:
        """The wire tap saw a frame announced over the limit (see WireTap)."""
        self.stats.frames += 1
        outcome = "dropped as it arrived" if dropped else "reconnecting"
        self._bad_frame(
            FrameError(
                "too_large",
                f"frame of {size} bytes, over the limit of {self._max_frame_bytes}; {outcome}",
            )
        )

    def _bad_frame(self, err: FrameError) -> None:
        self.stats.bad_frames[err.kind] += 1
        if err.kind in self._logged_faults:
            _LOGGER.debug("%s: skipped a bad frame: %s", self._url, err.reason)
            return
        self._logged_faults.add(err.kind)
        _LOGGER.warning(
            "%s: skipped a bad frame (%s); further frames with this fault are logged at debug "
            "level",
            self._url,
            err.reason,
        )

    async def _sleep_unless_stopped(self, delay: float) -> None:
        try:
            async with asyncio.timeout(delay):
                await self._stop_event.wait()
        except TimeoutError:
            pass

    def _set_state(self, state: StreamState) -> None:
        if state is self.state:
            return
        self.state = state
        if self._on_state is not None:
            self._on_state(state)


def _describe(err: BaseException) -> str:
    text = str(err)
    name = type(err).__name__
    return f"{name}: {text}" if text else name
