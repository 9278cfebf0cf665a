"""Outbound network guard (SSRF): decide where an outgoing connection may go, and connect only there.

Refused unless the OPERATOR's policy says otherwise: loopback, private (RFC 1918, ULA), link-local,
carrier-grade NAT (100.64/10), multicast, unspecified, reserved and every other non-global address,
plus cloud metadata endpoints. IPv6 forms that embed an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``,
IPv4-compatible ``::a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``) are judged by that address.

Two lists, two owners. ``NetworkPolicy.allow`` is the operator's (``OPSUITE_OUTBOUND_ALLOW``, see
``opsuite_common.settings.OutboundSettings``): only an address/CIDR entry there makes a forbidden address
reachable (a metadata address needs an entry naming exactly that address), and with ``allowlist_only``
nothing outside it is reached at all. A host NAME admits the name, never the addresses it resolves to: an
allow-listed name that resolves to a forbidden address is refused, so a DNS record cannot point an allowed
name at this host, the private network or the cloud's credentials endpoint. A tenant's list
(:meth:`NetworkPolicy.narrowed`, e.g. an API's ``policy.network_allow_list``) only NARROWS the operator's
policy: a destination must pass the operator's rules AND be covered by the tenant's list.

URLs are parsed once (:func:`parse_url`, httpx's own parser, so the parse that is judged is the parse that
connects) and refused when different readers could disagree about the host: backslashes, several ``@``,
percent-encoded hosts, IPv4 spelled other than ``a.b.c.d`` (decimal ``2130706433``, octal ``0177.0.0.1``,
hex ``0x7f000001``, short ``127.1``), an empty host or a bad port. Such spellings are still recognised
(:func:`parse_ip_literal`, the way ``inet_aton`` reads them) wherever a URL was not ours to refuse (a
redirect's Location, a connection's host), so they are judged as the address they denote.

Connecting to the address that was checked: :func:`guarded_client` returns an ``httpx.AsyncClient``
whose transport (:class:`GuardedTransport`) runs on an httpcore network backend
(:class:`GuardedBackend`) that resolves the host once per connection, checks EVERY address against the
policy (one bad record refuses the host) and opens the TCP connection to a checked IP. The request keeps
its URL, so the Host header and TLS SNI/certificate checks still use the host name, and there is no second
DNS lookup to rebind. A kept-alive connection is reused only for the same origin in the same client (one
client per policy), i.e. only to an address already judged under that policy. Every new connection goes
through it, including each redirect hop, whose URL is also pre-checked (:func:`check_url`). Environment
proxies are ignored (``trust_env=False``): a proxy would hide the real destination. Unix sockets are
always refused.

A refusal is ``PermissionDeniedError`` (reason ``SSRF_BLOCKED``) naming the list to change; an ambiguous
URL is ``ValidationError`` on its field; a host that does not resolve is ``ServiceUnavailableError``
(reason ``UPSTREAM_UNAVAILABLE``). This module imports no grpc.
"""

from opsuite_common.netguard.policy import (
    FORBIDDEN_REQUEST_HEADERS,
    METADATA_ADDRESSES,
    OPERATOR_ALLOW_SETTING,
    IPAddress,
    NetworkPolicy,
    Resolver,
    allow_entry_problem,
    blocked,
    check_url,
    forbidden_reason,
    host_matches,
    host_problem,
    parse_ip_literal,
    parse_url,
    resolve,
)
from opsuite_common.netguard.transport import (
    GuardedBackend,
    GuardedTransport,
    guarded_client,
    resolve_checked,
    system_resolver,
)

__all__ = [
    "FORBIDDEN_REQUEST_HEADERS",
    "METADATA_ADDRESSES",
    "OPERATOR_ALLOW_SETTING",
    "GuardedBackend",
    "GuardedTransport",
    "IPAddress",
    "NetworkPolicy",
    "Resolver",
    "allow_entry_problem",
    "blocked",
    "check_url",
    "forbidden_reason",
    "guarded_client",
    "host_matches",
    "host_problem",
    "parse_ip_literal",
    "parse_url",
    "resolve",
    "resolve_checked",
    "system_resolver",
]
