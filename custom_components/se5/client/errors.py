"""The exceptions of the SE5 client: one small tree, rooted at Se5Error."""

from __future__ import annotations


class Se5Error(Exception):
    """Base of every error raised by the SE5 client."""


class Se5ConnectionError(Se5Error):
    """The box could not be reached: refused, unreachable, timed out, reset."""


class Se5ServerError(Se5ConnectionError):
    """The box answered with an HTTP server error (5xx) and no usable error envelope."""

    def __init__(self, status: int, message: str = "") -> None:
        super().__init__(f"HTTP {status}" + (f": {message}" if message else ""))
        self.status = status


class Se5BoxStartingError(Se5ConnectionError):
    """The box answered `DEVICE_INIT_ERROR`: it is still starting, try again shortly."""


class Se5NotABoxError(Se5Error):
    """Something answered, but not as an SE5 box does (wrong paths, wrong envelope)."""


class Se5ApiError(Se5Error):
    """The box answered with an error envelope other than `DEVICE_INIT_ERROR`."""

    def __init__(self, code: str | int, message: str, status: str | None = None) -> None:
        super().__init__(f"{code}: {message}" if message else str(code))
        self.code = code
        self.message = message
        self.status = status


class FrameError(Se5Error):
    """One event frame could not be turned into a recognition.

    `kind` names the fault class (used to log each kind of fault once), `reason` says what was
    wrong in words that never include personal data or image payloads.
    """

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(f"{kind}: {reason}")
        self.kind = kind
        self.reason = reason
