"""HTTP APIs: render a request from templates, send it through the SSRF guard, cap and shape the answer.

Where a request may go: the engine holds the OPERATOR's ``NetworkPolicy`` (``OPSUITE_OUTBOUND_*``); a
caller passes it narrowed by the API's own allow-list (``NetworkPolicy.narrowed``), which can only
restrict it. The URL is rendered, then parsed once (``netguard.check_url``: ambiguous URLs are refused
as INVALID_ARGUMENT on ``spec.url``), and that parsed URL is the one sent.

Connecting to the address that was checked: requests go through ``opsuite_common.netguard.guarded_client``,
whose httpcore network backend resolves the host itself, checks every address against the
``NetworkPolicy`` and opens the TCP connection to that IP. The request keeps the original URL, so the
Host header and TLS SNI/certificate checks still use the host name, and there is no second DNS lookup
to rebind. Every new connection goes through it, including each redirect hop (redirects are bounded
and each hop's URL is pre-checked). Environment proxies are ignored, as a proxy would hide the real
destination.

Retries (``opsuite_common.resilience.RetryPolicy``) apply only to idempotent methods, on connection
errors and 5xx answers, and wrap a per-host breaker (``BreakerRegistry``), so every attempt counts
and an open breaker stops the retries. A 5xx that survives the retries is a ServiceUnavailableError
(reason UPSTREAM_ERROR); 2xx-4xx answers are returned as results with their status.
"""

from __future__ import annotations

import asyncio
import json
import time
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import httpx

from opsuite_api_manager.domain import templates
from opsuite_common.errors import (
    DeadlineExceededError,
    FailedPreconditionError,
    OpsuiteError,
    ResourceLimitError,
    ServiceUnavailableError,
    ValidationError,
)
from opsuite_common.netguard import (
    FORBIDDEN_REQUEST_HEADERS,
    NetworkPolicy,
    Resolver,
    check_url,
    guarded_client,
    parse_url,
)
from opsuite_common.resilience import BreakerRegistry, RetryPolicy
from opsuite_common.tracing import AttributeValue, inject, mark_failed, span

__all__ = ["IDEMPOTENT_METHODS", "HttpEngine", "HttpReference", "HttpResult", "HttpSpec"]

#: Methods that may be retried.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_METHODS = IDEMPOTENT_METHODS | {"POST", "PATCH"}
_DROPPED_RESPONSE_HEADERS = frozenset(
    {
        "set-cookie",
        "set-cookie2",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "proxy-authenticate",
        "proxy-authorization",
        "www-authenticate",
        "upgrade",
        "trailer",
        "te",
    }
)
_SECRET_QUERY_KEYS = ("token", "key", "secret", "password", "passwd", "pwd", "sig", "auth", "credential", "session")
_MAX_CACHED_CLIENTS = 64


@dataclass(frozen=True, slots=True)
class HttpSpec:
    """An HTTP API definition: method, URL, header and body templates over ``{{ params.x }}``.

    ``body`` is a JSON structure (sent as JSON, lone placeholders keep their type), a text template,
    or None for no body.
    """

    url: str
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None


@dataclass(frozen=True, slots=True)
class HttpReference:
    """What was called: method and URL with credentials and secret query values masked."""

    method: str
    url: str


@dataclass(frozen=True, slots=True)
class HttpResult:
    """An upstream answer: status, filtered headers, JSON or text body, duration and reference."""

    status: int
    headers: dict[str, str]
    body: Any
    duration_ms: float
    reference: HttpReference


