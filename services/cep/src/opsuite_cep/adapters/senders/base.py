"""What every channel sender shares: the operator's outbound policy, the guarded POST and the summary line.

A channel URL is parsed once (``netguard.check_url``) and that parse is the one posted to, through the
guarded httpx client (no redirects followed), so the address that was checked is the one connected to. A
refused destination is PERMISSION_DENIED ``SSRF_BLOCKED``; a host that does not resolve is UNAVAILABLE
``CHANNEL_UNREACHABLE``; a channel that is down or answers 5xx/429 is UNAVAILABLE (transient); a channel
that rejects the message (other 3xx/4xx) is FAILED_PRECONDITION ``CHANNEL_REJECTED``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import httpx

from opsuite_cep.domain.templates import CHANNEL_VARIABLES, TemplateError, alert_data, compile_template, is_template
from opsuite_common.errors import FailedPreconditionError, OpsuiteError, ServiceUnavailableError, ValidationError
from opsuite_common.netguard import OPERATOR_ALLOW_SETTING, NetworkPolicy, check_url
from opsuite_common.settings import OutboundSettings
from opsuite_common.tracing import inject, mark_failed, span

__all__ = [
    "OUTBOUND_ALLOW_SETTING",
    "Post",
    "guarded_post",
    "is_opsuite_error",
    "outbound_policy",
    "render_text",
    "summary",
    "unreachable",
]

#: The setting that lists the hosts/addresses/CIDRs outbound deliveries may reach although private.
OUTBOUND_ALLOW_SETTING = OPERATOR_ALLOW_SETTING

#: ``(url, body, headers)`` -> POST through the guard; raises the typed errors described above.
Post = Callable[[str, bytes, Mapping[str, str]], Awaitable[None]]


def outbound_policy(outbound: OutboundSettings, legacy_allow: Iterable[str] = ()) -> NetworkPolicy:
    """The operator's policy for deliveries; ``legacy_allow`` is the deprecated ``OPSUITE_CEP_OUTBOUND_ALLOW``."""
    return outbound.policy(*legacy_allow)


def unreachable(exc: ServiceUnavailableError) -> ServiceUnavailableError:
    """The guard's "cannot resolve" as cep's transient CHANNEL_UNREACHABLE."""
    return ServiceUnavailableError(exc.message, reason="CHANNEL_UNREACHABLE")


def summary(payload: Mapping[str, Any]) -> str:
    """One line for a notification: ``[KIND] rule (severity) labels``; a group's adds its alert count (its
    rule, severity and labels are those its alerts share)."""
    labels = ", ".join(f"{k}={v}" for k, v in sorted(payload.get("labels", {}).items()) if k != "alertname")
    line = f"[{str(payload.get('kind', '')).upper()}] {payload.get('rule')} ({payload.get('severity')}) {labels}"
    alerts = payload.get("alerts")
    return f"{line} ({len(alerts)} alerts)" if isinstance(alerts, list) else line


def render_text(config: Mapping[str, Any], payload: Mapping[str, Any]) -> str | None:
    """The channel's ``template`` rendered for a notification payload, or None when it has none.

    Its variables: ``$labels``, ``$values``, ``$value``, ``$annotations`` (as rendered for the alert) and
    ``$kind`` (firing, resolved, repeat). A template refused by the sandbox (stored before it was checked)
    is sent as plain text: a notification is never lost to its template.
    """
    source = config.get("template")
    if not isinstance(source, str) or not source:
        return None
    if not is_template(source):
        return source
    try:
        template = compile_template(source, CHANNEL_VARIABLES)
    except TemplateError:
        return source
    data = alert_data(
        dict(payload.get("labels") or {}),
        dict(payload.get("values") or {}),
        annotations=dict(payload.get("annotations") or {}),
        kind=str(payload.get("kind", "")),
    )
    return template.render(data)


async def guarded_post(
    http: httpx.AsyncClient, policy: NetworkPolicy, text: str, body: bytes, headers: Mapping[str, str]
) -> None:
    """POST ``body`` to the channel URL ``text`` through the guarded client ``http``; typed errors on failure."""
    try:
        # Parsed once (scheme, ambiguity, literal addresses, allow-lists): this parse is the one posted to.
        url = check_url(text, policy, field="config.url")
    except ValidationError as exc:  # a URL stored before it was checked: retrying will not help
        raise FailedPreconditionError(
            f"the channel's URL cannot be used: {exc.message}; update the channel", reason="CHANNEL_REJECTED"
        ) from None
    host = url.host
    # An HTTP client span without url.full: a channel's URL path may be its credential (a Slack webhook).
    with span("POST", {"http.request.method": "POST", "server.address": host}, kind="client") as traced:
        sent = dict(headers)
        inject(sent)  # W3C traceparent of the delivery (nothing when tracing is off)
        response = await _post(http, url, body, sent)
        traced.set_attribute("http.response.status_code", response.status_code)
        if response.status_code >= 400:
            mark_failed(traced, str(response.status_code))
    if response.status_code >= 500 or response.status_code == 429:
        raise ServiceUnavailableError(f"{host} answered HTTP {response.status_code}", reason="CHANNEL_UNAVAILABLE")
    if response.status_code >= 300:
        raise FailedPreconditionError(
            f"{host} rejected the notification with HTTP {response.status_code}",
            reason="CHANNEL_REJECTED",
        )


async def _post(http: httpx.AsyncClient, url: httpx.URL, body: bytes, headers: dict[str, str]) -> httpx.Response:
    """The POST itself; transport failures as typed errors."""
    host = url.host
    try:
        # The guarded client resolves the host, checks every address and connects to a checked one.
        return await http.post(url, content=body, headers=headers)
    except ServiceUnavailableError as exc:
        raise unreachable(exc) from exc
    except (httpx.LocalProtocolError, httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError, ValueError) as exc:
        # Our own request cannot be sent (a URL or header stored before they were checked): retrying
        # will not help, and the error's text may quote a secret header, so only its type is told.
        raise FailedPreconditionError(
            f"POST {host}: the channel's URL or headers cannot be sent ({type(exc).__name__}); update the channel",
            reason="CHANNEL_REJECTED",
        ) from None
    except httpx.HTTPError as exc:
        raise ServiceUnavailableError(
            f"POST {host} failed: {type(exc).__name__}: {exc}", reason="CHANNEL_UNREACHABLE"
        ) from exc


def is_opsuite_error(exc: BaseException) -> bool:
    """Whether ``exc`` is one of ours (anything else is wrapped by the dispatcher)."""
    return isinstance(exc, OpsuiteError)
