"""The GitHub workflows a HACS repository has: hassfest, the HACS action, the test command.

They cannot run here (no network to GitHub); this checks what they are made of.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def _load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    assert isinstance(data, dict)
    # YAML 1.1 reads the key `on` as True.
    assert data.get("on", data.get(True)), f"{name}: no trigger"
    return data


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_validate_runs_hassfest_and_the_hacs_action() -> None:
    steps = _steps(_load("validate.yml"))
    uses = {step.get("uses", "").split("@")[0]: step for step in steps}
    assert "home-assistant/actions/hassfest" in uses
    assert uses["hacs/action"]["with"]["category"] == "integration"


def test_tests_run_the_readme_command_on_both_lines() -> None:
    workflow = _load("tests.yml")
    (job,) = workflow["jobs"].values()
    assert job["strategy"]["matrix"]["python"] == ["3.13", "3.14"]
    runs = [step.get("run", "") for step in job["steps"]]
    assert "scripts/test" in runs
    assert "scripts/test" in (ROOT / "README.md").read_text()
    env = next(step["env"] for step in job["steps"] if step.get("run") == "scripts/test")
    assert env["SE5_PYTHON_LINE"] == "${{ matrix.python }}"
