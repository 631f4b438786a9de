"""The blueprints install themselves: written once, updated while untouched, never overwritten."""

from __future__ import annotations

from pathlib import Path

from homeassistant.components.blueprint import DomainBlueprints
from homeassistant.components.blueprint.const import DOMAIN as BLUEPRINT_DOMAIN
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.setup import async_setup_component
import pytest

from custom_components.se5 import blueprint_install
from custom_components.se5.blueprint_install import SOURCE, install

SHIPPED = sorted(path.name for path in (SOURCE / "automation").glob("*.yaml"))


@pytest.fixture
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    hass.config.config_dir = str(tmp_path)
    return tmp_path


def test_the_integration_ships_its_blueprints() -> None:
    assert SHIPPED == ["notify_face.yaml", "open_door.yaml"]


async def test_set_up_puts_them_where_home_assistant_lists_them(
    hass: HomeAssistant, config_dir: Path
) -> None:
    """On a new installation both Home Assistant's examples and ours are there afterwards."""
    hass.set_state(CoreState.starting)  # as at a real start: nothing is written before started
    assert await async_setup_component(hass, "se5", {})
    assert await async_setup_component(hass, "automation", {})
    await hass.async_block_till_done()
    assert not (config_dir / "blueprints" / "automation" / "se5").exists()
    hass.set_state(CoreState.running)
    hass.bus.async_fire("homeassistant_started")
    await hass.async_block_till_done()

    folder = config_dir / "blueprints" / "automation" / "se5"
    assert sorted(p.name for p in folder.iterdir()) == SHIPPED
    for name in SHIPPED:
        assert (folder / name).read_bytes() == (SOURCE / "automation" / name).read_bytes()
    domain_blueprints: DomainBlueprints = hass.data[BLUEPRINT_DOMAIN]["automation"]
    found = await domain_blueprints.async_get_blueprints()
    assert {f"se5/{name}" for name in SHIPPED} <= set(found)
    assert any(path.startswith("homeassistant/") for path in found)  # HA's own examples too


def _source(tmp_path: Path, text: str) -> Path:
    source = tmp_path / "source"
    (source / "automation").mkdir(parents=True, exist_ok=True)
    (source / "automation" / "door.yaml").write_text(text)
    return source


def test_a_new_version_replaces_only_an_untouched_copy(tmp_path: Path) -> None:
    target = tmp_path / "blueprints"
    copy = target / "automation" / "se5" / "door.yaml"
    first = install(_source(tmp_path, "v1\n"), target, {})
    assert first.changed == ["automation/se5/door.yaml"]
    assert copy.read_text() == "v1\n"
    assert copy.stat().st_mode & 0o777 == 0o644

    second = install(_source(tmp_path, "v2\n"), target, first.written)
    assert second.changed == ["automation/se5/door.yaml"]
    assert copy.read_text() == "v2\n"

    copy.write_text("v2, changed by the user\n")
    third = install(_source(tmp_path, "v3\n"), target, second.written)
    assert third.changed == []
    assert third.kept == ["automation/se5/door.yaml"]
    assert copy.read_text() == "v2, changed by the user\n"


def test_a_file_of_the_user_under_that_name_is_never_touched(tmp_path: Path) -> None:
    copy = tmp_path / "blueprints" / "automation" / "se5" / "door.yaml"
    copy.parent.mkdir(parents=True)
    copy.write_text("mine\n")
    outcome = install(_source(tmp_path, "v1\n"), tmp_path / "blueprints", {})
    assert outcome.kept == ["automation/se5/door.yaml"]
    assert copy.read_text() == "mine\n"


def test_a_deleted_copy_stays_deleted(tmp_path: Path) -> None:
    target = tmp_path / "blueprints"
    first = install(_source(tmp_path, "v1\n"), target, {})
    (target / "automation" / "se5" / "door.yaml").unlink()
    again = install(_source(tmp_path, "v2\n"), target, first.written)
    assert again.changed == []
    assert not (target / "automation" / "se5" / "door.yaml").exists()


async def test_what_was_written_is_remembered_across_restarts(
    hass: HomeAssistant, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source(config_dir, "v1\n")
    monkeypatch.setattr(blueprint_install, "SOURCE", source)
    await blueprint_install.async_install_blueprints(hass)
    copy = config_dir / "blueprints" / "automation" / "se5" / "door.yaml"
    copy.unlink()  # the user deletes it
    await blueprint_install.async_install_blueprints(hass)  # the next start
    assert not copy.exists()


async def test_a_folder_that_cannot_be_written_is_logged(
    hass: HomeAssistant, config_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (config_dir / "blueprints").write_text("a file where the folder should be")
    await blueprint_install.async_install_blueprints(hass)
    assert "Could not put the SE5 blueprints in the blueprints folder" in caplog.text


def test_a_copy_already_as_shipped_is_taken_as_written(tmp_path: Path) -> None:
    """A copy made by hand (as the README once said) is the integration's from now on."""
    copy = tmp_path / "blueprints" / "automation" / "se5" / "door.yaml"
    copy.parent.mkdir(parents=True)
    copy.write_text("v1\n")
    outcome = install(_source(tmp_path, "v1\n"), tmp_path / "blueprints", {})
    assert outcome.changed == []
    assert list(outcome.written) == ["automation/se5/door.yaml"]
    updated = install(_source(tmp_path, "v2\n"), tmp_path / "blueprints", outcome.written)
    assert updated.changed == ["automation/se5/door.yaml"]


def test_a_failed_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rename into place fails (a full disk, say: root here cannot be refused otherwise)."""

    def refuse(self: Path, target: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        install(_source(tmp_path, "v1\n"), tmp_path / "blueprints", {})
    assert list((tmp_path / "blueprints" / "automation" / "se5").iterdir()) == []


async def test_a_changed_copy_is_kept_at_set_up(
    hass: HomeAssistant,
    config_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG", logger="custom_components.se5")
    monkeypatch.setattr(blueprint_install, "SOURCE", _source(config_dir, "v1\n"))
    copy = config_dir / "blueprints" / "automation" / "se5" / "door.yaml"
    copy.parent.mkdir(parents=True)
    copy.write_text("mine\n")
    await blueprint_install.async_install_blueprints(hass)
    assert copy.read_text() == "mine\n"
    assert "Blueprint automation/se5/door.yaml was changed by the user" in caplog.text
