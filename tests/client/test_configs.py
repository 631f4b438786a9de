"""The configuration calls with answers no page shows: odd, empty, refused, unreachable."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.se5.client import (
    Dialect,
    PassMode,
    Se5ApiError,
    Se5ConfigRefusedError,
    Se5ConnectionError,
    Se5NotABoxError,
)
from custom_components.se5.client.configs import (
    read_config,
    read_pass_mode,
    read_score_scale,
    scale_of,
    write_configs,
)


def box(answers: dict[str, Any]) -> Any:
    """A request function answering by path (an exception is raised), recording the calls."""
    calls: list[tuple[str, str, Any]] = []

    async def request(method: str, path: str, *, json_body: Any = None, **_: Any) -> Any:
        calls.append((method, path, json_body))
        answer = answers.get(path)
        if isinstance(answer, Exception):
            raise answer
        return answer

    request.calls = calls  # type: ignore[attr-defined]
    return request


@pytest.mark.parametrize("answer", [None, [], {"data": "x"}, {"data": {}}, {"data": {"X": 1}}])
async def test_an_entry_the_answer_does_not_hold(answer: Any) -> None:
    with pytest.raises(Se5NotABoxError, match="no configuration PASSMODE"):
        await read_config(
            box({"/SophonConfig/api/Configs/PASSMODE": answer}), Dialect.V5, "PASSMODE"
        )
    v6 = box({"/sophon/v2/face/getconfigs": answer})
    with pytest.raises(Se5NotABoxError):
        await read_config(v6, Dialect.V6, "PASSMODE")


async def test_names_are_quoted_in_the_path() -> None:
    request = box({"/SophonConfig/api/Configs/A%2FB": {"data": {"A/B": 1}}})
    assert await read_config(request, Dialect.V5, "A/B") == 1


@pytest.mark.parametrize(
    ("value", "mode"),
    [
        ("normal", PassMode.NORMAL),
        (" AllPass ", PassMode.ALL_PASS),
        ("allforbidden", PassMode.ALL_FORBIDDEN),
    ],
)
async def test_pass_modes(value: str, mode: PassMode) -> None:
    request = box({"/sophon/v2/face/getconfigs": {"GATE_PASS_MODE": value}})
    assert await read_pass_mode(request, Dialect.V6) is mode


@pytest.mark.parametrize("value", ["open", 1, None, ""])
async def test_an_unknown_pass_mode(value: Any) -> None:
    request = box({"/SophonConfig/api/Configs/PASSMODE": {"data": {"PASSMODE": value}}})
    with pytest.raises(Se5NotABoxError, match="unknown pass mode"):
        await read_pass_mode(request, Dialect.V5)


@pytest.mark.parametrize("answer", [None, [], {"failed_configs": []}, {"data": []}])
async def test_odd_write_answers(answer: Any) -> None:
    with pytest.raises(Se5NotABoxError):
        await write_configs(box({"/SophonConfig/api/Configs": answer}), Dialect.V5, {"A": 1})
    if not isinstance(answer, dict):
        with pytest.raises(Se5NotABoxError):
            await write_configs(box({"/sophon/v2/face/setconfigs": answer}), Dialect.V6, {"A": 1})


async def test_a_refusal_is_named_within_bounds() -> None:
    failed = [*(f"NAME_{n}" for n in range(30)), None, {"x": 1}]
    answer = {"data": {"failed_configs": failed, "success_configs": []}}
    with pytest.raises(Se5ConfigRefusedError) as refused:
        await write_configs(box({"/SophonConfig/api/Configs": answer}), Dialect.V5, {"A": 1})
    assert refused.value.code == "failed_configs"
    assert refused.value.message.startswith("NAME_0, NAME_1")
    assert len(refused.value.message) <= 200  # capped, whatever the box lists


@pytest.mark.parametrize(
    ("value", "scale"),
    [(82, 100), ("82.0", 100), (100, 100), (0.5, 1), (1, 1), (0, None), (-3, None), ("x", None),
     (True, None), (None, None), (float("nan"), None)],
)  # fmt: skip
def test_scale_of(value: Any, scale: int | None) -> None:
    assert scale_of(value) == scale


@pytest.mark.parametrize(
    "pretty",
    [
        Se5ApiError(40400, "not found"),
        Se5NotABoxError("not JSON"),
        {"data": {"threshold_range": ["a", None]}},
        {"data": {"threshold_range": [0, 0]}},
        {"data": {"threshold_range": "0,80,100"}},
        {"data": []},
    ],
)
async def test_prettyscore_that_tells_nothing_falls_back_to_threshold(pretty: Any) -> None:
    request = box(
        {
            "/SophonFogSys/api/PrettyScore": pretty,
            "/SophonConfig/api/Configs/THRESHOLD": {"data": {"THRESHOLD": 0.5}},
        }
    )
    assert await read_score_scale(request, Dialect.V5) == 1
    assert [call[1] for call in request.calls] == [
        "/SophonFogSys/api/PrettyScore",
        "/SophonConfig/api/Configs/THRESHOLD",
    ]


async def test_score_scale_errors() -> None:
    unknown = box({"/sophon/v2/face/getconfigs": Se5ApiError("INVALID_ARGUMENTS", "config_name")})
    assert await read_score_scale(unknown, Dialect.V6) is None
    down = box({"/SophonFogSys/api/PrettyScore": Se5ConnectionError("refused")})
    with pytest.raises(Se5ConnectionError):
        await read_score_scale(down, Dialect.V5)
