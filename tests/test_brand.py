"""The brand images in custom_components/se5/brand, as Home Assistant's brands want them.

Home Assistant 2026.3+ serves a custom integration's own brand/ folder (icon.png, logo.png,
@2x and dark_ variants); HACS checks brand/icon.png. Sizes and rules follow the brands
repository's README and validation script. The PNGs are rendered from brand-src/*.svg by
scripts/render_brand.
"""

from __future__ import annotations

import struct

from PIL import Image

from tests.validation import INTEGRATION, ROOT

BRAND_IMAGES = {  # Home Assistant's brands: allowed file names -> (min, max) of the shortest side
    f"{dark}{kind}{hdpi}.png": (size * scale, (size if kind == "icon" else 256) * scale)
    for dark in ("", "dark_")
    for kind, size in (("icon", 256), ("logo", 128))
    for hdpi, scale in (("", 1), ("@2x", 2))
}
PNG_CHUNKS = {"IHDR", "PLTE", "tRNS", "IDAT", "IEND", "sRGB"}


def _chunks(data: bytes) -> set[str]:
    names, offset = set(), 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        names.add(data[offset + 4 : offset + 8].decode("ascii"))
        offset += 12 + length
    return names


def test_brand_images() -> None:
    """brand/: the sizes Home Assistant's brands allow, trimmed, optimised, from an SVG source."""
    folder = INTEGRATION / "brand"
    names = {path.name for path in folder.iterdir()}
    assert "icon.png" in names, "HACS checks brand/icon.png"
    assert names <= set(BRAND_IMAGES), f"unknown files: {names - set(BRAND_IMAGES)}"
    sizes = {}
    for name in sorted(names):
        path = folder / name
        data = path.read_bytes()
        with Image.open(path) as image:
            assert image.format == "PNG", name
            assert image.mode == "RGBA", f"{name}: transparency is preferred"
            low, high = BRAND_IMAGES[name]
            if "icon" in name:
                assert image.size == (low, low), f"{name}: {image.size}"
            else:
                assert low <= min(image.size) <= high, f"{name}: {image.size}"
            alpha_box = image.getchannel("A").getbbox()
            assert alpha_box == (0, 0, *image.size), f"{name}: not trimmed ({alpha_box})"
            assert image.info.get("interlace") == 1, f"{name}: run scripts/render_brand"
            sizes[name] = image.size
        assert _chunks(data) <= PNG_CHUNKS, f"{name}: metadata left ({_chunks(data)})"
        assert len(data) <= 64 * 1024, f"{name}: {len(data)} bytes"
        source = name.removesuffix(".png").removesuffix("@2x")
        assert (ROOT / "brand-src" / f"{source}.svg").is_file(), f"{name}: no SVG source"
    for name, size in sizes.items():
        if "@2x" in name:
            normal = name.replace("@2x", "")
            assert normal in sizes, f"{name} without {normal}"
            assert size == (2 * sizes[normal][0], 2 * sizes[normal][1]), name
    for first, second in (("icon", "logo"), ("dark_icon", "icon"), ("dark_logo", "logo")):
        for hdpi in ("", "@2x"):
            a, b = folder / f"{first}{hdpi}.png", folder / f"{second}{hdpi}.png"
            if a.exists() and b.exists():
                assert a.read_bytes() != b.read_bytes(), f"{a.name} is the same as {b.name}"
