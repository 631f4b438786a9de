"""What differs between the Home Assistant releases this integration supports.

The oldest is 2025.4 (hacs.json); the newest tested is 2026.10. Each difference is bridged here,
so that the rest of the integration reads the same on both.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import inspect
import sys
from typing import TYPE_CHECKING, Any, Protocol, cast

from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import Unauthorized, UnknownUser
from homeassistant.helpers import device_registry as dr, service as service_helper

if TYPE_CHECKING and sys.version_info >= (3, 14):
    # Home Assistant 2026 validates with probatio (Python >= 3.14.2 only).
    from homeassistant.components.repairs import RepairsFlowResult
    import probatio as vol
else:
    # 2025.x repairs flows return plain flow results.
    from homeassistant.data_entry_flow import FlowResult as RepairsFlowResult

    # On Home Assistant 2026 this import is probatio's voluptuous shim, installed by
    # homeassistant/__init__.py; on older releases it is voluptuous itself.
    import voluptuous as vol

__all__ = [
    "RepairsFlowResult",
    "async_register_admin_service",
    "device_by_identifier",
    "device_entry_ids",
    "via_device",
    "vol",
]

# 2026.x links a device to its parent by device id; `via_device` (an identifier) is
# deprecated there and the only way on 2025.x.
_VIA_DEVICE_ID = (
    "via_device_id" in inspect.signature(dr.DeviceRegistry.async_get_or_create).parameters
)


def via_device(parent: dr.DeviceEntry, identifier: tuple[str, str]) -> dict[str, Any]:
    """Keyword arguments of `async_get_or_create` that link a device to `parent`."""
    if _VIA_DEVICE_ID:
        return {"via_device_id": parent.id}
    return {"via_device": identifier}


def device_by_identifier(
    registry: dr.DeviceRegistry, identifier: tuple[str, str], config_entry_id: str
) -> dr.DeviceEntry | None:
    """The device of a config entry with an identifier.

    2026.x scopes identifiers to config entries and deprecates `async_get_device`.
    """
    lookup = getattr(registry, "async_get_device_by_identifier", None)
    if lookup is not None:
        return cast("dr.DeviceEntry | None", lookup(identifier, config_entry_id))
    return registry.async_get_device(identifiers={identifier})


class RegisteredDevice(Protocol):
    """A device registry entry of either release (on 2026.x, a device or a child device)."""

    @property
    def config_entries(self) -> set[str]:
        """The config entries it belongs to (deprecated on 2026.x)."""


def device_entry_ids(device: RegisteredDevice) -> set[str]:
    """The config entries a device belongs to.

    2026.x gives a device one config entry (`config_entry_id`) and deprecates `config_entries`
    (each read of it logs a warning there, unless the device is a composite one).
    """
    entry_id = getattr(device, "config_entry_id", None)
    if isinstance(entry_id, str) and not getattr(device, "is_composite_device", False):
        return {entry_id}
    return set(device.config_entries)


# 2025.x registers admin actions without a response (its wrapper drops the handler's result).
_ADMIN_RESPONSE = (
    "supports_response" in inspect.signature(service_helper.async_register_admin_service).parameters
)


def async_register_admin_service(
    hass: HomeAssistant,
    domain: str,
    service: str,
    handler: Callable[[ServiceCall], Awaitable[ServiceResponse]],
    schema: Any,
    *,
    supports_response: SupportsResponse = SupportsResponse.NONE,
) -> None:
    """Register an action only administrators may call, with its response on every release."""
    if _ADMIN_RESPONSE:
        register_admin: Any = service_helper.async_register_admin_service
        register_admin(hass, domain, service, handler, schema, supports_response=supports_response)
        return

    async def admin_only(call: ServiceCall) -> ServiceResponse:
        # As Home Assistant's own admin wrapper: a call without a user is the system's.
        if call.context.user_id:
            user = await hass.auth.async_get_user(call.context.user_id)
            if user is None:
                raise UnknownUser(context=call.context)
            if not user.is_admin:
                raise Unauthorized(context=call.context)
        return await handler(call)

    register = hass.services.async_register
    register(domain, service, admin_only, schema, supports_response)
