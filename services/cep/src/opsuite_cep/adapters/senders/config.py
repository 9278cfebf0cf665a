"""Channel kinds and the shape of each kind's config: checked at save, violations name ``config.<key>``.

A channel URL is parsed once (``netguard.parse_url``); an ambiguous URL is refused at save on ``config.url``.
Addresses are judged later, against the operator's policy (at save for literals, at delivery always).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from opsuite_cep.adapters.senders.alertmanager import FORMATS
from opsuite_cep.adapters.senders.ops_investigation import question_problem
from opsuite_cep.domain.templates import CHANNEL_VARIABLES, template_problem
from opsuite_common.errors import FieldViolation, ValidationError
from opsuite_common.netguard import FORBIDDEN_REQUEST_HEADERS, host_problem, parse_url

__all__ = ["CHANNEL_KINDS", "SECRET_KEYS", "email_host_problem", "redact", "validate_config"]

CHANNEL_KINDS = ("webhook", "slack", "email", "api", "ops_investigation")
#: Config keys that are write-only (never returned by the API) and encrypted at rest.
SECRET_KEYS = frozenset({"secret", "password", "secret_headers"})


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


def _format_problems(cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A webhook's ``format`` (``opsuite`` or ``alertmanager``), ``external_url`` and ``max_alerts``."""
    problems = []
    fmt = cfg.get("format", "opsuite")
    if fmt not in FORMATS:
        problems.append(("format", f"one of {', '.join(FORMATS)}"))
    elif fmt == "alertmanager" and cfg.get("template"):
        problems.append(("template", "not used with format alertmanager: its payload is Alertmanager's, exactly"))
    url = cfg.get("external_url", "")
    if not isinstance(url, str) or len(url) > 4096 or (url and not url.lower().startswith(("http://", "https://"))):
        problems.append(("external_url", "an http:// or https:// URL of at most 4096 characters"))
    limit = cfg.get("max_alerts", 0)
    if isinstance(limit, bool) or not isinstance(limit, int | float) or not 0 <= limit <= 10_000 or limit != int(limit):
        problems.append(("max_alerts", "a whole number 0-10000 (0: no limit)"))
    return problems


def email_host_problem(host: str) -> str | None:
    """Why an SMTP ``host`` is not one unambiguous host name or address (a bare IPv6 address is fine), or None."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return host_problem(host)


def validate_config(kind: str, cfg: Mapping[str, Any]) -> None:
    """Check a channel config for its kind; violations name ``config.<key>``."""
    if kind not in CHANNEL_KINDS:
        raise ValidationError.for_field(
            "kind", f"unknown channel kind {kind!r}; expected one of {', '.join(CHANNEL_KINDS)}"
        )
    allowed = {
        "webhook": {"url", "secret", "headers", "secret_headers", "template", "format", "external_url", "max_alerts"},
        "slack": {"url", "template"},
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
        _need_str(cfg, "template", problems, required=False)
        template = cfg.get("template")
        if isinstance(template, str) and (problem := template_problem(template, CHANNEL_VARIABLES)) is not None:
            problems.append(("template", problem))
        problems += _format_problems(cfg)
    elif kind == "email":
        _need_str(cfg, "host", problems)
        host = cfg.get("host")
        if isinstance(host, str) and host and (problem := email_host_problem(host)) is not None:
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
        if isinstance(question, str) and question and (problem := question_problem(question)):
            problems.append(("question", problem))
    if problems:
        raise ValidationError(
            f"the {kind} channel config is invalid",
            field_violations=[FieldViolation(f"config.{k}", d) for k, d in problems],
        )
