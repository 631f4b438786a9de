"""The tolerant readers of values the box writes as text."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, strategies as st
import pytest

from custom_components.se5.client import values

GIB = 1024**3
MIB = 1024**2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 hours, 57 minutes", timedelta(hours=3, minutes=57)),
        ("30 minutes", timedelta(minutes=30)),
        ("1 day, 9 hours", timedelta(days=1, hours=9)),
        ("2hours,40minutes", timedelta(hours=2, minutes=40)),
        ("5 days, 3:12", timedelta(days=5, hours=3, minutes=12)),
        ("up 2 min", timedelta(minutes=2)),
        ("up 1 week, 2 days, 4 hours", timedelta(weeks=1, days=2, hours=4)),
        (
            "12 days, 1 hour, 5 minutes, 9 seconds",
            timedelta(days=12, hours=1, minutes=5, seconds=9),
        ),
        ("1 day, 0 min", timedelta(days=1)),
        ("0 min", timedelta(0)),
        (
            " 10:05:01 up 3 days,  2:07,  1 user,  load average: 0.52, 0.58, 0.59",
            timedelta(days=3, hours=2, minutes=7),
        ),
        ("up 45 secs", timedelta(seconds=45)),
        ("17:42", timedelta(hours=17, minutes=42)),
        (3600, timedelta(hours=1)),
        ("90.5", timedelta(seconds=90.5)),
    ],
)
def test_uptime(text: object, expected: timedelta) -> None:
    assert values.uptime(text) == expected


@pytest.mark.parametrize(
    "text", ["", "forever", "load average: 0.1", None, [], {}, -5, True, "12 users"]
)
def test_uptime_unreadable(text: object) -> None:
    assert values.uptime(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.0G", 12 * GIB),
        ("11.51G", round(11.51 * GIB)),
        ("963.63M", round(963.63 * MIB)),
        ("500G", 500 * GIB),
        ("0G", 0),
        ("0.14M", round(0.14 * MIB)),
        ("12G", 12 * GIB),
        ("1.5T", round(1.5 * 1024**4)),
        ("512K", 512 * 1024),
        (" 32.0 GB ", 32 * GIB),
        ("2GiB", 2 * GIB),
        (4096, 4096),
        ("100", 100),
    ],
)
def test_size_bytes(text: object, expected: int) -> None:
    assert values.size_bytes(text) == expected


@pytest.mark.parametrize("text", ["", "G", "twelve G", "-1G", "12.0X", None, True, [1], -3])
def test_size_unreadable(text: object) -> None:
    assert values.size_bytes(text) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.19, 19.0),
        (0.08, 8.0),
        (0.0, 0.0),
        (1, 100.0),
        (1.0, 100.0),
        (45, 45.0),
        (100, 100.0),
        ("0.6", 60.0),
        ("19%", 19.0),
        ("0.5%", 0.5),
        (0.123456, 12.35),
    ],
)
def test_percent(value: object, expected: float) -> None:
    assert values.percent(value) == expected


@pytest.mark.parametrize("value", [-0.1, 100.5, "high", None, True, "120%", float("nan"), {}])
def test_percent_unreadable(value: object) -> None:
    assert values.percent(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("44.0'C", 44.0),
        ("46.0'C", 46.0),
        ("4470r/min", 4470.0),
        ("0r/min", 0.0),
        (39, 39.0),
        (4470.0, 4470.0),
        (" -5.5 C", -5.5),
    ],
)
def test_leading_number(value: object, expected: float) -> None:
    assert values.leading_number(value) == expected


@pytest.mark.parametrize("value", ["'C", "", None, False, ["44"], "inf"])
def test_leading_number_unreadable(value: object) -> None:
    assert values.leading_number(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("e0:a5:09:00:32:31", "e0:a5:09:00:32:31"),
        ("E0:A5:09:00:32:31", "e0:a5:09:00:32:31"),
        ("0xe0a50900426c", "e0:a5:09:00:42:6c"),
        ("0XE0A50900426C", "e0:a5:09:00:42:6c"),
        ("e0-a5-09-00-32-31", "e0:a5:09:00:32:31"),
        ("e0a509003231", "e0:a5:09:00:32:31"),
    ],
)
def test_mac_address(value: str, expected: str) -> None:
    assert values.mac_address(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "e0:a5:09", "zz:a5:09:00:32:31", 12, None],
)
def test_mac_address_invalid(value: object) -> None:
    assert values.mac_address(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("0", False), (1, True), (0, False), (True, True), ("false", False), ("x", None)],
)
def test_flag(value: object, expected: bool | None) -> None:
    assert values.flag(value) is expected


def test_text_and_number() -> None:
    assert values.text("  SE5 ") == "SE5"
    assert values.text("   ") is None
    assert values.text(7) == "7"
    assert values.text(True) is None
    assert values.number("1e3") == 1000.0
    assert values.number("nan") is None
    assert values.number(object()) is None


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(JSON)
def test_readers_never_raise(value: object) -> None:
    for reader in (
        values.number,
        values.leading_number,
        values.size_bytes,
        values.percent,
        values.flag,
        values.text,
        values.uptime,
        values.mac_address,
    ):
        reader(value)
