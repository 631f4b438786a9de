"""Offline validation of the integration's files, as hassfest and HACS check them.

No network and no Home Assistant instance: manifest.json, hacs.json, translations (both
languages, ICU syntax, against what the code uses), icons.json and services.yaml against the
actions the code registers. The quality scale, brand images and README are checked in
tests/test_quality_scale.py.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from typing import Any
from urllib.parse import urlsplit

from awesomeversion import AwesomeVersion, AwesomeVersionStrategy
from homeassistant.const import Platform
from homeassistant.core import valid_domain
from homeassistant.helpers import selector
import pytest

from custom_components.se5.const import DOMAIN
from tests.validation import (
    INTEGRATION,
    LANGUAGES,
    ROOT,
    TRANSLATION_KEY,
    icu,
    leaves,
    load_json,
    load_yaml,
    lookup,
    manifest,
    matches,
    translations,
)
from tests.validation.uses import allowed_states, collect
from tests.validation.walk import services

MANIFEST_KEYS = {  # hassfest's CUSTOM_INTEGRATION_MANIFEST_SCHEMA
    "domain", "name", "integration_type", "config_flow", "mqtt", "zeroconf", "ssdp", "bluetooth",
    "homekit", "dhcp", "usb", "documentation", "issue_tracker", "quality_scale", "requirements",
    "dependencies", "after_dependencies", "codeowners", "loggers", "disabled", "iot_class",
    "single_config_entry", "preview_features", "version", "import_executor",
}  # fmt: skip
IOT_CLASSES = {
    "assumed_state", "calculated", "cloud_polling", "cloud_push", "local_polling", "local_push",
}  # fmt: skip
INTEGRATION_TYPES = {"device", "entity", "hardware", "helper", "hub", "service", "system"}
DISCOVERY_KEYS = ("bluetooth", "dhcp", "homekit", "mqtt", "ssdp", "usb", "zeroconf")
VERSION_STRATEGIES = [
    AwesomeVersionStrategy.CALVER,
    AwesomeVersionStrategy.SEMVER,
    AwesomeVersionStrategy.SIMPLEVER,
    AwesomeVersionStrategy.BUILDVER,
    AwesomeVersionStrategy.PEP440,
]
HACS_KEYS = {  # HACS's HACS_MANIFEST_JSON_SCHEMA (extra keys are refused)
    "name": str, "content_in_root": bool, "country": (str, list), "filename": str, "hacs": str,
    "hide_default_branch": bool, "homeassistant": str, "persistent_directory": str,
    "render_readme": bool, "zip_release": bool,
}  # fmt: skip
TOP_LEVEL = {  # hassfest's strings schema
    "title", "config", "options", "selector", "device_automation", "system_health",
    "config_panel", "application_credentials", "issues", "entity_component", "device", "entity",
    "exceptions", "services", "conversation", "common", "config_subentries",
}  # fmt: skip
IMPLICIT = {  # keys Home Assistant itself uses, whether or not the code names them
    "config.abort.already_configured",
    "config.abort.already_in_progress",
    "config.abort.reconfigure_successful",
    "config.abort.reauth_successful",
}
BACKEND_FORMATTED = (  # formatted by Python's str.format, which knows no ICU plural or select
    re.compile(r"^exceptions\.[^.]+\.message$"),
    re.compile(r"^entity\.[^.]+\.[^.]+\.name$"),
    re.compile(r"^device\.[^.]+\.name$"),
)
MDI = re.compile(r"^mdi:[a-z0-9]+(-[a-z0-9]+)*$")


def test_manifest_keys_are_known_and_sorted() -> None:
    """hassfest: no unknown key; `domain`, `name`, then alphabetical order."""
    keys = list(manifest())
    assert set(keys) <= MANIFEST_KEYS, f"unknown keys: {set(keys) - MANIFEST_KEYS}"
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:]), "manifest keys: domain, name, then alphabetical"


def test_manifest_values() -> None:
    """Required keys with valid values (hassfest's and HACS's schemas)."""
    data = manifest()
    for key in ("domain", "name", "version", "documentation", "issue_tracker", "codeowners"):
        assert data.get(key), f"manifest.json needs {key}"
    assert data["domain"] == DOMAIN == INTEGRATION.name
    assert isinstance(data["name"], str)
    AwesomeVersion(data["version"], ensure_strategy=VERSION_STRATEGIES)
    assert data.get("iot_class") in IOT_CLASSES
    assert data.get("integration_type", "hub") in INTEGRATION_TYPES
    assert data.get("config_flow") is True, "set up in the UI only"
    assert isinstance(data["codeowners"], list)
    for owner in data["codeowners"]:
        assert re.fullmatch(r"@[\w-]+(/[\w-]+)?", owner), f"codeowner {owner!r}"
    for key in ("documentation", "issue_tracker"):
        url = urlsplit(data[key])
        assert url.scheme == "https", f"{key} must be https"
        assert url.netloc, f"{key} has no host"
    assert not data["documentation"].startswith("https://www.home-assistant.io/integrations")
    for key in ("requirements", "dependencies", "after_dependencies", "loggers"):
        value = data.get(key, [])
        assert isinstance(value, list), key
        assert all(isinstance(item, str) and item for item in value), key
        assert len(set(value)) == len(value), f"duplicates in {key}"
    for requirement in data.get("requirements", []):
        assert re.fullmatch(r"[A-Za-z0-9][\w.-]*(\[[\w,-]+\])?==[\w.+-]+", requirement), (
            f"pin requirements exactly: {requirement!r}"
        )
    for key in ("dependencies", "after_dependencies"):
        assert all(valid_domain(domain) for domain in data.get(key, [])), key


def test_manifest_discovery_matchers() -> None:
    """dhcp (and other discovery keys) in hassfest's format, with a flow step for each."""
    data = manifest()
    for matcher in data.get("dhcp", []):
        assert isinstance(matcher, dict), matcher
        assert matcher, "an empty dhcp matcher matches every device"
        assert set(matcher) <= {"macaddress", "hostname", "registered_devices"}, matcher
        if "macaddress" in matcher:
            mac = matcher["macaddress"]
            assert mac == mac.upper(), f"dhcp macaddress must be uppercase: {mac}"
            assert "*" in mac, f"dhcp macaddress needs a wildcard: {mac}"
            assert re.fullmatch(r"[0-9A-F*]+", mac), f"dhcp macaddress without separators: {mac}"
        if "hostname" in matcher:
            assert matcher["hostname"] == matcher["hostname"].lower()
        if "registered_devices" in matcher:
            assert isinstance(matcher["registered_devices"], bool)
    flow_source = (INTEGRATION / "config_flow.py").read_text(encoding="utf-8")
    for key in DISCOVERY_KEYS:
        if key in data:
            assert isinstance(data[key], list | dict), key
            assert data[key], f"empty {key}"
            assert f"async def async_step_{key}(" in flow_source, f"{key} without a flow step"


