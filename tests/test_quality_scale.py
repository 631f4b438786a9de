"""quality_scale.yaml, the rules it marks done, and the documentation they ask for.

quality_scale.yaml must list exactly the rules of the current Integration Quality Scale
(script/hassfest/quality_scale.py in Home Assistant core). A rule marked `done` is checked where
the code or the files can show it (hassfest's own rule validators, and a few more), so that the
file stays true as the code changes. The brand images are checked in tests/test_brand.py.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
import re
import tomllib

from homeassistant.config_entries import ConfigFlow
from homeassistant.exceptions import HomeAssistantError, Unauthorized, UnknownUser
from homeassistant.helpers.entity import Entity
import pytest

from tests.validation import INTEGRATION, ROOT, leaves, load_yaml, manifest, translations
from tests.validation.uses import collect
from tests.validation.walk import (
    PLATFORMS,
    calls,
    class_trees,
    classes,
    functions,
    keyword,
    module,
    modules,
    services,
)

RULES = {  # the current scale: 54 rules
    "bronze": [
        "action-setup", "appropriate-polling", "brands", "common-modules",
        "config-flow-test-coverage", "config-flow", "dependency-transparency", "docs-actions",
        "docs-conditions", "docs-high-level-description", "docs-installation-instructions",
        "docs-removal-instructions", "docs-triggers", "entity-event-setup", "entity-unique-id",
        "has-entity-name", "runtime-data", "test-before-configure", "test-before-setup",
        "unique-config-entry",
    ],
    "silver": [
        "action-exceptions", "config-entry-unloading", "docs-configuration-parameters",
        "docs-installation-parameters", "entity-unavailable", "integration-owner",
        "log-when-unavailable", "parallel-updates", "reauthentication-flow", "test-coverage",
    ],
    "gold": [
        "devices", "diagnostics", "discovery-update-info", "discovery", "docs-data-update",
        "docs-examples", "docs-known-limitations", "docs-supported-devices",
        "docs-supported-functions", "docs-troubleshooting", "docs-use-cases", "dynamic-devices",
        "entity-category", "entity-device-class", "entity-disabled-by-default",
        "entity-translations", "exception-translations", "icon-translations",
        "reconfiguration-flow", "repair-issues", "stale-devices",
    ],
    "platinum": ["async-dependency", "inject-websession", "strict-typing"],
}  # fmt: skip
README_SECTIONS = {  # docs rule -> the README section that fulfils it
    "docs-actions": "Actions",
    "docs-conditions": "Conditions",
    "docs-configuration-parameters": "Configure",
    "docs-data-update": "How data is updated",
    "docs-examples": "Automations and blueprints",
    "docs-installation-instructions": "Install",
    "docs-installation-parameters": "Configure",
    "docs-known-limitations": "Known limitations",
    "docs-removal-instructions": "Removal",
    "docs-supported-devices": "Supported devices and firmware",
    "docs-supported-functions": "What it does",
    "docs-triggers": "Automations and blueprints",
    "docs-troubleshooting": "Troubleshooting",
    "docs-use-cases": "Automations and blueprints",
}
TROUBLESHOOTING = ROOT / "docs" / "troubleshooting.md"
"""Every message, linked from the README's Troubleshooting (which keeps the common cases)."""


def _status() -> dict[str, str]:
    rules = load_yaml(INTEGRATION / "quality_scale.yaml")["rules"]
    return {name: v if isinstance(v, str) else v["status"] for name, v in rules.items()}


def test_quality_scale_lists_every_current_rule() -> None:
    """Exactly the current rules; done or todo, or exempt with a reason."""
    data = load_yaml(INTEGRATION / "quality_scale.yaml")
    assert set(data) == {"rules"}
    everything = [rule for tier in RULES.values() for rule in tier]
    assert len(everything) == len(set(everything)) == 54
    assert set(data["rules"]) == set(everything), (
        f"missing {set(everything) - set(data['rules'])}, "
        f"unknown {set(data['rules']) - set(everything)}"
    )
    for name, value in data["rules"].items():
        if isinstance(value, str):
            assert value in ("done", "todo"), f"{name}: exempt needs a comment"
            continue
        assert set(value) == {"status", "comment"}, name
        assert value["status"] in ("done", "todo", "exempt"), name
        assert isinstance(value["comment"], str), name
        assert value["comment"].strip(), f"{name}: empty comment"


