"""Real JPEG images for the simulated box, generated with Pillow.

Every image is deterministic for its seed and key, generated once and cached for the life of the
process, so many simulators in one test run stay fast. Noise is blended into simple shapes so
that the JPEGs have realistic sizes: face crops of 20-40 KB and 1920x1080 scene photos of
200-500 KB.
"""

from __future__ import annotations

import base64
from functools import cache
import io
import random
from typing import Final

from PIL import Image, ImageDraw

FACE_SIZE: Final = (256, 320)
SCENE_SIZE: Final = (1920, 1080)
FACE_BYTES: Final = (20_000, 40_000)
SCENE_BYTES: Final = (200_000, 500_000)
SCENE_COUNT: Final = 3


def _color(rng: random.Random, low: int = 0, high: int = 256) -> tuple[int, int, int]:
    return (rng.randrange(low, high), rng.randrange(low, high), rng.randrange(low, high))


def _encode_within(image: Image.Image, low: int, high: int, quality: int) -> bytes:
    """Encode ``image`` as JPEG, stepping the quality until the size is within bounds."""
    data = b""
    for _ in range(16):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        data = buffer.getvalue()
        if len(data) < low and quality < 95:
            quality += 5
        elif len(data) > high and quality > 10:
            quality -= 5
        else:
            break
    return data


def _noise(rng: random.Random, size: tuple[int, int], scale: int) -> Image.Image:
    """Colour noise drawn from ``rng``, generated at ``1/scale`` and enlarged."""
    width, height = size[0] // scale, size[1] // scale
    small = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    if scale == 1:
        return small
    return small.resize(size, Image.Resampling.BILINEAR)


@cache
def face_jpeg(seed: int, key: str) -> bytes:
    """A face-like JPEG (oval, eyes, mouth, hair over noise), 20-40 KB."""
    rng = random.Random(f"se5sim:face:{seed}:{key}")
    width, height = FACE_SIZE
    image = Image.new("RGB", FACE_SIZE, _color(rng))
    draw = ImageDraw.Draw(image)
    hair = _color(rng, 0, 120)
    draw.ellipse((width * 0.16, height * 0.08, width * 0.84, height * 0.6), fill=hair)
    skin = (rng.randrange(150, 250), rng.randrange(110, 200), rng.randrange(80, 170))
    draw.ellipse((width * 0.2, height * 0.16, width * 0.8, height * 0.86), fill=skin)
    eye = _color(rng, 0, 90)
    draw.ellipse((width * 0.32, height * 0.38, width * 0.43, height * 0.45), fill=eye)
    draw.ellipse((width * 0.57, height * 0.38, width * 0.68, height * 0.45), fill=eye)
    draw.line((width * 0.5, height * 0.46, width * 0.47, height * 0.58), fill=(90, 60, 50), width=3)
    draw.arc(
        (width * 0.38, height * 0.56, width * 0.62, height * 0.72),
        20,
        160,
        fill=(130, 30, 40),
        width=5,
    )
    image = Image.blend(image, _noise(rng, FACE_SIZE, 1), 0.22)
    return _encode_within(image, *FACE_BYTES, quality=80)


@cache
def scene_jpeg(seed: int, index: int) -> bytes:
    """A 1920x1080 scene photo (shapes over noise), 200-500 KB."""
    rng = random.Random(f"se5sim:scene:{seed}:{index}")
    width, height = SCENE_SIZE
    image = Image.new("RGB", SCENE_SIZE, _color(rng))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        left, top = rng.randrange(width), rng.randrange(height)
        box = (left, top, left + rng.randrange(50, 600), top + rng.randrange(50, 400))
        if rng.random() < 0.5:
            draw.rectangle(box, fill=_color(rng))
        else:
            draw.ellipse(box, fill=_color(rng))
    image = Image.blend(image, _noise(rng, SCENE_SIZE, 4), 0.25)
    return _encode_within(image, *SCENE_BYTES, quality=78)


@cache
def b64(data: bytes) -> str:
    """Base64 text of ``data``, cached (scene photos are large and sent often)."""
    return base64.b64encode(data).decode("ascii")


@cache
def blank_jpeg() -> bytes:
    """The blank image a V6 box answers for a registered photo it cannot find (white, 256x320)."""
    buffer = io.BytesIO()
    Image.new("RGB", FACE_SIZE, (255, 255, 255)).save(buffer, "JPEG", quality=75)
    return buffer.getvalue()