def test_manifest_passes_hacs() -> None:
    """HACS's integration manifest schema: six required keys, version as AwesomeVersion."""
    data = manifest()
    for key in ("codeowners", "documentation", "domain", "issue_tracker", "name", "version"):
        assert key in data, key
    assert isinstance(data["codeowners"], list)
    assert AwesomeVersion(data["version"]).valid


def test_one_version() -> None:
    """The package's version is the integration's (pyproject.toml said an older one)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["version"] == manifest()["version"]


def test_hacs_json() -> None:
    """hacs.json against HACS's schema, consistent with the manifest and the tested releases."""
    data = load_json(ROOT / "hacs.json")
    assert set(data) <= set(HACS_KEYS), f"HACS refuses {set(data) - set(HACS_KEYS)}"
    for key, value in data.items():
        assert isinstance(value, HACS_KEYS[key]), f"hacs.json {key}: {value!r}"
    assert data["name"] == manifest()["name"]
    if data.get("zip_release"):
        assert data.get("filename"), "zip_release needs filename"
    assert not data.get("content_in_root"), "the integration lives in custom_components/"
    folders = [p.name for p in (ROOT / "custom_components").iterdir() if p.is_dir()]
    assert [name for name in folders if not name.startswith(("_", "."))] == [DOMAIN]
    assert (ROOT / "README.md").is_file(), "HACS shows the README"
    minimum = AwesomeVersion(data["homeassistant"])
    tested = sorted(
        AwesomeVersion(m.group(1))
        for path in (ROOT / "requirements").glob("ha-*.txt")
        if (m := re.search(r"^homeassistant==(\S+)", path.read_text(), re.MULTILINE))
    )
    assert tested, "no Home Assistant pinned in requirements/ha-*.txt"
    assert minimum <= tested[0], "hacs.json allows a release older than the oldest tested"
    assert (minimum.year, minimum.minor) == (tested[0].year, tested[0].minor), (
        f"hacs.json minimum {minimum} is not the oldest tested line {tested[0]}"
    )


