"""info.md, what HACS shows before installing, says what the README says.

HACS shows info.md where a repository does not render its README (hacs.json has no
`render_readme`). It repeats the README's introduction and its list of features, and links
to the README: this keeps the two from drifting apart.
"""

from __future__ import annotations

import json
from pathlib import Path
import re

ROOT = Path(__file__).parent.parent
INFO = (ROOT / "info.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _intro(text: str) -> str:
    """The first paragraph after the title."""
    body = text.split("\n\n", 2)[1]
    return " ".join(body.split())


def _features(text: str) -> list[str]:
    """The bold lead of each bullet of a list (`- **Doors.** …` -> `Doors.`)."""
    return re.findall(r"^- \*\*(.+?)\*\*", text, flags=re.MULTILINE)


def _section(text: str, title: str) -> str:
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))[title]


def test_same_title_and_introduction() -> None:
    assert INFO.splitlines()[0] == README.splitlines()[0]
    assert _intro(INFO) == _intro(README)


def test_same_features_as_what_it_does() -> None:
    listed = _features(INFO)
    assert listed == _features(_section(README, "What it does"))
    assert len(listed) >= 5


def test_buttons_and_links_are_the_readmes() -> None:
    links = re.findall(r"\]\((https://my\.home-assistant\.io/[^)]+)\)", INFO)
    assert links
    for link in links:
        assert link in README, link
    assert "https://github.com/se5-home-assistant/se5#readme" in INFO
    manifest = json.loads((ROOT / "custom_components/se5/manifest.json").read_text())
    assert manifest["documentation"] == "https://github.com/se5-home-assistant/se5#readme"


def test_the_minimum_release_is_hacs_json_s() -> None:
    hacs = json.loads((ROOT / "hacs.json").read_text())
    assert "render_readme" not in hacs  # HACS then shows info.md
    release = ".".join(hacs["homeassistant"].split(".")[:2])  # "2025.4.0" -> "2025.4"
    assert f"Home Assistant {release} or newer" in " ".join(INFO.split())
    assert f"Home Assistant {release} or newer" in " ".join(README.split())
