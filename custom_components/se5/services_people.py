"""The people actions: `se5.register_person`, `se5.update_person`, `se5.remove_person`.

Each writes the box's face register, so only administrators may call them (Home Assistant's
admin actions). Each write is sent once; the box's refusals and a write that got no answer
are translated errors (`write_errors.py`). The photo is checked by the box first where it offers
a check (V6 `fiqa`, V5 `FIQA`), and the register is read again right after each write: a newly
registered person is followed when the options say so (the default), with their photo.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.util import dt as dt_util

from .client import NewPerson, PersonChange, PersonType, Se5Error, Se5NotRegisteredError
from .compat import async_register_admin_service, device_entry_ids, vol
from .const import (
    ATTR_IDENTITY_ID,
    ATTR_PERSON_TYPE,
    CONF_FOLLOW_REGISTERED,
    CONF_PEOPLE,
    DOMAIN,
    SERVICE_REGISTER_PERSON,
    SERVICE_REMOVE_PERSON,
    SERVICE_UPDATE_PERSON,
)
from .person_photo import (
    async_entity_picture,
    async_file_photo,
    async_recognition_face,
    loaded_entries,
)
from .write_errors import write_error

if TYPE_CHECKING:
    from .data import Se5ConfigEntry

ATTR_CONFIG_ENTRY_ID = "config_entry_id"
ATTR_NAME = "name"
ATTR_RECOGNITION_ID = "recognition_id"
ATTR_PHOTO_ENTITY = "photo_entity"
ATTR_PHOTO_PATH = "photo_path"
ATTR_VALID_UNTIL = "valid_until"
PHOTO_SOURCES = (ATTR_RECOGNITION_ID, ATTR_PHOTO_ENTITY, ATTR_PHOTO_PATH)
REGISTERED_TYPES = [kind.value for kind in PersonType if kind is not PersonType.STRANGER]

_NAME = vol.All(cv.string, vol.Strip, vol.Length(min=1, max=64))
_PHOTO_FIELDS: dict[Any, Any] = {
    vol.Optional(ATTR_RECOGNITION_ID): vol.All(cv.string, vol.Length(min=1, max=255)),
    vol.Optional(ATTR_PHOTO_ENTITY): cv.entity_domain(["camera", "image"]),
    vol.Optional(ATTR_PHOTO_PATH): cv.string,
}
_PERSON_FIELDS: dict[Any, Any] = {
    vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
    vol.Optional(ATTR_DEVICE_ID): cv.string,
    vol.Optional(ATTR_IDENTITY_ID): vol.All(cv.string, vol.Length(min=1, max=255)),
}
REGISTER_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_NAME): _NAME,
        vol.Required(ATTR_PERSON_TYPE): vol.In(REGISTERED_TYPES),
        **_PHOTO_FIELDS,
        vol.Optional(ATTR_VALID_UNTIL): cv.datetime,
        vol.Optional(ATTR_IDENTITY_ID): vol.All(cv.string, vol.Length(min=1, max=64)),
    }
)
UPDATE_SCHEMA = vol.Schema(
    {
        **_PERSON_FIELDS,
        vol.Optional(ATTR_NAME): _NAME,
        vol.Optional(ATTR_PERSON_TYPE): vol.In(REGISTERED_TYPES),
        **_PHOTO_FIELDS,
        vol.Optional(ATTR_VALID_UNTIL): cv.datetime,
    }
)
REMOVE_SCHEMA = vol.Schema(_PERSON_FIELDS)


@callback
def async_setup_people_services(hass: HomeAssistant) -> None:
    """Register the people actions (administrators only)."""

    async def register(call: ServiceCall) -> ServiceResponse:
        return await _async_register(hass, call)

    async def update(call: ServiceCall) -> ServiceResponse:
        await _async_update(hass, call)
        return None

    async def remove(call: ServiceCall) -> ServiceResponse:
        await _async_remove(hass, call)
        return None

    async_register_admin_service(
        hass,
        DOMAIN,
        SERVICE_REGISTER_PERSON,
        register,
        REGISTER_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    async_register_admin_service(hass, DOMAIN, SERVICE_UPDATE_PERSON, update, UPDATE_SCHEMA)
    async_register_admin_service(hass, DOMAIN, SERVICE_REMOVE_PERSON, remove, REMOVE_SCHEMA)


# The actions -----------------------------------------------------------------------------------


async def _async_register(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    sources = [key for key in PHOTO_SOURCES if call.data.get(key)]
    if len(sources) != 1:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="one_photo_source")
    named = call.data.get(ATTR_CONFIG_ENTRY_ID)
    if sources[0] == ATTR_RECOGNITION_ID:
        chosen = _entry(hass, named) if named else None
        entry, photo = await async_recognition_face(hass, call.data[ATTR_RECOGNITION_ID], chosen)
    else:
        entry = _entry(hass, named)
        photo = await _async_photo(hass, call.data, sources[0])
    kind = PersonType(call.data[ATTR_PERSON_TYPE])
    until = _valid_until(call.data.get(ATTR_VALID_UNTIL), kind)
    name: str = call.data[ATTR_NAME]
    data = entry.runtime_data
    person = NewPerson(
        name=name,
        person_type=kind,
        photo=photo,
        identity_id=call.data.get(ATTR_IDENTITY_ID),
        valid_from=dt_util.now() if until else None,
        valid_until=dt_util.as_local(until) if until else None,
    )
    try:
        await data.client.check_photo(photo)
        identity_id = await data.client.register_person(person)
    except Se5Error as err:
        await data.people.async_refresh()  # a write without an answer may have been done
        raise write_error(err, entry.title) from err
    if until is not None:
        await data.visitors.async_set(identity_id, until, name)
    await data.people.async_refresh()
    if entry.options.get(CONF_FOLLOW_REGISTERED, True):
        _follow(hass, entry, identity_id, follow=True)
    return {ATTR_IDENTITY_ID: identity_id}


async def _async_update(hass: HomeAssistant, call: ServiceCall) -> None:
    entry, identity_id = _person(hass, call.data)
    data = entry.runtime_data
    sources = [key for key in PHOTO_SOURCES if call.data.get(key)]
    if len(sources) > 1:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="one_photo_source")
    photo = None
    if sources and sources[0] == ATTR_RECOGNITION_ID:
        _, photo = await async_recognition_face(hass, call.data[ATTR_RECOGNITION_ID], entry)
    elif sources:
        photo = await _async_photo(hass, call.data, sources[0])
    given = call.data.get(ATTR_PERSON_TYPE)
    registered = data.people.data.people.get(identity_id)
    kind = PersonType(given) if given else (registered.person_type if registered else None)
    until = _valid_until(call.data.get(ATTR_VALID_UNTIL), kind)
    change = PersonChange(
        name=call.data.get(ATTR_NAME),
        person_type=PersonType(given) if given else None,
        photo=photo,
        valid_from=dt_util.now() if until else None,
        valid_until=dt_util.as_local(until) if until else None,
    )
    try:
        if photo is not None:
            await data.client.check_photo(photo)
        await data.client.update_person(identity_id, change)
    except Se5Error as err:
        await data.people.async_refresh()
        raise write_error(err, entry.title) from err
    if until is not None:
        await data.visitors.async_set(identity_id, until, call.data.get(ATTR_NAME, ""))
    elif given and kind is not PersonType.VISITOR:
        await data.visitors.async_set(identity_id, None)  # no longer a visitor: stays
    await data.people.async_refresh()


async def _async_remove(hass: HomeAssistant, call: ServiceCall) -> None:
    entry, identity_id = _person(hass, call.data)
    data = entry.runtime_data
    try:
        await data.client.remove_person(identity_id)
    except Se5NotRegisteredError as err:
        # Not on the box: nothing of them is kept here either.
        await _async_forget(hass, entry, identity_id)
        raise write_error(err, entry.title) from err
    except Se5Error as err:
        await data.people.async_refresh()
        raise write_error(err, entry.title) from err
    await _async_forget(hass, entry, identity_id)


async def _async_forget(hass: HomeAssistant, entry: Se5ConfigEntry, identity_id: str) -> None:
    data = entry.runtime_data
    await data.visitors.async_set(identity_id, None)
    _follow(hass, entry, identity_id, follow=False)
    await data.people.async_refresh()


# Helpers ---------------------------------------------------------------------------------------


def _entry(hass: HomeAssistant, entry_id: str | None) -> Se5ConfigEntry:
    """The box an action names, or the only one loaded."""
    if entry_id:
        entry = hass.config_entries.async_get_entry(entry_id)
        if entry is None or entry.domain != DOMAIN or entry.state is not ConfigEntryState.LOADED:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="entry_not_loaded",
                translation_placeholders={"box": entry.title if entry else entry_id},
            )
        return entry
    loaded = loaded_entries(hass)
    if len(loaded) != 1:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="box_required")
    return loaded[0]


def _person(hass: HomeAssistant, values: dict[str, Any]) -> tuple[Se5ConfigEntry, str]:
    """The box and identity id of the person an action names (a device or an id)."""
    if ha_device_id := values.get(ATTR_DEVICE_ID):
        device = dr.async_get(hass).async_get(ha_device_id)
        for entry_id in device_entry_ids(device) if device is not None else ():
            entry = _entry(hass, entry_id) if _is_se5(hass, entry_id) else None
            identity_id = entry.runtime_data.registry.box_person_id(ha_device_id) if entry else None
            if entry is not None and identity_id is not None:
                return entry, identity_id
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_a_person_device",
            translation_placeholders={"device": ha_device_id},
        )
    if identity_id := values.get(ATTR_IDENTITY_ID):
        return _entry(hass, values.get(ATTR_CONFIG_ENTRY_ID)), identity_id
    raise ServiceValidationError(translation_domain=DOMAIN, translation_key="person_required")


def _is_se5(hass: HomeAssistant, entry_id: str) -> bool:
    entry = hass.config_entries.async_get_entry(entry_id)
    return entry is not None and entry.domain == DOMAIN


async def _async_photo(hass: HomeAssistant, values: dict[str, Any], source: str) -> bytes:
    if source == ATTR_PHOTO_ENTITY:
        return await async_entity_picture(hass, values[ATTR_PHOTO_ENTITY])
    return await async_file_photo(hass, values[ATTR_PHOTO_PATH])


def _valid_until(value: datetime | None, kind: PersonType | None) -> datetime | None:
    """`valid_until` in UTC: for visitors only, in the future (a naive time is local)."""
    if value is None:
        return None
    if kind is not PersonType.VISITOR:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="valid_until_visitors_only"
        )
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt_util.get_default_time_zone())
    until = dt_util.as_utc(value)
    if until <= dt_util.utcnow():
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="valid_until_past")
    return until


@callback
def _follow(hass: HomeAssistant, entry: Se5ConfigEntry, identity_id: str, *, follow: bool) -> None:
    """Follow (or stop following) a person; the options' listener updates the registry."""
    people = [i for i in entry.options.get(CONF_PEOPLE, []) if i != identity_id]
    if follow:
        people.append(identity_id)
    if people != list(entry.options.get(CONF_PEOPLE, [])):
        hass.config_entries.async_update_entry(
            entry, options={**entry.options, CONF_PEOPLE: people}
        )