def test_translations_have_the_same_keys() -> None:
    """zh-Hans translates exactly what en.json has."""
    english = {path for path, _ in leaves(translations("en"))}
    for language in LANGUAGES[1:]:
        other = {path for path, _ in leaves(translations(language))}
        assert english - other == set(), f"{language} lacks these"
        assert other - english == set(), f"{language} has these extra"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translation_structure(language: str) -> None:
    """hassfest's strings schema, in the parts that apply to this integration."""
    data = translations(language)
    assert set(data) <= TOP_LEVEL, f"unknown sections: {set(data) - TOP_LEVEL}"
    for path, value in leaves(data):
        assert isinstance(value, str), f"{path}: not a string"
        assert value, f"{path}: empty"
        assert value == value.strip(), f"{path}: leading or trailing spaces"
        assert "[%key:" not in value, f"{path}: references are not resolved for custom code"
        assert not re.search(r"'\{\w+\}'", value), f"{path}: placeholder in single quotes"
    for section in ("config", "options"):
        assert "title" not in data.get(section, {}), f"{section}.title: use the manifest name"
        for step_id, step in data.get(section, {}).get("step", {}).items():
            extra = set(step.get("data_description", {})) - set(step.get("data", {}))
            assert not extra, f"{section}.step.{step_id}: data_description without data {extra}"
    for platform, entities in data.get("entity", {}).items():
        for key, entity in entities.items():
            names = [key, *entity.get("state", {}), *entity.get("state_attributes", {})]
            for attribute in entity.get("state_attributes", {}).values():
                names.extend(attribute.get("state", {}))
            bad = [name for name in names if not TRANSLATION_KEY.match(name)]
            assert not bad, f"entity.{platform}.{key}: invalid keys {bad}"
    for name, service in data.get("services", {}).items():
        assert TRANSLATION_KEY.match(name), name
        assert {"name", "description"} <= set(service), f"services.{name}"
        for field, texts in service.get("fields", {}).items():
            assert TRANSLATION_KEY.match(field), field
            assert {"name", "description"} <= set(texts), f"services.{name}.fields.{field}"
    for key, issue in data.get("issues", {}).items():
        assert "title" in issue, f"issues.{key}"
        assert ("description" in issue) != ("fix_flow" in issue), f"issues.{key}"
    for key in data.get("exceptions", {}):
        assert re.fullmatch(r"[a-z0-9_]+", key), f"exceptions.{key}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_are_valid_icu(language: str) -> None:
    """Every string parses as ICU MessageFormat, with the placeholders of en.json."""
    english = dict(leaves(translations("en")))
    for path, value in leaves(translations(language)):
        arguments = icu.arguments(value)
        assert {a.name for a in arguments} == icu.names(english[path]), (
            f"{path}: placeholders differ from en"
        )
        if any(pattern.match(path) for pattern in BACKEND_FORMATTED):
            assert all(a.kind is None for a in arguments), f"{path}: only simple {{placeholders}}"


def _texts(tree: dict[str, Any], path: str) -> list[str]:
    node = lookup(tree, path)
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):  # a step or an issue: the texts that take placeholders
        return [node[k] for k in ("title", "description") if isinstance(node.get(k), str)]
    return []


def test_every_translation_the_code_uses_exists() -> None:
    """Each translation key of the code is in en.json, with the placeholders the code gives."""
    found = collect()
    assert not found.problems, "the code walk could not read:\n" + "\n".join(found.problems)
    english = translations("en")
    paths = [path for path, _ in leaves(english)]
    for use in found.uses:
        if "*" in use.path:
            assert any(matches(use.path, p) for p in paths), f"{use.where}: no {use.path}"
            continue
        assert lookup(english, use.path) is not None, f"{use.where}: no {use.path} in en.json"
        if use.placeholders is not None:
            wanted = set().union(*(icu.names(text) for text in _texts(english, use.path)))
            assert wanted == set(use.placeholders), (
                f"{use.where}: {use.path} wants {sorted(wanted)}, code gives "
                f"{sorted(use.placeholders)}"
            )


