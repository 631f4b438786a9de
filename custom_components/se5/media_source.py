"""The media browser: box → camera → recent recognitions → their images.

Identifiers: `<entry id>`, `<entry id>/<camera>`, `<entry id>/<camera>/<recognition id>` and
`<entry id>/<camera>/<recognition id>/<face|scene|registered>` (the camera is the box's device
id, quoted). A recognition plays its face crop (its scene photo when there is no face); it
expands into its images when it has more than one. Titles say who, which kind, when.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from homeassistant.components.media_player import BrowseError, MediaClass, MediaType
from homeassistant.components.media_source import (
    BrowseMediaSource,
    MediaSource,
    MediaSourceItem,
    PlayMedia,
    Unresolvable,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .data import Se5ConfigEntry
from .labels import Labels, async_load_labels, device_name
from .store import IMAGE_KINDS, ImageKind, StoredRecognition, image_path

MIME_JPEG = "image/jpeg"


async def async_get_media_source(hass: HomeAssistant) -> Se5MediaSource:
    """The integration's media source."""
    labels = await async_load_labels(hass)
    return Se5MediaSource(hass, labels.text("media_source_title"))


class Se5MediaSource(MediaSource):
    """Recent recognitions of every loaded box, with their images."""

    def __init__(self, hass: HomeAssistant, name: str) -> None:
        self.name = name
        super().__init__(DOMAIN)
        self.hass = hass

    # Resolving ---------------------------------------------------------------------------------

    async def async_resolve_media(self, item: MediaSourceItem) -> PlayMedia:
        """The URL of a recognition's image (the view; the media player signs it)."""
        parts = (item.identifier or "").split("/")
        if len(parts) not in (3, 4):
            raise Unresolvable(translation_domain=DOMAIN, translation_key="media_not_an_image")
        entry = self._entry(parts[0])
        record = entry.runtime_data.recent.store.get(parts[2]) if entry else None
        if entry is None or record is None or record.device_id != unquote(parts[1]):
            raise Unresolvable(translation_domain=DOMAIN, translation_key="media_forgotten")
        kinds = self._kinds(entry, record)
        kind = parts[3] if len(parts) == 4 else (kinds[0] if kinds else None)
        if kind not in kinds:
            raise Unresolvable(translation_domain=DOMAIN, translation_key="media_no_such_image")
        return PlayMedia(image_path(entry.entry_id, record.id, kind), MIME_JPEG)

    # Browsing ----------------------------------------------------------------------------------

    async def async_browse_media(self, item: MediaSourceItem) -> BrowseMediaSource:
        """The boxes, a box's cameras, a camera's recognitions, or a recognition's images."""
        labels = await async_load_labels(self.hass)
        parts = [part for part in (item.identifier or "").split("/") if part]
        if not parts:
            return self._root()
        entry = self._entry(parts[0])
        if entry is None:
            raise BrowseError(translation_domain=DOMAIN, translation_key="media_box_not_loaded")
        if len(parts) == 1:
            return self._box(entry)
        device_id = unquote(parts[1])
        if len(parts) == 2:
            return self._camera(entry, device_id, labels)
        record = entry.runtime_data.recent.store.get(parts[2])
        if len(parts) > 3 or record is None or record.device_id != device_id:
            raise BrowseError(translation_domain=DOMAIN, translation_key="media_forgotten")
        node = self._recognition(entry, record, labels)
        node.children = [
            self._image(entry, record, kind, labels) for kind in self._kinds(entry, record)
        ]
        return node

    def _root(self) -> BrowseMediaSource:
        entries = [
            entry
            for entry in self.hass.config_entries.async_entries(DOMAIN)
            if entry.state is ConfigEntryState.LOADED
        ]
        return BrowseMediaSource(
            domain=DOMAIN,
            identifier=None,
            media_class=MediaClass.APP,
            media_content_type=MediaType.APPS,
            title=self.name or DOMAIN,
            can_play=False,
            can_expand=True,
            children_media_class=MediaClass.DIRECTORY,
            children=[self._box(entry, with_children=False) for entry in entries],
        )

    def _box(self, entry: Se5ConfigEntry, *, with_children: bool = True) -> BrowseMediaSource:
        data = entry.runtime_data
        node = BrowseMediaSource(
            domain=DOMAIN,
            identifier=entry.entry_id,
            media_class=MediaClass.DIRECTORY,
            media_content_type=MediaType.APPS,
            title=entry.title,
            can_play=False,
            can_expand=True,
            children_media_class=MediaClass.DIRECTORY,
        )
        if with_children:
            counts: dict[str, int] = {}
            for record in data.recent.store.all():
                counts[record.device_id] = counts.get(record.device_id, 0) + 1
            node.children = [
                BrowseMediaSource(
                    domain=DOMAIN,
                    identifier=f"{entry.entry_id}/{quote(device.id, safe='')}",
                    media_class=MediaClass.DIRECTORY,
                    media_content_type=MediaType.IMAGE,
                    title=f"{self._camera_name(entry, device.id)} ({counts.get(device.id, 0)})",
                    can_play=False,
                    can_expand=True,
                    children_media_class=MediaClass.IMAGE,
                )
                for device in data.devices.followed
            ]
        return node

    def _camera(self, entry: Se5ConfigEntry, device_id: str, labels: Labels) -> BrowseMediaSource:
        if entry.runtime_data.registry.ha_device_id(device_id) is None:
            raise BrowseError(translation_domain=DOMAIN, translation_key="media_not_followed")
        return BrowseMediaSource(
            domain=DOMAIN,
            identifier=f"{entry.entry_id}/{quote(device_id, safe='')}",
            media_class=MediaClass.DIRECTORY,
            media_content_type=MediaType.IMAGE,
            title=self._camera_name(entry, device_id),
            can_play=False,
            can_expand=True,
            children_media_class=MediaClass.IMAGE,
            children=[
                self._recognition(entry, record, labels)
                for record in entry.runtime_data.recent.store.recent(device_ids=[device_id])
            ],
        )

    def _recognition(
        self, entry: Se5ConfigEntry, record: StoredRecognition, labels: Labels
    ) -> BrowseMediaSource:
        kinds = self._kinds(entry, record)
        when = dt_util.as_local(record.timestamp).strftime("%Y-%m-%d %H:%M:%S")
        kind = record.person_type.value
        who = labels.who(record.identity_name, kind)
        title = labels.text(
            "media_title_stranger" if kind == "stranger" else "media_title",
            who=who,
            kind=labels.kind(kind),
            when=when,
        )
        if not record.live:
            title += f" · {labels.text('card_recovered')}"
        return BrowseMediaSource(
            domain=DOMAIN,
            identifier=_record_identifier(entry, record),
            media_class=MediaClass.IMAGE,
            media_content_type=MIME_JPEG,
            title=title,
            can_play=bool(kinds),
            can_expand=len(kinds) > 1,
            thumbnail=image_path(entry.entry_id, record.id, kinds[0]) if kinds else None,
        )

    def _image(
        self, entry: Se5ConfigEntry, record: StoredRecognition, kind: ImageKind, labels: Labels
    ) -> BrowseMediaSource:
        return BrowseMediaSource(
            domain=DOMAIN,
            identifier=f"{_record_identifier(entry, record)}/{kind}",
            media_class=MediaClass.IMAGE,
            media_content_type=MIME_JPEG,
            title=labels.text(f"media_{kind}"),
            can_play=True,
            can_expand=False,
            thumbnail=image_path(entry.entry_id, record.id, kind),
        )

    # Helpers -----------------------------------------------------------------------------------

    def _entry(self, entry_id: str) -> Se5ConfigEntry | None:
        entry = self.hass.config_entries.async_get_entry(entry_id)
        if entry is None or entry.domain != DOMAIN or entry.state is not ConfigEntryState.LOADED:
            return None
        return entry

    def _camera_name(self, entry: Se5ConfigEntry, device_id: str) -> str:
        data = entry.runtime_data
        device = data.devices.data.get(device_id)
        return device_name(
            self.hass, data.registry.ha_device_id(device_id), device.name if device else device_id
        )

    @staticmethod
    def _kinds(entry: Se5ConfigEntry, record: StoredRecognition) -> list[ImageKind]:
        store = entry.runtime_data.recent.store
        return [
            kind
            for kind in IMAGE_KINDS
            if record.has(kind) and (kind != "registered" or store.registered_photo(record))
        ]


def _record_identifier(entry: Se5ConfigEntry, record: StoredRecognition) -> str:
    return f"{entry.entry_id}/{quote(record.device_id, safe='')}/{record.id}"
