"""What an outgoing connection may reach: URL parsing, address classification, the operator's and tenants' allow-lists.

Pure decisions (no sockets); :mod:`opsuite_common.netguard.transport` connects only where these allow.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace

import httpx

from opsuite_common.errors import (
    PermissionDeniedError,
    ServiceUnavailableError,
    ValidationError,
)

__all__ = [
    "FORBIDDEN_REQUEST_HEADERS",
    "METADATA_ADDRESSES",
    "OPERATOR_ALLOW_SETTING",
    "IPAddress",
    "NetworkPolicy",
    "Resolver",
    "allow_entry_problem",
    "blocked",
    "check_url",
    "forbidden_reason",
    "host_matches",
    "host_problem",
    "parse_ip_literal",
    "parse_url",
    "resolve",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: ``(host, port) -> addresses as text``; the default uses the event loop's getaddrinfo.
Resolver = Callable[[str, int], Awaitable[list[str]]]

#: The operator setting that lists what may be reached although not public (named in refusals).
OPERATOR_ALLOW_SETTING = "OPSUITE_OUTBOUND_ALLOW"
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
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
#: RFC 3986 userinfo: unreserved, percent-encoded, sub-delims and ':'.
_USERINFO = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*")
#: One DNS label: ASCII letters, digits, '-', '_', or any non-ASCII letter (IDNA encodes it).
_ENCODED_DELIMITER = re.compile(r"%(?:2[fF]|5[cC]|3[fF]|23)")
_LABEL = re.compile(r"(?:[A-Za-z0-9_\-]|[^\x00-\x7f])+")
_NUMERIC_LABEL = re.compile(r"(?:0[xX][0-9A-Fa-f]*|[0-9]+)")
_ENTRY_NAME = re.compile(r"(\*\.)?[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*\.?")


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


def host_problem(host: str) -> str | None:
    """Why ``host`` (as written in a URL or a config, IPv6 in brackets) is not one unambiguous host, or None."""
    if not host:
        return "the URL has no host"
    if "%" in host:
        return "the host is percent-encoded; write it plainly (a Unicode name may be written as it is)"
    if host.startswith("[") or host.endswith("]"):
        try:
            if not (host.startswith("[") and host.endswith("]")):
                raise ValueError(host)
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return f"{host} is not an IPv6 address in brackets, like [2001:db8::1]"
        return None
    labels = (host[:-1] if host.endswith(".") else host).split(".")
    if not all(_LABEL.fullmatch(label) for label in labels):
        return "the host may only contain letters, digits, '-' and '_', in labels separated by single dots"
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        # A name ending in a number is an IPv4 address to URL parsers; only a.b.c.d reads the same to all.
        ip = parse_ip_literal(host)
        if ip is None:
            return f"{host} is neither a host name nor an IPv4 address written a.b.c.d"
        if str(ip) != host:
            return f"{host} is an unusual spelling of the IP address {ip} (decimal, octal, hex or short); write {ip}"
    return None


def parse_url(url: str, *, field: str = "url") -> httpx.URL:
    """Parse ``url`` once with httpx's parser, refusing what URL parsers could read as different hosts.

    Refused (``ValidationError`` on ``field``): backslashes, spaces and control characters, a relative
    URL, more than one ``@``, a user part with other than RFC 3986 characters, a percent-encoded or empty
    host, IPv4 written other than ``a.b.c.d``, a port that is not 1-65535. The returned ``httpx.URL`` is
    the one to judge AND to send, so no second parse can disagree with the guard.
    """

    def bad(problem: str) -> ValidationError:
        return ValidationError.for_field(field, problem)

    if "\\" in url:
        raise bad("contains a backslash, which URL parsers read differently; percent-encode it (%5C) in a path")
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        raise bad("contains a space or a control character; percent-encode it")
    scheme = _SCHEME.match(url)
    if scheme is None or not url.startswith("//", scheme.end()):
        raise bad("must be an absolute URL, like https://host/path")
    authority = re.split(r"[/?#]", url[scheme.end() + 2 :], maxsplit=1)[0]
    if authority.count("@") > 1:
        raise bad("has more than one '@'; percent-encode an '@' inside a user name or password as %40")
    userinfo, at, hostport = authority.rpartition("@")
    if at and not _USERINFO.fullmatch(userinfo):
        raise bad("the user part before '@' may only hold letters, digits, percent-encodings and -._~!$&'()*+,;=:")
    if at and _ENCODED_DELIMITER.search(userinfo):
        raise bad("the user part before '@' holds an encoded '/', '\\', '?' or '#', which some parsers decode")
    if hostport.startswith("["):
        close = hostport.find("]") + 1 or len(hostport)
        host, after = hostport[:close], hostport[close:]
        if after and not after.startswith(":"):
            raise bad("unexpected text after the IPv6 address")
        sep, port_text = after[:1], after[1:]
    else:
        host, sep, port_text = hostport.partition(":")
    if (problem := host_problem(host)) is not None:
        raise bad(problem)
    port: int | None = None
    if sep:
        if not (port_text.isascii() and port_text.isdigit()):
            raise bad(f"the port {port_text!r} is not a number between 1 and 65535")
        port = int(port_text)
        if not 0 < port < 65536:
            raise bad(f"port {port} is not between 1 and 65535")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, UnicodeError):
        raise bad("is not a valid URL (check the host and the port)") from None
    default = {"http": 80, "https": 443}.get(parsed.scheme)
    if parsed.scheme != scheme.group(1).lower() or (parsed.port or default) != (port or default):
        raise bad("is read differently by URL parsers; write the scheme, host and port plainly")
    if not _same_host(host, parsed.raw_host.decode("ascii", "replace")):
        raise bad("is read differently by URL parsers; write the host plainly")
    return parsed


def _same_host(written: str, parsed: str) -> bool:
    """Whether httpx's host is the host as written (IDNA-encoded names are re-checked as such)."""
    written = written.lower()
    if written.startswith("["):
        literal = parse_ip_literal(parsed)
        return literal is not None and literal == parse_ip_literal(written)
    if written.isascii():
        return parsed.lower() == written
    return parsed.isascii() and host_problem(parsed) is None


