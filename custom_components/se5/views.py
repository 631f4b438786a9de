"""HTTP: each stored recognition's own images, and the bundled Lovelace card.

`/api/se5/<entry id>/<recognition id>/face.jpg` (also `scene.jpg` and `registered.jpg`)
serves the JPEG exactly as the box sent it, to authenticated users only (a bearer token, a
signed path, or the companion app's own session for a notification's `image`); 404 once the
store has forgotten the recognition. The card's JavaScript is served from the integration's
`frontend/` folder and loaded on every dashboard by the frontend (no resource to add by hand).
"""

from __future__ import annotations

import hashlib
from http import HTTPStatus
import logging
from pathlib import Path

from aiohttp import web
from aiohttp.hdrs import CACHE_CONTROL
from homeassistant.components.http import KEY_HASS, HomeAssistantView, StaticPathConfig
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_when_setup

from .client import Se5Error
from .const import DOMAIN
from .store import IMAGE_KINDS

_LOGGER = logging.getLogger(__name__)

FRONTEND_DIR = Path(__file__).parent / "frontend"
CARD_FILE = "se5-recognitions-card.js"
STATIC_URL = "/se5_files"
CARD_URL = f"{STATIC_URL}/{CARD_FILE}"
IMAGE_CACHE_CONTROL = "private, max-age=3600"
"""A recognition's image never changes; browsers may keep it an hour, shared caches never."""


class Se5ImageView(HomeAssistantView):
    """One image of one stored recognition."""

    url = "/api/se5/{entry_id}/{record_id}/{kind}.jpg"
    name = "api:se5:image"
    requires_auth = True

    async def get(
        self, request: web.Request, entry_id: str, record_id: str, kind: str
    ) -> web.Response:
        """The JPEG, byte for byte; 404 when unknown or forgotten."""
        hass = request.app[KEY_HASS]
        entry = hass.config_entries.async_get_entry(entry_id)
        if (
            kind not in IMAGE_KINDS
            or entry is None
            or entry.domain != DOMAIN
            or entry.state is not ConfigEntryState.LOADED
        ):
            return web.Response(status=HTTPStatus.NOT_FOUND)
        store = entry.runtime_data.recent.store
        record = store.get(record_id)
        if record is None:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        try:
            image = await store.async_image(record, kind)
        except Se5Error as err:
            _LOGGER.debug("Cannot fetch a recovered image from the box: %s", err)
            return web.Response(status=HTTPStatus.BAD_GATEWAY)
        if image is None:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        return web.Response(
            body=image,
            content_type="image/jpeg",
            headers={CACHE_CONTROL: IMAGE_CACHE_CONTROL, "X-Content-Type-Options": "nosniff"},
        )


def _version() -> str:
    """A short hash of the card's code and of the modules it imports (its editor).

    Browsers then fetch a changed card at once, though its files are served with long cache
    headers.
    """
    digest = hashlib.sha256()
    for path in sorted(FRONTEND_DIR.glob("*.js")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


async def async_setup_views(hass: HomeAssistant) -> None:
    """Register the image view and serve the card; the frontend loads it when it is set up."""
    hass.http.register_view(Se5ImageView())
    await hass.http.async_register_static_paths(
        [StaticPathConfig(STATIC_URL, str(FRONTEND_DIR), cache_headers=True)]
    )
    version = await hass.async_add_executor_job(_version)

    async def add_card(hass: HomeAssistant, _component: str) -> None:
        # Imported here: the frontend is an after-dependency, not loaded in every setup.
        from homeassistant.components.frontend import add_extra_js_url  # noqa: PLC0415

        add_extra_js_url(hass, f"{CARD_URL}?v={version}")

    async_when_setup(hass, "frontend", add_card)
