"""What Home Assistant tells the user when a change to the box fails.

Every write is sent once: a failure is never retried behind the user's back. The box's own
answer (its code and message) is quoted; a write that went out without an answer is said to
have maybe been carried out.
"""

from __future__ import annotations

from homeassistant.exceptions import HomeAssistantError

from .client import (
    Se5ConnectionError,
    Se5DuplicateError,
    Se5Error,
    Se5LowQualityError,
    Se5NoFaceError,
    Se5NotRegisteredError,
    Se5RefusedError,
    Se5ServerError,
    Se5UnconfirmedError,
)
from .const import DOMAIN


def write_error(err: Se5Error, box: str) -> HomeAssistantError:
    """The translated error of a failed change (`box` names the box)."""
    if isinstance(err, Se5NoFaceError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="photo_no_face",
            translation_placeholders={"box": box, "error": str(err)},
        )
    if isinstance(err, Se5LowQualityError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="photo_low_quality",
            translation_placeholders={"box": box, "failed": ", ".join(err.failed) or "-"},
        )
    if isinstance(err, Se5DuplicateError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="person_duplicate",
            translation_placeholders={"box": box, "error": str(err)},
        )
    if isinstance(err, Se5NotRegisteredError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="person_not_registered",
            translation_placeholders={"box": box, "error": str(err)},
        )
    if isinstance(err, Se5RefusedError | Se5ServerError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="box_refused",
            translation_placeholders={"box": box, "error": str(err)},
        )
    if isinstance(err, Se5UnconfirmedError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="write_unconfirmed",
            translation_placeholders={"box": box, "error": str(err)},
        )
    if isinstance(err, Se5ConnectionError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="write_cannot_connect",
            translation_placeholders={"box": box, "error": str(err)},
        )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="write_unexpected",
        translation_placeholders={"box": box, "error": str(err)},
    )
