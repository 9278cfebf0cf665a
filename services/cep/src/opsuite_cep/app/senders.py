"""Channel kinds and how each one delivers a notification; outbound addresses are guarded.

Outbound guard: ``opsuite_common.netguard`` with the operator's :class:`NetworkPolicy`, shared with
api_manager (``OPSUITE_OUTBOUND_ALLOW``/``OPSUITE_OUTBOUND_ALLOWLIST_ONLY``, plus the deprecated
``OPSUITE_CEP_OUTBOUND_ALLOW``; :func:`outbound_policy`). A channel URL is parsed once
(``netguard.parse_url``; ambiguous URLs are refused at save on ``config.url``) and that parse is the one
posted to. Webhook and Slack posts go through the guarded httpx client (no redirects followed) and e-mail
through an SMTP connection opened to an address it checked, so the address that was checked is the one
connected to (no second DNS lookup to rebind). A refused destination is PERMISSION_DENIED
``SSRF_BLOCKED``; a host that does not resolve is UNAVAILABLE ``CHANNEL_UNREACHABLE``.

Errors are typed so that the dispatcher's retry policy and breaker can tell them apart: a channel
that is down or answers 5xx/429 is UNAVAILABLE (transient: retried, counted by the breaker); a channel
that rejects the message (4xx, refused recipient) or a blocked address is not transient.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import smtplib
import socket
import ssl
import string
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from email.message import EmailMessage
from typing import Any

import httpx

from opsuite_common.errors import (
    FailedPreconditionError,
    OpsuiteError,
    ServiceUnavailableError,
    ValidationError,
)
from opsuite_common.netguard import (
    FORBIDDEN_REQUEST_HEADERS,
    OPERATOR_ALLOW_SETTING,
    NetworkPolicy,
    Resolver,
    check_url,
    guarded_client,
    host_problem,
    parse_url,
    resolve_checked,
    system_resolver,
)
from opsuite_common.settings import OutboundSettings

__all__ = [
    "CHANNEL_KINDS",
    "DEFAULT_QUESTION",
    "OUTBOUND_ALLOW_SETTING",
    "SECRET_KEYS",
    "Investigate",
    "Sender",
    "outbound_policy",
    "redact",
    "render_question",
    "validate_config",
]

CHANNEL_KINDS = ("webhook", "slack", "email", "api", "ops_investigation")
#: Config keys that are write-only (never returned by the API) and encrypted at rest.
SECRET_KEYS = frozenset({"secret", "password", "secret_headers"})
SIGNATURE_HEADER = "X-Opsuite-Signature"
#: The ops_investigation question when the channel's config sets none.
DEFAULT_QUESTION = "investigate alert {rule} on {labels}"
#: The only fields a question template may use.
QUESTION_FIELDS = ("rule", "severity", "labels")
MAX_QUESTION_CHARS = 2000

#: ``(tenant, channel config, notification payload)`` -> ask ops and attach the answer to the alert.
Investigate = Callable[[str, Mapping[str, Any], Mapping[str, Any]], Awaitable[None]]


def redact(config: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The config without secrets, and the names of the secrets that are set."""
    public = {k: v for k, v in config.items() if k not in SECRET_KEYS}
    return public, sorted(k for k in config if k in SECRET_KEYS and config[k])


def _need_str(cfg: Mapping[str, Any], key: str, problems: list[tuple[str, str]], required: bool = True) -> None:
    value = cfg.get(key)
    if value is None:
        if required:
            problems.append((key, "required"))
    elif not isinstance(value, str) or not value:
        problems.append((key, "expected a non-empty string"))


_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an RFC 9110 token
#: Printable ASCII, spaces and tabs only inside (h11 refuses leading/trailing whitespace): checked whole.
_HEADER_VALUE = re.compile(r"(?:[\x21-\x7e](?:[\t\x20-\x7e]*[\x21-\x7e])?)?")


def _headers_problem(headers: object) -> str | None:
    """Why ``headers`` is not a map of HTTP header names to single-line string values, or None."""
    if not isinstance(headers, Mapping):
        return "expected an object of header names to string values"
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            return f"{name!r} is not a valid header name"
        if name.lower() in FORBIDDEN_REQUEST_HEADERS:
            return f"{name} is set by cep itself and cannot be configured"
        if not isinstance(value, str) or not _HEADER_VALUE.fullmatch(value):
            return f"the value of {name} must be printable ASCII on one line, without leading or trailing spaces"
    return None


