"""The card is served and loaded by the integration itself: no resource to add by hand."""

from __future__ import annotations

from http import HTTPStatus
import re
from typing import Any

from homeassistant.components.frontend import DATA_EXTRA_MODULE_URL
from homeassistant.components.onboarding import STORAGE_KEY, STORAGE_VERSION
from homeassistant.components.onboarding.const import STEPS
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.se5.const import DOMAIN
from custom_components.se5.views import CARD_URL, FRONTEND_DIR
from se5sim import Simulator
from tests.components.conftest import entry_for, setup_entry
from tests.components.test_logbook import _free_port


@pytest.fixture
def onboarded(hass_storage: dict[str, Any]) -> None:
    """An installation past its onboarding (the frontend serves its pages)."""
    hass_storage[STORAGE_KEY] = {
        "version": STORAGE_VERSION,
        "key": STORAGE_KEY,
        "data": {"done": list(STEPS)},
    }


async def _frontend(hass: HomeAssistant) -> None:
    http = {"server_host": ["127.0.0.1"], "server_port": _free_port()}
    assert await async_setup_component(hass, "http", {"http": http})
    assert await async_setup_component(hass, "frontend", {})


@pytest.mark.parametrize("frontend_first", [True, False])
async def test_card_is_served_and_loaded_on_every_page(
    socket_enabled: None,
    hass: HomeAssistant,
    sim: Simulator,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
    onboarded: None,
    frontend_first: bool,
) -> None:
    if frontend_first:
        await _frontend(hass)
        await setup_entry(hass, entry_for(sim), sim)
    else:
        assert await async_setup_component(hass, DOMAIN, {})
        await _frontend(hass)
    await hass.async_block_till_done()
    urls = [url for url in hass.data[DATA_EXTRA_MODULE_URL].urls if url.startswith(CARD_URL)]
    assert len(urls) == 1
    assert re.fullmatch(re.escape(CARD_URL) + r"\?v=[0-9a-f]{12}", urls[0])

    # The page every browser loads imports it.
    page = await (await hass_client_no_auth()).get("/")
    assert page.status == HTTPStatus.OK
    assert urls[0] in await page.text()
    # The files themselves (static: loaded before the user logs in, like the frontend's own).
    client = await hass_client()
    for name in ("se5-recognitions-card.js", "se5-recognitions-card-editor.js"):
        response = await client.get(f"/se5_files/{name}")
        assert response.status == HTTPStatus.OK
        assert "javascript" in response.content_type
        assert await response.read() == (FRONTEND_DIR / name).read_bytes()
    code = (FRONTEND_DIR / "se5-recognitions-card.js").read_text(encoding="utf-8")
    assert "customElements.define(CARD, Se5RecognitionsCard)" in code
    assert "window.customCards" in code
    assert "se5/recognitions/subscribe" in code
