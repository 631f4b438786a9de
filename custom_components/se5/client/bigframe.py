"""Parse a big frame in a worker thread without holding the GIL for long.

A 16 MB frame is almost all one or two base64 strings. `json.loads` would copy and scan them in
one C call that holds the GIL (and so the event loop's thread) 6-11 ms here; and the big frames'
images are decoded here too. So the long string literals are lifted out of the text first (a
few `str.find` calls, each short), the rest is parsed as JSON (a few KB), and the strings are put
back in place. Every step is one short call, and the GIL is given away between them (a thread
that keeps it would hold the loop's thread up to the 5 ms switch interval each time).
"""

from __future__ import annotations

import os
import time
from typing import Any

from .errors import FrameError
from .models import ImageSelection, Recognition
from .parse import FRAME_MAX_VALUES, decode_frame, parse_event

LIFT_CHARS = 64 * 1024
"""String literals at least this long (without escapes) are lifted out before parsing."""
_COUNT_CHARS = 1024 * 1024
"""Characters counted per step when a frame's values are counted (about 0.5 ms)."""


def parse_big_frame(
    data: str | bytes | list[bytes], images: ImageSelection, score_scale: int | None = None
) -> Recognition:
    """Parse a long frame, or the chunks of a diverted one, and decode its images (a worker).

    Text that is not UTF-8 goes to JSON's own encoding detection (aiohttp would close the
    socket; here only the frame is lost). A frame of more than `FRAME_MAX_VALUES` JSON values
    is refused (FrameError `too_complex`) before anything is parsed or copied.
    """
    _check_values(data)
    if isinstance(data, list):
        joined = b"".join(data)
        data.clear()
        _yield_gil()
        try:
            data = joined.decode()
        except UnicodeDecodeError:
            data = joined
        del joined
        _yield_gil()
    if isinstance(data, str):
        reduced, lifted = lift_long_strings(data)
        del data
        _yield_gil()
        try:
            value = put_back(decode_frame(reduced), lifted)
        except RecursionError:
            raise FrameError("not_json", "frame nested too deeply") from None
    else:
        value = decode_frame(data)
        del data
    recognition = parse_event(value, images, score_scale=score_scale)
    del value
    _yield_gil()
    # Decoded here rather than on the loop at the first read (a camera's).
    _ = (recognition.face_image, recognition.scene_image, recognition.registered_image)
    return recognition


def _check_values(data: str | bytes | list[bytes]) -> None:
    """Count the frame's values a step at a time, the GIL given away between steps."""
    commas = 0
    for piece in data if isinstance(data, list) else [data]:
        comma = b"," if isinstance(piece, bytes) else ","
        for start in range(0, len(piece), _COUNT_CHARS):
            commas += piece.count(comma, start, start + _COUNT_CHARS)  # type: ignore[arg-type]
            if commas > FRAME_MAX_VALUES:
                raise FrameError(
                    "too_complex", f"frame holds more than {FRAME_MAX_VALUES} JSON values"
                )
            _yield_gil()


def _yield_gil() -> None:
    """Give the GIL to a thread waiting for it (the event loop's) now rather than in 5 ms."""
    time.sleep(0)


def lift_long_strings(text: str, min_chars: int = LIFT_CHARS) -> tuple[str, dict[str, str]]:
    """`text` with its long string literals replaced by short tokens, and the strings by token.

    Only literals of `min_chars` or more without a backslash are lifted (an escape would need
    JSON's own decoding). Text that is not valid JSON stays invalid: the tokens are plain
    strings, put where strings were.
    """
    lifted: dict[str, str] = {}
    pieces: list[str] = []
    secret = os.urandom(8).hex()
    kept_from = 0
    pos = text.find('"')
    while pos >= 0:
        end = _closing_quote(text, pos)
        if end < 0:
            break
        if end - pos - 1 >= min_chars and text.find("\\", pos + 1, end) < 0:
            token = f"se5-lifted-{secret}-{len(lifted)}"
            lifted[token] = text[pos + 1 : end]
            _yield_gil()
            pieces += (text[kept_from : pos + 1], token)
            kept_from = end
        pos = text.find('"', end + 1)
    if not lifted:
        return text, lifted
    pieces.append(text[kept_from:])
    return "".join(pieces), lifted


def _closing_quote(text: str, start: int) -> int:
    """The quote that closes the string literal opened at `start`; -1 when there is none."""
    end = text.find('"', start + 1)
    while end >= 0:
        backslashes = 0
        while text[end - 1 - backslashes] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return end
        end = text.find('"', end + 1)
    return -1


def put_back(value: Any, lifted: dict[str, str]) -> Any:
    """`value` with each token string (a value or a key) replaced by the string it stands for."""
    if not lifted:
        return value
    if isinstance(value, str):
        return lifted.get(value, value)
    if isinstance(value, dict):
        return {lifted.get(key, key): put_back(item, lifted) for key, item in value.items()}
    if isinstance(value, list):
        return [put_back(item, lifted) for item in value]
    return value
