"""Options flow: the devices, images and people followed; applied without a reload."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult, OptionsFlow
from homeassistant.const import CONF_HOST
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)

from .client import Device, Dialect, Person, Se5Client, Se5Error
from .compat import vol
from .const import (
    CONF_DIALECT,
    CONF_FOLLOW_REGISTERED,
    CONF_PEOPLE,
    CONF_REST_PORT,
    CONF_SYSTEM_PORT,
    MAX_PEOPLE_OPTIONS,
)
from .coordinator import async_read_register
from .flow_common import (
    error_key,
    recent_options,
    recent_schema,
    selection_options,
    selection_schema,
)
from .markdown import markdown_text


def people_schema(people: list[Person], followed: list[str]) -> tuple[vol.Schema, int]:
    """The people to follow, as a searchable list; how many of the register it offers.

    At most `MAX_PEOPLE_OPTIONS` are offered (by name), plus whoever is followed already.
    """
    ordered = sorted(people, key=lambda person: (person.name.casefold(), person.identity_id))
    offered = ordered[:MAX_PEOPLE_OPTIONS]
    offered_ids = {person.identity_id for person in offered}
    by_id = {person.identity_id: person for person in people}
    offered += [by_id[i] for i in followed if i in by_id and i not in offered_ids]
    options = [
        SelectOptionDict(
            value=person.identity_id,
            label=f"{person.name or person.identity_id} ({person.person_type.value})",
        )
        for person in offered
    ]
    known = {person.identity_id for person in offered}
    schema = vol.Schema(
        {
            vol.Optional(CONF_PEOPLE, default=[i for i in followed if i in known]): SelectSelector(
                SelectSelectorConfig(
                    options=options,
                    multiple=True,
                    mode=SelectSelectorMode.DROPDOWN,
                    sort=False,
                )
            )
        }
    )
    return schema, len(offered)


class Se5OptionsFlow(OptionsFlow):
    """Pick again, from the box's current device list and register."""

    _devices: list[Device] | None = None
    _people: list[Person] | None = None
    _selection: dict[str, Any] | None = None

    async def _async_read_box(self) -> None:
        """Read the device list and register once per flow (raises `Se5Error`)."""
        entry = self.config_entry
        if entry.state is ConfigEntryState.LOADED:
            data = entry.runtime_data
            self._devices = list(data.devices.data.values())
            self._people = list(data.people.data.people.values())
            return
        client = Se5Client(
            async_get_clientsession(self.hass),
            entry.data[CONF_HOST],
            entry.data[CONF_REST_PORT],
            system_port=entry.data[CONF_SYSTEM_PORT],
            dialect=Dialect(entry.data[CONF_DIALECT]),
        )
        self._devices = await client.list_devices()
        self._people = list((await async_read_register(client)).people.values())

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Devices and images, and how many recent recognitions are kept with their images."""
        entry = self.config_entry
        if self._devices is None:
            try:
                await self._async_read_box()
            except Se5Error as err:
                return self.async_abort(reason=error_key(err))
        devices = self._devices or []
        if user_input is not None:
            listed = {device.id for device in devices}
            self._selection = {
                **selection_options(user_input, listed, dict(entry.options)),
                **recent_options(user_input),
            }
            return await self.async_step_people()
        options = dict(entry.options)
        return self.async_show_form(
            step_id="init",
            data_schema=selection_schema(devices, entry.data[CONF_DIALECT], options).extend(
                recent_schema(options).schema
            ),
            description_placeholders={
                "count": str(len(devices)),
                "host": markdown_text(entry.data[CONF_HOST]),
            },
        )

    async def async_step_people(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """People to follow before their first sighting."""
        entry = self.config_entry
        people = self._people or []
        followed = list(entry.options.get(CONF_PEOPLE, []))
        schema, offered = people_schema(people, followed)
        follow_registered = bool(entry.options.get(CONF_FOLLOW_REGISTERED, True))
        schema = schema.extend(
            {vol.Required(CONF_FOLLOW_REGISTERED, default=follow_registered): BooleanSelector()}
        )
        if user_input is not None:
            known = {person.identity_id for person in people} | set(followed)
            picked = [i for i in user_input.get(CONF_PEOPLE, []) if i in known]
            return self.async_create_entry(
                data={
                    **(self._selection or {}),
                    CONF_PEOPLE: picked,
                    CONF_FOLLOW_REGISTERED: bool(
                        user_input.get(CONF_FOLLOW_REGISTERED, follow_registered)
                    ),
                }
            )
        return self.async_show_form(
            step_id="people",
            data_schema=schema,
            description_placeholders={"count": str(len(people)), "offered": str(offered)},
        )
