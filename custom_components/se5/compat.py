"""What differs between the Home Assistant releases this integration supports.

The oldest is 2025.4 (hacs.json); the newest tested is 2026.10. Each difference is bridged here,
so that the rest of the integration reads the same on both.
"""

from __future__ import annotations

import inspect
import sys
from typing import TYPE_CHECKING, Any, cast

from homeassistant.helpers import device_registry as dr

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

__all__ = ["RepairsFlowResult", "device_by_identifier", "via_device", "vol"]

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
