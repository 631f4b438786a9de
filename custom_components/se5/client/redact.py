"""Credentials out of URLs (device stream URLs in diagnostics)."""

from __future__ import annotations

import re

REDACTED = "**REDACTED**"
"""What stands for a secret (the same text as Home Assistant's diagnostics)."""

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# A parameter whose name holds one of these words, anywhere in the URL (cameras also put
# `user=admin&password=...` in the path), up to the next & ; # or white space.
_SECRET_PARAM = re.compile(
    r"(?i)(?P<name>[^?&;/#=\s]*(?:user|pass|pwd|token|key|secret|auth|sig|session|cred|login"
    r"|cookie)[^?&;/#=\s]*=)(?P<value>[^&;#\s]+)"
)


def redact_url(url: str) -> str:
    """`url` without credentials: its user info and the values of secret-looking parameters.

    User info is everything between the scheme and the LAST `@` (camera passwords hold `@`,
    `/`, `?` or `#` unencoded), so an `@` in a query hides the host too: more hidden, never
    less. Parameters named like user, pass(word), pwd, token, (api)key, secret, auth, sig,
    session, cred(ential), login or cookie keep their name and lose their value, wherever
    they are (query, path or fragment). Works on any text, URL or not.
    """
    scheme = _SCHEME.match(url)
    start = scheme.end() if scheme else 0
    at = url.rfind("@", start)
    if at >= 0:
        url = url[:start] + REDACTED + url[at:]
        start += len(REDACTED)
    return url[:start] + _SECRET_PARAM.sub(rf"\g<name>{REDACTED}", url[start:])
