"""Image options do what they say: picking scene photos shows the "Last scene" cameras."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.components.camera import async_get_image
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.se5.client import StreamState
from custom_components.se5.const import CONF_DEVICES, CONF_FACE_IMAGE, CONF_SCENE_IMAGE, DOMAIN
from custom_components.se5.image_options import async_enable_scene_cameras
from se5sim import Simulator
from tests.components.conftest import entity_id, entry_for, setup_entry, uid
from tests.helpers import wait_for


async def test_scene_cameras_enabled_when_scene_photos_are_picked(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim, scene_image=True)
    await setup_entry(hass, entry, sim)
    device = sim.devices[0]
    camera = entity_id(hass, "camera", uid(entry, device.id, "last_scene"))
    assert er.async_get(hass).async_get(camera).disabled_by is None  # type: ignore[union-attr]
    sent = await sim.fire(device.id)
    await wait_for(lambda: device.id in entry.runtime_data.push.last, what="recognition")
    assert (await async_get_image(hass, camera)).content == sent.scene_jpeg


async def test_turning_scene_photos_on_enables_the_cameras_the_user_did_not_disable(
    socket_enabled: None, hass: HomeAssistant, sim: Simulator
) -> None:
    entry = entry_for(sim, scene_image=False)
    registry = er.async_get(hass)
    # The user disabled the third device's scene camera themselves.
    user_disabled = registry.async_get_or_create(
        "camera",
        DOMAIN,
        uid(entry, sim.devices[2].id, "last_scene"),
        disabled_by=er.RegistryEntryDisabler.USER,
    ).entity_id
    await setup_entry(hass, entry, sim)
    cameras = [entity_id(hass, "camera", uid(entry, d.id, "last_scene")) for d in sim.devices]
    for camera in cameras[:2]:
        disabled_by = registry.async_get(camera).disabled_by  # type: ignore[union-attr]
        assert disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert async_enable_scene_cameras(hass, entry) == []  # the option is off: nothing

    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_DEVICES: [d.id for d in sim.devices],
            CONF_FACE_IMAGE: True,
            CONF_SCENE_IMAGE: True,
            "registered_image": False,
        },
    )
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"people": []})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert registry.async_get(cameras[0]).disabled_by is None  # type: ignore[union-attr]
    assert registry.async_get(cameras[1]).disabled_by is None  # type: ignore[union-attr]
    assert registry.async_get(user_disabled).disabled_by is er.RegistryEntryDisabler.USER  # type: ignore[union-attr]

    # Home Assistant reloads the entry shortly after (that is how enabled entities appear).
    before = {record.connection_id for record in sim.subscriptions}
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    await wait_for(
        lambda: entry.runtime_data.push.stream.state is StreamState.CONNECTED, what="connected"
    )
    # The reloaded entry's own connection subscribed (not a late resubscription of the old
    # connection, which a busy machine can deliver after the reload started).
    await wait_for(
        lambda: any(r.connection_id not in before for r in sim.subscriptions),
        what="the new connection subscribed",
    )
    device = sim.devices[1]
    sent = await sim.fire(device.id)
    await wait_for(lambda: device.id in entry.runtime_data.push.last, what="recognition")
    assert (await async_get_image(hass, cameras[1])).content == sent.scene_jpeg
    assert hass.states.get(user_disabled) is None
