"""The per-module coverage floor of scripts/test."""

from __future__ import annotations

import importlib.util
from pathlib import Path
import sys

SCRIPT = Path(__file__).parent.parent / "scripts" / "coverage_floor.py"
spec = importlib.util.spec_from_file_location("coverage_floor", SCRIPT)
assert spec is not None
assert spec.loader is not None
coverage_floor = importlib.util.module_from_spec(spec)
sys.modules["coverage_floor"] = coverage_floor
spec.loader.exec_module(coverage_floor)


def _report(**percents: float) -> dict[str, object]:
    return {
        "files": {
            name.replace("__", "/") + ".py": {"summary": {"percent_covered": percent}}
            for name, percent in percents.items()
        }
    }


def test_a_module_under_the_floor_is_named_even_when_the_total_is_high() -> None:
    report = _report(
        custom_components__se5__big=100.0,
        custom_components__se5__small=83.0,
        se5sim__thing=10.0,  # not the integration: the total floor covers it
    )
    assert coverage_floor.below_floor(report, "custom_components/se5", 95.0) == [
        ("custom_components/se5/small.py", 83.0)
    ]


def test_every_module_at_the_floor_passes() -> None:
    report = _report(custom_components__se5__a=95.0, custom_components__se5__client__b=99.5)
    assert coverage_floor.below_floor(report, "custom_components/se5", 95.0) == []


def test_the_total_is_checked_unrounded() -> None:
    """pytest-cov's --cov-fail-under=95 passes 94.6 % (rounded to whole percents)."""
    assert coverage_floor.total_below_floor({"totals": {"percent_covered": 94.6}}, 95.0) == 94.6
    assert coverage_floor.total_below_floor({"totals": {"percent_covered": 95.0}}, 95.0) is None