def _url_problem(url: str) -> str | None:
    """Why ``url`` cannot be posted to (scheme, an ambiguous host, port), or None. Addresses are judged later."""
    if not url.lower().startswith(("http://", "https://")):
        return "must be an http:// or https:// URL"
    try:
        parse_url(url, field="config.url")
    except ValidationError as exc:
        return exc.field_violations[0].description if exc.field_violations else exc.message
    return None


def _email_host_problem(host: str) -> str | None:
    """Why an SMTP ``host`` is not one unambiguous host name or address (a bare IPv6 address is fine), or None."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return host_problem(host)


def _question_problem(template: str) -> str | None:
    """Why ``template`` is not a plain ``{rule}``/``{severity}``/``{labels}`` template, or None."""
    if len(template) > MAX_QUESTION_CHARS:
        return f"at most {MAX_QUESTION_CHARS} characters"
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"not a valid template ({exc}); write literal braces as {{{{ and }}}}"
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        # Only bare names: attribute/index access, conversions and format specs could reach into
        # objects or build huge strings, and a question needs none of them.
        if name not in QUESTION_FIELDS or spec or conversion:
            return f"unsupported placeholder {{{name}}}; use only {{rule}}, {{severity}} and {{labels}}"
    return None


def render_question(template: str, payload: Mapping[str, Any]) -> str:
    """The ops question for a notification: ``template`` filled with the alert's rule, severity and labels."""
    problem = _question_problem(template)
    if problem is not None:
        raise FailedPreconditionError(
            f"the channel's question template is invalid: {problem}", reason="CHANNEL_REJECTED"
        )
    labels = ", ".join(f"{k}={v}" for k, v in sorted(payload.get("labels", {}).items()) if k != "alertname")
    values = {"rule": str(payload.get("rule", "")), "severity": str(payload.get("severity", "")), "labels": labels}
    return template.format_map(values).strip()


def validate_config(kind: str, cfg: Mapping[str, Any]) -> None:
    """Check a channel config for its kind; violations name ``config.<key>``."""
    if kind not in CHANNEL_KINDS:
        raise ValidationError.for_field(
            "kind", f"unknown channel kind {kind!r}; expected one of {', '.join(CHANNEL_KINDS)}"
        )
    allowed = {
        "webhook": {"url", "secret", "headers", "secret_headers"},
        "slack": {"url"},
        "email": {"host", "port", "from", "to", "username", "password", "starttls"},
        "api": {"api", "params"},
        "ops_investigation": {"question"},
    }[kind]
    problems: list[tuple[str, str]] = [(k, f"unknown key for a {kind} channel") for k in cfg if k not in allowed]
    if kind in ("webhook", "slack"):
        _need_str(cfg, "url", problems)
        url = cfg.get("url")
        if isinstance(url, str) and (problem := _url_problem(url)) is not None:
            problems.append(("url", problem))
        _need_str(cfg, "secret", problems, required=False)
        for key in ("headers", "secret_headers"):
            if (problem := _headers_problem(cfg.get(key, {}))) is not None:
                problems.append((key, problem))
    elif kind == "email":
        _need_str(cfg, "host", problems)
        host = cfg.get("host")
        if isinstance(host, str) and host and (problem := _email_host_problem(host)) is not None:
            problems.append(("host", problem))
        _need_str(cfg, "from", problems)
        port = cfg.get("port", 25)
        if (
            isinstance(port, bool)
            or not isinstance(port, int | float)
            or not 0 < int(port) < 65536
            or port != int(port)
        ):
            problems.append(("port", "expected a port number 1-65535"))
        to = cfg.get("to")
        if not isinstance(to, list) or not to or not all(isinstance(x, str) and "@" in x for x in to):
            problems.append(("to", "required: a list of e-mail addresses"))
        _need_str(cfg, "username", problems, required=False)
        _need_str(cfg, "password", problems, required=False)
    elif kind == "api":
        _need_str(cfg, "api", problems)
        if not isinstance(cfg.get("params", {}), Mapping):
            problems.append(("params", "expected an object of API parameters"))
    elif kind == "ops_investigation":
        _need_str(cfg, "question", problems, required=False)
        question = cfg.get("question")
        if isinstance(question, str) and question and (problem := _question_problem(question)):
            problems.append(("question", problem))
    if problems:
        from opsuite_common.errors import FieldViolation

        raise ValidationError(
            f"the {kind} channel config is invalid",
            field_violations=[FieldViolation(f"config.{k}", d) for k, d in problems],
        )


