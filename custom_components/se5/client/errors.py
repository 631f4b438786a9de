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


class Se5RefusedError(Se5ApiError):
    """The box refused a change (a person, a device setting): its error envelope, as sent.

    `code` and `message` are the box's own (capped), so that the user can be told what the box
    answered.
    """


class Se5NoFaceError(Se5RefusedError):
    """The box found no face in the photo (V6 `NO_FACE_ERROR`, V5 FIQA without a face)."""


class Se5LowQualityError(Se5RefusedError):
    """The photo's face is not good enough (V6 `LOW_QUALITY_ERROR`, a failed quality check).

    `failed` lists what failed, as the box named it (`clarity`, `face_size`, `headpose`...).
    """

    def __init__(self, code: str | int, message: str, failed: tuple[str, ...] = ()) -> None:
        super().__init__(code, message)
        self.failed = failed


class Se5DuplicateError(Se5RefusedError):
    """The identity id is taken already (V6 `ID_REPEAT_ERROR`, V5 "already exist")."""


class Se5NotRegisteredError(Se5RefusedError):
    """The box does not hold this person (V6 `ID_NOT_FOUND`, a V5 not-found answer)."""
