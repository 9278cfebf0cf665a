"""Secrets never leave their box: the secret values of one unit of work, masked at every exit.

A secret enters a service at a few known points: a parameter marked secret in an API's schema (when
the parameters are validated), a data source URL (when it is given or decrypted), a cep channel's
secrets (when they are given or opened). There, and only there, the value is registered with
:func:`register_secret` (or :func:`register_url_secrets` for a URL's password). Every exit then
masks whatever the scope holds, generically, once each: every log line (``opsuite_common.logging``'s
``redact``), every RPC error and response (the server pipeline), every execution record and delivery
record before it is written. A registered value is replaced by :data:`REDACTED`, in its raw,
URL-quoted, JSON-escaped and ``repr`` forms.

Scope lifetime: the server pipeline opens a fresh scope per RPC (:func:`secret_scope`); background
workers open one per unit of work (cep's dispatcher: one per delivery). The scope lives in a
``ContextVar``: child asyncio tasks (a workflow's parallel steps, ``asyncio.gather``) and
``asyncio.to_thread`` copy the context, i.e. share the *same* scope object, which is mutated in place,
so a secret registered in a nested step is masked at the parent's exits too. Outside any scope
:func:`register_secret` does nothing (and there is nothing to mask).

Values shorter than :data:`MIN_SECRET_CHARS` (4) are not registered: masking every ``"ab"`` in a
response would mangle it while protecting nothing a guess would not find. When a scope holds nothing,
every scrub is one attribute check.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlsplit

__all__ = [
    "MIN_SECRET_CHARS",
    "REDACTED",
    "SecretScope",
    "current_scope",
    "is_password_key",
    "mask_url",
    "register_secret",
    "register_url_secrets",
    "scrub",
    "scrub_value",
    "secret_scope",
    "url_secrets",
]

#: The one marker every masked secret is replaced with (re-exported by ``opsuite_common.logging``).
REDACTED = "***"

#: Shorter values are not registered (see the module docstring).
MIN_SECRET_CHARS = 4

#: Query-string keys whose value is a credential in a DSN or URL (``?password=``, ``sslpassword``...).
_PASSWORD_KEY_RE = re.compile(
    r"passw(?:or)?d|passwd|pwd|^pass$|secret|token|api[_-]?key|credential|private[_-]?key",
    re.IGNORECASE,
)

_MAX_DEPTH = 64


def is_password_key(key: str) -> bool:
    """Whether a URL query key names a credential (password, passwd, pwd, sslpassword, token...)."""
    return _PASSWORD_KEY_RE.search(key) is not None


def _forms(value: str) -> set[str]:
    """Every spelling of ``value`` that may appear in text we emit."""
    forms = {
        value,
        quote(value, safe=""),
        quote_plus(value, safe=""),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        repr(value)[1:-1],
    }
    return {f for f in forms if len(f) >= MIN_SECRET_CHARS}


class SecretScope:
    """The secret values registered in one unit of work (an RPC, a delivery) and the masking of them.

    Registering only stores the value; the forms and the pattern are built on the next use, once for
    however many values were added since (so n registrations cost one compile, not n).
    """

    __slots__ = ("_forms", "_forms_bytes", "_pattern", "_stale", "_values")

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._forms: tuple[str, ...] = ()
        self._forms_bytes: tuple[bytes, ...] = ()
        self._pattern: re.Pattern[str] | None = None
        self._stale = False

    def __bool__(self) -> bool:
        return bool(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def add(self, value: object) -> None:
        """Register ``value`` (its text; shorter than MIN_SECRET_CHARS or empty: ignored)."""
        if value is None or isinstance(value, bool):
            return
        text = value if isinstance(value, str) else str(value)
        if len(text) < MIN_SECRET_CHARS or text in self._values:
            return
        self._values.add(text)
        self._stale = True

    def _compiled(self) -> re.Pattern[str] | None:
        if self._stale:
            forms: set[str] = set()
            for value in self._values:
                forms |= _forms(value)
            # Longest first, so a secret that contains another is masked whole.
            self._forms = tuple(sorted(forms, key=lambda f: (-len(f), f)))
            self._forms_bytes = tuple(f.encode() for f in self._forms)
            self._pattern = re.compile("|".join(re.escape(f) for f in self._forms)) if self._forms else None
            self._stale = False
        return self._pattern

    def scrub(self, text: str) -> str:
        """``text`` with every registered value (in any of its forms) replaced by REDACTED."""
        pattern = self._compiled()
        if pattern is None or not text:
            return text
        return pattern.sub(REDACTED, text)

    def contains(self, data: str | bytes) -> bool:
        """Whether ``data`` holds any registered value (a cheap check before a costly walk)."""
        if self._compiled() is None:
            return False
        if isinstance(data, bytes):
            return any(f in data for f in self._forms_bytes)
        return any(f in data for f in self._forms)

    def scrub_value(self, value: Any, _depth: int = 0) -> Any:
        """A copy of a JSON-like ``value`` (dicts, lists, tuples, strings) with every string scrubbed.

        Keys are scrubbed too; other objects (numbers, datetimes...) are returned as they are.
        """
        if self._compiled() is None:
            return value
        if isinstance(value, str):
            return self.scrub(value)
        if _depth > _MAX_DEPTH:
            return value
        if isinstance(value, Mapping):
            return {
                (self.scrub(k) if isinstance(k, str) else k): self.scrub_value(v, _depth + 1) for k, v in value.items()
            }
        if isinstance(value, list | tuple):
            return [self.scrub_value(v, _depth + 1) for v in value]
        return value


_SCOPE: ContextVar[SecretScope | None] = ContextVar("opsuite_secret_scope", default=None)


def current_scope() -> SecretScope | None:
    """The scope of the running unit of work, or None outside any."""
    return _SCOPE.get()


@contextmanager
def secret_scope() -> Iterator[SecretScope]:
    """Open a fresh scope for the ``with`` block (one RPC, one background unit of work)."""
    token = _SCOPE.set(SecretScope())
    try:
        yield _SCOPE.get()  # type: ignore[misc]
    finally:
        _SCOPE.reset(token)


def register_secret(value: object) -> None:
    """Register a secret value where it enters (no-op outside a scope, or when too short)."""
    scope = _SCOPE.get()
    if scope is not None:
        scope.add(value)


def _database_password(url: str) -> str | None:
    """The password as SQLAlchemy reads a database URL (``[^@]*`` after the user: '/', '?' and '#' included,
    where ``urlsplit`` would end the authority early); None for http(s) or text that is not such a URL."""
    if url.split(":", 1)[0].lower() in ("http", "https", ""):
        return None
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).password
    except (ArgumentError, ValueError, TypeError):
        return None


def url_secrets(url: str) -> list[str]:
    """The credentials inside ``url``: the userinfo password and password-like query values."""
    found: list[str] = []
    database_password = _database_password(url)
    if database_password:
        found += [database_password, quote(database_password, safe="")]
    try:
        parts = urlsplit(url)
    except ValueError:
        return found
    userinfo = parts.netloc.rpartition("@")[0]
    if ":" in userinfo:
        raw = userinfo.split(":", 1)[1]
        found += [raw, unquote(raw)]
    try:
        pairs = parse_qsl(parts.query, keep_blank_values=False)
    except ValueError:
        pairs = []
    for key, value in pairs:
        if is_password_key(key):
            found.append(value)
    for raw_pair in parts.query.split("&"):
        key, sep, value = raw_pair.partition("=")
        if sep and is_password_key(unquote(key)):
            found.append(value)
    return [v for v in found if v]


def register_url_secrets(url: str) -> None:
    """Register the password (userinfo or ``?password=``-like query values) of a URL or DSN."""
    scope = _SCOPE.get()
    if scope is not None:
        for value in url_secrets(url):
            scope.add(value)


def scrub(text: str) -> str:
    """``text`` with the current scope's secrets masked (unchanged outside a scope)."""
    scope = _SCOPE.get()
    return text if scope is None else scope.scrub(text)