def redact_url(url: str, secrets: typing.Collection[str] = ()) -> str:
    """``url`` without userinfo, with secret-looking query values and known secret values masked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid url>"
    netloc = parts.netloc.rsplit("@", 1)[-1]
    secret_set = {s for s in secrets if len(s) >= 3}
    query = [
        (k, "***" if v in secret_set or any(s in k.lower() for s in _SECRET_QUERY_KEYS) else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    path = parts.path
    for secret in sorted(secret_set, key=len, reverse=True):
        path = path.replace(quote(secret, safe=""), "***").replace(secret, "***")
    return urlunsplit((parts.scheme, netloc, path, urlencode(query, safe="*"), ""))


def _body(response: httpx.Response, data: bytes) -> Any:
    ctype = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    text = data.decode(response.encoding or "utf-8", errors="replace")
    if ctype == "application/json" or ctype.endswith("+json"):
        try:
            return json.loads(text) if text.strip() else None
        except ValueError:
            return text
    return text


class _Upstream5xx(ServiceUnavailableError):
    """A 5xx answer, raised inside an attempt so the retry policy and breaker see it."""

    reason = "UPSTREAM_ERROR"


class HttpEngine:
    """Executes HttpSpec requests with the SSRF guard, size cap, timeout, breaker and retries."""

    def __init__(
        self,
        *,
        breakers: BreakerRegistry | None = None,
        retry: RetryPolicy | None = None,
        resolver: Resolver | None = None,
        max_redirects: int = 5,
        policy: NetworkPolicy | None = None,
    ) -> None:
        """``breakers``/``retry`` come from the service (opsuite_common.resilience); None disables them.

        ``policy`` is the operator's outbound policy (default: public addresses only); callers narrow it.
        """
        self.policy = policy or NetworkPolicy()
        self.breakers = breakers
        self.retry = retry
        self.resolver = resolver
        self.max_redirects = max_redirects
        self._clients: dict[NetworkPolicy, httpx.AsyncClient] = {}

    def _new_client(self, policy: NetworkPolicy) -> httpx.AsyncClient:
        # Checks every redirect hop's URL, then resolves, checks and connects to the checked address.
        return guarded_client(policy, resolver=self.resolver, follow_redirects=True, max_redirects=self.max_redirects)

    def _client(self, policy: NetworkPolicy) -> tuple[httpx.AsyncClient, bool]:
        """A pooled client per policy (a connection opened under one policy never serves another)."""
        client = self._clients.get(policy)
        if client is not None:
            return client, False
        client = self._new_client(policy)
        if len(self._clients) < _MAX_CACHED_CLIENTS:
            self._clients[policy] = client
            return client, False
        return client, True

    async def aclose(self) -> None:
        """Close every pooled client."""
        clients = list(self._clients.values())
        self._clients.clear()
        for client in clients:
            await client.aclose()

    def render(self, spec: HttpSpec, params: Mapping[str, Any], policy: NetworkPolicy | None = None) -> httpx.Request:
        """Build the request from templates (ValidationError for bad templates or headers).

        The rendered URL is parsed once and refused when ambiguous (``netguard.parse_url``); with ``policy``
        it is also pre-checked (scheme, literal addresses, allow-lists). The parsed URL is the one sent.
        """
        method = spec.method.upper()
        if method not in _METHODS:
            raise ValidationError.for_field("spec.method", f"must be one of {', '.join(sorted(_METHODS))}")
        context = {"params": dict(params)}
        rendered = templates.render_url(spec.url, context, field="spec.url")
        url = (
            check_url(rendered, policy, field="spec.url")
            if policy is not None
            else parse_url(rendered, field="spec.url")
        )
        headers: dict[str, str] = {}
        for name, value in spec.headers.items():
            if name.lower() in FORBIDDEN_REQUEST_HEADERS or not name or any(c in name for c in ":\r\n "):
                raise ValidationError.for_field(f"spec.headers.{name}", "this header cannot be set by an API")
            headers[name] = templates.render_header(value, context, field=f"spec.headers.{name}")
        kwargs: dict[str, Any] = {}
        if isinstance(spec.body, str):
            kwargs["content"] = templates.render_text(spec.body, context, field="spec.body").encode()
        elif spec.body is not None:
            kwargs["json"] = templates.render_json(spec.body, context, field="spec.body")
        try:
            return httpx.Request(method, url, headers=headers, **kwargs)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:
            raise ValidationError.for_field("spec.url", f"is not a valid URL after rendering: {exc}") from None

    async def execute(
        self,
        spec: HttpSpec,
        params: Mapping[str, Any],
        *,
        policy: NetworkPolicy,
        timeout: float,
        max_response_bytes: int,
        secrets: typing.Collection[str] = (),
        breaker_scope: str = "",
    ) -> HttpResult:
        """Send the rendered request and return the answer; ``secrets`` are masked in the reference.

        ``breaker_scope`` (the caller's tenant) gives each scope its own breaker per host, so one
        tenant's failing calls to a host never fail another tenant's calls fast, nor tell them about it.
        """
        if timeout <= 0:  # the caller's time is up: not the upstream's failure, so not its breaker's
            raise DeadlineExceededError("no time left to call the upstream")
        started = time.perf_counter()
        request = self.render(spec, params, policy)
        reference = HttpReference(request.method, redact_url(str(request.url), secrets))
        host = request.url.host
        deadline = time.monotonic() + timeout
        client, ephemeral = self._client(policy)
        # Semantic conventions of an HTTP client span; the URL without its query, fragment and credentials.
        traced_as: dict[str, AttributeValue] = {
            "http.request.method": request.method,
            "url.full": redact_url(str(request.url.copy_with(query=None, fragment=None, userinfo=b"")), secrets),
            "server.address": host,
            "server.port": request.url.port or (443 if request.url.scheme == "https" else 80),
        }

        async def attempt() -> HttpResult:
            # Bounded inside the breaker, so a hanging upstream counts as a failure (a cancellation from
            # outside would count as nothing, and pybreaker would even reset its failure count).
            remaining = deadline - time.monotonic()
            with span(request.method, traced_as, kind="client") as traced:
                try:
                    async with asyncio.timeout(max(remaining, 0.0)):
                        result = await self._send(client, request, remaining, max_response_bytes, started, reference)
                except TimeoutError:
                    raise DeadlineExceededError(
                        f"{reference.method} {reference.url} did not answer within {timeout:g}s"
                    ) from None
                except _Upstream5xx as exc:
                    traced.set_attribute("http.response.status_code", int(exc.metadata.get("status", 0)))
                    raise
                traced.set_attribute("http.response.status_code", result.status)
                if result.status >= 400:
                    mark_failed(traced, str(result.status))
                return result

        async def guarded() -> HttpResult:
            if self.breakers is None:
                return await attempt()
            name = f"http:{breaker_scope}/{host}" if breaker_scope else f"http:{host}"
            return await self.breakers.get(name).call(attempt)

        try:
            async with asyncio.timeout(timeout + 1.0):  # a backstop: each attempt stops at the deadline itself
                if self.retry is not None and request.method in IDEMPOTENT_METHODS:
                    return await self.retry.run(guarded, deadline=deadline)
                return await guarded()
        except TimeoutError:
            raise DeadlineExceededError(
                f"{reference.method} {reference.url} did not answer within {timeout:g}s"
            ).blame_dependency(f"http:{host}") from None
        except OpsuiteError as exc:
            # Past the breaker and the retries: to this engine's callers the upstream is a dependency.
            exc.blame_dependency(f"http:{host}")
            raise
        finally:
            if ephemeral:
                await client.aclose()

    async def _send(
        self,
        client: httpx.AsyncClient,
        request: httpx.Request,
        timeout: float,
        cap: int,
        started: float,
        reference: HttpReference,
    ) -> HttpResult:
        where = f"{reference.method} {reference.url}"
        try:
            # A fresh Request per attempt: a consumed body stream cannot be sent twice.
            again = client.build_request(
                request.method,
                request.url,
                headers=request.headers,
                content=request.content,
                timeout=httpx.Timeout(timeout),
            )
            inject(again.headers)  # W3C traceparent of this attempt's span (nothing when tracing is off)
            response = await client.send(again, stream=True)
        except OpsuiteError:
            raise
        except httpx.TooManyRedirects:
            raise FailedPreconditionError(
                f"{where} redirected more than {self.max_redirects} times", reason="TOO_MANY_REDIRECTS"
            ) from None
        except httpx.TimeoutException:
            raise DeadlineExceededError(f"{where} did not answer within {timeout:g}s") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FailedPreconditionError(f"{where} led to an invalid URL: {exc}", reason="BAD_REDIRECT") from None
        except httpx.TransportError as exc:
            raise ServiceUnavailableError(
                f"{where} failed: {type(exc).__name__} {exc}".strip(), reason="UPSTREAM_UNAVAILABLE"
            ) from None
        try:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                raise _too_big(where, cap)
            data = bytearray()
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > cap:
                    raise _too_big(where, cap)
        except httpx.TimeoutException:
            raise DeadlineExceededError(f"{where} did not finish its answer within {timeout:g}s") from None
        except httpx.TransportError as exc:
            raise ServiceUnavailableError(f"{where} broke off: {exc}", reason="UPSTREAM_UNAVAILABLE") from None
        finally:
            await response.aclose()
        if response.status_code >= 500:
            raise _Upstream5xx(
                f"{where} answered HTTP {response.status_code}", metadata={"status": response.status_code}
            )
        headers = {k: v for k, v in response.headers.items() if k.lower() not in _DROPPED_RESPONSE_HEADERS}
        return HttpResult(
            status=response.status_code,
            headers=headers,
            body=_body(response, bytes(data)),
            duration_ms=(time.perf_counter() - started) * 1000,
            reference=reference,
        )


def _too_big(where: str, cap: int) -> ResourceLimitError:
    return ResourceLimitError(
        f"{where} returned more than the API's response cap of {cap} bytes; raise the cap or narrow the request",
        reason="RESPONSE_TOO_LARGE",
    )