def _readme_sections() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2], strict=True)}


def _function(stem: str, name: str) -> ast.AsyncFunctionDef | ast.FunctionDef | None:
    mod = module(stem)
    nodes = [] if mod is None else mod.tree.body
    return next((f for f in nodes if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
                 and f.name == name), None)  # fmt: skip


def _flow_defines(method: str) -> bool:
    return any(
        any(isinstance(f, ast.AsyncFunctionDef) and f.name == method for f in tree.body)
        for _mod, cls in classes(ConfigFlow)
        for _tree_mod, tree in class_trees(cls)
    )


def _calls_anywhere(*names: str) -> bool:
    return any(name in names for mod in modules() for _call, name in calls(mod.tree))


def _check_docs(rule: str) -> list[str]:
    sections = _readme_sections()
    title = README_SECTIONS[rule]
    if title not in sections:
        return [f"README has no '## {title}' section"]
    body = sections[title]
    errors = []
    if rule == "docs-triggers":
        triggers = module("device_trigger")
        kinds = getattr(triggers.module, "TRIGGER_TYPES", []) if triggers else []
        errors += [f"device trigger {k} is not documented" for k in kinds if f"`{k}`" not in body]
    if rule == "docs-actions":
        names = [r.name for r in services().registered]
        errors += [f"action {name} is not documented" for name in names if name not in body]
    if rule == "docs-examples" and "blueprint" not in body.lower():
        errors.append("the rule asks for blueprints: link one")
    if rule == "docs-troubleshooting":
        if "(docs/troubleshooting.md)" not in body:
            errors.append("Troubleshooting does not link docs/troubleshooting.md")
        errors += _undocumented_errors(body + TROUBLESHOOTING.read_text(encoding="utf-8"))
    return errors


def _undocumented_errors(body: str) -> list[str]:
    """Every error text the flows and set-up can show appears in the troubleshooting section."""
    text = " ".join(body.split())
    errors = []
    for path, value in leaves(translations("en")):
        if not re.match(r"(config|options)\.(error|abort)\.|exceptions\.", path):
            continue
        if path.endswith("_successful"):
            continue
        fragments = (" ".join(f.split()).strip(" .:") for f in re.split(r"\{\w+\}", value))
        errors += [
            f"{path}: '{fragment}' is not in Troubleshooting (README or docs/troubleshooting.md)"
            for fragment in fragments
            if len(fragment) > 3 and fragment not in text
        ]
    return errors


def _check_entity_classes(attribute: str) -> list[str]:
    """Entity classes of the platforms that never set `attribute` in their own code."""
    missing = []
    for mod, cls in classes(Entity):
        if mod.stem not in PLATFORMS:
            continue
        source = "\n".join(ast.unparse(tree) for _m, tree in class_trees(cls))
        if attribute == "_attr_has_entity_name":
            found = "_attr_has_entity_name = True" in source
        else:
            found = re.search(
                rf"\b{attribute}\b\s*=|def {attribute.removeprefix('_attr_')}\(", source
            )
        if not found:
            missing.append(f"{cls.__name__} does not set {attribute}")
    return missing


TYPED_ENTRY = re.compile(r"^[A-Za-z][A-Za-z0-9]+ConfigEntry$")
TYPED_FUNCTIONS = {  # hassfest's runtime-data check: module -> functions taking the entry second
    "__init__": (
        "async_setup_entry",
        "async_unload_entry",
        "async_migrate_entry",
        "async_remove_entry",
        "async_remove_config_entry_device",
    ),
    "diagnostics": ("async_get_config_entry_diagnostics", "async_get_device_diagnostics"),
    **dict.fromkeys(PLATFORMS, ("async_setup_entry",)),
}


def _typed(argument: ast.arg | None) -> bool:
    annotation = getattr(argument, "annotation", None)
    return isinstance(annotation, ast.Name) and bool(TYPED_ENTRY.match(annotation.id))


