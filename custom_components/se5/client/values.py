"""Tolerant readers of the values the box writes as text: sizes, temperatures, rates, uptime, MACs.

Every function is pure and total: a value of the wrong type or shape gives None, never an
exception.
"""

from __future__ import annotations

from datetime import timedelta
import math
import re
from typing import Final

_NUMBER = r"([-+]?\d+(?:\.\d+)?)"
_SIZE_RE: Final = re.compile(_NUMBER + r"\s*([KMGTP]?)(?:i?B)?", re.IGNORECASE)
_UNIT_FACTORS: Final = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4, "P": 1024**5}
_LEADING_NUMBER_RE: Final = re.compile(r"\s*" + _NUMBER)
_UPTIME_UNIT_RE: Final = re.compile(
    r"(\d+(?:\.\d+)?)\s*"
    r"(weeks?|w|days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)(?![a-z])",
    re.IGNORECASE,
)
_CLOCK_RE: Final = re.compile(r"(?<![\d.:])(\d{1,3}):(\d{2})(?::(\d{2}))?(?![\d:])")
_UPTIME_SECONDS: Final = {"w": 604_800, "d": 86_400, "h": 3600, "m": 60, "s": 1}
_MAX_SECONDS: Final = 100 * 365 * 86_400  # no box runs for a century
_MAC_HEX_RE: Final = re.compile(r"[0-9a-f]{12}")


def number(value: object) -> float | None:
    """A finite number from a number or numeric text; None otherwise (booleans too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def leading_number(value: object) -> float | None:
    """The number a value starts with: ``"44.0'C"`` 44.0, ``"4470r/min"`` 4470.0, 46 46.0."""
    direct = number(value)
    if direct is not None or not isinstance(value, str):
        return direct
    match = _LEADING_NUMBER_RE.match(value)
    return float(match.group(1)) if match else None


def size_bytes(value: object) -> int | None:
    """Bytes from a size such as ``"12.0G"``, ``"963.63M"``, ``"500G"`` (units of 1024).

    A bare number counts as bytes. Negative sizes are None.
    """
    if isinstance(value, str):
        match = _SIZE_RE.fullmatch(value.strip())
        if match is None:
            return None
        amount = float(match.group(1)) * _UNIT_FACTORS[match.group(2).upper()]
    else:
        plain = number(value)
        if plain is None:
            return None
        amount = plain
    return round(amount) if amount >= 0 else None


def percent(value: object) -> float | None:
    """A usage as a percentage (0..100), None when it cannot be one.

    Rates 0..1 are scaled (1.0 is 100 %), 1..100 are kept, ``"19%"`` is read as 19.
    """
    if isinstance(value, str) and value.strip().endswith("%"):
        value = value.strip()[:-1]
        scale = False
    else:
        scale = True
    result = number(value)
    if result is None or result < 0:
        return None
    if scale and result <= 1:
        result *= 100
    return round(result, 2) if result <= 100 else None


def flag(value: object) -> bool | None:
    """A yes/no the box writes as ``"1"``/``"0"``, 1/0, true/false, ``"true"``/``"false"``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"1", "true", "yes", "on", "mounted"}:
            return True
        if text in {"0", "false", "no", "off", "unmounted", ""}:
            return False
    return None


def text(value: object) -> str | None:
    """Stripped non-empty text (numbers as their text); None otherwise."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def uptime(value: object) -> timedelta | None:
    """How long the box has run, from the free text of Linux ``uptime``.

    Lenient: ``"3 hours, 57 minutes"``, ``"30 minutes"``, ``"1 day, 9 hours"``,
    ``"2hours,40minutes"``, ``"5 days, 3:12"``, ``"up 2 min"``, a full ``uptime`` line (its
    clock and load average are ignored), or a number of seconds. None when nothing is found.
    """
    seconds = number(value)
    if seconds is not None:
        return _delta(seconds)
    if not isinstance(value, str):
        return None
    line = value.lower()
    up = re.search(r"\bup\b", line)
    if up is not None:  # "10:05:01 up 2 min, 1 user, load average: ..." starts with a clock
        line = line[up.end() :]
    line = line.split("load average")[0]
    total = 0.0
    found = False
    for match in _UPTIME_UNIT_RE.finditer(line):
        total += float(match.group(1)) * _UPTIME_SECONDS[match.group(2)[0].lower()]
        found = True
    for match in _CLOCK_RE.finditer(line):
        total += int(match.group(1)) * 3600 + int(match.group(2)) * 60
        total += int(match.group(3) or 0)
        found = True
    return _delta(total) if found else None


def _delta(seconds: float) -> timedelta | None:
    """A non-negative duration a timedelta can hold; None otherwise."""
    if not 0 <= seconds < _MAX_SECONDS:
        return None
    return timedelta(seconds=seconds)


def mac_address(value: object) -> str | None:
    """A MAC as ``aa:bb:cc:dd:ee:ff``, None for anything else (and for all zeros or ones).

    Read from ``"E0:A5:09:00:32:31"``, ``"e0-a5-09-00-32-31"``, ``"0xe0a50900426c"`` (the
    configuration's ``BOX_MAC``) or 12 hex digits.
    """
    if not isinstance(value, str):
        return None
    digits = value.strip().lower()
    digits = digits.removeprefix("0x")
    digits = re.sub(r"[:\-.]", "", digits)
    if not _MAC_HEX_RE.fullmatch(digits) or digits in {"000000000000", "ffffffffffff"}:
        return None
    return ":".join(digits[index : index + 2] for index in range(0, 12, 2))
