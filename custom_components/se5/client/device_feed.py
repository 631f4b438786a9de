"""The V6 box's feed of device-list changes (`ws://HOST:54547`), read only.

The box broadcasts the preview settings and each change of its device list on this socket,
as binary frames of UTF-8 JSON (F6/5.7-device-manger/8-preview-manager.md):
`{"modify_media_device": {"action": "add|delete|modify", "media_device_info": {...}}, ...}`.
The client never sends anything on it. Each change is handed to `on_change` (which re-reads the
device list); a frame that is not such a change is skipped, a frame that is not UTF-8 JSON is
logged once and skipped, and the socket is kept open through drops and reboots with the same
backoff as the event socket. A redirected handshake is refused (`handshake`), as everywhere.
Frames are bounded (`MAX_FRAME_BYTES`): a larger one closes the socket (aiohttp's limit) and the
feed reconnects.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
import logging
from typing import Final

import aiohttp
from yarl import URL

from .errors import FrameError
from .handshake import ws_connect
from .parse import decode_frame, normalize_device_id
from .stream import Backoff
from .wire import install_tap

_LOGGER = logging.getLogger(__name__)

DEFAULT_FEED_PORT: Final = 54547
MAX_FRAME_BYTES: Final = 1024 * 1024
"""A change carries one device's record: a few hundred bytes. Larger frames end the socket."""
ACTIONS: Final = frozenset({"add", "delete", "modify"})
_CONNECT_TIMEOUT: Final = 10.0
_TIMEOUT: Final = aiohttp.ClientWSTimeout(ws_receive=None, ws_close=5.0)


@dataclass(frozen=True, slots=True)
class DeviceChange:
    """A device added, deleted or modified on the box."""

    action: str
    device_id: str | None
    """The changed device's id when the frame names one."""


def parse_change(data: str | bytes) -> DeviceChange | None:
    """The change a frame announces; None for a frame about something else (the preview).

    Raises FrameError for a frame that is not UTF-8 JSON.
    """
    value = decode_frame(data)
    if not isinstance(value, dict):
        raise FrameError("not_object", "frame is not a JSON object")
    change = value.get("modify_media_device")
    if not isinstance(change, dict):
        return None
    action = change.get("action")
    if not isinstance(action, str) or action.strip().lower() not in ACTIONS:
        return None
    info = change.get("media_device_info")
    device_id = normalize_device_id(info.get("media_device_id")) if isinstance(info, dict) else None
    return DeviceChange(action.strip().lower(), device_id)


class DeviceFeed:
    """Listens to one box's device changes until stopped. The aiohttp session is the caller's."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        port: int = DEFAULT_FEED_PORT,
        *,
        on_change: Callable[[DeviceChange], None],
        backoff: Backoff | None = None,
        heartbeat: float = 30.0,
    ) -> None:
        """Prepare the feed; nothing connects until `run()`."""
        self._session = session
        self._url = URL.build(scheme="ws", host=host, port=port, path="/")
        self._on_change = on_change
        self._backoff = backoff or Backoff()
        self._heartbeat = heartbeat
        self._logged: set[str] = set()
        self.connected = False
        self.changes = 0
        """Changes received since start."""

    @property
    def url(self) -> URL:
        """The feed's URL."""
        return self._url

    async def run(self) -> None:
        """Listen, reconnecting after each drop, until cancelled."""
        attempt = 0
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            try:
                await self._listen()
            except (aiohttp.ClientError, TimeoutError, OSError) as err:
                self._log_once("connect", "device feed %s unavailable: %s", err)
            except Exception:
                _LOGGER.exception("Device feed %s failed; reconnecting", self._url)
            finally:
                self.connected = False
            attempt = 0 if loop.time() - started >= self._backoff.stable_after else attempt
            await asyncio.sleep(self._backoff.delay(attempt))
            attempt += 1

    async def _listen(self) -> None:
        async with asyncio.timeout(_CONNECT_TIMEOUT):
            ws = await ws_connect(
                self._session,
                self._url,
                heartbeat=self._heartbeat,
                max_msg_size=MAX_FRAME_BYTES,
                timeout=_TIMEOUT,
            )
        # Before anything awaits: a frame announced over the limit is dropped as it arrives,
        # never buffered (aiohttp 3.11 buffers a frame whole before checking its size).
        install_tap(
            ws,
            max_message_bytes=MAX_FRAME_BYTES,
            on_oversized=self._oversized,
            clock=asyncio.get_running_loop().time,
        )
        try:
            self.connected = True
            self._logged.discard("connect")
            _LOGGER.debug("Device feed %s connected", self._url)
            async for message in ws:
                if message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT):
                    self._frame(message.data)
        finally:
            await ws.close()

    def _oversized(self, size: int, dropped: bool) -> None:
        self._log_once("too_large", "device feed %s sent a frame too large (%s bytes)", size)

    def _frame(self, data: str | bytes) -> None:
        try:
            change = parse_change(data)
        except FrameError as err:
            self._log_once(err.kind, "device feed %s sent a frame that is not a change: %s", err)
            return
        if change is not None:
            self.changes += 1
            self._on_change(change)

    def _log_once(self, kind: str, message: str, err: object) -> None:
        if kind in self._logged:
            _LOGGER.debug(message, self._url, err)
            return
        self._logged.add(kind)
        _LOGGER.info(message, self._url, err)
