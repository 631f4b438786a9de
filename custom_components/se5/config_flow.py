"""Config and options flows: find the box, pick the devices and images to follow."""

from __future__ import annotations

from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)

from .client import (
    Device,
    Dialect,
    Se5BoxStartingError,
    Se5Client,
    Se5ConnectionError,
    Se5Error,
    Se5NotABoxError,
    Se5ServerError,
)
from .compat import vol
from .const import (
    CONF_DEVICES,
    CONF_DIALECT,
    CONF_EVENT_PORT,
    CONF_FACE_IMAGE,
    CONF_REGISTERED_IMAGE,
    CONF_REST_PORT,
    CONF_SCENE_IMAGE,
    DEFAULT_IMAGES,
    DEFAULT_PORTS,
    DOMAIN,
)

_PORT = NumberSelector(NumberSelectorConfig(min=1, max=65535, mode=NumberSelectorMode.BOX))


def normalize_host(value: str) -> str | None:
    """The bare host of what the user typed (`http://1.2.3.4:5555/` -> `1.2.3.4`), or None."""
    text = value.strip()
    if not text:
        return None
    try:
        return ip_address(text.strip("[]")).compressed
    except ValueError:
        pass
    try:
        parts = urlsplit(text if "://" in text else f"//{text}")
        host = parts.hostname
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    if not host or any(char.isspace() for char in host):
        return None
    return host.lower()


async def async_list_devices(
    hass: HomeAssistant, host: str, port: int, dialect: Dialect | None = None
) -> tuple[Dialect, list[Device]]:
    """Ask the box for its devices; the dialect is detected when not given."""
    client = Se5Client(async_get_clientsession(hass), host, port, dialect=dialect)
    devices = await client.list_devices()
    if client.dialect is None:  # pragma: no cover - list_devices always sets it
        raise Se5NotABoxError("no dialect")
    return client.dialect, devices


def error_key(err: Se5Error) -> str:
    """The translation key of a form error for a client error."""
    if isinstance(err, Se5BoxStartingError):
        return "box_starting"
    if isinstance(err, Se5ServerError):
        return "box_error"
    if isinstance(err, Se5ConnectionError):
        return "cannot_connect"
    if isinstance(err, Se5NotABoxError):
        return "not_se5"
    return "box_error"


def _selection_schema(
    devices: list[Device], dialect: Dialect, current: dict[str, Any]
) -> vol.Schema:
    """Devices to follow and images to receive."""
    options = [SelectOptionDict(value=device.id, label=device.name) for device in devices]
    known = [device.id for device in devices]
    picked = [device_id for device_id in current.get(CONF_DEVICES, known) if device_id in known]
    images = {**DEFAULT_IMAGES, **current}
    fields: dict[Any, Any] = {
        vol.Optional(CONF_DEVICES, default=picked): SelectSelector(
            SelectSelectorConfig(options=options, multiple=True, mode=SelectSelectorMode.LIST)
        ),
        vol.Required(CONF_FACE_IMAGE, default=images[CONF_FACE_IMAGE]): BooleanSelector(),
    }
    if dialect is Dialect.V5:  # V6 firmware sends no scene photo
        fields[vol.Required(CONF_SCENE_IMAGE, default=images[CONF_SCENE_IMAGE])] = BooleanSelector()
    fields[vol.Required(CONF_REGISTERED_IMAGE, default=images[CONF_REGISTERED_IMAGE])] = (
        BooleanSelector()
    )
    return vol.Schema(fields)


def _selection_options(user_input: dict[str, Any], known: set[str]) -> dict[str, Any]:
    return {
        CONF_DEVICES: [d for d in user_input.get(CONF_DEVICES, []) if d in known],
        CONF_FACE_IMAGE: user_input[CONF_FACE_IMAGE],
        CONF_SCENE_IMAGE: user_input.get(CONF_SCENE_IMAGE, False),
        CONF_REGISTERED_IMAGE: user_input[CONF_REGISTERED_IMAGE],
    }


class Se5ConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add an SE5 box."""

    VERSION = 1

    def __init__(self) -> None:
        self._data: dict[str, Any] = {}
        self._devices: list[Device] = []

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> Se5OptionsFlow:
        """The options flow."""
        return Se5OptionsFlow()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the box's address and check it answers as an SE5 box."""
        errors: dict[str, str] = {}
        if user_input is not None:
            host = normalize_host(user_input[CONF_HOST])
            rest_port = int(user_input[CONF_REST_PORT])
            event_port = int(user_input[CONF_EVENT_PORT])
            if host is None:
                errors[CONF_HOST] = "invalid_host"
            else:
                await self.async_set_unique_id(host)
                self._abort_if_unique_id_configured()
                try:
                    dialect, devices = await async_list_devices(self.hass, host, rest_port)
                except Se5Error as err:
                    errors["base"] = error_key(err)
                else:
                    self._data = {
                        CONF_HOST: host,
                        CONF_REST_PORT: rest_port,
                        CONF_EVENT_PORT: event_port,
                        CONF_DIALECT: dialect.value,
                    }
                    self._devices = devices
                    return await self.async_step_devices()
        defaults = {**DEFAULT_PORTS, CONF_HOST: "", **(user_input or {})}
        schema = vol.Schema(
            {
                vol.Required(CONF_HOST, default=defaults[CONF_HOST]): TextSelector(),
                vol.Required(CONF_REST_PORT, default=defaults[CONF_REST_PORT]): _PORT,
                vol.Required(CONF_EVENT_PORT, default=defaults[CONF_EVENT_PORT]): _PORT,
            }
        )
        return self.async_show_form(step_id="user", data_schema=schema, errors=errors)

    async def async_step_devices(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the devices to follow and the images to receive."""
        dialect = Dialect(self._data[CONF_DIALECT])
        if user_input is not None:
            known = {device.id for device in self._devices}
            return self.async_create_entry(
                title=f"SE5 {self._data[CONF_HOST]}",
                data=self._data,
                options=_selection_options(user_input, known),
            )
        return self.async_show_form(
            step_id="devices",
            data_schema=_selection_schema(self._devices, dialect, {}),
            description_placeholders={
                "count": str(len(self._devices)),
                "host": self._data[CONF_HOST],
                "dialect": dialect.value.upper(),
            },
        )


class Se5OptionsFlow(OptionsFlow):
    """Change the devices and images followed; applied without a reload."""

    _devices: tuple[Dialect, list[Device]] | None = None

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Pick again, from the box's current device list."""
        entry = self.config_entry
        if self._devices is None:
            dialect = Dialect(entry.data[CONF_DIALECT])
            if entry.state is ConfigEntryState.LOADED:
                self._devices = dialect, list(entry.runtime_data.devices.values())
            else:
                try:
                    self._devices = await async_list_devices(
                        self.hass, entry.data[CONF_HOST], entry.data[CONF_REST_PORT], dialect
                    )
                except Se5Error as err:
                    return self.async_abort(reason=error_key(err))
        dialect, devices = self._devices
        if user_input is not None:
            known = {device.id for device in devices}
            return self.async_create_entry(data=_selection_options(user_input, known))
        return self.async_show_form(
            step_id="init",
            data_schema=_selection_schema(devices, dialect, dict(entry.options)),
            description_placeholders={"count": str(len(devices)), "host": entry.data[CONF_HOST]},
        )