def test_no_translation_is_unused() -> None:
    """Every key of en.json is used by the code, or by Home Assistant itself (IMPLICIT)."""
    found = collect()
    used = found.paths() | {f"services.{r.name}" for r in services().registered}
    used |= set(_service_selector_options())
    unused = [
        path
        for path, _ in leaves(translations("en"))
        if path != "title" and not any(matches(pattern, path) for pattern in used | IMPLICIT)
    ]
    assert not unused, f"unused translations: {unused}"


def _service_selector_options() -> list[str]:
    """`selector.<key>.options.<option>` of each select selector of services.yaml with a
    translation key (Home Assistant translates those options)."""
    described = load_yaml(INTEGRATION / "services.yaml") or {}
    paths = []
    for service in described.values():
        for spec in ((service or {}).get("fields") or {}).values():
            select = ((spec or {}).get("selector") or {}).get("select") or {}
            if key := select.get("translation_key"):
                paths += [f"selector.{key}.options.{option}" for option in select["options"]]
    return paths


def test_service_selector_options_are_translated() -> None:
    for language in LANGUAGES:
        strings = translations(language)
        for path in _service_selector_options():
            assert lookup(strings, path) is not None, f"{language}: no {path}"


def test_flow_fields_have_labels_and_descriptions() -> None:
    """Each form field of the flows has a label and a description (IQS config-flow)."""
    found = collect()
    english = translations("en")
    labelled: set[str] = set()
    for section in ("config", "options"):
        for step_id, step in english.get(section, {}).get("step", {}).items():
            for field in step.get("data", {}):
                labelled.add(field)
                assert field in step.get("data_description", {}), (
                    f"{section}.step.{step_id}.data_description.{field} is missing"
                )
    assert labelled == found.flow_fields, (
        f"form fields without labels: {found.flow_fields - labelled}; "
        f"labels of no field: {labelled - found.flow_fields}"
    )


def test_entity_translations_match_the_code() -> None:
    """Names, states and attributes of entities match what the entities can show."""
    found = collect()
    for platform, entities in translations("en").get("entity", {}).items():
        for key, entity in entities.items():
            where = f"entity.{platform}.{key}"
            assert "name" in entity, f"{where}.name"
            states = allowed_states(found, platform, key)
            if platform == "event":
                event_types = entity.get("state_attributes", {}).get("event_type", {})
                assert set(event_types.get("state", {})) == states, f"{where}: event types"
            elif states is not None and platform not in ("binary_sensor", "lock", "switch"):
                assert set(entity.get("state", {})) == states, f"{where}: enum options"
            else:
                allowed = (states or set()) | found.strings.get(platform, set())
                extra = set(entity.get("state", {})) - allowed
                assert not extra, f"{where}: states the code never sets: {extra}"
            attributes = set(entity.get("state_attributes", {})) - {"event_type"}
            extra = attributes - found.strings.get(platform, set())
            assert not extra, f"{where}: attributes the code never sets: {extra}"


def _known_states(platform: str, key: str, attribute: str | None = None) -> set[str]:
    """The states an entity (or one of its attributes) can show, for its state icons."""
    entity = translations("en")["entity"][platform][key]
    states = allowed_states(collect(), platform, key)
    if attribute is None:
        return states if states is not None else set(entity.get("state", {}))
    if attribute == "event_type":
        return states or set()
    return set(entity.get("state_attributes", {}).get(attribute, {}).get("state", {}))


def test_icons() -> None:
    """icons.json: mdi icons for translated entities and for every action."""
    icons = load_json(INTEGRATION / "icons.json")
    english = translations("en")
    assert set(icons) <= {"entity", "services", "config", "options", "issues"}
    for platform, entities in icons.get("entity", {}).items():
        for key, icon in entities.items():
            where = f"icons.json entity.{platform}.{key}"
            assert lookup(english, f"entity.{platform}.{key}") is not None, f"{where}: unknown"
            assert set(icon) <= {"default", "state", "state_attributes", "range"}, where
            _check_icon_states(where, icon, _known_states(platform, key))
            for attribute, attribute_icon in icon.get("state_attributes", {}).items():
                known = _known_states(platform, key, attribute)
                _check_icon_states(f"{where}.{attribute}", attribute_icon, known)
    registered = {registration.name for registration in services().registered}
    assert set(icons.get("services", {})) == registered, "one icon per action"
    for name, icon in icons.get("services", {}).items():
        assert isinstance(icon, dict), f'services.{name}: {{"service": "mdi:..."}}'
        assert MDI.match(icon.get("service", "")), f"services.{name}"