def allow_entry_problem(entry: str) -> str | None:
    """Why ``entry`` is not an allow-list entry (host name, ``*.suffix``, address or CIDR), or None."""
    text = entry.strip()
    if _entry_network(text) is not None:
        return None
    if not text or not _ENTRY_NAME.fullmatch(text):
        return "must be a host name (*.suffix allowed), an IP address or a CIDR"
    if _NUMERIC_LABEL.fullmatch(text.rstrip(".").rsplit(".", 1)[-1]):
        return "an address must be written a.b.c.d (or as a CIDR, a.b.c.d/n)"
    return None


def _entry_network(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    text = entry.strip().strip("[]")
    if not text or not (text[0].isdigit() or ":" in text):
        return None
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def host_matches(entry: str, host: str) -> bool:
    """Whether a host-name entry (``db.internal`` or ``*.corp.example``) covers ``host`` (both normalised:
    lower case, no trailing dot)."""
    return entry == host or (entry.startswith("*.") and host.endswith(entry[1:]))


def _names(entries: Iterable[str], host: str) -> bool:
    host = host.lower().rstrip(".").strip("[]")
    return any(host_matches(entry.lower().strip().rstrip("."), host) for entry in entries)


def _covers(entries: Iterable[str], ip: IPAddress, *, exact: bool = False) -> bool:
    for entry in entries:
        network = _entry_network(entry)
        covered = network is not None and ip.version == network.version and ip in network
        if covered and (not exact or (network is not None and network.num_addresses == 1)):
            return True
    return False


def _may_admit(entries: tuple[str, ...], host: str) -> bool:
    """Whether a list could admit ``host`` before it resolves: a name entry, or any address entry."""
    return _names(entries, host) or any(_entry_network(e) is not None for e in entries)


@dataclass(frozen=True, slots=True)
class NetworkPolicy:
    """Where outgoing connections may go: the operator's ``allow`` list, narrowed by a tenant's list.

    ``allow`` (operator): addresses/CIDRs that may be reached although not public, and names or addresses
    that may be reached at all when ``allowlist_only``. ``tenant_allow`` (None: no narrowing): names or
    addresses a destination must also match. ``allow_list_name``/``tenant_list_name`` are how refusals name
    the list to change (a setting, a field).
    """

    allow: tuple[str, ...] = ()
    allowlist_only: bool = False
    allow_list_name: str = OPERATOR_ALLOW_SETTING
    tenant_allow: tuple[str, ...] | None = None
    tenant_list_name: str = "the API's network allow-list"

    def narrowed(self, allow: Iterable[str], *, name: str, required: bool = False) -> NetworkPolicy:
        """This policy narrowed by a tenant's list ``name``; an empty list narrows nothing unless ``required``."""
        entries = tuple(e.strip() for e in allow if e.strip())
        if not entries and not required:
            return self
        return replace(self, tenant_allow=entries, tenant_list_name=name)

    def names_host(self, host: str) -> bool:
        """Whether an operator host-name entry (exact or ``*.suffix``) covers ``host``."""
        return _names(self.allow, host)

    def covers_address(self, ip: IPAddress) -> bool:
        """Whether an operator address/CIDR entry opens ``ip`` (a metadata address needs itself listed)."""
        return _covers(self.allow, ip, exact=ip in METADATA_ADDRESSES)

    def check(self, host: str, ip: IPAddress) -> None:
        """Raise PermissionDeniedError(SSRF_BLOCKED) unless connecting to ``ip`` for ``host`` is allowed."""
        shown = host if host.strip("[]") == str(ip) else f"{host} ({ip})"
        opened = self.covers_address(ip)
        reason = forbidden_reason(ip)
        if reason is not None and not opened:
            named = "" if shown == host else " (a host name never opens the addresses it resolves to)"
            raise blocked(
                f"refused to connect to {shown}: {reason}. Only the operator can open it, by adding the "
                f"address or a CIDR covering it to {self.allow_list_name}{named}"
            )
        if self.allowlist_only and not (_covers(self.allow, ip) or self.names_host(host)):
            raise blocked(f"refused to connect to {shown}: it is not on {self.allow_list_name}")
        if self.tenant_allow is not None and not (_names(self.tenant_allow, host) or _covers(self.tenant_allow, ip)):
            raise blocked(f"refused to connect to {shown}: it is not on {self.tenant_list_name}")

    def check_name(self, host: str) -> None:
        """Pre-flight for a host name: refused when no entry of a list that must admit it could."""
        if self.allowlist_only and not _may_admit(self.allow, host):
            raise blocked(f"refused to connect to {host}: it is not on {self.allow_list_name}")
        if self.tenant_allow is not None and not _may_admit(self.tenant_allow, host):
            raise blocked(f"refused to connect to {host}: it is not on {self.tenant_list_name}")


def _judge_host(host: str, policy: NetworkPolicy) -> None:
    literal = parse_ip_literal(host)
    if literal is not None:
        policy.check(host, literal)
    else:
        policy.check_name(host)


def check_url(url: str | httpx.URL, policy: NetworkPolicy, *, field: str = "url") -> httpx.URL:
    """Parse (:func:`parse_url`) and pre-check a URL: http(s) only, literal addresses, allow-lists.

    Returns the parsed URL to send. Host names are checked again, after resolution, at connect time
    (see :func:`resolve_checked`).
    """
    if isinstance(url, str):
        scheme = _SCHEME.match(url)
        if scheme is not None and scheme.group(1).lower() not in ("http", "https"):
            raise blocked(f"refused {scheme.group(1)!r} URL: only http and https are allowed")
        url = parse_url(url, field=field)
    if url.scheme not in ("http", "https"):
        raise blocked(f"refused {url.scheme!r} URL: only http and https are allowed")
    _judge_host(url.host, policy)
    return url


async def resolve(
    host: str, port: int, resolver: Resolver, *, what: str = "host", reason: str = "UPSTREAM_UNAVAILABLE"
) -> list[IPAddress]:
    """Every address ``host`` denotes, in order: itself when it is a literal, else one lookup.

    A host that does not resolve is ServiceUnavailableError(``reason``), worded with ``what``.
    """
    literal = parse_ip_literal(host)
    if literal is not None:
        return [literal]
    try:
        addresses = [ipaddress.ip_address(t.split("%", 1)[0]) for t in await resolver(host, port)]
    except (OSError, UnicodeError, ValueError) as exc:
        raise ServiceUnavailableError(f"cannot resolve {what} {host}: {exc}", reason=reason) from None
    if not addresses:
        raise ServiceUnavailableError(f"{what} {host} resolves to no address", reason=reason)
    return addresses
