"""Fail when a module of the integration, or the whole, is covered under the floor (lines and
branches).

The total floor (pytest-cov's --cov-fail-under) lets a well-tested module hide a badly tested
one; this checks each module of custom_components/se5 on its own. It checks the total again,
unrounded: --cov-fail-under compares the total rounded to coverage's precision (whole percents
by default), so 94.6 % passes a floor of 95. Reads the JSON report of `coverage json`.

    python scripts/coverage_floor.py coverage.json --floor 95 --package custom_components/se5
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import sys


def below_floor(report: dict[str, object], package: str, floor: float) -> list[tuple[str, float]]:
    """The modules of `package` covered under `floor` percent, with their coverage."""
    files = report.get("files")
    if not isinstance(files, dict):
        raise SystemExit("coverage_floor: the report has no files")
    low: list[tuple[str, float]] = []
    prefix = package.rstrip("/") + "/"
    for name, data in sorted(files.items()):
        if not name.startswith(prefix):
            continue
        percent = float(data["summary"]["percent_covered"])
        if percent < floor:
            low.append((name, percent))
    return low


def total_below_floor(report: dict[str, object], floor: float) -> float | None:
    """The total (every measured file), unrounded, when it is under `floor`; else None."""
    totals = report.get("totals")
    if not isinstance(totals, dict):
        raise SystemExit("coverage_floor: the report has no totals")
    percent = float(totals["percent_covered"])
    return percent if percent < floor else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--floor", type=float, default=95.0)
    parser.add_argument("--package", default="custom_components/se5")
    args = parser.parse_args()
    report = json.loads(args.report.read_text())
    measured = [name for name in report["files"] if name.startswith(args.package)]
    if not measured:
        print(f"coverage_floor: no module of {args.package} was measured", file=sys.stderr)
        return 1
    low = below_floor(report, args.package, args.floor)
    for name, percent in low:
        print(f"coverage_floor: {name} is covered {percent:.1f} % (floor {args.floor:g} %)")
    total = total_below_floor(report, args.floor)
    if total is not None:
        print(f"coverage_floor: the total is {total:.2f} % (floor {args.floor:g} %)")
    if low or total is not None:
        return 1
    print(
        f"coverage_floor: every module of {args.package} ({len(measured)}) is covered at least "
        f"{args.floor:g} % (lines and branches)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
