"""The simulated SE5 box: REST API, system API, event socket, recognitions, history, faults."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
import logging
from types import TracebackType
from typing import Self

from . import faults
from .box import FROM_SEED, BoxBase
from .configs import ConfigFailureMode
from .faults import Gate, RelayFailureMode, SystemFailureMode
from .listeners import PortListener
from .model import PersonType, SentRecognition, SubscriptionRecord
from .recognitions import BAD_FRAME_KINDS, BadFrameKind
from .rest import FailureMode

__all__ = ["BAD_FRAME_KINDS", "FROM_SEED", "BadFrameKind", "Simulator"]

_LOGGER = logging.getLogger(__name__)


class Simulator(BoxBase):
    """A simulated Sophgo SE5 face-recognition box.

    Use ``await sim.start()`` / ``await sim.stop()`` or ``async with Simulator(...) as sim``.
    Ports 0 (the default; the real box uses 5555, 5679 and 8888) pick free ports; the bound
    ports stay the same across :meth:`go_down` and :meth:`come_back`. See :class:`BoxBase`
    for the constructor's keywords.
    """

    # ----------------------------------------------------------------- life cycle

    async def __aenter__(self) -> Self:
        """Start the simulator."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the simulator."""
        await self.stop()

    async def start(self) -> None:
        """Bind the three listeners and start the random recognitions (if ``rate`` > 0)."""
        if self._started:
            raise RuntimeError("the simulator is already started")
        await self._listen()
        self._started = True
        self._update_rate_task()
        _LOGGER.info(
            "se5sim %s up: %s %s %s", self._dialect, self.rest_url, self.ws_url, self.system_url
        )

    async def stop(self) -> None:
        """Close every connection and listener; stop background tasks."""
        if not self._started:
            return
        self._started = False
        await self._cancel_rate_task()
        self._cancel_system_back()
        await self._unlisten(abrupt=False)
        _LOGGER.info("se5sim stopped")

    async def go_down(self) -> None:
        """Power off: connections die without a close frame; all ports refuse connections.

        Recognitions fired meanwhile are kept in the history and delivered to nobody.
        """
        self._require_started()
        if self._up:
            await self._unlisten(abrupt=True)
            _LOGGER.info("se5sim down")

    async def come_back(self, init_seconds: float = 0.0) -> None:
        """Power on again on the same ports; REST answers DEVICE_INIT_ERROR for a while."""
        self._require_started()
        if self._up:
            raise RuntimeError("the simulator is already up")
        self._state.faults.start_init_window(init_seconds)
        await self._listen()
        _LOGGER.info("se5sim back (initialising for %.1f s)", init_seconds)

    async def reboot(self, downtime: float = 1.0, init_seconds: float = 0.0) -> None:
        """:meth:`go_down`, wait ``downtime`` seconds, :meth:`come_back`."""
        await self.go_down()
        await asyncio.sleep(downtime)
        await self.come_back(init_seconds)

    def _require_started(self) -> None:
        if not self._started:
            raise RuntimeError("the simulator is not started")

    async def _listen(self) -> None:
        started: list[PortListener] = []
        try:
            listeners = [
                (self._rest, True),
                (self._ws, True),
                (self._system_listener, self._system.faults.mode != "down"),
            ]
            if self._dialect == "v6":
                listeners.append((self._feed_listener, True))
            for listener, open_port in listeners:
                await listener.start(open_port=open_port)
                started.append(listener)
        except BaseException:
            for listener in reversed(started):
                await listener.stop()
            raise
        self._up = True

    async def _unlisten(self, *, abrupt: bool) -> None:
        self._up = False
        # Open WebSockets are closed here rather than in a shutdown hook: a runner's cleanup
        # would otherwise wait for their handlers until its shutdown timeout. Requests held
        # by a "timeout" fault are let go for the same reason.
        # The ports close first: a client that reconnects as its socket drops is refused,
        # rather than accepted by a server in the middle of closing (on Python 3.13.0 that
        # fails the server's accept with an AssertionError, seen in tests on a busy machine).
        for listener in (self._ws, self._rest, self._system_listener):
            listener.close_port()
        await self._socket.close_all(abrupt=abrupt)
        await self._feed.close_all(abrupt=abrupt)
        self._system.gate.release()
        self._state.relays.gate.release()
        self._state.configs.gate.release()
        self._state.people.gate.release()
        for listener in (self._ws, self._rest, self._system_listener, self._feed_listener):
            await listener.stop()

    # ----------------------------------------------------------------- rate loop

    def set_rate(self, rate: float) -> None:
        """Change the number of random recognitions per second (0 stops them)."""
        if rate < 0:
            raise ValueError("rate must be >= 0")
        self._rate = rate
        self._rate_changed.set()
        self._update_rate_task()

    def _update_rate_task(self) -> None:
        if self._started and self._rate > 0 and self._rate_task is None:
            self._rate_task = asyncio.create_task(self._rate_loop(), name="se5sim rate loop")

    async def _cancel_rate_task(self) -> None:
        task, self._rate_task = self._rate_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _rate_loop(self) -> None:
        # Poisson arrivals; a rate change (set_rate) wakes the loop to draw a new delay. The
        # box recognises people whether anyone listens or not: with no follower (or while
        # it is down) the recognitions go to the history only.
        # A recognition that cannot be made (nobody left to see) is skipped, not the end.
        try:
            while self._rate > 0:
                self._rate_changed.clear()
                delay = self._rate_rng.expovariate(self._rate)
                try:
                    await asyncio.wait_for(self._rate_changed.wait(), delay)
                except TimeoutError:
                    followed = self._socket.followed()
                    candidates = [d for d in self._state.devices if d in followed]
                    candidates = candidates or list(self._state.devices)
                    if candidates:
                        try:
                            await self.fire(self._rate_rng.choice(candidates))
                        except ValueError as err:
                            _LOGGER.debug("rate loop: no recognition this time (%s)", err)
        finally:
            # However the loop ends, a later set_rate starts a new one.
            if self._rate_task is asyncio.current_task():
                self._rate_task = None

    # ----------------------------------------------------------------- event socket

    async def wait_for_subscription(
        self,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109 - the simulator's API: a plain number of seconds
    ) -> SubscriptionRecord:
        """Wait until ``count`` subscription frames in total were received; the latest one.

        Raises TimeoutError.
        """
        return await self._socket.wait_for_subscription(count, timeout)

    async def drop_connections(self, *, abrupt: bool = False) -> None:
        """Close every event-socket connection, as a restarting box service does.

        By default each gets a close frame (1001 going away); ``abrupt=True`` just closes TCP.
        """
        await self._socket.close_all(abrupt=abrupt)

    def go_silent(self) -> None:
        """Half-open: stop reading from and sending to the connections open now.

        Their TCP stays open and WebSocket pings get no pong. Connections opened later work.
        """
        self._socket.go_silent()

    def resume(self) -> None:
        """Undo :meth:`go_silent`."""
        self._socket.resume()

    # ----------------------------------------------------------------- recognitions

    async def fire(
        self,
        device_id: str | None = None,
        *,
        identity_id: str | None = None,
        person_type: PersonType | None = None,
        score: float | None = None,
        timestamp_ms: int | None = None,
        omit_person_type: bool = False,
        mask: bool = False,
    ) -> SentRecognition:
        """Push one recognition to every connection following its device; keep it in history.

        The history keeps it also while the box is down or nobody listens.

        ``device_id`` None picks a random followed device (any device if none is followed).
        ``identity_id`` picks a registered person or a stranger face by id; ``person_type``
        picks a random face of that type (``"stranger"``: an unregistered face); neither
        picks a random face of any type. ``score`` is sent as given (on the box's scale);
        None draws one. ``omit_person_type`` leaves ``ext_data.person_type`` out (V5
        employees only). ``mask`` says the face wore a mask (V6 frames and both histories
        tell it). With neither ``identity_id`` nor ``person_type``, someone just registered
        from a face a camera saw comes first. A video device whose recognition is switched off
        recognises nobody. Raises ValueError for an impossible request.
        """
        if omit_person_type:
            if self._dialect != "v5":
                raise ValueError("omit_person_type only exists in the V5 dialect")
            if person_type not in (None, "employee"):
                raise ValueError("omit_person_type is only allowed for employees")
            person_type = "employee"
        device = self._maker.pick_device(device_id, self._socket.followed())
        person = self._maker.pick_person(identity_id, person_type)
        event = self._maker.build(
            device,
            person,
            score=score,
            timestamp_ms=timestamp_ms,
            omit_person_type=omit_person_type,
            mask=mask,
        )
        delivered = await self._socket.deliver(event) if self._up else 0
        sent = replace(event.sent, delivered=delivered)
        registered = self._state.people.get(person.identity_id) is not None
        self._state.history.record(
            sent,
            device,
            face_attr=event.face_attr,
            registered_image_id=person.image_id if registered and person.image_id else "",
        )
        _LOGGER.debug(
            "fire: %s on %s (%s) -> %d connections",
            person.name,
            device.name,
            person.person_type,
            delivered,
        )
        return sent

    # ----------------------------------------------------------------- faults

    async def send_bad_frame(self, kind: BadFrameKind, size: int | None = None) -> int:
        """Send a malformed frame to every subscribed connection; how many got it.

        Kinds: ``garbage`` (non-JSON text), ``binary`` (a binary frame), ``truncated`` (a
        recognition's JSON cut in the middle), ``oversized`` (a recognition padded with a
        ``padding`` field to ``size`` bytes, default 20 MiB), ``not_object`` (a JSON array),
        ``wrong_types`` (device id a fractional number, score a string), ``empty`` (``{}``).
        """
        return await self._socket.broadcast(self._maker.bad_payload(kind, size))

    def fail_rest(
        self, mode: FailureMode, *, count: int | None = None, seconds: float | None = None
    ) -> None:
        """Make REST fail: ``"init"`` (HTTP 500 DEVICE_INIT_ERROR) or ``"http500"`` (plain).

        For the next ``count`` requests, or ``seconds``, whichever ends first; neither: until
        :meth:`clear_rest_failure`.
        """
        self._state.faults.set(mode, count=count, seconds=seconds)

    def clear_rest_failure(self) -> None:
        """Stop an injected REST failure and any start-up window."""
        self._state.faults.clear()
        self._state.faults.init_until = None

    def fail_system(
        self, mode: SystemFailureMode, *, count: int | None = None, seconds: float | None = None
    ) -> None:
        """Make the system API (only) fail; the event socket and REST stay fine.

        ``"http500"`` answers HTTP 500, ``"timeout"`` accepts and never answers, ``"down"``
        refuses connections (at once; kept-alive connections are cut on their next request).
        For the next ``count`` requests (not with ``"down"``), or ``seconds``; neither: until
        :meth:`clear_system_failure`.
        """
        self._system.faults.set(mode, count=count, seconds=seconds)
        self._cancel_system_back()
        if mode == "down":
            self._system_listener.close_port()
            if seconds is not None:
                self._system_back = faults.call_later(seconds, self.clear_system_failure)
        elif self._up:
            self._system_listener.open_port()

    def clear_system_failure(self) -> None:
        """Stop an injected system-API failure; held requests are let go, the port reopens."""
        self._cancel_system_back()
        self._system.faults.clear()
        self._system.gate.release()
        if self._up:
            self._system_listener.open_port()

    def _cancel_system_back(self) -> None:
        if self._system_back is not None:
            self._system_back.cancel()
            self._system_back = None

    def hold_write_answers(self) -> None:
        """Carry out changes of the register, and never answer them (a lost answer)."""
        self._state.people.hold_answers = True

    def release_write_answers(self) -> None:
        """Answer changes of the register again; held ones are let go."""
        self._state.people.hold_answers = False
        self._state.people.gate.release()

    def fail_relay(self, mode: RelayFailureMode) -> None:
        """Make ``EventAction`` fail until cleared; the bodies are still recorded.

        ``"error"``: an error envelope; ``"http500"``; ``"timeout"``: never answers.
        """
        self._state.relays.set_failure(mode)

    def clear_relay_failure(self) -> None:
        """``EventAction`` answers again; held requests are let go."""
        self._state.relays.set_failure(None)

    def fail_config_writes(self, mode: ConfigFailureMode | None) -> None:
        """Make configuration writes fail until cleared (None); the writes are still recorded.

        ``"refuse"``: V5 lists the entries in ``failed_configs``, V6 answers
        ``INVALID_ARGUMENTS``; ``"error"``: HTTP 500 with an error envelope; ``"timeout"``: no
        answer until cleared (then the write is carried out).
        """
        self._state.configs.set_failure(mode)

    @property
    def held_requests(self) -> int:
        """Requests held now by a ``"timeout"`` fault (system API, relay, config, register)."""
        gates: tuple[Gate, ...] = (
            self._system.gate,
            self._state.relays.gate,
            self._state.configs.gate,
            self._state.people.gate,
        )
        return sum(gate.held for gate in gates)
