"""Entities found in a question (hosts, services, times, numbers, quoted strings) and argument filling.

:func:`extract_entities` reads the question once; :func:`fill_arguments` then fills one tool's
parameters by parameter *name* and JSON-schema *type*, and reports which required ones it could
not fill (the planner then tries to chain a producer tool, or skips the tool).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.bm25 import STOP_WORDS, stem
from opsuite_ops.domain.model import Tool

__all__ = [
    "HOST_PARAMS",
    "SERVICE_PARAMS",
    "SINCE_PARAMS",
    "UNTIL_PARAMS",
    "Entities",
    "FilledArguments",
    "TimeRange",
    "canonical_param",
    "extract_entities",
    "fill_arguments",
    "human_duration",
    "ranking_text",
]

HOST_PARAMS = frozenset({"host", "hostname", "host_name", "server", "node", "instance", "machine"})
SERVICE_PARAMS = frozenset({"service", "service_name", "app", "application", "component", "svc"})
SINCE_PARAMS = frozenset({"since", "start", "start_time", "from", "from_time", "begin", "after"})
UNTIL_PARAMS = frozenset({"until", "end", "end_time", "to", "to_time", "before"})
_LIMIT_PARAMS = frozenset({"limit", "top", "n", "count", "max_rows", "size"})
_TEXT_PARAMS = frozenset({"query", "q", "text", "search", "pattern", "keyword", "keywords", "term"})

_HOST_RE = re.compile(r"\b[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*-\d+[a-z]?\b", re.IGNORECASE)
_ISO_RE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b", re.IGNORECASE
)
_UNITS = {
    "s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hr": 3600,
    "hour": 3600, "d": 86400, "day": 86400, "w": 604800, "week": 604800,
}  # fmt: skip
_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "ten": 10, "twelve": 12, "fifteen": 15, "thirty": 30, "few": 3, "couple": 2}  # fmt: skip
_UNIT_ALT = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|[smhdw])"
_REL_RE = re.compile(
    r"\b(?:(?:last|past|previous|in the last|over the last)\s+(?:(?P<n>\d+|a|an|one|two|three|four|five|six|"
    r"ten|twelve|fifteen|thirty|few|couple(?: of)?)\s*)?(?P<u>" + _UNIT_ALT + r")\b"
    r"|(?P<n2>\d+)\s*(?P<u2>" + _UNIT_ALT + r")\s+ago\b)",
    re.IGNORECASE,
)
_DAY_RE = re.compile(r"\b(today|yesterday)\b", re.IGNORECASE)
_NUMBER_RE = re.compile(r"(?<![\w.-])-?\d+(?:\.\d+)?(?![\w.-])")
_QUOTED_RE = re.compile(r"\"([^\"]+)\"|'([^']+)'")
_SERVICE_BEFORE = re.compile(
    r"\b(?:on|for|of|in|service|app|from|about|run|runs|running|serving)\s+(?:the\s+)?([a-z][a-z0-9_-]*)", re.I
)
_SERVICE_AFTER = re.compile(r"\b([a-z][a-z0-9_-]*)\s+(?:service|app|application)\b", re.I)


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A time window mentioned in the question; ``text`` is the phrase it came from."""

    since: datetime
    until: datetime
    text: str

    @property
    def seconds(self) -> float:
        """Length of the window in seconds."""
        return (self.until - self.since).total_seconds()


@dataclass(frozen=True, slots=True)
class Entities:
    """What the question mentions, in order of appearance."""

    hosts: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    time_range: TimeRange | None = None
    numbers: tuple[float, ...] = ()
    quoted: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    keywords: str = ""


@dataclass(frozen=True, slots=True)
class FilledArguments:
    """Arguments for one tool, the required parameters still missing, and how each was found."""

    arguments: dict[str, Any]
    missing: tuple[str, ...]
    sources: dict[str, str] = field(default_factory=dict)


def canonical_param(name: str) -> str:
    """The concept a parameter name stands for: host, service, since, until, or the name itself."""
    n = name.lower()
    for concept, names in (("host", HOST_PARAMS), ("service", SERVICE_PARAMS), ("since", SINCE_PARAMS),
                           ("until", UNTIL_PARAMS)):  # fmt: skip
        if n in names:
            return concept
    return n


def ranking_text(text: str) -> str:
    """``text`` without host names, timestamps, time phrases and bare numbers (noise for tool ranking)."""
    masked = _REL_RE.sub(" ", _ISO_RE.sub(" ", _HOST_RE.sub(" ", text)))
    return _NUMBER_RE.sub(" ", masked)


def _time_range(text: str, now: datetime) -> TimeRange | None:
    m = _REL_RE.search(text)
    if m:
        raw_n = (m.group("n") or m.group("n2") or "1").lower().removesuffix(" of")
        n = int(raw_n) if raw_n.isdigit() else _WORD_NUMBERS.get(raw_n, 1)
        unit = (m.group("u") or m.group("u2") or "h").lower()
        key = unit if unit in _UNITS else unit.rstrip("s")
        seconds = n * _UNITS.get(key, _UNITS.get(key[:3], 3600))
        return TimeRange(now - timedelta(seconds=seconds), now, m.group(0))
    isos = _ISO_RE.findall(text)
    if isos:
        stamps = [_parse_iso(s) for s in isos]
        valid = [s for s in stamps if s is not None]
        if valid:
            return TimeRange(valid[0], valid[1] if len(valid) > 1 else now, " .. ".join(isos[:2]))
    m = _DAY_RE.search(text)
    if m:
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if m.group(1).lower() == "today":
            return TimeRange(midnight, now, "today")
        return TimeRange(midnight - timedelta(days=1), midnight, "yesterday")
    return None


