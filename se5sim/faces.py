"""How the simulated box judges a photo it is asked to register or check.

The box runs a face detector and a quality check (FIQA). The simulator stands in for them with
rules on the decoded picture, chosen so that tests can make each answer on purpose:
- bytes that do not decode as an image: ``IMAGE_DECODE_ERROR``;
- a picture of one colour (no edges at all, such as the blank photo): ``NO_FACE_ERROR``;
- a picture smaller than the level's face size (F6/5.4-compare-manager/4-face-fiqa.md: high
  112 px, middle 80, low 60; ``no`` checks nothing): ``LOW_QUALITY_ERROR`` with ``face_size``;
- anything else is a face good enough (every face the simulator draws is 256x320).
The photo's whole picture stands for the face (``bbox``).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from hashlib import sha256
import io
from typing import Final

from PIL import Image, ImageStat, UnidentifiedImageError

#: Smallest face side by FIQA level (the page's `high`/`middle`/`low`; `normal` reads as middle).
FACE_SIZES: Final[dict[str, int]] = {"high": 112, "middle": 80, "normal": 80, "low": 60, "no": 0}
#: A picture whose channels vary less than this has no face (a blank page, a wall).
FLAT_STDDEV: Final = 2.0
#: The largest image the box decodes (``IMAGE_SIZE_TOO_LARGE_ERROR`` above).
MAX_IMAGE_BYTES: Final = 10 * 1024 * 1024
QUALITY_ITEMS: Final = ("headpose", "brightness", "occlusion", "partial", "face_size", "clarity")


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the box makes of a photo."""

    error: str | None
    """None when the face can be registered, else the V6 error code."""
    message: str = ""
    width: int = 0
    height: int = 0
    failed: tuple[str, ...] = ()

    @property
    def passed(self) -> tuple[str, ...]:
        """The quality items that passed."""
        return tuple(item for item in QUALITY_ITEMS if item not in self.failed)


def decode_base64(text: object) -> bytes | None:
    """The bytes of a base64 image, with or without a ``data:`` prefix; None when not base64."""
    if not isinstance(text, str) or not text:
        return None
    if text.startswith("data:"):
        _, _, text = text.partition(";base64,")
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


def judge(photo: bytes | None, level: str = "high") -> Verdict:
    """The box's verdict on a photo at a FIQA level (an unknown level reads as ``high``)."""
    if photo is None:
        return Verdict("IMAGE_DECODE_ERROR", "the image is not base64")
    if len(photo) > MAX_IMAGE_BYTES:
        return Verdict("IMAGE_SIZE_TOO_LARGE_ERROR", f"larger than {MAX_IMAGE_BYTES} bytes")
    try:
        with Image.open(io.BytesIO(photo)) as image:
            image.load()
            picture = image.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return Verdict("IMAGE_DECODE_ERROR", "the image cannot be decoded")
    width, height = picture.size
    if max(ImageStat.Stat(picture).stddev) < FLAT_STDDEV:
        return Verdict("NO_FACE_ERROR", "no face found", width, height)
    minimum = FACE_SIZES.get(level, FACE_SIZES["high"])
    if min(width, height) < minimum:
        return Verdict("LOW_QUALITY_ERROR", "face_size", width, height, ("face_size",))
    return Verdict(None, "", width, height)


def fingerprint(photo: bytes) -> str:
    """What ties a registered photo to the face it was cut from: its bytes' hash."""
    return sha256(photo).hexdigest()
