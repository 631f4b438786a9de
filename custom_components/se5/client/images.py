"""Images as the box sends them (base64 JPEG), decoded only when something reads them.

Decoding is most of the cost of a recognition with images (about 1.4 ms per MB of base64 here),
and most images are never looked at: a camera entity shows only the last one of its device. So
a Recognition keeps what the box sent and decodes an image the first time it is read, keeping
the result. Reading happens wherever the reader runs: a frame parsed in a worker thread (a big
one) has its images decoded there; the others decode on the first read, usually a camera's.
"""

from __future__ import annotations

import binascii
from collections.abc import Iterator
import time
from typing import overload

_DATA_URL_MARK = ";base64,"
# base64 longer than this is decoded in slices, giving the GIL away between them, so that a
# worker thread decoding a huge image holds the event loop's thread ~1 ms at most (a multiple
# of 4).
_DECODE_SLICE = 1 << 20


class Base64Image:
    """An image as the box sent it: base64, maybe behind a `data:` URL prefix."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        """Keep `text` as sent."""
        self.text = text

    def __repr__(self) -> str:
        """The size only: never the image."""
        return f"Base64Image({len(self.text)} characters)"


def held_size(value: bytes | Base64Image | None) -> int:
    """The memory an image holds as it is: its bytes, or its base64 text's characters."""
    if value is None:
        return 0
    return len(value) if isinstance(value, bytes) else len(value.text)


def as_jpeg(value: bytes | Base64Image | None) -> bytes | None:
    """The JPEG of an image held either way (decoded now when it is still text; not kept)."""
    if isinstance(value, Base64Image):
        return decode_image(value.text)
    return value


def encoded_image(value: object) -> Base64Image | None:
    """What a frame's image field becomes: a Base64Image, or None when there is no text."""
    return Base64Image(value) if isinstance(value, str) and value else None


class LazyImage:
    """A dataclass field holding a JPEG, decoded on first read.

    Set: bytes, None or a Base64Image. Read: bytes or None (an image that does not decode is
    None), the decoded bytes replacing the text the first time.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        """Remember where instances keep the value."""
        self._key = f"_{name}"

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> None: ...

    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> bytes | None: ...

    def __get__(self, obj: object | None, objtype: type | None = None) -> bytes | None:
        """The JPEG; decoded now when it is still the box's text. None as the class default."""
        if obj is None:
            return None
        value = obj.__dict__.get(self._key)
        if isinstance(value, Base64Image):
            value = decode_image(value.text)
            obj.__dict__[self._key] = value
        return value

    def __set__(self, obj: object, value: bytes | Base64Image | LazyImage | None) -> None:
        """Store what the frame had (the descriptor itself is the "no value" default)."""
        obj.__dict__[self._key] = None if isinstance(value, LazyImage) else value


def decode_image(value: object) -> bytes | None:
    """Decode a base64 JPEG, with or without a `data:` URL prefix; None when absent or bad."""
    if not isinstance(value, str) or not value:
        return None
    if value.startswith("data:"):
        mark = value.find(_DATA_URL_MARK)
        if mark < 0:
            return None
        value = value[mark + len(_DATA_URL_MARK) :]
    # Some encoders drop the padding; a2b_base64 wants it.
    value = value.strip()
    if missing := -len(value) % 4:
        value += "=" * missing
    try:
        decoded = _a2b(value)
    except (binascii.Error, ValueError):
        return None
    return decoded or None


def _a2b(value: str) -> bytes:
    """a2b_base64, in slices when long (same result: slices start on 4-character groups)."""
    if len(value) <= _DECODE_SLICE or not value.isascii():
        return binascii.a2b_base64(value)
    if value.find("=", 0, len(value) - 2) >= 0:
        # Padding inside: a2b_base64 stops there, which slices would not.
        return binascii.a2b_base64(value)
    try:
        return b"".join(_slices(value))
    except binascii.Error:
        # Whitespace inside put a slice off its 4-character groups; decode it whole.
        return binascii.a2b_base64(value)


def _slices(value: str) -> Iterator[bytes]:
    for start in range(0, len(value), _DECODE_SLICE):
        yield binascii.a2b_base64(value[start : start + _DECODE_SLICE])
        # Let a thread waiting for the GIL (the event loop's) have it now, not in 5 ms.
        time.sleep(0)
