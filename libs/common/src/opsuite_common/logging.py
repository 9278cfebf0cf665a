"""Structured logging for every opsuite service: structlog, JSON lines, request context, secret redaction.

``configure_logging(service)`` is called once in ``main`` (tests may call it again with their own
stream). Afterwards:

- ``get_logger(name)`` / ``structlog.get_logger(name)`` write one JSON object per line (or a
  coloured console line when the stream is a terminal and ``fmt="auto"``);
- fields bound with ``bind_context`` (the server interceptor binds request_id, tenant, subject,
  method) appear on every line logged in that task, and ``service`` on every line;
- with tracing on (:mod:`opsuite_common.tracing`), a line logged inside a span carries its ``trace_id`` and
  ``span_id`` (the access log's line too);
- stdlib ``logging`` records (grpc, sqlalchemy, alembic, httpx...) go through the same
  processors, so they are JSON and redacted too;
- ``redact`` runs last before rendering, on every line, including rendered tracebacks: values under
  sensitive keys become ``***`` and JWTs, ``Bearer``/``Basic`` credentials, URL passwords,
  ``password=...`` pairs and PEM private keys are masked inside any string; so is every secret value
  registered in the current secret scope (``opsuite_common.secretscope``: secret API parameters, data
  source and channel passwords), whatever it looks like.

Redaction is a safety net, not a licence: never log a credential on purpose.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Literal, TextIO, cast

import structlog
from structlog.typing import EventDict, FilteringBoundLogger, Processor, WrappedLogger

from opsuite_common.secretscope import REDACTED, current_scope
from opsuite_common.tracing import add_trace_ids, current_ids

__all__ = [
    "REDACTED",
    "access_log",
    "bind_context",
    "bound_context",
    "clear_context",
    "configure_logging",
    "get_logger",
    "is_sensitive_key",
    "redact",
    "redact_text",
    "redact_value",
]

LogFormat = Literal["auto", "json", "console"]

_SENSITIVE_KEY_RE = re.compile(
    r"token|passw(?:or)?d|passwd|secret|authorization|api[_-]?key|cookie|credential|private[_-]?key",
    re.IGNORECASE,
)
# Inner part of a key=value / "key": value pattern; kept in sync with _SENSITIVE_KEY_RE.
_KEY_WORDS = r"(?:token|passw(?:or)?d|passwd|pwd|secret|api[_-]?key|credential|private[_-]?key)"

# (pattern, replacement) applied in order to every string that reaches a log line.
_TEXT_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # PEM private keys, whole block.
    (
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", re.DOTALL),
        "-----PRIVATE KEY " + REDACTED + "-----",
    ),
    # JWTs: base64url header and payload of a JSON object both start with "eyJ".
    (re.compile(r"eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*"), REDACTED),
    # HTTP credentials: "Bearer abc", "Basic dXNlcjpw...".
    (re.compile(r"\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE), r"\1\2" + REDACTED),
    # URL userinfo password: scheme://user:pass@host -> scheme://user:***@host.
    (re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*):[^\s/]*@"), r"\1:" + REDACTED + "@"),
    # "password": "x" / 'api_key': 'x' in reprs of mappings and JSON.
    (
        re.compile(
            r"""(["'])([\w.-]*""" + _KEY_WORDS + r"""[\w.-]*)\1(\s*:\s*)"""
            r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s,}\]]+)""",
            re.IGNORECASE,
        ),
        r"\1\2\1\3'" + REDACTED + "'",
    ),
    # key=value pairs in DSNs, query strings and kwargs reprs: password=x, access_token=x.
    (
        re.compile(
            r"""\b([\w.-]*""" + _KEY_WORDS + r"""[\w.-]*)(\s*=\s*)("[^"]*"|'[^']*'|[^\s&;,)}\]'"]+)""",
            re.IGNORECASE,
        ),
        r"\1\2" + REDACTED,
    ),
    # Header lines whose whole value is a credential.
    (
        re.compile(r"\b((?:set-)?cookie|x-api-key|proxy-authorization)(\s*:\s*)[^\r\n]+", re.IGNORECASE),
        r"\1\2" + REDACTED,
    ),
)

# Cheap pre-check: a string that contains none of these cannot match any rule above. Most log
# values (ids, method names, codes) skip the rules entirely; the access log runs on every RPC.
_MAY_CONTAIN_SECRET = re.compile(
    r"eyJ|bearer|basic|@|token|passw|pwd|secret|api[_-]?key|credential|private|cookie|authorization",
    re.IGNORECASE,
)

# Keys structlog's stdlib bridge uses internally; never stringify them.
_INTERNAL_KEYS = frozenset({"_record", "_from_structlog"})


def is_sensitive_key(key: object) -> bool:
    """Whether a mapping key names a credential (token, password, secret, api key, cookie...)."""
    return isinstance(key, str) and _SENSITIVE_KEY_RE.search(key) is not None


def redact_text(text: str) -> str:
    """Mask every credential-looking substring of ``text`` (JWTs, bearer tokens, URL and DSN passwords)."""
    if _MAY_CONTAIN_SECRET.search(text) is None:
        return text
    for pattern, replacement in _TEXT_RULES:
        text = pattern.sub(replacement, text)
    return text


def redact_value(value: object, _depth: int = 0) -> object:
    """Redact a log value recursively: mappings by key and by value, sequences item by item, strings by text.

    Other objects are rendered with ``str()`` first so that what reaches the log is what was checked.
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return redact_text(value)
    if _depth > 20:  # pathological nesting: give up on structure, keep the line safe
        return redact_text(str(value))
    if isinstance(value, Mapping):
        return {str(k): (REDACTED if is_sensitive_key(k) else redact_value(v, _depth + 1)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [redact_value(v, _depth + 1) for v in value]
    if isinstance(value, bytes):
        return redact_text(value.decode("utf-8", "replace"))
    return redact_text(str(value))


def redact(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """structlog processor: redact every key and value of the event (run after exceptions are rendered).

    Values registered in the current secret scope are masked as well, in every field.
    """
    scope = current_scope()
    if scope is not None and not scope:
        scope = None
    for key in list(event_dict):
        if key in _INTERNAL_KEYS:
            continue
        if key != "event" and is_sensitive_key(key):
            event_dict[key] = REDACTED
        else:
            value = redact_value(event_dict[key])
            event_dict[key] = value if scope is None else scope.scrub_value(value)
    return event_dict


class _Sink:
    """The one output stream shared by structlog and stdlib logging; a lock keeps lines whole."""

    def __init__(self) -> None:
        self.stream: TextIO = sys.stderr
        self.lock = threading.Lock()

    def write_line(self, line: str) -> None:
        """Write one line; logging never raises into the caller (a closed stream falls back to stderr)."""
        with self.lock:
            try:
                self.stream.write(line + "\n")
                self.stream.flush()
            except (ValueError, OSError):
                # The configured stream was closed (e.g. a test runner's capture): keep logging working.
                self.stream = sys.__stderr__ or sys.stderr
                with contextlib.suppress(ValueError, OSError):
                    self.stream.write(line + "\n")
                    self.stream.flush()


_SINK = _Sink()
# Bumped by every configure_logging call; cached loggers rebuild when it changes.
_GENERATION = [0]


class _LineLogger:
    """Minimal structlog wrapped logger: writes rendered lines to the sink and knows its name."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def msg(self, message: str) -> None:
        """Write one rendered line."""
        _SINK.write_line(message)

    log = debug = info = warning = warn = error = critical = exception = fatal = failure = err = msg


def _logger_factory(*args: Any) -> _LineLogger:
    return _LineLogger(str(args[0]) if args and args[0] else "opsuite")


class _SinkHandler(logging.Handler):
    """stdlib handler writing formatted records to the shared sink."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            _SINK.write_line(self.format(record))
        except Exception:
            self.handleError(record)


def _add_logger_name(logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    record = event_dict.get("_record")
    if record is not None and not event_dict.get("_from_structlog"):
        event_dict.setdefault("logger", record.name)
    else:
        name = getattr(logger, "name", None)
        if name:
            event_dict.setdefault("logger", name)
    return event_dict


def _add_service(service: str) -> Processor:
    def add_service(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
        event_dict.setdefault("service", service)
        return event_dict

    return add_service


# Third-party loggers that are noisy or, like sqlalchemy.engine at INFO, print SQL parameters.
_QUIET_LOGGERS: Mapping[str, int] = {
    "sqlalchemy": logging.WARNING,
    "aiosqlite": logging.WARNING,
    "asyncio": logging.WARNING,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "grpc": logging.WARNING,
}


def configure_logging(
    service: str,
    level: str = "INFO",
    fmt: LogFormat = "auto",
    stream: TextIO | None = None,
) -> None:
    """Configure structlog and stdlib logging for ``service``; safe to call again (the last call wins).

    ``stream`` defaults to ``sys.stderr`` at call time; ``fmt="auto"`` renders for a console when the
    stream is a terminal and JSON lines otherwise.
    """
    numeric_level = logging.getLevelNamesMapping().get(level.upper())
    if numeric_level is None:
        raise ValueError(f"unknown log level {level!r}: use DEBUG, INFO, WARNING, ERROR or CRITICAL")
    out = stream if stream is not None else sys.stderr
    if fmt not in ("auto", "json", "console"):
        raise ValueError(f"unknown log format {fmt!r}: use auto, json or console")
    console = fmt == "console" or (fmt == "auto" and _isatty(out))

    renderer: Processor
    if console:
        # format_exc_info already rendered (and redaction masked) the traceback: print it as text.
        renderer = structlog.dev.ConsoleRenderer(exception_formatter=structlog.dev.plain_traceback)
    else:
        renderer = structlog.processors.JSONRenderer()

    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        add_trace_ids,
        _add_service(service),
        structlog.processors.add_log_level,
        _add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
        structlog.processors.UnicodeDecoder(),
        redact,
    ]

    _SINK.stream = out
    _GENERATION[0] += 1
    _ACCESS_STATE.update(service=service, json=not console, level=numeric_level)
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=_logger_factory,
        context_class=dict,
        # Not cached: loggers created at import time must follow a later configure_logging call.
        cache_logger_on_first_use=False,
    )

    handler = _SinkHandler()
    handler.set_name("opsuite")
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "opsuite" or isinstance(h, _SinkHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric_level)
    for name, quiet_level in _QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(quiet_level, numeric_level))


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


_ACCESS_STATE: dict[str, Any] = {"service": "", "json": True, "level": logging.INFO}
_json_dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def access_log(fields: dict[str, Any], *, warning: bool = False) -> None:
    """Write one access-log line (the per-RPC hot path) without the general processor chain.

    Same shape and sink as every other line: ``event``, ``level``, ``logger``, ``timestamp``,
    ``service`` and the given fields (request id, method, tenant, subject, code, duration). The
    caller passes only server-generated or validated values; string values are still passed
    through ``redact_text`` (cheap when nothing looks like a secret). With console output the line
    goes through structlog as usual.
    """
    level = logging.WARNING if warning else logging.INFO
    if level < _ACCESS_STATE["level"]:
        return
    if not _ACCESS_STATE["json"]:
        (_ACCESS_LOG.warning if warning else _ACCESS_LOG.info)(fields.pop("event", "rpc"), **fields)
        return
    line = {
        "event": fields.pop("event", "rpc"),
        "level": "warning" if warning else "info",
        "logger": "opsuite.access",
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "service": _ACCESS_STATE["service"],
    }
    scope = current_scope()
    for key, value in fields.items():
        if isinstance(value, str):
            value = redact_text(value) if scope is None else scope.scrub(redact_text(value))
        line[key] = value
    ids = current_ids()
    if ids is not None:
        line["trace_id"], line["span_id"] = ids
    _SINK.write_line(_json_dumps(line))


class _CachedLogger:
    """A logger that builds its structlog bound logger once per configuration, not once per call.

    structlog's lazy proxy (with ``cache_logger_on_first_use=False``) rebuilds the bound logger on
    every log call; hot paths such as the per-RPC access log cannot afford that. This proxy rebuilds
    only after ``configure_logging`` has run again, so it still follows reconfiguration.
    """

    __slots__ = ("_gen", "_initial", "_logger", "_name")

    def __init__(self, name: str | None, initial: dict[str, Any]) -> None:
        self._name = name
        self._initial = initial
        self._gen = -1
        self._logger: Any = None

    def _current(self) -> Any:
        if self._gen != _GENERATION[0]:
            self._logger = structlog.get_logger(self._name, **self._initial).bind()
            self._gen = _GENERATION[0]
        return self._logger

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._current(), attr)


def get_logger(name: str | None = None, **initial_values: Any) -> FilteringBoundLogger:
    """A structlog logger named ``name`` (shown as ``logger``), with optional fields bound up front."""
    return cast(FilteringBoundLogger, _CachedLogger(name, initial_values))


_ACCESS_LOG = get_logger("opsuite.access")


def bind_context(**values: Any) -> None:
    """Bind fields to every log line of the current task (request_id, tenant, subject, method...)."""
    structlog.contextvars.bind_contextvars(**values)


def clear_context() -> None:
    """Remove every field bound with ``bind_context`` in the current context."""
    structlog.contextvars.clear_contextvars()


@contextmanager
def bound_context(**values: Any) -> Iterator[None]:
    """Bind fields for the duration of a ``with`` block, restoring the previous values afterwards."""
    with structlog.contextvars.bound_contextvars(**values):
        yield