def _check_icon_states(where: str, icon: dict[str, Any], known: set[str]) -> None:
    if "default" in icon:
        assert MDI.match(icon["default"]), f"{where}: {icon['default']}"
    for state, value in icon.get("state", {}).items():
        assert MDI.match(value), f"{where}.{state}: {value}"
        assert state in known, f"{where}: icon for unknown state {state!r}"
        assert value != icon.get("default"), f"{where}.{state}: same as the default icon"


def test_services() -> None:
    """services.yaml describes exactly the registered actions, translated in both languages."""
    found = services()
    assert not found.problems, "\n".join(found.problems)
    registered = {registration.name for registration in found.registered}
    path = INTEGRATION / "services.yaml"
    if not registered:
        assert not path.exists(), "services.yaml without registered actions"
        return
    assert path.is_file(), "actions are registered but there is no services.yaml"
    described = load_yaml(path) or {}
    assert set(described) == registered, "services.yaml and the registered actions differ"
    for language in LANGUAGES:
        strings = translations(language).get("services", {})
        assert set(strings) == registered, f"{language}: services differ from the actions"
        for name, service in described.items():
            fields = {
                field: spec
                for field, spec in ((service or {}).get("fields") or {}).items()
                if "fields" not in (spec or {})  # sections are not fields
            }
            assert set(strings[name].get("fields", {})) == set(fields), f"{language}: {name}"
            for spec in fields.values():
                if spec and "selector" in spec:
                    selector.validate_selector(spec["selector"])
            if service and service.get("target"):
                selector.TargetSelector.CONFIG_SCHEMA(service["target"])


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
def test_no_plural_or_select_arguments(language: str) -> None:
    """Home Assistant checks a non-English string's placeholders with Python's str.format
    parser (helpers/translation.py, `_validate_placeholders`), which logs an ERROR for an ICU
    `{n, plural, ...}` or `{x, select, ...}` argument: on a Chinese server, each would be an
    error in the log. Counts are written as plain placeholders instead."""
    import string

    for path, value in leaves(translations(language)):
        try:
            list(string.Formatter().parse(value))
        except ValueError as err:
            raise AssertionError(f"{language} {path}: {err}") from None


def _descriptions_with_device_class() -> set[tuple[str, str]]:
    """(platform, translation key) of every entity description whose device class has an icon.

    Read from the platform modules' description objects (any `EntityDescription` at module
    level, alone or in a tuple), so that a new platform is checked without being listed here.
    `enum` sensors have no icon of their own: their state icons are the integration's.
    """
    platforms = {platform.value for platform in Platform}
    found: set[tuple[str, str]] = set()
    for path in sorted(INTEGRATION.glob("*.py")):
        module = importlib.import_module(f"custom_components.se5.{path.stem}")
        platform = path.stem if path.stem in platforms else path.stem.split("_")[0]
        for value in vars(module).values():
            items = value if isinstance(value, tuple) else (value,)
            for item in items:
                # By name: Home Assistant rebuilds some description classes (isinstance fails).
                described = type(item).__name__.endswith("EntityDescription")
                device_class = getattr(item, "device_class", None)
                if described and device_class not in (None, "enum"):
                    found.add((platform, item.translation_key or item.key))
    return found


def test_no_icon_overrides_a_device_class() -> None:
    """An entity with a device class takes the device class's icon (icon-translations)."""
    icons = load_json(INTEGRATION / "icons.json").get("entity", {})
    with_class = _descriptions_with_device_class()
    # The check reads the descriptions at all, of every module (sensor_health.py included).
    assert {("sensor", "boot_time"), ("binary_sensor", "event_stream")} <= with_class
    overrides = {(p, k) for p, entities in icons.items() for k in entities} & with_class
    assert not overrides, f"icons.json overrides the device class's icon: {sorted(overrides)}"
