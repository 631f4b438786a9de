"""A browser for tests: Debian's Chromium driven by Playwright, and Home Assistant page helpers.

Playwright for Python (PyPI) drives the system's Chromium (`/usr/bin/chromium`, Debian's
`chromium` package; `SE5_CHROMIUM` names another); it never downloads a browser. Playwright's
CSS and role locators go through open shadow roots, so `page.locator("hui-picture-entity-card
img")` finds an element deep in Home Assistant's web components. Pages reach nothing but this
machine (127.0.0.1, localhost): any other request is aborted.

Screenshots go to `screenshot_dir()`: `$SE5_SCREENSHOTS`, or
`.artifacts/screenshots/homeassistant-<version>` in the repository (ignored by git); the path is
printed at the end of the test run.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
import re
import time
from urllib.parse import urlsplit

from homeassistant.const import __version__ as ha_version
from playwright.async_api import Browser, Locator, Page, Playwright, Route

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("SE5_CHROMIUM", "/usr/bin/chromium")
# As root in a container or chroot: no sandbox, no GPU, nothing fetched from the internet.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 30_000
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
"""The only hosts a page may reach: Home Assistant and the simulator run here."""


def chromium_missing() -> str | None:
    """Why the browser cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium fonts-noto-cjk)"
    return None


def screenshot_dir() -> Path:
    """Where screenshots go: $SE5_SCREENSHOTS, else one folder per Home Assistant release."""
    if directory := os.environ.get("SE5_SCREENSHOTS"):
        return Path(directory)
    return ROOT / ".artifacts" / "screenshots" / f"homeassistant-{ha_version}"


async def launch(playwright: Playwright) -> Browser:
    """Chromium, headless."""
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)


async def _local_only(route: Route) -> None:
    """Let a request to this machine (or a data: or blob: URL) through; abort any other, such as
    Home Assistant's frontend asking brands.home-assistant.io for an icon (2025.4)."""
    url = urlsplit(route.request.url)
    if url.scheme in ("data", "blob") or url.hostname in LOCAL_HOSTS:
        await route.continue_()
    else:
        await route.abort("blockedbyclient")


async def new_page(browser: Browser) -> Page:
    """A page in a fresh context (no stored login), English, a laptop-sized window, that reaches
    nothing but this machine. Service workers are blocked: requests they make would bypass the
    context's routes (Home Assistant's caches the brand icons)."""
    context = await browser.new_context(
        viewport=VIEWPORT,  # type: ignore[arg-type]
        locale="en-US",
        service_workers="block",
    )
    context.set_default_timeout(TIMEOUT_MS)
    await context.route("**/*", _local_only)
    return await context.new_page()


async def screenshot(page: Page, name: str) -> Path:
    """Save the page as `<screenshot_dir>/<name>.png`; its path."""
    path = screenshot_dir() / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(path))
    return path


def field(scope: Page | Locator, label: str) -> Locator:
    """The text or number input of a Home Assistant form labelled `label` ("Host", "REST port";
    the UI adds "*" to required fields)."""
    name = re.compile(rf"^{re.escape(label)}\*?$")
    return scope.get_by_role("textbox", name=name).or_(scope.get_by_role("spinbutton", name=name))


async def login(page: Page, url: str, username: str, password: str) -> None:
    """Log in on Home Assistant's login page; returns once the app shows its sidebar."""
    await page.goto(url)
    await page.locator('input[name="username"]').fill(username)
    await page.locator('input[name="password"]').fill(password)
    await page.keyboard.press("Enter")
    await sidebar(page).wait_for()


def sidebar(page: Page) -> Locator:
    """The sidebar's Settings entry: there once the app (not the login page) is shown."""
    return page.locator('ha-sidebar a[href="/config"]')


async def search_integration(page: Page, url: str, name: str) -> None:
    """Settings > Devices & services > Add integration, and type `name` in the brand search."""
    await page.goto(f"{url}/config/integrations/dashboard")
    await page.get_by_role("button", name="Add integration").click()
    label = "Search for a brand name"  # a label on 2025.4, a placeholder on 2026.10
    search = page.get_by_role("textbox", name=label).or_(page.get_by_placeholder(label))
    await search.press_sequentially(name, delay=20)
    await page.get_by_text(name, exact=True).wait_for()


async def start_adding_integration(page: Page, url: str, name: str) -> None:
    """Search `name` among the integrations to add and pick it: its config flow's first form
    opens."""
    await search_integration(page, url, name)
    await page.get_by_text(name, exact=True).click()


async def open_dashboard(page: Page, url: str, path: str) -> None:
    """Open a dashboard view (`<dashboard url path>/<view path>`) and wait for its cards."""
    await page.goto(f"{url}/{path}")
    await page.locator("hui-view").first.wait_for()


async def wait_image_loaded(images: Locator, timeout_s: float = TIMEOUT_MS / 1000) -> None:
    """Until one of the `<img>` elements `images` finds (in shadow roots too) has decoded a
    picture; a broken or not yet loaded image has no natural width."""
    deadline = time.monotonic() + timeout_s
    while not await images.evaluate_all("all => all.some(i => i.naturalWidth > 0)"):
        if time.monotonic() > deadline:
            raise AssertionError(f"no picture shown by {images} in {timeout_s:.0f} s")
        await asyncio.sleep(0.2)