def _check_typed_entry() -> list[str]:
    """hassfest (runtime-data with strict-typing): config entry arguments use the typed alias."""
    errors = []
    for stem, names in TYPED_FUNCTIONS.items():
        for name in names:
            function = _function(stem, name)
            arguments = function.args.args if function is not None else []
            if function is not None and not _typed(arguments[1] if len(arguments) > 1 else None):
                errors.append(f"{stem}.{name} does not use the typed config entry")
    flow = module("config_flow")
    errors += [
        "config_flow.async_get_options_flow does not use the typed entry"
        for function in (functions(flow.tree) if flow else [])
        if function.name == "async_get_options_flow"
        and not _typed(function.args.args[0] if function.args.args else None)
    ]
    return errors


def _raises_without_translation() -> list[str]:
    errors = []
    for mod in modules():
        for node in ast.walk(mod.tree):
            if not isinstance(node, ast.Raise) or node.exc is None:
                continue
            call = node.exc if isinstance(node.exc, ast.Call) else None
            cls = mod.resolve(call.func if call else node.exc)
            if (
                isinstance(cls, type)
                and issubclass(cls, HomeAssistantError)
                # Home Assistant's own permission errors, raised as its admin actions raise
                # them (compat.py: 2025.4's admin wrapper drops an action's response).
                and not issubclass(cls, Unauthorized | UnknownUser)
                and (call is None or keyword(call, "translation_key") is None)
            ):
                errors.append(f"{mod.where(node)}: {cls.__name__} without translation_key")
    return errors


def _raises_setup_error() -> bool:
    """hassfest (test-before-setup): ConfigEntryNotReady, ...AuthFailed or ...Error raised."""
    wanted = {"ConfigEntryNotReady", "ConfigEntryAuthFailed", "ConfigEntryError"}
    setup = _function("__init__", "async_setup_entry")
    if setup and any(n == "async_config_entry_first_refresh" for _c, n in calls(setup)):
        return True
    for mod in modules():
        for node in ast.walk(mod.tree):
            if isinstance(node, ast.Raise) and node.exc is not None:
                target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if getattr(target, "id", getattr(target, "attr", None)) in wanted:
                    return True
    return False


def _sets_runtime_data() -> list[str]:
    setup = _function("__init__", "async_setup_entry")
    if setup is None or len(setup.args.args) != 2:
        return ["__init__.async_setup_entry(hass, entry) is missing"]
    entry = setup.args.args[1].arg
    stores = [
        node
        for node in ast.walk(setup)
        if isinstance(node, ast.Attribute)
        and node.attr == "runtime_data"
        and isinstance(node.ctx, ast.Store)
        and getattr(node.value, "id", None) == entry
    ]
    return [] if stores else ["async_setup_entry does not set entry.runtime_data"]


def _discovery() -> bool:
    keys = ("bluetooth", "dhcp", "homekit", "mqtt", "ssdp", "usb", "zeroconf")
    steps = (*keys, "discovery", "hassio")
    return any(k in manifest() for k in keys) or any(
        _flow_defines(f"async_step_{s}") for s in steps
    )


def _pyproject() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _strict_typing() -> list[str]:
    mypy = _pyproject()["tool"]["mypy"]  # type: ignore[index]
    errors = [] if mypy.get("strict") is True else ["mypy is not strict"]
    if "custom_components/se5" not in mypy.get("files", []):
        errors.append("mypy does not check custom_components/se5")
    return errors + _check_typed_entry()


def _error_if(condition: bool, message: str) -> list[str]:
    return [message] if condition else []


