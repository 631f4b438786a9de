"""Text from the box, made inert in the Markdown of repair and flow descriptions.

Home Assistant renders those descriptions as Markdown: a device named `[open](http://…)` or
`![x](http://…/track.png)` would become a link, or an image fetched from anywhere by the
browser showing it. Every ASCII punctuation mark Markdown (or HTML) gives a meaning to is
escaped with a backslash, which CommonMark renders as the mark itself; `:`, `.` and `@` too,
so that no address becomes a link. Line breaks become spaces.

Titles (of repairs, steps, entries) are plain text in Home Assistant's frontend: their
placeholders stay as they are, and a description that names the same thing uses its own
placeholder.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&:@\"'=/^$%])")
_BREAKS = re.compile(r"[\r\n\t\v\f\x00-\x1f\x7f\u2028\u2029]+")


def markdown_text(value: object) -> str:
    """`value` as text that Markdown shows as it is (see the module docstring)."""
    return _SPECIAL.sub(r"\\\1", _BREAKS.sub(" ", str(value)))
