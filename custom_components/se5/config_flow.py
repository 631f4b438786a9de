"""Config flow: find the box (by hand or by DHCP), check its three ports, pick what to follow.

The entry's unique id is the box's own identity (serial number, else MAC), read from the box.
The reconfigure step changes host and ports of the same box; DHCP discovery offers a new box
and moves a known one to its new address, once the serial read there is the entry's own (the
MAC of a DHCP packet proves nothing: any host can send it).

The DHCP matcher is the maker's whole MAC prefix: every device of that maker that takes an
address is probed, so the probe is one quiet, short request: one call on the system port
(`DISCOVERY_TIMEOUT`), nothing logged above debug, no other port.
"""

from __future__ import annotations

from dataclasses import dataclass
import logging
from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
)
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo

from .client import (
    BoxInfo,
    Device,
    Dialect,
    Se5Client,
    Se5Error,
    probe_event_socket,
)
from .compat import vol
from .const import (
    CONF_DIALECT,
    CONF_EVENT_PORT,
    CONF_MAC,
    CONF_PEOPLE,
    CONF_REST_PORT,
    CONF_SYSTEM_PORT,
    DEFAULT_PORTS,
    DOMAIN,
)
from .coordinator import Register, async_read_register, default_people
from .data import Se5ConfigEntry
from .flow_common import error_key, normalize_host, selection_options, selection_schema
from .markdown import markdown_text
from .migration import MINOR_VERSION, VERSION
from .options_flow import Se5OptionsFlow

_LOGGER = logging.getLogger(__name__)

DISCOVERY_TIMEOUT = 5.0
"""Seconds a DHCP probe (one call for the serial) may take."""

_PORT = NumberSelector(NumberSelectorConfig(min=1, max=65535, mode=NumberSelectorMode.BOX))
_PORT_KEYS = (CONF_REST_PORT, CONF_EVENT_PORT, CONF_SYSTEM_PORT)


@dataclass(slots=True)
class _Found:
    """A box that answered on its three ports."""

    data: dict[str, Any]
    box: BoxInfo
    devices: list[Device]
    client: Se5Client
    register: Register | None = None
    """Read by the devices step only (a box may hold thousands of people)."""


class _EventPortError(Exception):
    """The event port did not complete a WebSocket handshake."""


class _IdentityError(Exception):
    """The box told neither its serial number nor its MAC address."""


async def _async_probe(hass: HomeAssistant, host: str, ports: dict[str, int]) -> _Found:
    """What answers at `host`, checked port by port.

    The REST port (device list; raises `Se5Error`), the event port (a WebSocket handshake;
    raises `_EventPortError`) and the system port (the box's serial; raises `_IdentityError`).
    """
    session = async_get_clientsession(hass)
    client = Se5Client(session, host, ports[CONF_REST_PORT], system_port=ports[CONF_SYSTEM_PORT])
    devices = await client.list_devices()
    try:
        await probe_event_socket(session, host, ports[CONF_EVENT_PORT])
    except Se5Error as err:
        raise _EventPortError from err
    try:
        # A box that answers with neither a serial nor a MAC raises too: on success the box
        # has an identity (`unique_id` is never None).
        box = await client.get_box_info()
    except Se5Error as err:
        raise _IdentityError from err
    dialect = client.dialect or Dialect.V5  # list_devices always detects it
    data: dict[str, Any] = {
        CONF_HOST: host,
        **ports,
        CONF_DIALECT: dialect.value,
    }
    if box.mac:
        data[CONF_MAC] = dr.format_mac(box.mac)
    return _Found(data, box, devices, client)


def _address_schema(defaults: dict[str, Any]) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=defaults.get(CONF_HOST, "")): TextSelector(),
            vol.Required(
                CONF_REST_PORT, default=defaults.get(CONF_REST_PORT, DEFAULT_PORTS[CONF_REST_PORT])
            ): _PORT,
            vol.Required(
                CONF_EVENT_PORT,
                default=defaults.get(CONF_EVENT_PORT, DEFAULT_PORTS[CONF_EVENT_PORT]),
            ): _PORT,
            vol.Required(
                CONF_SYSTEM_PORT,
                default=defaults.get(CONF_SYSTEM_PORT, DEFAULT_PORTS[CONF_SYSTEM_PORT]),
            ): _PORT,
        }
    )