#: The setting that lists the hosts/addresses/CIDRs outbound deliveries may reach although private.
OUTBOUND_ALLOW_SETTING = OPERATOR_ALLOW_SETTING


def outbound_policy(outbound: OutboundSettings, legacy_allow: Iterable[str] = ()) -> NetworkPolicy:
    """The operator's policy for deliveries; ``legacy_allow`` is the deprecated ``OPSUITE_CEP_OUTBOUND_ALLOW``."""
    return outbound.policy(*legacy_allow)


def _unreachable(exc: ServiceUnavailableError) -> ServiceUnavailableError:
    """The guard's "cannot resolve" as cep's transient CHANNEL_UNREACHABLE."""
    return ServiceUnavailableError(exc.message, reason="CHANNEL_UNREACHABLE")


class _PinnedSMTP(smtplib.SMTP):
    """SMTP over a connection to addresses the guard checked; ``host`` stays the name STARTTLS verifies."""

    def __init__(self, host: str, port: int, addresses: Sequence[str], timeout: float) -> None:
        self._addresses = list(addresses)
        super().__init__(host, port, timeout=timeout)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        # smtplib's connect() keeps ``host`` for STARTTLS and asks this hook for the socket (SMTP_SSL overrides it too).
        last: OSError | None = None
        for address in self._addresses:
            try:
                return socket.create_connection((address, port), timeout, self.source_address)
            except OSError as exc:
                last = exc
        raise last or OSError(f"no checked address for {host}")


def _summary(payload: Mapping[str, Any]) -> str:
    labels = ", ".join(f"{k}={v}" for k, v in sorted(payload.get("labels", {}).items()) if k != "alertname")
    return f"[{str(payload.get('kind', '')).upper()}] {payload.get('rule')} ({payload.get('severity')}) {labels}"


