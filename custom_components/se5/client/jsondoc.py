"""JSON documents from the box (frames, answers), decoded with their number of values bounded.

`loads` is the one way every frame and answer becomes Python; `decode_frame` refuses a frame
of more than `FRAME_MAX_VALUES` values before parsing it (an answer: `ANSWER_MAX_VALUES`, in
`fetch.decode`).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from typing import Any

from .errors import FrameError

# orjson when installed (Home Assistant ships it); the standard library otherwise.
_orjson: Any = importlib.import_module("orjson") if importlib.util.find_spec("orjson") else None
_ORJSON_MAX = 1 << 20  # orjson is slower than json on huge strings (a 16 MB frame: 15 vs 6 ms)

FRAME_MAX_VALUES = 10_000
"""JSON values a frame may hold, counted by the commas between them (a recognition has a few
dozen): `[{},{},…]` over 31 MiB would take seconds and ~700 MiB to parse. Nesting without
commas ends at the parsers' depth limit (about a thousand levels)."""
ANSWER_MAX_VALUES = 100_000
"""The same for an answer on the REST and system ports (a page of 100 history events holds
about 5,000)."""


def too_many_values(text: str | bytes, limit: int) -> bool:
    """True when `text` holds more than `limit` JSON values (commas between them).

    One C-level count (about 1 ms per 2 MB), skipped for text too short to hold that many.
    """
    if len(text) <= limit:
        return False
    return (text.count(b",") if isinstance(text, bytes) else text.count(",")) > limit


def check_values(text: str | bytes, limit: int = FRAME_MAX_VALUES) -> None:
    """FrameError `too_complex` when `text` holds more than `limit` JSON values."""
    if too_many_values(text, limit):
        raise FrameError("too_complex", f"frame holds more than {limit} JSON values")


def decode_frame(text: str | bytes) -> Any:
    """The JSON value of a frame; FrameError `not_json` when it is not JSON.

    FrameError `too_complex` when it holds more than `FRAME_MAX_VALUES` values.
    """
    check_values(text)
    try:
        return loads(text)
    except (ValueError, RecursionError) as err:
        # UnicodeDecodeError and JSONDecodeError are both ValueErrors.
        raise FrameError("not_json", f"frame is not JSON ({type(err).__name__})") from None


def loads(text: str | bytes) -> Any:
    """JSON to Python, one way for every frame and answer (ValueError when it is not JSON).

    orjson when installed (Home Assistant ships it; about 5x faster on small documents) and the
    document is under 1 MiB; the standard library otherwise, or when orjson refuses (NaN,
    Infinity, lone surrogates, a byte order mark). Either way integers beyond 64 bits become
    floats, as orjson reads them, so that a document reads the same whatever its size.
    """
    if _orjson is not None and len(text) < _ORJSON_MAX:
        try:
            return _orjson.loads(text)
        except _orjson.JSONDecodeError:
            pass
    return json.loads(text, parse_int=_json_int)


def _json_int(text: str) -> int | float:
    number = int(text)
    return number if -(2**63) <= number < 2**64 else float(text)