def _title(found: _Found) -> str:
    return f"SE5 {found.box.hostname or found.data[CONF_HOST]}"


class Se5ConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add an SE5 box."""

    VERSION = VERSION
    MINOR_VERSION = MINOR_VERSION
    """Home Assistant migrates an entry whose version is not the flow's: both numbers count."""

    _found: _Found
    """The box found by the user, reconfigure or discovery step (set before the devices step)."""

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: Se5ConfigEntry) -> Se5OptionsFlow:
        """The options flow."""
        return Se5OptionsFlow()

    async def _async_check(
        self, user_input: dict[str, Any]
    ) -> tuple[_Found | None, dict[str, str]]:
        """The box at the typed address, or the form errors."""
        errors: dict[str, str] = {}
        host = normalize_host(user_input[CONF_HOST])
        if host is None:
            errors[CONF_HOST] = "invalid_host"
            return None, errors
        ports = {key: int(user_input[key]) for key in _PORT_KEYS}
        try:
            return await _async_probe(self.hass, host, ports), errors
        except _EventPortError as err:
            _LOGGER.debug("No SE5 event socket at %s: %s", host, err.__cause__)
            errors[CONF_EVENT_PORT] = "cannot_connect_events"
        except _IdentityError as err:
            _LOGGER.debug("No SE5 identity at %s: %s", host, err.__cause__)
            errors[CONF_SYSTEM_PORT] = "cannot_identify"
        except Se5Error as err:
            _LOGGER.debug("No SE5 device list at %s: %s", host, err)
            errors["base"] = error_key(err)
        except Exception:  # a form error, never a traceback for the user
            _LOGGER.exception("Unexpected error while checking the SE5 box at %s", host)
            errors["base"] = "unknown"
        return None, errors

    def _box_uid(self, box: BoxInfo) -> str | None:
        """The box's unique id here: its serial, else that of an entry with its MAC.

        A box whose system API does not answer now is known by its MAC (`mac-…`), which must
        not make it another box than the one added with its serial. The MAC never stands
        against a serial: a box telling one is the entry keyed by it, or by the MAC it gives
        (added while it told none: set-up keys that entry by the serial then), or a new box.
        """
        mac = dr.format_mac(box.mac) if box.mac else None
        entries = self._async_current_entries(include_ignore=False)
        if box.serial:
            keys = {entry.unique_id for entry in entries}
            by_mac = BoxInfo(mac=mac).unique_id if mac else None
            return by_mac if by_mac in keys and box.unique_id not in keys else box.unique_id
        for entry in entries:
            if mac is not None and entry.data.get(CONF_MAC) == mac:
                return entry.unique_id
        return box.unique_id

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the box's address and check it answers as an SE5 box."""
        errors: dict[str, str] = {}
        if user_input is not None:
            found, errors = await self._async_check(user_input)
            if found is not None:
                await self.async_set_unique_id(self._box_uid(found.box))
                self._abort_if_unique_id_configured()
                self._found = found
                return await self.async_step_devices()
        return self.async_show_form(
            step_id="user", data_schema=_address_schema(user_input or {}), errors=errors
        )

    async def async_step_devices(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the devices to follow and the images to receive."""
        found = self._found
        if found.register is None:
            found.register = await async_read_register(found.client)
        if user_input is not None:
            known = {device.id for device in found.devices}
            return self.async_create_entry(
                title=_title(found),
                data=found.data,
                options={
                    **selection_options(user_input, known),
                    CONF_PEOPLE: default_people(found.register),
                },
            )
        dialect = found.data[CONF_DIALECT]
        return self.async_show_form(
            step_id="devices",
            data_schema=selection_schema(found.devices, dialect, {}),
            description_placeholders={
                "count": str(len(found.devices)),
                "host": markdown_text(found.data[CONF_HOST]),
                "dialect": dialect.upper(),
                "people": str(len(found.register.people)),
            },
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the address and ports of the same box."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            found, errors = await self._async_check(user_input)
            if found is not None:
                await self.async_set_unique_id(self._box_uid(found.box))
                self._abort_if_unique_id_mismatch(
                    reason="wrong_box",
                    description_placeholders={"title": markdown_text(entry.title)},
                )
                return self.async_update_reload_and_abort(entry, data_updates=found.data)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=_address_schema({**entry.data, **(user_input or {})}),
            errors=errors,
            description_placeholders={"title": entry.title},
        )

    async def async_step_dhcp(self, discovery_info: DhcpServiceInfo) -> ConfigFlowResult:
        """A device with the box's MAC prefix took an address: a new box, or a known one moved."""
        mac = dr.format_mac(discovery_info.macaddress)
        host = discovery_info.ip
        for entry in self._async_current_entries(include_ignore=False):
            if entry.data.get(CONF_MAC) == mac:
                if entry.data[CONF_HOST] != host:
                    await self._async_follow_move(entry, host)
                return self.async_abort(reason="already_configured")
        ports = {key: int(DEFAULT_PORTS[key]) for key in _PORT_KEYS}
        client = Se5Client(
            async_get_clientsession(self.hass),
            host,
            ports[CONF_REST_PORT],
            system_port=ports[CONF_SYSTEM_PORT],
            timeout=DISCOVERY_TIMEOUT,
        )
        try:
            serial = await client.get_serial()
        except Se5Error as err:
            _LOGGER.debug("No SE5 box at %s: %s", host, err)
            return self.async_abort(reason="not_se5")
        await self.async_set_unique_id(BoxInfo(serial=serial).unique_id)
        # An entry of this serial at another address: the serial read here proves the move.
        # The packet's MAC is not taken (it proves nothing): set-up learns the box's own.
        self._abort_if_unique_id_configured(updates={CONF_HOST: host})
        self.context["title_placeholders"] = {"name": host}
        self._discovered = {CONF_HOST: host, **ports}
        self._discovered_serial = serial
        return await self.async_step_discovery_confirm()

    async def _async_follow_move(self, entry: Se5ConfigEntry, host: str) -> None:
        """Move the entry to `host` when the serial there is its own; else keep its address.

        A box whose system API does not answer at the new address keeps the old one: the
        address is changed by Reconfigure then, or by the next DHCP renewal.
        """
        old = entry.data[CONF_HOST]
        client = Se5Client(
            async_get_clientsession(self.hass),
            host,
            entry.data[CONF_REST_PORT],
            system_port=entry.data[CONF_SYSTEM_PORT],
            dialect=Dialect(entry.data[CONF_DIALECT]),
            timeout=DISCOVERY_TIMEOUT,
        )
        try:
            serial = await client.get_serial()
        except Se5Error as err:
            _LOGGER.info(
                "A device with the MAC of %s took the address %s, but no serial number could "
                "be read there (%s): the entry keeps the address %s",
                entry.title,
                host,
                err,
                old,
            )
            return
        if BoxInfo(serial=serial).unique_id != entry.unique_id:
            _LOGGER.warning(
                "A device with the MAC of %s took the address %s, but it is another box (its "
                "serial number differs): the entry keeps the address %s",
                entry.title,
                host,
                old,
            )
            return
        _LOGGER.info("%s moved from %s to %s", entry.title, old, host)
        self.hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_HOST: host})
        self.hass.config_entries.async_schedule_reload(entry.entry_id)

    _discovered: dict[str, Any]
    _discovered_serial: str

    async def async_step_discovery_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the discovered box for one-click set-up."""
        host = self._discovered[CONF_HOST]
        errors: dict[str, str] = {}
        if user_input is not None:
            found, errors = await self._async_check(self._discovered)
            if found is not None:
                self._found = found
                return await self.async_step_devices()
            # Non-default ports: the user step, filled in.
            return self.async_show_form(
                step_id="user", data_schema=_address_schema(self._discovered), errors=errors
            )
        self._set_confirm_only()
        return self.async_show_form(
            step_id="discovery_confirm",
            description_placeholders={
                "host": markdown_text(host),
                "serial": markdown_text(self._discovered_serial),
            },
        )