class Sender:
    """Delivers one notification payload to one channel (no retries here: the dispatcher owns them)."""

    def __init__(
        self,
        policy: NetworkPolicy,
        timeout_s: float,
        execute_api: Callable[[str, str, Mapping[str, Any]], Any] | None = None,
        investigate: Investigate | None = None,
        *,
        resolver: Resolver | None = None,
    ) -> None:
        """``policy`` guards webhook, Slack and SMTP destinations; ``resolver`` replaces getaddrinfo (tests)."""
        self.policy, self.timeout_s = policy, timeout_s
        self._execute_api = execute_api
        self._investigate = investigate
        self._resolver = resolver or system_resolver
        self._http = guarded_client(policy, resolver=self._resolver, timeout=timeout_s, follow_redirects=False)

    async def close(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()

    async def send(self, tenant: str, kind: str, config: Mapping[str, Any], payload: Mapping[str, Any]) -> None:
        """Deliver ``payload``; raise a typed error on failure."""
        if kind == "webhook":
            body = json.dumps(payload, default=str).encode()
            configured = {**dict(config.get("headers") or {}), **dict(config.get("secret_headers") or {})}
            headers = {
                "Content-Type": "application/json",
                # Refused at save since they were checked; a config stored before still never sets them.
                **{k: v for k, v in configured.items() if str(k).lower() not in FORBIDDEN_REQUEST_HEADERS},
            }
            if payload.get("notification_id"):
                headers["X-Opsuite-Notification-Id"] = str(payload["notification_id"])
            if config.get("secret"):
                digest = hmac.new(str(config["secret"]).encode(), body, hashlib.sha256).hexdigest()
                headers[SIGNATURE_HEADER] = f"sha256={digest}"
            await self._post(str(config["url"]), body, headers)
        elif kind == "slack":
            body = json.dumps({"text": _summary(payload)}).encode()
            await self._post(str(config["url"]), body, {"Content-Type": "application/json"})
        elif kind == "email":
            await self._email(config, payload)
        elif kind == "api":
            if self._execute_api is None:
                raise ServiceUnavailableError(
                    "no api_manager client is configured", reason="API_MANAGER_NOT_CONFIGURED"
                )
            params = {**dict(config.get("params") or {}), "alert": dict(payload)}
            await self._execute_api(tenant, str(config["api"]), params)
        elif kind == "ops_investigation":
            if self._investigate is None:
                raise ServiceUnavailableError("no ops client is configured", reason="OPS_NOT_CONFIGURED")
            await self._investigate(tenant, config, payload)
        else:
            raise FailedPreconditionError(f"unknown channel kind {kind!r}", reason="CHANNEL_KIND_UNKNOWN")

    async def _post(self, text: str, body: bytes, headers: Mapping[str, str]) -> None:
        try:
            # Parsed once (scheme, ambiguity, literal addresses, allow-lists): this parse is the one posted to.
            url = check_url(text, self.policy, field="config.url")
        except ValidationError as exc:  # a URL stored before it was checked: retrying will not help
            raise FailedPreconditionError(
                f"the channel's URL cannot be used: {exc.message}; update the channel", reason="CHANNEL_REJECTED"
            ) from None
        host = url.host
        try:
            # The guarded client resolves the host, checks every address and connects to a checked one.
            response = await self._http.post(url, content=body, headers=dict(headers))
        except ServiceUnavailableError as exc:
            raise _unreachable(exc) from exc
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
        if response.status_code >= 500 or response.status_code == 429:
            raise ServiceUnavailableError(f"{host} answered HTTP {response.status_code}", reason="CHANNEL_UNAVAILABLE")
        if response.status_code >= 300:
            raise FailedPreconditionError(
                f"{host} rejected the notification with HTTP {response.status_code}",
                reason="CHANNEL_REJECTED",
            )

    async def _email(self, config: Mapping[str, Any], payload: Mapping[str, Any]) -> None:
        host, port = str(config["host"]), int(config.get("port", 25))
        if (problem := _email_host_problem(host)) is not None:  # stored before it was checked
            raise FailedPreconditionError(
                f"the channel's SMTP host cannot be used: {problem}; update the channel", reason="CHANNEL_REJECTED"
            )
        try:
            addresses = [str(ip) for ip in await resolve_checked(host, port, self.policy, self._resolver)]
        except ServiceUnavailableError as exc:
            raise _unreachable(exc) from exc
        msg = EmailMessage()
        msg["Subject"] = _summary(payload)
        msg["From"] = str(config["from"])
        msg["To"] = ", ".join(config["to"])
        msg.set_content(json.dumps(payload, indent=2, default=str))

        def deliver() -> None:
            with _PinnedSMTP(host, port, addresses, self.timeout_s) as smtp:
                if config.get("starttls"):
                    # A verifying context: 3.11's default for starttls() checks neither chain nor name.
                    smtp.starttls(context=ssl.create_default_context())
                if config.get("username"):
                    smtp.login(str(config["username"]), str(config.get("password", "")))
                smtp.send_message(msg)

        try:
            await asyncio.to_thread(deliver)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError) as exc:
            raise FailedPreconditionError(
                f"the SMTP server refused the message: {exc}", reason="CHANNEL_REJECTED"
            ) from exc
        except ssl.SSLCertVerificationError as exc:  # an OSError, but retrying will not fix a certificate
            raise FailedPreconditionError(
                f"STARTTLS with {host}:{port} failed: its certificate does not verify ({exc.verify_message})",
                reason="CHANNEL_REJECTED",
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise ServiceUnavailableError(
                f"SMTP delivery to {host}:{port} failed: {exc!r}", reason="CHANNEL_UNREACHABLE"
            ) from exc


def is_opsuite_error(exc: BaseException) -> bool:
    """Whether ``exc`` is one of ours (anything else is wrapped by the dispatcher)."""
    return isinstance(exc, OpsuiteError)
