"""The validation helpers can fail: the ICU parser rejects what the frontend cannot show."""

from __future__ import annotations

import pytest

from tests.validation import matches
from tests.validation.icu import Argument, IcuError, arguments


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Plain text, the box's port", []),
        ("At {host} on {port}", [Argument("host", None), Argument("port", None)]),
        ("{n, plural, one {# camera} other {# cameras}}", [Argument("n", "plural")]),
        ("{n, plural, offset:1 =0 {none} other {# {what}}}", [Argument("n", "plural"),
                                                            Argument("what", None)]),
        ("{kind, select, vip {VIP} other {{kind}}}", [Argument("kind", "select"),
                                                     Argument("kind", None)]),
        ("'{literal}' and it''s {n, number}", [Argument("n", "number")]),
    ],
)  # fmt: skip
def test_icu_arguments(message: str, expected: list[Argument]) -> None:
    assert arguments(message) == expected


@pytest.mark.parametrize(
    "message",
    [
        "{host",  # unterminated
        "host}",  # stray brace
        "{n, plural, one {x}}",  # no other
        "{n, plural, single {x} other {y}}",  # not a plural category
        "{n, plural, one {x} one {y} other {z}}",  # duplicate option
        "{n, choice, other {x}}",  # unknown type
        "<b>bold</b>",  # a tag: the frontend parses it as markup
        "'{unterminated",  # quote never closed
    ],
)
def test_icu_rejects(message: str) -> None:
    with pytest.raises(IcuError):
        arguments(message)


def test_matches() -> None:
    assert matches("config.step.user", "config.step.user.data.host")
    assert matches("entity.event.recognition.state.*", "entity.event.recognition.state.vip")
    assert not matches("config.step.user", "config.step.devices.data.devices")
    assert not matches("config.step.user.data.host", "config.step.user")
