"""Outbound network guard (SSRF): decide where an outgoing connection may go, and connect only there.

Refused unless the policy's allow-list says otherwise: loopback, private (RFC 1918, ULA), link-local,
carrier-grade NAT (100.64/10), multicast, unspecified, reserved and every other non-global address,
plus cloud metadata endpoints. IPv6 forms that embed an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``,
IPv4-compatible ``::a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``) are judged by that address.

Host spellings are parsed the way ``inet_aton`` (and so ``getaddrinfo``) reads them, so decimal
``2130706433``, octal ``0177.0.0.1``, hex ``0x7f000001`` and short ``127.1`` are all seen as 127.0.0.1.

Allow-list entries are host names (``api.internal``, ``*.corp.example``) or addresses/CIDRs
(``10.1.2.3``, ``10.0.0.0/8``). A named host may resolve to private addresses, but never to a metadata
address: only an explicit address/CIDR entry unlocks those, so a DNS record cannot point an allowed
name at the cloud's credentials endpoint.

Connecting to the address that was checked: :func:`guarded_client` returns an ``httpx.AsyncClient``
whose transport (:class:`GuardedTransport`) runs on an httpcore network backend
(:class:`GuardedBackend`) that resolves the host itself, checks EVERY address against the policy (one
bad record refuses the host) and opens the TCP connection to a checked IP. The request keeps its URL,
so the Host header and TLS SNI/certificate checks still use the host name, and there is no second DNS
lookup to rebind. Every new connection goes through it, including each redirect hop, whose URL is also
pre-checked (:func:`check_url`). Environment proxies are ignored (``trust_env=False``): a proxy would
hide the real destination. Unix sockets are always refused.

A refusal is ``PermissionDeniedError`` (reason ``SSRF_BLOCKED``) naming the policy's allow-list
(``NetworkPolicy.allow_list_name``); a host that does not resolve is ``ServiceUnavailableError``
(reason ``UPSTREAM_UNAVAILABLE``). This module imports no grpc.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from opsuite_common.errors import (
    FailedPreconditionError,
    PermissionDeniedError,
    ServiceUnavailableError,
    ValidationError,
)

__all__ = [
    "FORBIDDEN_REQUEST_HEADERS",
    "METADATA_ADDRESSES",
    "GuardedBackend",
    "GuardedTransport",
    "IPAddress",
    "NetworkPolicy",
    "Resolver",
    "blocked",
    "check_url",
    "forbidden_reason",
    "guarded_client",
    "parse_ip_literal",
    "resolve_checked",
    "system_resolver",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: ``(host, port) -> addresses as text``; the default uses the event loop's getaddrinfo.
Resolver = Callable[[str, int], Awaitable[list[str]]]

#: Cloud metadata endpoints (AWS/GCP/Azure/OpenStack, AWS IPv6, ECS task metadata, Alibaba).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "169.254.170.2", "100.100.100.200")
)
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
#: The only IPv6 range with public unicast addresses (RFC 4291); embedded IPv4 forms are judged earlier.
_GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")
#: Request headers a caller's config may not set: they would change where or how the request is framed.
FORBIDDEN_REQUEST_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection", "upgrade"})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPAT = ipaddress.ip_network("::/96")


def blocked(message: str) -> PermissionDeniedError:
    """The error every SSRF refusal raises (reason ``SSRF_BLOCKED``)."""
    return PermissionDeniedError(message, reason="SSRF_BLOCKED")


def _inet_aton_part(text: str) -> int | None:
    try:
        if text[:2].lower() == "0x":
            return int(text[2:] or "0", 16)
        if len(text) > 1 and text.startswith("0"):
            return int(text[1:], 8)
        return int(text, 10) if text.isdigit() else None
    except ValueError:
        return None


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address a host string denotes literally (any inet_aton spelling, bracketed IPv6), else None."""
    host = host.strip().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return None
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or any(p == "" for p in parts):
        return None
    values = [_inet_aton_part(p) for p in parts]
    if any(v is None for v in values):
        return None
    nums = [v for v in values if v is not None]
    # inet_aton: the last part fills all remaining bytes (127.1 == 127.0.0.1, 2130706433 == 127.0.0.1).
    head, last = nums[:-1], nums[-1]
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        return None
    value = 0
    for v in head:
        value = value * 256 + v
    value = value * 256 ** (4 - len(head)) + last
    return ipaddress.IPv4Address(value)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, str] | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped, "IPv4-mapped"
    if ip.sixtofour is not None:
        return ip.sixtofour, "6to4"
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), "NAT64"
    if ip in _IPV4_COMPAT and int(ip) > 1:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), "IPv4-compatible"
    return None