def scrub_value(value: Any) -> Any:
    """A JSON-like value with the current scope's secrets masked in every string (as is outside a scope)."""
    scope = _SCOPE.get()
    return value if scope is None else scope.scrub_value(value)


def mask_url(url: str) -> str:
    """``url`` for display: the userinfo password and password-like query values replaced by REDACTED.

    Everything else is kept as written (user, host, port, path, other options). Text that does not
    parse as a URL is masked whole. A database URL whose password holds an unencoded '/', '?' or '#' is
    masked as its driver reads it.
    """
    database_password = _database_password(url)
    if database_password and database_password != REDACTED:
        for raw in sorted({database_password, quote(database_password, safe="")}, key=len, reverse=True):
            url = url.replace(f":{raw}@", f":{REDACTED}@", 1)
        if _database_password(url) != REDACTED:
            return REDACTED  # the password is spelled some other way: show nothing rather than it
    try:
        parts = urlsplit(url)
    except ValueError:
        return REDACTED
    netloc = parts.netloc
    userinfo, at, host = netloc.rpartition("@")
    if at and ":" in userinfo:
        netloc = f"{userinfo.split(':', 1)[0]}:{REDACTED}@{host}"
    query = parts.query
    if query:
        pairs = []
        for pair in query.split("&"):
            key, sep, _value = pair.partition("=")
            pairs.append(f"{key}={REDACTED}" if sep and is_password_key(unquote(key)) else pair)
        query = "&".join(pairs)
    if netloc == parts.netloc and query == parts.query:
        return url
    prefix = f"{parts.scheme}:" if parts.scheme else ""
    out = f"{prefix}//{netloc}{parts.path}" if "//" in url else f"{prefix}{parts.path}"
    if query:
        out += f"?{query}"
    if parts.fragment:
        out += f"#{parts.fragment}"
    return out
