"""Fixtures of the browser tests (reusable by any test under tests/browser).

- `browser`: Debian's Chromium through Playwright (skipped when there is no Chromium, unless
  SE5_REQUIRE_BROWSER=1, as in CI, which makes that a failure);
- `page`: a fresh page (context) in it; when the test fails, its screenshot is kept as
  `<test>-failure.png` (tests/browser/harness.py says where);
- `demo_factory`: scripts/demo as a process (tests/e2e/demo.py);
- `ready_demo`: the ready demo (owner, box and dashboard made), started and waited for;
- `ready_page`: `page` logged in to `ready_demo` as its owner.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator
import os

from playwright.async_api import Browser, Page, async_playwright
import pluggy
import pytest

from tests.browser import harness
from tests.e2e.demo import Demo, demo_factory

__all__ = ["browser", "demo_factory", "page", "ready_demo", "ready_page"]


@pytest.fixture
async def browser(socket_enabled: None) -> AsyncIterator[Browser]:
    if reason := harness.chromium_missing():
        if os.environ.get("SE5_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    async with async_playwright() as playwright:
        launched = await harness.launch(playwright)
        yield launched
        await launched.close()


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pluggy.Result[pytest.TestReport]]:
    """Mark a browser test whose body failed, for `page` to keep what the page showed."""
    report = (yield).get_result()
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True


@pytest.fixture
async def page(browser: Browser, request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    opened = await harness.new_page(browser)
    yield opened
    if request.node.stash.get(FAILED, False):  # what the page showed when the test failed
        await harness.screenshot(opened, f"{request.node.name}-failure")
    await opened.context.close()


@pytest.fixture
async def ready_demo(demo_factory: Callable[..., Demo]) -> Demo:
    demo = demo_factory(rate=0.5)
    demo.start()
    await demo.wait_ready()
    return demo


@pytest.fixture
async def ready_page(page: Page, ready_demo: Demo) -> Page:
    owner = ready_demo.owner()
    await harness.login(page, ready_demo.url, owner["username"], owner["password"])
    return page


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    shots = harness.screenshot_dir()
    if shots.is_dir() and any(shots.glob("*.png")):
        terminalreporter.write_line(f"browser screenshots: {shots}")
