"""Keeping credentials out of messages: URLs as they are shown, and text scrubbed of secrets.

A secret can reach a message from many sources: the user information of a URL
(``https://user:password@host/``, or ``user:password@host/`` without a scheme), a token in a
URL's query string (``?apikey=...``), the environment or netrc credentials that a request
sends, and a server's answer that echoes the request (an ``Authorization`` header, the URL)
in any of the forms servers write text in (percent-encoded in either case, HTML-escaped,
JSON-escaped, base64). So every URL is shown through :func:`redact_url`, and every text that
comes from a server or from a failure is scrubbed by a :class:`Scrubber` *before* it is cut to
length, so that no part of a secret survives the cut. This module has no dependency beyond the
standard library.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
import urllib.parse
from collections.abc import Iterable

__all__ = ["MASK", "Scrubber", "redact_url", "url_secrets"]

#: What a secret is replaced by.
MASK = "***"

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
# An Authorization (or Proxy-Authorization) header echoed in a body: its value, to the end
# of the line, whatever the scheme (Basic, Bearer, Digest...).
_AUTHORIZATION = re.compile(r"(?i)\b((?:proxy-)?authorization)\b(\s*[:=]\s*)[^\r\n]*")
# A bearer token after its scheme word, wherever it appears.
_BEARER = re.compile(r"\bBearer\s+[A-Za-z0-9\-._~+/]+=*")
# HTTP Digest credentials (``Digest username="...", response="..."``), to the end of the line.
_DIGEST = re.compile(r"\bDigest\s+(?=[A-Za-z-]+\s*=)[^\r\n]*")
# A parameter of a path segment (``/sparql;jsessionid=...``), where servers put session tokens.
_PATH_PARAMETER = re.compile(r"(;[^/;=]*=)([^/;]+)")
_SECRET_NAME = re.compile(r"(?i)key|token|secret|pass|pwd|auth|sig|session|code|cred")


def redact_url(url: str) -> str:
    """``url`` as messages show it: whatever stands between the scheme and the last ``@``
    (user information, even when its password holds ``/``, ``?`` or ``#``) becomes ``***``,
    every value of the query string and of a path segment's parameters (``;name=value``)
    becomes ``***`` (tokens travel there), and a fragment
    becomes ``#***``. A URL without a scheme (``user:pw@host/path``) is treated alike."""
    scheme = _SCHEME.match(url)
    head = scheme.group() if scheme else ""
    rest = url[len(head) :]
    if "@" in rest:
        rest = MASK + "@" + rest.rpartition("@")[2]
    rest, hash_mark, fragment = rest.partition("#")
    rest, question, query = rest.partition("?")
    shown = head + _PATH_PARAMETER.sub(lambda match: match.group(1) + MASK, rest)
    if question:
        shown += "?" + "&".join(_mask_field(field) for field in query.split("&"))
    if hash_mark:
        shown += "#" + (MASK if fragment else "")
    return shown


def _mask_field(field: str) -> str:
    name, equals, value = field.partition("=")
    if not equals:
        return MASK if field else field
    return f"{name}={MASK}" if value else field


def url_secrets(url: str) -> list[str]:
    """The parts of ``url`` that may be secrets: its user information (and password), the
    values of its path segments' parameters and of its query string that are long (8
    characters or more) or whose names speak of a secret (``token``, ``key``, ``password``...);
    short plain values (``format=json``) are left, so that messages stay readable."""
    found: list[str] = []
    scheme = _SCHEME.match(url)
    rest = url[scheme.end() if scheme else 0 :]
    if "@" in rest:
        userinfo = rest.rpartition("@")[0]
        found.append(userinfo)
        found.append(userinfo.partition(":")[2])
    path, _, query = rest.rpartition("@")[2].partition("#")[0].partition("?")
    fields = [match.group()[1:] for match in _PATH_PARAMETER.finditer(path)]
    for field in fields + re.split(r"[&;]", query):
        name, equals, value = field.partition("=")
        if not equals:
            name, value = "", field
        if value and (len(value) >= 8 or _SECRET_NAME.search(name)):
            found.append(value)
            found.append(urllib.parse.unquote_plus(value))
    return found


class Scrubber:
    """Replaces known secrets, in every form a server may echo them (:func:`_forms`), with
    ``***``; also masks any ``Authorization`` header, bearer token and
    Digest credentials."""

    __slots__ = ("_pattern", "_secrets")

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if secret:
                forms.update(_forms(secret))
        self._set(forms)

    def _set(self, forms: set[str]) -> None:
        # Longest first, so that a secret inside another is not left half-replaced.
        self._secrets = tuple(sorted(forms, key=len, reverse=True))
        self._pattern = (
            re.compile("|".join(_pattern(form) for form in self._secrets))
            if self._secrets
            else None
        )

    def __repr__(self) -> str:
        return f"<Scrubber of {len(self._secrets)} forms>"

    def __add__(self, other: Scrubber) -> Scrubber:
        combined = Scrubber()
        combined._set(set(self._secrets) | set(other._secrets))
        return combined

    def __call__(self, text: str, limit: int | None = None) -> str:
        """``text`` without secrets, then cut to ``limit`` characters (when given)."""
        if self._pattern is not None:
            text = self._pattern.sub(MASK, text)
        text = _AUTHORIZATION.sub(lambda match: match.group(1) + match.group(2) + MASK, text)
        text = _BEARER.sub("Bearer " + MASK, text)
        text = _DIGEST.sub("Digest " + MASK, text)
        if limit is not None and len(text) > limit:
            text = text[:limit]
        return text


def _forms(secret: str) -> set[str]:
    """The forms in which a server may echo ``secret``: as given; percent-encoded with or
    without ``/`` kept, ``+`` for spaces or not; HTML-escaped; JSON-escaped (non-ASCII as
    ``\\uXXXX`` or not, ``/`` as ``\\/`` or not); its UTF-8 bytes in base64 (standard or URL-safe,
    padded or not) and in hexadecimal."""
    forms = {secret, html.escape(secret), html.escape(secret, quote=False)}
    for safe in ("", "/"):
        forms.add(urllib.parse.quote(secret, safe=safe))
        forms.add(urllib.parse.quote_plus(secret, safe=safe))
    for ascii_only in (True, False):
        escaped = json.dumps(secret, ensure_ascii=ascii_only)[1:-1]
        forms.update({escaped, escaped.replace("/", "\\/")})
    raw = secret.encode("utf-8", "surrogatepass")
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = encoded.decode("ascii")
        forms.update({text, text.rstrip("=")})
    forms.add(binascii.hexlify(raw).decode("ascii"))
    forms.discard("")
    return forms


def _pattern(form: str) -> str:
    """A regular expression of ``form`` in which the hexadecimal digits of its escapes
    (``%2F``, ``\\u00E9``) and a hexadecimal form match in either case."""
    escaped = re.escape(form)
    if re.fullmatch(r"[0-9a-f]+", form) and len(form) % 2 == 0:
        return "(?i:" + escaped + ")"
    return re.sub(
        r"%([0-9A-Fa-f])([0-9A-Fa-f])|(\\\\u)([0-9a-fA-F]{4})",
        lambda match: (
            "%" + "".join(f"[{d.lower()}{d.upper()}]" for d in match.group(1, 2))
            if match.group(1)
            else match.group(3) + "".join(f"[{d.lower()}{d.upper()}]" for d in match.group(4))
        ),
        escaped,
    )
