"""What the integration's code asks of its translation files, found by reading the code.

Each module of custom_components/se5 (not client/, which knows nothing of Home Assistant) is
parsed with `ast` and imported, so that names are resolved to their values the way Python sees
them (`translation_key=DOMAIN_ERROR`, `Platform.SENSOR`, f-strings with `{DOMAIN}`). What cannot
be resolved is reported as a problem instead of being guessed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
import importlib
import inspect
from pathlib import Path
from types import ModuleType
from typing import Any

from homeassistant.const import Platform

ROOT = Path(__file__).resolve().parents[2]
INTEGRATION = ROOT / "custom_components" / "se5"
PACKAGE = "custom_components.se5"
PLATFORMS = frozenset(platform.value for platform in Platform)
UNRESOLVED: Any = object()


@dataclass(frozen=True)
class Use:
    """A translation the code needs: a dotted path in en.json, `*` standing for any key."""

    path: str
    where: str
    placeholders: frozenset[str] | None = None
    """The placeholders the code supplies with it, when they can be read from the code."""


@dataclass
class Module:
    """One module of the integration: its source tree and its imported namespace."""

    name: str
    path: Path
    tree: ast.Module
    module: ModuleType

    @property
    def stem(self) -> str:
        """`sensor` for custom_components/se5/sensor.py."""
        return self.path.stem

    def where(self, node: ast.AST) -> str:
        """`sensor.py:42`."""
        return f"{self.path.relative_to(INTEGRATION)}:{getattr(node, 'lineno', '?')}"

    def resolve(self, node: ast.AST | None) -> Any:
        """The value of an expression made of literals and module-level names, or UNRESOLVED."""
        return _resolve(node, vars(self.module))


def _resolve(node: ast.AST | None, namespace: dict[str, Any]) -> Any:
    if node is None:
        return None
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return namespace.get(node.id, UNRESOLVED)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, namespace)
        return UNRESOLVED if base is UNRESOLVED else getattr(base, node.attr, UNRESOLVED)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                resolved = _resolve(value.value, namespace)
                parts.append("*" if resolved is UNRESOLVED else str(resolved))
            else:
                parts.append(str(_resolve(value, namespace)))
        return "".join(parts)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        values = [_resolve(element, namespace) for element in node.elts]
        return UNRESOLVED if UNRESOLVED in values else values
    if isinstance(node, ast.Dict):
        keys = [_resolve(key, namespace) for key in node.keys]
        return UNRESOLVED if UNRESOLVED in keys else dict.fromkeys(keys)
    return UNRESOLVED


@cache
def modules() -> tuple[Module, ...]:
    """Every module of the integration except the HA-free client library."""
    found = []
    for path in sorted(INTEGRATION.rglob("*.py")):
        relative = path.relative_to(INTEGRATION)
        if relative.parts[0] == "client":
            continue
        dotted = ".".join((PACKAGE, *relative.with_suffix("").parts)).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        found.append(Module(dotted, path, tree, importlib.import_module(dotted)))
    return tuple(found)


def module(stem: str) -> Module | None:
    """The top-level module `stem` (`__init__`, `sensor`, ...), if the integration has it."""
    return next((m for m in modules() if m.path.parent == INTEGRATION and m.stem == stem), None)


def calls(tree: ast.AST) -> Iterator[tuple[ast.Call, str]]:
    """Every call below `tree`, with the called name (`async_abort` for `self.async_abort`)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            yield node, name


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The expression given for keyword `name`, if any."""
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def argument(call: ast.Call, position: int, name: str) -> ast.expr | None:
    """The expression of a parameter given by position or by keyword."""
    if len(call.args) > position and not isinstance(call.args[position], ast.Starred):
        return call.args[position]
    return keyword(call, name)


def functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Every function definition below `tree`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def enclosing_function(tree: ast.AST, target: ast.AST) -> str | None:
    """The name of the innermost function that contains `target`."""
    best: tuple[int, str] | None = None
    for function in functions(tree):
        inside = any(node is target for node in ast.walk(function))
        if inside and (best is None or function.lineno >= best[0]):
            best = (function.lineno, function.name)
    return None if best is None else best[1]


def placeholders(mod: Module, node: ast.expr | None) -> frozenset[str] | None:
    """The keys of a placeholder dict given in the code; empty when none; None when unknown."""
    if node is None:
        return frozenset()
    value = mod.resolve(node)
    if isinstance(value, dict):
        return frozenset(str(key) for key in value)
    return None


def strings_of(mod: Module, node: ast.expr | None) -> list[str] | None:
    """The string(s) an expression can take: a literal, a constant, or what a module-level
    function (of this module, or imported from another module of the integration) returns in
    each of its `return` statements. None when unknown."""
    value = mod.resolve(node)
    if isinstance(value, str):
        return [value]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        called = mod.resolve(node.func)
        home = next((m for m in modules() if m.name == getattr(called, "__module__", None)), mod)
        for function in home.tree.body:
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) and (
                function.name == getattr(called, "__name__", node.func.id)
            ):
                returned = [
                    home.resolve(ret.value)
                    for ret in ast.walk(function)
                    if isinstance(ret, ast.Return)
                ]
                if returned and all(isinstance(value, str) for value in returned):
                    return sorted(set(returned))
    return None


def imported_modules(mod: Module) -> list[Module]:
    """The modules of the integration that `mod` imports from (`from .x import ...`)."""
    names = {
        f"{PACKAGE}.{node.module}"
        for node in ast.walk(mod.tree)
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module
    }
    return [other for other in modules() if other.name in names]


def classes(base: type) -> Iterator[tuple[Module, type]]:
    """The classes defined in the integration that derive from `base`."""
    for mod in modules():
        for value in vars(mod.module).values():
            if (
                inspect.isclass(value)
                and value.__module__ == mod.name
                and issubclass(value, base)
                and value is not base
            ):
                yield mod, value


def class_trees(cls: type) -> Iterator[tuple[Module, ast.ClassDef]]:
    """The source of `cls` and of its bases that are defined in the integration."""
    by_name = {m.name: m for m in modules()}
    for klass in cls.__mro__:
        mod = by_name.get(klass.__module__)
        if mod is None:
            continue
        for node in ast.walk(mod.tree):
            if isinstance(node, ast.ClassDef) and node.name == klass.__name__:
                yield mod, node


@dataclass
class Registration:
    """A service action registered by the code."""

    name: str
    where: str
    function: str | None
    """The function that registers it (action-setup wants async_setup, not async_setup_entry)."""


_REGISTER = {  # called name -> (position, keyword) of the action's name
    "async_register": (1, "service"),
    "register": (1, "service"),
    "async_register_admin_service": (2, "service"),
    "async_register_entity_service": (0, "name"),
    "async_register_platform_entity_service": (2, "service_name"),
}


@dataclass
class Services:
    """The service actions the code registers."""

    registered: list[Registration] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@cache
def services() -> Services:
    """Every `hass.services.async_register`, entity service and admin service of the code."""
    found = Services()
    for mod in modules():
        for call, name in calls(mod.tree):
            if name not in _REGISTER:
                continue
            if name in ("async_register", "register") and not (
                isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Attribute)
                and call.func.value.attr == "services"
            ):
                continue
            position, kw = _REGISTER[name]
            value = mod.resolve(argument(call, position, kw))
            if not isinstance(value, str):
                found.problems.append(f"{mod.where(call)}: cannot read the action's name")
                continue
            function = enclosing_function(mod.tree, call)
            found.registered.append(Registration(value, mod.where(call), function))
    return found