def _parse_iso(s: str) -> datetime | None:
    try:
        dt = datetime.fromisoformat(s.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def extract_entities(
    text: str,
    *,
    now: datetime,
    known_hosts: Iterable[str] = (),
    known_services: Iterable[str] = (),
    vocabulary: Iterable[str] = (),
) -> Entities:
    """Find hosts, services, a time range, free numbers, quoted strings and keywords in ``text``.

    ``vocabulary`` is the stemmed tool vocabulary: a word that names a tool concept ("cpu",
    "error") is never mistaken for a service name unless it is in ``known_services``.
    """
    lower = text.lower()
    hosts = list(dict.fromkeys(h.lower() for h in _HOST_RE.findall(text)))
    for h in known_hosts:
        if re.search(rf"\b{re.escape(h.lower())}\b", lower) and h.lower() not in hosts:
            hosts.append(h.lower())
    time_range = _time_range(text, now)
    # Numbers inside hosts, ISO stamps and time phrases are not free numbers.
    masked = _ISO_RE.sub(" ", _HOST_RE.sub(" ", text))
    masked = _REL_RE.sub(" ", masked)
    numbers = tuple(float(n) for n in _NUMBER_RE.findall(masked))
    quoted = tuple(a or b for a, b in _QUOTED_RE.findall(text))
    services: list[str] = []
    known = {s.lower() for s in known_services}
    for s in known:
        if re.search(rf"\b{re.escape(s)}\b", lower):
            services.append(s)
    vocab = set(vocabulary)
    host_set = set(hosts)
    for rx in (_SERVICE_BEFORE, _SERVICE_AFTER):
        for m in rx.finditer(masked):
            word = m.group(1).lower()
            if (word in STOP_WORDS or word in host_set or word in services or stem(word) in vocab
                    or word in {"service", "services", "app", "the"}):  # fmt: skip
                continue
            services.append(word)
    words = tuple(w for w in re.findall(r"[a-z0-9_-]+", lower) if w not in STOP_WORDS)
    return Entities(
        hosts=tuple(hosts),
        services=tuple(dict.fromkeys(services)),
        time_range=time_range,
        numbers=numbers,
        quoted=quoted,
        words=words,
        keywords=" ".join(words),
    )


def _type_of(schema: Mapping[str, Any]) -> str:
    t = schema.get("type", "string")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), "string")
    return str(t)


def _format_time(dt: datetime, schema: Mapping[str, Any]) -> Any:
    if _type_of(schema) in ("integer", "number"):
        return int(dt.timestamp())
    return dt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _duration_value(name: str, schema: Mapping[str, Any], tr: TimeRange) -> Any | None:
    n = name.lower()
    for unit, secs in (("second", 1), ("minute", 60), ("hour", 3600), ("day", 86400)):
        if unit in n:
            value = tr.seconds / secs
            return round(value) if _type_of(schema) == "integer" else value
    if n in ("window", "duration", "lookback", "period", "range", "interval"):
        if _type_of(schema) in ("integer", "number"):
            return int(tr.seconds)
        return f"{int(tr.seconds)}s"
    return None


def fill_arguments(
    tool: Tool,
    entities: Entities,
    *,
    now: datetime,
    default_window: timedelta = timedelta(hours=24),
) -> FilledArguments:
    """Arguments for ``tool`` from ``entities``; required parameters left unfilled are in ``missing``."""
    args: dict[str, Any] = {}
    sources: dict[str, str] = {}
    free_numbers = list(entities.numbers)
    free_quoted = list(entities.quoted)
    word_set = {stem(w) for w in entities.words} | set(entities.words)
    required = set(tool.required)
    for name, schema in tool.properties.items():
        concept = canonical_param(name)
        typ = _type_of(schema)
        value: Any = None
        source = ""
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            for option in enum:
                if str(option).lower() in word_set or stem(str(option).lower()) in word_set:
                    value, source = option, "enum value named in the question"
                    break
        elif concept == "host" and entities.hosts:
            value, source = entities.hosts[0], "host named in the question"
        elif concept == "service" and entities.services:
            value, source = entities.services[0], "service named in the question"
        elif concept == "since" or (schema.get("format") == "date-time" and concept != "until"):
            if entities.time_range is not None:
                value, source = _format_time(entities.time_range.since, schema), entities.time_range.text
            elif name in required:
                since = now - default_window
                value = _format_time(since, schema)
                source = f"no time in the question; assumed the last {human_duration(default_window)}"
        elif concept == "until":
            if entities.time_range is not None:
                value, source = _format_time(entities.time_range.until, schema), entities.time_range.text
        elif entities.time_range is not None and (dv := _duration_value(name, schema, entities.time_range)):
            value, source = dv, entities.time_range.text
        elif typ in ("integer", "number") and free_numbers:
            if name.lower() in _LIMIT_PARAMS or name in required or len(free_numbers) == 1:
                raw = free_numbers.pop(0)
                value = int(raw) if typ == "integer" else raw
                source = "number in the question"
        elif typ == "string" and free_quoted:
            value, source = free_quoted.pop(0), "quoted text in the question"
        elif typ == "string" and name.lower() in _TEXT_PARAMS and entities.keywords:
            value, source = entities.keywords, "keywords of the question"
        if value is not None:
            args[name] = value
            sources[name] = source
    missing = tuple(r for r in tool.required if r not in args)
    return FilledArguments(arguments=args, missing=missing, sources=sources)


def human_duration(delta: timedelta) -> str:
    """ "2 hours", "hour", "30 minutes"."""
    seconds = delta.total_seconds()
    if seconds < 3600:
        return f"{seconds / 60:g} minutes"
    hours = seconds / 3600
    return f"{hours:g} hours" if hours != 1 else "hour"
