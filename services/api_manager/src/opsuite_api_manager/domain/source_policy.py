"""The operator's policy for data sources: which SQLite files and which database hosts a data source may open.

The operator sets it in api_manager's settings; tenants never can. It is judged when a data source is
created and again for every new connection (execution, stream, TestDataSource), so a policy tightened
after a data source was created makes that source fail with the same refusal; nothing is deleted.

- **SQLite**: the RESOLVED path (``os.path.realpath``: symlinks and ``..`` followed) must lie strictly
  under one of the roots (``{tenant}`` in a root is the caller's tenant, which must be a plain name).
  The resolved path is what gets opened, so a symlink swapped later cannot redirect the connection.
- **Network databases** (PostgreSQL, MySQL): host and port must be on the allow-list. Entries are
  ``host[:port]``, ``address[:port]`` or ``cidr[:port]`` (IPv6 in brackets when a port follows,
  ``[fd00::/8]:5432``); no port means the dialect's default port, ``*`` any port. The host is resolved
  ONCE per new connection with the ``opsuite_common.netguard`` primitives, EVERY answer is judged (one
  bad record refuses the host), and the connection goes to a judged address. An allow-listed NAME admits
  the addresses it resolves to (private ranges included) except loopback, link-local, metadata,
  unspecified and multicast ones: only an address/CIDR entry admits those, so a DNS record cannot point
  an allowed name at this host. Unix sockets and driver options that name another host or read local
  files are refused.
- **The service's own databases** (its ``database_url`` plus the operator's protected list) are never a
  data source, whatever the roots and the allow-list say: same SQLite file after ``realpath`` (or the
  same inode), same PostgreSQL host/port/database, same MySQL server.

A refusal is ``PermissionDeniedError`` with reason ``DATA_SOURCE_NOT_ALLOWED`` and a field violation on
the data source's URL; a host that does not resolve is ``ServiceUnavailableError``
(``DATA_SOURCE_UNAVAILABLE``).

The judging is pure: what it needs from the machine (resolving paths and host names, telling whether an
address is this machine's) comes through the ``Machine`` protocol, given by ``adapters.local_machine``.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from opsuite_common.errors import FieldViolation, PermissionDeniedError, ServiceUnavailableError, ValidationError
from opsuite_common.netguard.policy import (
    IPAddress,
    Resolver,
    forbidden_reason,
    host_matches,
    parse_ip_literal,
    resolve,
)

from .sql_guard import SqlDialect, dialect_for_url

__all__ = [
    "NOT_ALLOWED",
    "AllowEntry",
    "DataSourcePolicy",
    "Endpoint",
    "Machine",
    "not_allowed",
    "parse_allow_entry",
]

#: The ErrorInfo reason of every refusal.
NOT_ALLOWED = "DATA_SOURCE_NOT_ALLOWED"
#: How refusals name the settings, so a tenant can tell the operator what to change.
_ALLOW_SETTING = "the operator's data source allow-list (OPSUITE_API_MANAGER_DATA_SOURCE_ALLOW)"
_ROOTS_SETTING = "OPSUITE_API_MANAGER_SQLITE_ROOTS"
_DEFAULT_PORTS = {SqlDialect.POSTGRES: 5432, SqlDialect.MYSQL: 3306}
_BACKENDS = {"postgresql": SqlDialect.POSTGRES, "mysql": SqlDialect.MYSQL, "mariadb": SqlDialect.MYSQL}
#: Same rule as tenant names at the auth boundary: a safe single path segment.
_TENANT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
_NAME_RE = re.compile(r"^(\*\.)?[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$")
#: Driver options a data source URL may carry; anything else (host, hostaddr, service, passfile, ssl key
#: files, unix_socket, local_infile, options...) could pick another server or read the service's files.
_SAFE_QUERY = {
    SqlDialect.POSTGRES: frozenset(
        {
            "sslmode",
            "application_name",
            "client_encoding",
            "target_session_attrs",
            "channel_binding",
            "gssencmode",
            "keepalives",
            "keepalives_idle",
            "keepalives_interval",
            "keepalives_count",
        }
    ),
    SqlDialect.MYSQL: frozenset({"charset"}),
}
#: What an allow-listed host NAME never admits (``forbidden_reason`` wording, embedded IPv4 forms included).
_ADDRESS_ONLY = ("metadata", "loopback", "link-local", "unspecified", "multicast")


def not_allowed(message: str, field: str) -> PermissionDeniedError:
    """The refusal every policy check raises: PERMISSION_DENIED, DATA_SOURCE_NOT_ALLOWED, on ``field``."""
    return PermissionDeniedError(message, reason=NOT_ALLOWED, field_violations=[FieldViolation(field, message)])


@dataclass(frozen=True, slots=True)
class AllowEntry:
    """One allow-list entry: a host name (exact or ``*.suffix``) or a network, and a port rule."""

    name: str | None
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None
    port: int | None  # None: the dialect's default port
    any_port: bool = False

    def port_matches(self, port: int, default: int) -> bool:
        """Whether this entry covers ``port`` (``default`` is the dialect's default port)."""
        return self.any_port or port == (self.port if self.port is not None else default)

    def names(self, host: str) -> bool:
        """Whether this is a name entry covering ``host`` (already lower-cased, no trailing dot)."""
        return self.name is not None and host_matches(self.name, host)

    def covers(self, ip: IPAddress) -> bool:
        """Whether this is an address/CIDR entry covering ``ip``."""
        return self.network is not None and ip.version == self.network.version and ip in self.network


def parse_allow_entry(text: str) -> AllowEntry:
    """Parse ``host[:port]``, ``address[:port]``, ``cidr[:port]`` or ``[ipv6 or cidr][:port]``; ValueError if bad."""
    raw = text.strip()
    port_text: str | None = None
    if raw.startswith("["):
        end = raw.find("]")
        rest = raw[end + 1 :] if end > 0 else "?"
        if end < 0 or (rest and not rest.startswith(":")):
            raise ValueError(f"data source allow entry {text!r}: write IPv6 as [address]:port")
        host, port_text = raw[1:end], (rest[1:] if rest else None)
    elif raw.count(":") == 1:
        host, port_text = raw.split(":")
    else:
        host = raw
    port: int | None = None
    any_port = port_text == "*"
    if port_text is not None and not any_port:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ValueError(f"data source allow entry {text!r}: the port must be 1-65535 or *")
        port = int(port_text)
    try:
        return AllowEntry(None, ipaddress.ip_network(host, strict=False), port, any_port)
    except ValueError:
        pass
    name = host.lower().rstrip(".")
    if not _NAME_RE.match(name):
        raise ValueError(f"data source allow entry {text!r}: not a host name, address or CIDR")
    return AllowEntry(name, None, port, any_port)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where a network data source connects: the host as written (for TLS), its port and the judged addresses."""

    host: str
    port: int
    addresses: tuple[IPAddress, ...]


def _parse(url: str, field: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        raise ValidationError.for_field(field, "is not a valid database URL (e.g. postgresql://user@host/db)") from None


def _inside(path: str, root: str) -> bool:
    return path != root and path.startswith(root.rstrip(os.sep) + os.sep)


class Machine(Protocol):
    """The I/O the policy needs from the machine it runs on (``opsuite_api_manager.adapters.local_machine``)."""

    def realpath(self, path: str) -> str:
        """``path`` with symlinks and ``..`` followed (``os.path.realpath``)."""
        ...

    def same_file(self, a: str, b: str) -> bool:
        """Whether ``a`` and ``b`` are the same existing file (same inode); False when either is missing."""
        ...

    def is_local_address(self, ip: IPAddress) -> bool:
        """Whether ``ip`` is an address of this machine."""
        ...

    async def resolve(self, host: str, port: int) -> list[str]:
        """The addresses ``host`` resolves to (getaddrinfo), as text."""
        ...


class DataSourcePolicy:
    """What data sources may open; built once from the operator's settings and shared by every check."""

    def __init__(
        self,
        *,
        machine: Machine,
        sqlite_roots: Iterable[str] = (),
        allow: Iterable[str] = (),
        protected_urls: Iterable[str] = (),
        resolver: Resolver | None = None,
    ) -> None:
        """``sqlite_roots`` may contain ``{tenant}``; ``allow`` entries are parsed now (ValueError if bad);
        ``protected_urls`` are the service's own databases; ``machine`` does the file and network look-ups;
        ``resolver`` replaces its name resolution (tests)."""
        self.machine = machine
        self.sqlite_roots = tuple(r for r in sqlite_roots if r.strip())
        self.allow = tuple(parse_allow_entry(entry) for entry in allow if entry.strip())
        try:
            self.protected = tuple(make_url(u) for u in protected_urls if u)
        except ArgumentError:
            raise ValueError("a protected database URL is not a valid database URL") from None
        self.resolver: Resolver = resolver or machine.resolve

    # ------------------------------------------------------------------ whole URL

    async def check(self, tenant: str, url: str, *, field: str, resolve_strictly: bool = True) -> None:
        """Judge a data source URL for ``tenant`` (used when it is saved); raises the refusal.

        With ``resolve_strictly=False`` an allow-listed host name that does not resolve right now is
        accepted (it is judged again, resolved, at every connection).
        """
        dialect = dialect_for_url(url)
        if dialect is SqlDialect.SQLITE:
            self.sqlite_file(tenant, url, field=field)
            return
        try:
            await self.endpoint(url, field=field)
        except ServiceUnavailableError:
            host = (_parse(url, field).host or "").lower().rstrip(".")
            if resolve_strictly or not any(e.names(host) for e in self.allow):
                raise

    # ------------------------------------------------------------------ SQLite

    def roots_for(self, tenant: str) -> list[str]:
        """The resolved SQLite roots of ``tenant`` (a root naming ``{tenant}`` needs a plain tenant name)."""
        roots = []
        for template in self.sqlite_roots:
            if "{tenant}" in template:
                if not _TENANT_RE.match(tenant) or tenant in (".", ".."):
                    continue  # never let a tenant value build a path outside the root
                template = template.replace("{tenant}", tenant)
            roots.append(self.machine.realpath(template))
        return roots

    def sqlite_file(self, tenant: str, url: str, *, field: str) -> str:
        """The resolved file a SQLite data source may open (the caller opens THIS path); raises the refusal."""
        path = _parse(url, field).database or ""
        if path in ("", ":memory:") or path.startswith("file:"):
            raise ValidationError.for_field(field, "SQLite data sources must name a database file: sqlite:///path.db")
        if any(c in path for c in "%?#") or not path.isprintable():
            # The URL was decoded once already; a '%' left over would be decoded again by SQLite's URI
            # parser ('%2e%2e' -> '..'), and '?'/'#' would start URI options. Such a path is never judged.
            raise ValidationError.for_field(
                field, "a SQLite path may not contain '%', '?', '#' or control characters (rename the file)"
            )
        resolved = self.machine.realpath(path)
        for own in self._protected_files():
            if resolved == own or self.machine.same_file(resolved, own):
                raise not_allowed(f"{path} is one of this service's own databases, never a data source", field)
        roots = self.roots_for(tenant)
        if not any(_inside(resolved, root) for root in roots):
            where = " or ".join(roots) if roots else "no folder (the operator allows none for this tenant)"
            raise not_allowed(
                f"SQLite data source {path} is outside the folders allowed for tenant '{tenant}': {where} "
                f"(symlinks and '..' are followed; the operator sets {_ROOTS_SETTING})",
                field,
            )
        return resolved

    def _protected_files(self) -> list[str]:
        files = []
        for url in self.protected:
            if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
                files.append(self.machine.realpath(str(url.database)))
        return files

    # ------------------------------------------------------------------ network databases

    async def endpoint(self, url: str, *, field: str) -> Endpoint:
        """Resolve a network data source's host once, judge EVERY address; connect only to what is returned."""
        parsed = _parse(url, field)
        dialect = dialect_for_url(url)
        default = _DEFAULT_PORTS[dialect]
        unsafe = sorted(set(parsed.query) - _SAFE_QUERY[dialect])
        if unsafe:
            raise not_allowed(f"the URL option {unsafe[0]!r} is not allowed in a data source URL", field)
        host = (parsed.host or "").strip().lower().rstrip(".").strip("[]")
        if dialect is SqlDialect.POSTGRES and not parsed.database:
            # libpq would pick a default database (the user name); the data source must say which.
            raise ValidationError.for_field(field, "name the database: postgresql://user@host:5432/<database>")
        if not host:
            raise not_allowed("the URL names no host (a local socket is never a data source)", field)
        if "," in host or "/" in host:
            raise not_allowed("the URL must name exactly one database host", field)
        port = parsed.port or default
        if not 0 < port < 65536:
            raise ValidationError.for_field(field, f"port {port} is not between 1 and 65535")
        entries = [e for e in self.allow if e.port_matches(port, default)]
        literal = parse_ip_literal(host)
        named = literal is None and any(e.names(host) for e in entries)
        shown = f"{host}:{port}"
        if literal is None and not named and not any(e.network is not None for e in entries):
            raise not_allowed(f"database host {shown} is not on {_ALLOW_SETTING}", field)
        addresses = await resolve(host, port, self.resolver, what="database host", reason="DATA_SOURCE_UNAVAILABLE")
        for ip in addresses:
            if any(e.covers(ip) for e in entries):
                continue
            label = shown if literal is not None else f"{shown} ({ip})"
            reason = forbidden_reason(ip)
            if named and not (reason and any(word in reason for word in _ADDRESS_ONLY)):
                continue
            if named:
                raise not_allowed(
                    f"database host {label} is refused: {reason}; an allow-listed name never admits such an "
                    f"address, only an address or CIDR entry on {_ALLOW_SETTING} does",
                    field,
                )
            raise not_allowed(f"database host {label} is not on {_ALLOW_SETTING}", field)
        await self._refuse_own_database(parsed, dialect, host, port, addresses, field)
        return Endpoint(host=host, port=port, addresses=tuple(addresses))

    async def _refuse_own_database(
        self, parsed: URL, dialect: SqlDialect, host: str, port: int, addresses: Sequence[IPAddress], field: str
    ) -> None:
        """Same server (and, for PostgreSQL, same database) as one of the service's own stores: refused.

        MySQL queries may name any database of the server, so for MySQL the server alone decides.
        """
        for own in self.protected:
            if _BACKENDS.get(own.get_backend_name()) is not dialect:
                continue
            if (own.port or _DEFAULT_PORTS[dialect]) != port:
                continue
            # libpq defaults the database to the user name: compare what the server will really open.
            if dialect is SqlDialect.POSTGRES and (own.database or own.username or "") != (
                parsed.database or parsed.username or ""
            ):
                continue
            own_host = (own.host or "localhost").lower().rstrip(".")
            if own_host == host or await self._same_addresses(own_host, port, addresses):
                raise not_allowed("this is one of the service's own databases, never a data source", field)

    async def _same_addresses(self, own_host: str, port: int, addresses: Sequence[IPAddress]) -> bool:
        literal = parse_ip_literal(own_host)
        if literal is not None:
            own = {literal}
        else:
            try:
                own = {ipaddress.ip_address(t.split("%", 1)[0]) for t in await self.resolver(own_host, port)}
            except (OSError, UnicodeError, ValueError):
                return True  # cannot tell it apart from the service's own database: refuse
        if own.intersection(addresses):
            return True
        # A store on this host's loopback is also reachable through any of this host's own addresses
        # (a private interface address behind an allow-listed name).
        return any(ip.is_loopback for ip in own) and any(self.machine.is_local_address(ip) for ip in addresses)
