"""Offline checks of what hassfest and HACS validate on the integration's files.

Helpers shared by tests/test_validation.py and tests/test_quality_scale.py: paths, file loading,
the translation tree as dotted paths.
"""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
import re
from typing import Any

import yaml

from .walk import INTEGRATION, ROOT

LANGUAGES = ("en", "zh-Hans")
TRANSLATION_KEY = re.compile(r"^(?!.+[_-]{2})(?![_-])[a-z0-9-_]+(?<![_-])$")
"""hassfest's rule for keys chosen by the integration (entities, states, services, ...)."""

__all__ = ["INTEGRATION", "LANGUAGES", "ROOT", "TRANSLATION_KEY"]


def load_json(path: Path) -> Any:
    """A JSON file; duplicate keys are an error (json.loads would keep the last silently)."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in pairs]
        duplicates = {key for key in keys if keys.count(key) > 1}
        assert not duplicates, f"{path.name}: duplicate keys {sorted(duplicates)}"
        return dict(pairs)

    return json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=no_duplicates)


def load_yaml(path: Path) -> Any:
    """A YAML file."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def manifest() -> dict[str, Any]:
    """custom_components/se5/manifest.json."""
    data: dict[str, Any] = load_json(INTEGRATION / "manifest.json")
    return data


def translations(language: str = "en") -> dict[str, Any]:
    """translations/<language>.json."""
    data: dict[str, Any] = load_json(INTEGRATION / "translations" / f"{language}.json")
    return data


def leaves(tree: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, value) of every non-dict value of a nested dict."""
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from leaves(value, f"{path}.")
        else:
            yield path, value


def lookup(tree: dict[str, Any], path: str) -> Any:
    """The value at a dotted path, or None."""
    node: Any = tree
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def matches(pattern: str, path: str) -> bool:
    """Whether a dotted path matches a pattern in which `*` stands for one key."""
    parts, wanted = path.split("."), pattern.split(".")
    return len(parts) >= len(wanted) and all(
        want in ("*", part) for want, part in zip(wanted, parts, strict=False)
    )
