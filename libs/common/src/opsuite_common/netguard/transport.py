"""Connecting only where the policy allows: resolve once, check every address, connect to a checked IP."""

from __future__ import annotations

import asyncio
import functools
import socket
import ssl
from collections.abc import Callable, Iterable
from typing import Any

import httpcore
import httpx

from opsuite_common.errors import (
    FailedPreconditionError,
    ValidationError,
)
from opsuite_common.netguard.policy import IPAddress, NetworkPolicy, Resolver, check_url, parse_ip_literal, resolve

__all__ = [
    "GuardedBackend",
    "GuardedTransport",
    "guarded_client",
    "resolve_checked",
    "system_resolver",
]


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
    addresses = await resolve(host, port, resolver)
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


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying client context for every guarded transport (building one loads the CA bundle: ~15 ms)."""
    return httpx.create_ssl_context(trust_env=False)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with its connection pool rebuilt on a :class:`GuardedBackend`."""

    def __init__(self, policy: NetworkPolicy, *, resolver: Resolver | None = None) -> None:
        """Connections for ``policy``; ``resolver`` replaces getaddrinfo (tests, custom DNS)."""
        super().__init__(verify=_ssl_context(), trust_env=False)
        self.backend = GuardedBackend(policy, resolver)
        # httpx has no public hook for the network backend; the pool is the documented httpcore API.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=_ssl_context(),
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
        # Every request and redirect hop. The caller's own URL was checked before the request was made;
        # an unusable one here came from a redirect's Location. An address in any spelling is judged
        # first, so a redirect to 2130706433 is refused as loopback rather than as malformed.
        literal = parse_ip_literal(request.url.host)
        if literal is not None:
            policy.check(request.url.host, literal)
        try:
            check_url(str(request.url), policy)
        except ValidationError as exc:
            problem = exc.field_violations[0].description if exc.field_violations else exc.message
            raise FailedPreconditionError(f"redirected to an unusable URL: {problem}", reason="BAD_REDIRECT") from None

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