def forbidden_reason(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be reached from the service, in plain words; None for a public address."""
    if ip in METADATA_ADDRESSES:
        return "it is a cloud metadata address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = forbidden_reason(embedded[0])
            return f"it is an {embedded[1]} form of {embedded[0]}, and {inner}" if inner else None
    if ip.is_unspecified:
        return "it is the unspecified address (this host)"
    if ip.is_loopback:
        return "it is a loopback address (this host)"
    if ip.is_link_local:
        return "it is a link-local address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "it is a carrier-grade NAT (shared) address"
    if ip.is_multicast:
        return "it is a multicast address"
    if ip.is_private:
        return "it is a private network address"
    if isinstance(ip, ipaddress.IPv6Address) and (ip.is_site_local or ip not in _GLOBAL_UNICAST_V6):
        return "it is not a public internet address"  # site-local fec0::/10 is neither private nor reserved
    if ip.is_reserved or not ip.is_global:
        return "it is not a public internet address"
    return None


@dataclass(frozen=True, slots=True)
class NetworkPolicy:
    """Where outgoing connections may go: ``allow`` names hosts/CIDRs; ``allowlist_only`` refuses everything else.

    ``allow_list_name`` is how refusals name the allow-list to the operator (a setting, a field).
    """

    allow: tuple[str, ...] = ()
    allowlist_only: bool = False
    allow_list_name: str = "the API's network allow-list"

    def names_host(self, host: str) -> bool:
        """Whether a host-name entry (exact or ``*.suffix``) covers ``host``."""
        host = host.lower().rstrip(".").strip("[]")
        for entry in self.allow:
            entry = entry.lower().strip()
            if entry == host or (entry.startswith("*.") and host.endswith(entry[1:])):
                return True
        return False

    def covers_address(self, ip: IPAddress) -> bool:
        """Whether an address/CIDR entry covers ``ip``."""
        for entry in self.allow:
            try:
                network = ipaddress.ip_network(entry.strip().strip("[]"), strict=False)
            except ValueError:
                continue
            if ip.version == network.version and ip in network:
                return True
        return False

    def check(self, host: str, ip: IPAddress) -> None:
        """Raise PermissionDeniedError(SSRF_BLOCKED) unless connecting to ``ip`` for ``host`` is allowed."""
        if self.covers_address(ip):
            return
        named = self.names_host(host)
        reason = forbidden_reason(ip)
        shown = host if host.strip("[]") == str(ip) else f"{host} ({ip})"
        if reason is not None and not (named and ip not in METADATA_ADDRESSES and "metadata" not in reason):
            raise blocked(
                f"refused to connect to {shown}: {reason}. If it really must be reached, "
                f"add the host or address to {self.allow_list_name}"
            )
        if self.allowlist_only and not named:
            raise blocked(f"refused to connect to {shown}: it is not on {self.allow_list_name}")


def check_url(url: str, policy: NetworkPolicy, *, field: str = "url") -> None:
    """Cheap pre-flight check of a URL: http(s) scheme, and literal addresses in any spelling.

    Host names are checked again, after resolution, at connect time (see ``resolve_checked``).
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        raise ValidationError.for_field(field, "is not a valid URL (check the host and the port)") from None
    if port is not None and not 0 < port < 65536:
        raise ValidationError.for_field(field, f"port {port} is not between 1 and 65535")
    if parts.scheme.lower() not in ("http", "https"):
        raise blocked(f"refused {url.split(':', 1)[0]!r} URL: only http and https are allowed")
    if not host:
        raise ValidationError.for_field(field, "the URL has no host")
    literal = parse_ip_literal(host)
    if literal is not None:
        policy.check(host, literal)
    elif policy.allowlist_only and not policy.names_host(host):
        raise blocked(f"refused to connect to {host}: it is not on {policy.allow_list_name}")


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the event loop's getaddrinfo (TCP), in the order the system prefers."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in seen:
            seen.append(address)
    return seen


async def resolve_checked(host: str, port: int, policy: NetworkPolicy, resolver: Resolver) -> list[IPAddress]:
    """Resolve ``host`` and check EVERY address (one bad record refuses the host); return them in order."""
    literal = parse_ip_literal(host)
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        try:
            texts = await resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise ServiceUnavailableError(f"cannot resolve host {host}: {exc}", reason="UPSTREAM_UNAVAILABLE") from None
        addresses = [ipaddress.ip_address(t.split("%", 1)[0]) for t in texts]
        if not addresses:
            raise ServiceUnavailableError(f"host {host} resolves to no address", reason="UPSTREAM_UNAVAILABLE")
    for ip in addresses:
        policy.check(host, ip)
    return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore backend that resolves, checks and then connects to the checked IP only."""

    def __init__(self, policy: NetworkPolicy, resolver: Resolver | None = None) -> None:
        """Guard connections with ``policy``; ``resolver`` replaces getaddrinfo (tests, custom DNS)."""
        self.policy = policy
        self.resolver = resolver or system_resolver
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve ``host``, refuse it if any address is forbidden, connect to the first that answers."""
        if not 0 < port < 65536:
            raise httpcore.ConnectError(f"port {port} is not between 1 and 65535")
        addresses = await resolve_checked(host, port, self.policy, self.resolver)
        last: Exception | None = None
        for ip in addresses:
            try:
                return await self._inner.connect_tcp(str(ip), port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        """Unix sockets are local resources: always refused."""
        raise httpcore.ConnectError("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        """Delegate to anyio."""
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with its connection pool rebuilt on a :class:`GuardedBackend`."""

    def __init__(self, policy: NetworkPolicy, *, resolver: Resolver | None = None) -> None:
        """Connections for ``policy``; ``resolver`` replaces getaddrinfo (tests, custom DNS)."""
        super().__init__(trust_env=False)
        self.backend = GuardedBackend(policy, resolver)
        # httpx has no public hook for the network backend; the pool is the documented httpcore API.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=self.backend,
        )


#: AsyncClient arguments that would route requests around the guarded transport.
_BYPASSING_ARGUMENTS = frozenset({"transport", "mounts", "proxy", "trust_env", "app"})


def guarded_client(
    policy: NetworkPolicy,
    *,
    resolver: Resolver | None = None,
    timeout: httpx.Timeout | float | None = 5.0,
    follow_redirects: bool = False,
    **kwargs: Any,
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` that only ever connects to addresses ``policy`` allows.

    Every request URL (each redirect hop too) is pre-checked with :func:`check_url`; every connection
    resolves, checks and connects through :class:`GuardedBackend`. ``kwargs`` go to ``httpx.AsyncClient``
    (``max_redirects``, ``headers``, ``event_hooks``...); arguments that would bypass the guarded
    transport (``transport``, ``mounts``, ``proxy``, ``trust_env``, ``app``) are refused.
    """
    bypassing = sorted(_BYPASSING_ARGUMENTS.intersection(kwargs))
    if bypassing:
        raise TypeError(f"guarded_client() does not accept {', '.join(bypassing)}: it would bypass the guard")

    async def check_hop(request: httpx.Request) -> None:
        # Scheme and literal addresses on every request and redirect hop. The caller's own URL was
        # checked before the request was made; a malformed one here came from a redirect.
        try:
            check_url(str(request.url), policy)
        except ValidationError:
            raise FailedPreconditionError(
                f"redirected to an unusable URL ({request.url.host}:{request.url.port})", reason="BAD_REDIRECT"
            ) from None

    hooks: dict[str, list[Callable[..., Any]]] = {k: list(v) for k, v in dict(kwargs.pop("event_hooks", {})).items()}
    hooks["request"] = [check_hop, *hooks.get("request", [])]
    return httpx.AsyncClient(
        transport=GuardedTransport(policy, resolver=resolver),
        timeout=timeout,
        follow_redirects=follow_redirects,
        trust_env=False,
        event_hooks=hooks,
        **kwargs,
    )
