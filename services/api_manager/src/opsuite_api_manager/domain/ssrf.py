"""SSRF guard: decide whether an outgoing HTTP connection to a host/address is allowed.

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
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from opsuite_common.errors import PermissionDeniedError, ServiceUnavailableError, ValidationError

__all__ = [
    "METADATA_ADDRESSES",
    "IPAddress",
    "NetworkPolicy",
    "Resolver",
    "blocked",
    "check_url",
    "forbidden_reason",
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
    if ip.is_reserved or not ip.is_global:
        return "it is not a public internet address"
    return None


@dataclass(frozen=True, slots=True)
class NetworkPolicy:
    """Where outgoing HTTP may go: ``allow`` names hosts/CIDRs; ``allowlist_only`` refuses everything else."""

    allow: tuple[str, ...] = ()
    allowlist_only: bool = False

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
                f"refused to connect to {shown}: {reason}. If this API really needs it, "
                f"add the host or address to the API's network allow-list"
            )
        if self.allowlist_only and not named:
            raise blocked(f"refused to connect to {shown}: it is not on the API's network allow-list")


def check_url(url: str, policy: NetworkPolicy, *, field: str = "url") -> None:
    """Cheap pre-flight check of a URL: http(s) scheme, and literal addresses in any spelling.

    Host names are checked again, after resolution, at connect time (see ``resolve_checked``).
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        raise ValidationError.for_field(field, "is not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise blocked(f"refused {url.split(':', 1)[0]!r} URL: only http and https are allowed")
    if not host:
        raise ValidationError.for_field(field, "the URL has no host")
    literal = parse_ip_literal(host)
    if literal is not None:
        policy.check(host, literal)
    elif policy.allowlist_only and not policy.names_host(host):
        raise blocked(f"refused to connect to {host}: it is not on the API's network allow-list")


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
