"""ICU MessageFormat, as Home Assistant's frontend reads translations (intl-messageformat).

Enough of the syntax to find every argument of a string and to reject what the frontend would
fail on or show wrongly: unbalanced braces, unknown argument types, plural or select without an
`other` option, bad plural selectors, tags (HTML) and unterminated quotes.
"""

from __future__ import annotations

from dataclasses import dataclass
import re

ARGUMENT_TYPES = frozenset({"number", "date", "time", "plural", "select", "selectordinal"})
PLURAL_SELECTORS = frozenset({"zero", "one", "two", "few", "many", "other"})
_NAME = re.compile(r"\s*([A-Za-z_]\w*)\s*")
_SELECTOR = re.compile(r"\s*(offset:\s*\d+|=\d+|[A-Za-z_][\w-]*)\s*")


class IcuError(ValueError):
    """The string is not valid ICU MessageFormat."""


@dataclass(frozen=True)
class Argument:
    """One `{name}` or `{name, type, ...}` of a message."""

    name: str
    kind: str | None
    """None for a simple `{name}`, else the type: plural, select, number, ..."""


def arguments(message: str) -> list[Argument]:
    """Every argument of `message`, in order; raises IcuError on invalid syntax."""
    parser = _Parser(message)
    parser.message(in_plural=False)
    if parser.pos != len(message):
        raise IcuError(f"unexpected '}}' at {parser.pos}")
    return parser.found


def names(message: str) -> set[str]:
    """The argument names of `message`."""
    return {argument.name for argument in arguments(message)}


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.found: list[Argument] = []

    def _fail(self, what: str) -> IcuError:
        return IcuError(f"{what} at {self.pos} in {self.text!r}")

    def message(self, *, in_plural: bool) -> None:
        """Text up to an unmatched `}` or the end."""
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "}":
                return
            if char == "{":
                self._argument(in_plural=in_plural)
            elif char == "'":
                self._apostrophe(in_plural=in_plural)
            elif char == "<" and re.match(r"</?[A-Za-z]", text[self.pos : self.pos + 2]):
                raise self._fail("tag (HTML)")
            else:
                self.pos += 1

    def _apostrophe(self, *, in_plural: bool) -> None:
        """`''` is one apostrophe; `'` before a syntax character quotes up to the next `'`."""
        following = self.text[self.pos + 1 : self.pos + 2]
        if following == "'":
            self.pos += 2
        elif following in ("{", "}") or (in_plural and following == "#"):
            end = self.pos + 1
            while True:
                end = self.text.find("'", end)
                if end < 0:
                    raise self._fail("unterminated quote")
                if self.text[end + 1 : end + 2] != "'":
                    break
                end += 2
            self.pos = end + 1
        else:
            self.pos += 1

    def _expect(self, char: str) -> None:
        if self.text[self.pos : self.pos + 1] != char:
            raise self._fail(f"expected {char!r}")
        self.pos += 1

    def _argument(self, *, in_plural: bool) -> None:
        self.pos += 1
        match = _NAME.match(self.text, self.pos)
        if match is None:
            raise self._fail("bad argument name")
        name = match.group(1)
        self.pos = match.end()
        if self.text[self.pos : self.pos + 1] == "}":
            self.pos += 1
            self.found.append(Argument(name, None))
            return
        self._expect(",")
        match = _NAME.match(self.text, self.pos)
        kind = match.group(1) if match else None
        if match is None or kind not in ARGUMENT_TYPES:
            raise self._fail(f"unknown argument type {kind!r}")
        self.pos = match.end()
        self.found.append(Argument(name, kind))
        if kind in ("number", "date", "time"):
            if self.text[self.pos : self.pos + 1] == ",":
                end = self.text.find("}", self.pos)
                if end < 0:
                    raise self._fail("unterminated argument")
                self.pos = end
            self._expect("}")
            return
        self._expect(",")
        self._options(name, kind, in_plural=in_plural)

    def _options(self, name: str, kind: str, *, in_plural: bool) -> None:
        seen: set[str] = set()
        while True:
            if self.text[self.pos : self.pos + 1] == "}" and seen:
                self.pos += 1
                break
            match = _SELECTOR.match(self.text, self.pos)
            if match is None:
                raise self._fail(f"bad option of {name!r}")
            selector = match.group(1)
            self.pos = match.end()
            if selector.startswith("offset:"):
                if kind == "select" or seen:
                    raise self._fail("offset: only first, and only in plural")
                continue
            if (
                kind != "select"
                and not selector.startswith("=")
                and (selector not in PLURAL_SELECTORS)
            ):
                raise self._fail(f"plural selector {selector!r}")
            if selector in seen:
                raise self._fail(f"duplicate option {selector!r}")
            seen.add(selector)
            self._expect("{")
            self.message(in_plural=in_plural or kind != "select")
            self._expect("}")
            while self.text[self.pos : self.pos + 1].isspace():
                self.pos += 1
        if "other" not in seen:
            raise IcuError(f"{kind} argument {name!r} has no 'other' option in {self.text!r}")