CHECKS: dict[str, Callable[[], list[str]]] = {
    "action-setup": lambda: [
        f"{r.where}: registers {r.name} in async_setup_entry; do it in async_setup"
        for r in services().registered
        if r.function == "async_setup_entry"
    ],
    "brands": lambda: _error_if(not (INTEGRATION / "brand/icon.png").is_file(), "no icon"),
    "config-entry-unloading": lambda: _error_if(
        _function("__init__", "async_unload_entry") is None, "no async_unload_entry"
    ),
    "config-flow": lambda: _error_if(
        not (manifest().get("config_flow") and (INTEGRATION / "config_flow.py").is_file()),
        "no config flow",
    ),
    "config-flow-test-coverage": lambda: _error_if(
        "pragma: no cover" in (INTEGRATION / "config_flow.py").read_text(encoding="utf-8"),
        "config_flow.py excludes code from coverage",
    ),
    "diagnostics": lambda: _error_if(
        _function("diagnostics", "async_get_config_entry_diagnostics") is None
        and _function("diagnostics", "async_get_device_diagnostics") is None,
        "no diagnostics",
    ),
    "discovery": lambda: _error_if(not _discovery(), "no discovery key nor discovery step"),
    "discovery-update-info": lambda: _error_if(
        not any(
            keyword(call, "updates") is not None
            for call, name in calls(module("config_flow").tree)  # type: ignore[union-attr]
            if name == "_abort_if_unique_id_configured"
        ),
        "discovery never updates a known entry (_abort_if_unique_id_configured(updates=...))",
    ),
    "docs-high-level-description": lambda: _error_if(
        len((ROOT / "README.md").read_text(encoding="utf-8").split("\n## ")[0]) < 200,
        "README starts without a description",
    ),
    **{rule: (lambda rule=rule: _check_docs(rule)) for rule in README_SECTIONS},
    "entity-translations": lambda: [
        f"{d.where}: {d.description.key} has no translation_key"
        for d in collect().descriptions
        if d.description.translation_key is None
    ],
    "entity-unique-id": lambda: _check_entity_classes("_attr_unique_id"),
    "exception-translations": _raises_without_translation,
    "has-entity-name": lambda: _check_entity_classes("_attr_has_entity_name"),
    "icon-translations": lambda: _error_if(
        not (INTEGRATION / "icons.json").is_file(), "no icons.json"
    ),
    "inject-websession": lambda: _error_if(
        not _calls_anywhere("async_get_clientsession", "async_create_clientsession"),
        "the client does not get Home Assistant's session",
    ),
    "integration-owner": lambda: _error_if(not manifest().get("codeowners"), "no codeowners"),
    "parallel-updates": lambda: [
        f"{mod.stem}.py does not set PARALLEL_UPDATES"
        for mod in modules()
        if mod.stem in PLATFORMS
        and mod.path.parent == INTEGRATION
        and not any(
            isinstance(node, ast.Assign)
            and any(getattr(t, "id", None) == "PARALLEL_UPDATES" for t in node.targets)
            for node in mod.tree.body
        )
    ],
    "reauthentication-flow": lambda: _error_if(
        not _flow_defines("async_step_reauth"), "no async_step_reauth"
    ),
    "reconfiguration-flow": lambda: _error_if(
        not _flow_defines("async_step_reconfigure"), "no async_step_reconfigure"
    ),
    "repair-issues": lambda: _error_if(
        not _calls_anywhere("async_create_issue", "create_issue"), "no repair issue is raised"
    ),
    "runtime-data": _sets_runtime_data,
    "stale-devices": lambda: _error_if(
        _function("__init__", "async_remove_config_entry_device") is None,
        "no async_remove_config_entry_device",
    ),
    "strict-typing": _strict_typing,
    "test-before-setup": lambda: _error_if(not _raises_setup_error(), "set-up raises nothing"),
    "test-coverage": lambda: _error_if(
        _pyproject()["tool"]["coverage"]["report"]["fail_under"] < 95,  # type: ignore[index]
        "coverage may fall under 95 %",
    ),
    "unique-config-entry": lambda: _error_if(
        not (
            manifest().get("single_config_entry")
            or _calls_anywhere("_async_abort_entries_match")
            or (
                _calls_anywhere("async_set_unique_id")
                and _calls_anywhere("_abort_if_unique_id_configured")
            )
        ),
        "nothing prevents setting up the same box twice",
    ),
}


@pytest.mark.parametrize("rule", sorted(CHECKS))
def test_done_rule_holds(rule: str) -> None:
    """A rule marked done is true of the code and files, where they can show it."""
    status = _status()[rule]
    if status != "done":
        pytest.skip(f"{rule} is {status}")
    assert CHECKS[rule]() == []
