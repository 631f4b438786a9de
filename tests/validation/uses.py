"""The translation keys the integration's code uses, with where and which placeholders."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from homeassistant import config_entries
from homeassistant.components.lock import LockState
from homeassistant.components.repairs import RepairsFlow
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity import Entity, EntityDescription

from .walk import (
    INTEGRATION,
    PLATFORMS,
    Module,
    Use,
    argument,
    calls,
    class_trees,
    classes,
    enclosing_function,
    imported_modules,
    keyword,
    module,
    modules,
    placeholders,
    strings_of,
)

_ISSUE_CALLS = frozenset({"async_create_issue", "create_issue"})
_FLOW_SECTIONS: list[tuple[type, str]] = [
    (config_entries.ConfigFlow, "config"),
    (config_entries.OptionsFlow, "options"),
]
if (subentry_flow := getattr(config_entries, "ConfigSubentryFlow", None)) is not None:
    _FLOW_SECTIONS.append((subentry_flow, "config_subentries.*"))


@dataclass(frozen=True)
class Described:
    """An entity description found at module level of a platform."""

    platform: str
    description: Any
    """An EntityDescription of the platform."""
    where: str


@dataclass
class Uses:
    """Everything the code needs from translations/en.json."""

    uses: list[Use] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    descriptions: list[Described] = field(default_factory=list)
    entity_classes: list[tuple[str, type[Entity]]] = field(default_factory=list)
    flow_fields: set[str] = field(default_factory=set)
    strings: dict[str, set[str]] = field(default_factory=dict)
    """Per platform: string constants of the module and the keys of its dict literals."""

    def paths(self) -> set[str]:
        """The dotted paths used."""
        return {use.path for use in self.uses}


def is_description(value: Any) -> bool:
    """An entity description (Home Assistant swaps the classes of frozen ones, so no isinstance)."""
    return any(klass.__name__ == EntityDescription.__name__ for klass in type(value).__mro__)


def _descriptions(value: Any, depth: int = 0) -> Iterator[Any]:
    if is_description(value):
        yield value
    elif depth < 2 and isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _descriptions(item, depth + 1)
    elif depth < 2 and isinstance(value, dict):
        for item in value.values():
            yield from _descriptions(item, depth + 1)


def _entities(found: Uses) -> None:
    """Entity descriptions and entity classes of the platform modules."""
    seen: set[int] = set()
    for mod in modules():
        if mod.stem not in PLATFORMS or mod.path.parent != INTEGRATION:
            continue
        constants: set[str] = set()
        for name, value in vars(mod.module).items():
            if isinstance(value, str) and not name.startswith("__"):
                constants.add(value)
            for description in _descriptions(value):
                if id(description) in seen:
                    continue
                seen.add(id(description))
                found.descriptions.append(Described(mod.stem, description, f"{mod.stem}.py"))
                if description.translation_key is not None:
                    path = f"entity.{mod.stem}.{description.translation_key}"
                    found.uses.append(Use(path, f"{mod.stem}.py ({description.key})"))
        for node in ast.walk(mod.tree):
            if isinstance(node, ast.Dict):
                keys = (mod.resolve(key) for key in node.keys)
                constants.update(key for key in keys if isinstance(key, str))
        found.strings[mod.stem] = constants
    for mod, cls in classes(Entity):
        if mod.stem not in PLATFORMS:
            continue
        found.entity_classes.append((mod.stem, cls))
        for tree_mod, tree in class_trees(cls):
            for node in ast.walk(tree):
                target = node.targets[0] if isinstance(node, ast.Assign) else None
                if isinstance(node, ast.AnnAssign):
                    target = node.target
                if getattr(target, "id", getattr(target, "attr", None)) == "_attr_translation_key":
                    key = tree_mod.resolve(node.value)
                    where = tree_mod.where(node)
                    if not isinstance(key, str):
                        found.problems.append(f"{where}: _attr_translation_key is not a constant")
                        continue
                    found.uses.append(Use(f"entity.{mod.stem}.{key}", where))


def _translation_keys(mod: Module, found: Uses) -> None:
    """`translation_key=` in calls: exceptions, issues, devices, selectors, descriptions."""
    for call, name in calls(mod.tree):
        key_node = keyword(call, "translation_key")
        if key_node is None:
            continue
        key = mod.resolve(key_node)
        where = mod.where(call)
        if name.endswith("EntityDescription"):
            # Module-level descriptions are read from the module in _entities; this also finds
            # those built inside functions, when their key is a literal or a constant.
            if isinstance(key, str) and mod.stem in PLATFORMS:
                found.uses.append(Use(f"entity.{mod.stem}.{key}", where))
            continue
        if not isinstance(key, str):
            found.problems.append(f"{where}: translation_key is not a literal or a constant")
            continue
        given = placeholders(mod, keyword(call, "translation_placeholders"))
        if name in _ISSUE_CALLS:
            found.uses.append(Use(f"issues.{key}", where, given))
        elif name == "DeviceInfo":
            found.uses.append(Use(f"device.{key}.name", where, given))
        elif name.endswith("SelectorConfig"):
            options = mod.resolve(keyword(call, "options"))
            if isinstance(options, list) and all(isinstance(o, str) for o in options):
                for option in options:
                    found.uses.append(Use(f"selector.{key}.options.{option}", where))
            else:
                found.uses.append(Use(f"selector.{key}.options.*", where))
        elif keyword(call, "translation_domain") is not None or _is_ha_error(mod, call):
            found.uses.append(Use(f"exceptions.{key}.message", where, given))
        else:
            found.problems.append(f"{where}: {name}(translation_key=...) is not understood")


def _is_ha_error(mod: Module, call: ast.Call) -> bool:
    cls = mod.resolve(call.func)
    return isinstance(cls, type) and issubclass(cls, HomeAssistantError)


def _component_references(mod: Module, found: Uses) -> None:
    """Strings such as f"component.{DOMAIN}.entity.sensor.x.state.{{}}" (logbook, ...)."""
    prefix = f"component.{mod.module.__name__.split('.')[1]}."
    for node in ast.walk(mod.tree):
        if isinstance(node, ast.Constant | ast.JoinedStr):
            value = mod.resolve(node)
            if isinstance(value, str) and value.startswith(prefix):
                path = value.removeprefix(prefix).replace("{}", "*")
                found.uses.append(Use(path, mod.where(node)))


def _flow(mod: Module, tree: ast.ClassDef, section: str, found: Uses) -> None:
    for call, name in calls(tree):
        where = mod.where(call)
        given = placeholders(mod, keyword(call, "description_placeholders"))
        if name in ("async_show_form", "async_show_menu", "async_external_step"):
            step_node = keyword(call, "step_id")
            step = mod.resolve(step_node)
            if step_node is None:  # Home Assistant takes the step being run
                step = (enclosing_function(tree, call) or "").removeprefix("async_step_")
            if not isinstance(step, str) or not step:
                found.problems.append(f"{where}: step_id is not a literal or a constant")
                continue
            found.uses.append(Use(f"{section}.step.{step}", where, given))
            options = mod.resolve(keyword(call, "menu_options"))
            for option in options if isinstance(options, list | dict) else []:
                found.uses.append(Use(f"{section}.step.{step}.menu_options.{option}", where))
        elif name == "async_show_progress":
            action = mod.resolve(keyword(call, "progress_action"))
            found.uses.append(Use(f"{section}.progress.{action}", where, given))
        elif name == "async_abort":
            _strings(mod, keyword(call, "reason"), f"{section}.abort", where, found, given)
        elif name in ("_abort_if_unique_id_configured", "_async_abort_entries_match"):
            found.uses.append(Use(f"{section}.abort.already_configured", where))
        elif name == "async_set_unique_id" and not _is_false(keyword(call, "raise_on_progress")):
            found.uses.append(Use(f"{section}.abort.already_in_progress", where))
        elif name == "_abort_if_unique_id_mismatch":
            reason = keyword(call, "reason")
            if reason is None:
                found.uses.append(Use(f"{section}.abort.unique_id_mismatch", where))
            else:
                _strings(mod, reason, f"{section}.abort", where, found, given)
        elif name == "async_update_reload_and_abort":
            reason = keyword(call, "reason")
            if reason is not None:
                _strings(mod, reason, f"{section}.abort", where, found, given)
                continue
            step = enclosing_function(tree, call) or ""
            for kind in ("reauth", "reconfigure"):
                if kind in step or not any(k in step for k in ("reauth", "reconfigure")):
                    found.uses.append(Use(f"{section}.abort.{kind}_successful", where))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value == "title_placeholders":
            found.uses.append(Use(f"{section}.flow_title", mod.where(node)))
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
            target = node.targets[0].value
            if isinstance(target, ast.Name) and target.id == "errors":
                _strings(mod, node.value, f"{section}.error", mod.where(node), found, None)
        elif (
            isinstance(node, ast.Raise)
            and isinstance(node.exc, ast.Call)
            and getattr(node.exc.func, "id", getattr(node.exc.func, "attr", "")) == "AbortFlow"
        ):
            reason = argument(node.exc, 0, "reason")
            _strings(mod, reason, f"{section}.abort", mod.where(node), found, None)


def _is_false(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _strings(
    mod: Module,
    node: ast.expr | None,
    prefix: str,
    where: str,
    found: Uses,
    given: frozenset[str] | None,
) -> None:
    values = strings_of(mod, node)
    if values is None:
        found.problems.append(f"{where}: cannot tell which {prefix} key this is")
        return
    found.uses.extend(Use(f"{prefix}.{value}", where, given) for value in values)


def _flows(found: Uses) -> None:
    for base, section in _FLOW_SECTIONS:
        for mod, cls in classes(base):
            for tree_mod, tree in class_trees(cls):
                _flow(tree_mod, tree, section, found)
            found.flow_fields |= _schema_fields(mod)
            for shared in imported_modules(mod):  # schemas built by a shared module
                found.flow_fields |= _schema_fields(shared)
    for _mod, cls in classes(RepairsFlow):
        for tree_mod, tree in class_trees(cls):
            _flow(tree_mod, tree, "issues.*.fix_flow", found)


def _schema_fields(mod: Module) -> set[str]:
    """The keys of every `vol.Required(...)` / `vol.Optional(...)` of a flow module."""
    keys = set()
    for call, name in calls(mod.tree):
        if name in ("Required", "Optional", "Exclusive", "Inclusive") and call.args:
            value = mod.resolve(call.args[0])
            if isinstance(value, str):
                keys.add(value)
    return keys


def _device_automations(found: Uses) -> None:
    for stem, kind, attribute in (
        ("device_trigger", "trigger_type", "TRIGGER_TYPES"),
        ("device_condition", "condition_type", "CONDITION_TYPES"),
        ("device_action", "action_type", "ACTION_TYPES"),
    ):
        if (mod := module(stem)) is None:
            continue
        types = getattr(mod.module, attribute, None)
        if types is None:
            found.problems.append(f"{stem}.py: list its types in a module-level {attribute}")
            continue
        for value in types:
            found.uses.append(Use(f"device_automation.{kind}.{value}", f"{stem}.py"))


@cache
def collect() -> Uses:
    """Everything the code uses from the translation files."""
    found = Uses()
    _entities(found)
    for mod in modules():
        _translation_keys(mod, found)
        _component_references(mod, found)
    _flows(found)
    _device_automations(found)
    return found


def allowed_states(found: Uses, platform: str, key: str) -> set[str] | None:
    """The states an entity can take, when the code says so (enum options, event types)."""
    for described in found.descriptions:
        description = described.description
        if described.platform != platform or description.translation_key != key:
            continue
        if platform == "event":
            return {str(kind) for kind in getattr(description, "event_types", None) or ()}
        if getattr(description, "device_class", None) == SensorDeviceClass.ENUM or (
            platform == "select"
        ):
            return {str(option) for option in getattr(description, "options", None) or ()}
    if platform == "binary_sensor":
        return {"on", "off"}
    if platform == "lock":
        return {str(state) for state in LockState}
    return None
