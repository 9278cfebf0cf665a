"""Time in a question and in a tool's parameters: the window asked for, and how each parameter takes it.

:func:`time_range` reads a question's window: "the last 3 hours" and "2 days ago" (back from now),
"the next two weeks" and "within 10 days" (forward from now), ISO dates and times, "today" and "yesterday".

A tool takes a window through its parameters, read from their schema alone (no tool names):

* :func:`time_bound`: whether a timestamp parameter is the window's start or its end. Its name says so
  (``since``/``until``, ``from_ts``/``to_ts``, ``start_time``/``end_time``, ``after``/``before``...), or,
  for a name that says neither, its description ("window start", "end of the window"). A pair such as
  ``from_ts``/``to_ts`` so gets both ends of the window, never the same instant twice.
* :func:`duration_value`: a look-back or look-ahead parameter in its own unit (``days_back``,
  ``lookback_hours``, ``minutes``, ``within_days``, ``window_s``...): "the last 3 hours" is 180 for
  ``minutes`` and 1 for ``days_back`` (rounded up, so the window asked for is covered, and kept within the
  schema's ``minimum``/``maximum``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_common.regex import RegexError, TenantPattern, compile_regex

__all__ = [
    "DAY_RE",
    "ISO_RE",
    "REL_RE",
    "TimeRange",
    "beyond_maximum",
    "compares_earlier",
    "duration_text",
    "duration_unit",
    "duration_value",
    "enum_duration",
    "enum_seconds",
    "format_time",
    "human_duration",
    "is_date_param",
    "reach_seconds",
    "step_enum",
    "time_bound",
    "time_range",
]

ISO_RE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b", re.IGNORECASE
)
_UNITS = {
    "s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hr": 3600,
    "hour": 3600, "d": 86400, "day": 86400, "w": 604800, "week": 604800, "wk": 604800, "month": 2592000,
    "mo": 2592000,
}  # fmt: skip
_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "thirty": 30, "few": 3,
                 "couple": 2, "half": 0.5}  # fmt: skip
_N = r"\d+|half(?: an?)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|thirty|few|couple(?: of)?"
_UNIT_ALT = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|[smhdw])"
#: Back from now ("the last 3 hours", "2 days ago") or forward ("the next two weeks", "within 10 days").
REL_RE = re.compile(
    r"\b(?:(?:last|past|previous|in the last|over the last)\s+(?:(?P<n>" + _N + r")\s*)?(?P<u>" + _UNIT_ALT + r")\b"
    r"|this\s+(?P<u4>weeks?|wks?|months?|day|hour|minute)\b"
    r"|(?P<n2>\d+)\s*(?P<u2>" + _UNIT_ALT + r")\s+ago\b"
    r"|(?:next|coming|upcoming|within(?: the next)?)\s+(?:(?P<n3>" + _N + r")\s*)?(?P<u3>" + _UNIT_ALT + r")\b)",
    re.IGNORECASE,
)
DAY_RE = re.compile(r"\b(?:since |from )?(today|yesterday)\b", re.IGNORECASE)


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


def time_range(text: str, now: datetime) -> TimeRange | None:
    """The window ``text`` asks about, or None (see the module docstring)."""
    m = REL_RE.search(text)
    if m:
        raw_n = (m.group("n") or m.group("n2") or m.group("n3") or "1").lower().removesuffix(" of")
        raw_n = "half" if raw_n.startswith("half") else raw_n  # "the last half hour", "half an hour"
        n = int(raw_n) if raw_n.isdigit() else _WORD_NUMBERS.get(raw_n, 1)
        unit = (m.group("u") or m.group("u2") or m.group("u3") or m.group("u4") or "h").lower()
        key = unit if unit in _UNITS else unit.rstrip("s")
        span = timedelta(seconds=n * _UNITS.get(key, _UNITS.get(key[:3], 3600)))
        if m.group("u3"):
            return TimeRange(now, now + span, m.group(0))
        return TimeRange(now - span, now, m.group(0))
    isos = ISO_RE.findall(text)
    if isos:
        stamps = [_parse_iso(s) for s in isos]
        valid = [s for s in stamps if s is not None]
        if valid:
            return TimeRange(valid[0], valid[1] if len(valid) > 1 else now, " .. ".join(isos[:2]))
    m = DAY_RE.search(text)
    if m:
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if m.group(1).lower() == "today":
            return TimeRange(midnight, now, "today")
        # "since yesterday" runs to now; "yesterday" alone is the day before today.
        until = now if m.group(0).lower().startswith(("since", "from")) else midnight
        return TimeRange(midnight - timedelta(days=1), until, m.group(0))
    return None


def _parse_iso(s: str) -> datetime | None:
    try:
        dt = datetime.fromisoformat(s.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def human_duration(delta: timedelta) -> str:
    """ "2 hours", "hour", "30 minutes"."""
    seconds = delta.total_seconds()
    if seconds < 3600:
        return f"{seconds / 60:g} minutes"
    hours = seconds / 3600
    return f"{hours:g} hours" if hours != 1 else "hour"


#: Words of a parameter's name (or description) that make a timestamp the start or the end of a window.
_START = frozenset({"since", "from", "start", "starts", "begin", "begins", "after", "earliest", "oldest", "lower",
                    "min", "first"})  # fmt: skip
_END = frozenset({"until", "till", "to", "end", "ends", "stop", "before", "latest", "newest", "upper", "max", "last"})
#: Words that make a parameter a window's bound by themselves ("max" alone is a number, "last" a count).
_ALONE = frozenset({"since", "until", "till", "from", "to", "after", "before", "start", "end", "begin", "stop"})
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
#: Words of a name that make it a timestamp ("from_ts", "start_epoch", "created_at").
_TIME_WORDS = frozenset({"ts", "time", "timestamp", "date", "datetime", "at", "epoch", "t"})
#: Words of a description that make a parameter a timestamp.
_TIMESTAMP_WORDS = frozenset({"timestamp", "datetime", "iso", "rfc3339"})


def _words(text: str) -> set[str]:
    """The lower-case words of a name or description, unstemmed ("from_ts" -> from, ts; "startTime" -> start, time)."""
    return set(re.findall(r"[a-z0-9]+", _CAMEL.sub(" ", text).lower()))


def time_bound(name: str, schema: Mapping[str, Any]) -> str | None:
    """``since`` or ``until`` when the parameter is a window's start or end (by its name, else by its
    description); None when it is no timestamp, or one whose role neither says."""
    words = _words(name)
    description = str(schema.get("description", ""))
    timed = schema.get("format") in ("date-time", "date") or bool(words & _TIME_WORDS)
    # "changed_after", described as an "ISO timestamp, e.g. 2026-03-01T08:00:00Z": a time by its description
    timed = timed or bool(_words(description) & _TIMESTAMP_WORDS) or ISO_RE.search(description) is not None
    start, end = bool(words & _START), bool(words & _END)
    if len(words) == 1 and words & _ALONE:
        timed = True  # "since", "until", "after", "to": a bound by its name alone (not "max" or "last")
    if not timed:
        return None
    if start != end:
        return "since" if start else "until"
    described = _words(description)
    start, end = bool(described & _START), bool(described & _END)
    if start != end:
        return "since" if start else "until"
    return None


#: Unit words of a look-back parameter's name: anywhere in it ("lookback_hours"), or abbreviations as a word.
_DURATION_UNITS = (("second", 1), ("minute", 60), ("hour", 3600), ("day", 86400), ("week", 604800))
_ABBREVIATIONS = {"secs": 1, "sec": 1, "mins": 60, "hrs": 3600, "hr": 3600}
_DURATION_NAMES = frozenset({"window", "duration", "lookback", "period", "range", "interval", "span", "age"})


#: Words that make "min" of a name minutes, not a minimum: "lookback_min", "window_min", "min_back".
_MINUTES_WITH = frozenset({"lookback", "back", "window", "ago", "last"})


def _unit_seconds(name: str) -> float | None:
    low = name.lower()
    for unit, secs in _DURATION_UNITS:
        if unit in low:
            return secs
    words = _words(name)
    parts = re.findall(r"[a-z0-9]+", _CAMEL.sub(" ", name).lower())
    if parts[-1:] == ["min"] and set(parts[:-1]) & _MINUTES_WITH:
        return 60.0  # "lookback_min" (as aggregate.not_additive reads a last "min": minutes, not "min_window")
    if parts[-1:] in (["h"], ["d"]) and set(parts[:-1]) & _MINUTES_WITH:
        return 3600.0 if parts[-1] == "h" else 86400.0  # "window_h", "lookback_d"
    return next((float(s) for w in words if (s := _ABBREVIATIONS.get(w)) is not None), None)


def duration_value(name: str, schema: Mapping[str, Any], seconds: float) -> Any | None:
    """``seconds`` in the unit of a look-back/look-ahead parameter (by its name: ``days_back``,
    ``lookback_hours``, ``minutes``, ``within_days``), rounded up for an integer and kept within the
    schema's bounds; a unitless ``window``/``duration`` takes seconds. None for any other parameter."""
    typ = schema.get("type", "string")
    numeric = typ in ("integer", "number") or (isinstance(typ, list) and ("integer" in typ or "number" in typ))
    unit = _unit_seconds(name)
    if unit is None:
        if name.lower() not in _DURATION_NAMES:
            return None
        if not numeric:
            return duration_text(schema, seconds)
        unit = 1
    if not numeric:
        return None
    value: float = seconds / unit
    if typ == "integer" or (isinstance(typ, list) and "integer" in typ):
        value = math.ceil(value - 1e-9)
    low, high = schema.get("minimum"), schema.get("maximum")
    if isinstance(low, int | float) and value < low:
        value = low
    if isinstance(high, int | float) and value > high:
        value = high
    return value


#: A comparison with the period before the one asked ("this wk vs last wk", "today than yesterday").
_EARLIER = re.compile(
    r"\b(?:vs\.?|versus|than|compared\s+(?:to|with))\s+(?:the\s+)?(?:(?:last|previous|prior)\s+(?:wk|week|month|"
    r"day|year|quarter)|yesterday|the\s+(?:week|month|day)\s+before)\b",
    re.IGNORECASE,
)


def compares_earlier(question: str) -> bool:
    """Whether ``question`` compares the period it asks about with the one before ("bot traffic this wk vs last wk"):
    a tool reaching back less than the period asked has none of that earlier one."""
    return _EARLIER.search(question[:2000]) is not None


def reach_seconds(name: str, schema: Mapping[str, Any]) -> float | None:
    """How far back a look-back parameter reaches at most, in seconds (its schema's ``maximum`` in its unit), or
    None when it has no maximum or is no look-back."""
    high = schema.get("maximum")
    unit = _unit_seconds(name) or (1.0 if name.lower() in _DURATION_NAMES else None)
    return float(high) * unit if isinstance(high, int | float) and unit is not None else None


def beyond_maximum(name: str, schema: Mapping[str, Any], seconds: float) -> str:
    """How far back a look-back parameter reaches at most ("14 days"), when ``seconds`` is further than its
    schema's ``maximum`` allows (the value :func:`duration_value` gives is cut to it); else ""."""
    typ = schema.get("type", "string")
    high = schema.get("maximum")
    unit = _unit_seconds(name) or (1.0 if name.lower() in _DURATION_NAMES else None)
    if typ not in ("integer", "number") or not isinstance(high, int | float) or unit is None:
        return ""
    if seconds / unit <= high + 1e-9:
        return ""
    words = {1.0: "seconds", 60.0: "minutes", 3600.0: "hours", 86400.0: "days", 604800.0: "weeks"}
    return f"{high:g} {words.get(float(unit), name)}"


#: Units a duration string may be written in, largest first: (seconds, letter, word, ISO 8601 designator).
_TEXT_UNITS = ((604800, "w", "week", "W"), (86400, "d", "day", "D"), (3600, "h", "hour", "H"),
               (60, "m", "minute", "M"), (1, "s", "second", "S"))  # fmt: skip
#: A duration the description gives as an example ("e.g. 90m, 12h, 3d", "PT6H", "7 days").
_EXAMPLE_DURATION = re.compile(r"(?<![\w.])(P[\dWDTHMS]+|\d+(?:\.\d+)?\s?[a-z]+)(?![\w])", re.IGNORECASE)


def _text_forms(seconds: float) -> list[tuple[str, str]]:
    """``seconds`` as duration strings, each with its style (``letter``: 12h, ``word``: 12 hours, ``iso``:
    PT12H): exact forms first, largest unit first ("1d" before "24h"), then the smallest covering ones."""
    exact: list[tuple[str, str]] = []
    covering: list[tuple[str, str]] = []
    for secs, letter, word, iso in _TEXT_UNITS:
        n = max(1, math.ceil(seconds / secs - 1e-9))
        forms = [(f"{n}{letter}", "letter"), (f"{n} {word}{'s' if n != 1 else ''}", "word"),
                 (f"P{n}{iso}" if secs >= 86400 else f"PT{n}{iso}", "iso")]  # fmt: skip
        (exact if abs(n * secs - seconds) < 1e-6 else covering).extend(forms)
    covering.reverse()  # the smallest unit covers the window most closely
    return exact + covering


def duration_text(schema: Mapping[str, Any], seconds: float) -> str:
    """``seconds`` as a string duration parameter wants it: a form its ``pattern`` accepts, else one written
    like the durations its description gives as examples ("e.g. 90m, 12h, 3d": ``1d``; "PT6H": ``P1D``),
    else seconds (``10800s``). Exact forms come first, in the largest unit ("1d", not "86400s")."""
    forms = _text_forms(seconds)
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        try:
            rx: TenantPattern | None = compile_regex(pattern)  # the tenant's pattern: RE2, linear time
        except RegexError:
            rx = None
        limit = schema.get("maxLength")
        fits = [f for f, _style in forms if rx is not None and rx.search(f)
                and not (isinstance(limit, int) and len(f) > limit)]  # fmt: skip
        if fits:
            return fits[0]
    styles = []
    for m in _EXAMPLE_DURATION.finditer(str(schema.get("description", ""))):
        if _enum_seconds(m.group(1)) is not None:
            text = m.group(1)
            styles.append("iso" if text[:1] in "Pp" else "word" if " " in text or len(text.lstrip("0123456789.")) > 1
                          else "letter")  # fmt: skip
    if styles:
        return next(f for f, style in forms if style == styles[0])
    return f"{int(seconds)}s"


_DURATION_TEXT = re.compile(r"^(\d+(?:\.\d+)?)\s*([a-z]+)$", re.IGNORECASE)
_ISO_DURATION = re.compile(r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$", re.IGNORECASE)


def enum_seconds(option: Any) -> float | None:
    """Seconds of a duration written as text ("1h", "15m", "7 days", "PT6H"), else None."""
    return _enum_seconds(option)


def duration_unit(name: str) -> float | None:
    """Seconds of the unit a look-back parameter's name says (``lookback_hours``: 3600), else None."""
    return _unit_seconds(name)


def _enum_seconds(option: Any) -> float | None:
    """Seconds of an enum value that is a duration ("1h", "15m", "7 days", "PT6H"), else None."""
    text = str(option).strip()
    if (m := _ISO_DURATION.match(text)) and any(m.groups()):
        w, d, h, mi, sec = (int(g) if g else 0 for g in m.groups())
        return float(w * 604800 + d * 86400 + h * 3600 + mi * 60 + sec)
    m = _DURATION_TEXT.match(text)
    if m is None:
        return None
    unit = m.group(2).lower()
    key = unit if unit in _UNITS else unit.rstrip("s")
    secs = _UNITS.get(key) or _UNITS.get(key[:3]) if key else None
    return float(m.group(1)) * secs if secs else None


def enum_duration(options: list[Any], seconds: float) -> Any | None:
    """The enum value of a window parameter (every option a duration: ``1h | 6h | 24h``) for a window of
    ``seconds``: the smallest that covers it, else the largest; None when the options are no durations."""
    parsed = [(secs, k, option) for k, option in enumerate(options) if (secs := _enum_seconds(option)) is not None]
    if not parsed or len(parsed) < len(options):
        return None
    covering = [p for p in parsed if p[0] >= seconds - 1e-6]
    return min(covering)[2] if covering else max(parsed)[2]


#: A series step written as a bare unit ("hour", "daily") in a step parameter's enum.
_STEP_WORDS = {"minute": 60, "minutely": 60, "hour": 3600, "hourly": 3600, "day": 86400, "daily": 86400,
               "week": 604800, "weekly": 604800}  # fmt: skip
#: Points one series may hold when ops picks its step: a day of 5-minute samples fits, two days do not.
MAX_STEP_POINTS = 400


def step_enum(options: list[Any], seconds: float, words: Iterable[str] = ()) -> Any | None:
    """The enum value of a step parameter (a series' bucket, ``5min | hour | day``, of a tool whose window other
    parameters give) for a window of ``seconds``: the step the question names ("hourly", "daily"), else the finest
    that keeps the window within :data:`MAX_STEP_POINTS` points (the coarsest when none does): the latest value and
    the time of a peak or trough are those of a sample, not of an hour's average. None when the options are no
    durations."""
    parsed = [(secs, o) for o in options if (secs := _enum_seconds(o) or _STEP_WORDS.get(str(o).strip().lower()))]
    if not parsed or len(parsed) < len(options):
        return None
    if named := [o for secs, o in parsed if any(_STEP_WORDS.get(w) == secs for w in words if w.endswith("ly"))]:
        return named[0]
    fitting = [p for p in parsed if seconds / p[0] <= MAX_STEP_POINTS]
    return (min(fitting, key=lambda p: p[0]) if fitting else max(parsed, key=lambda p: p[0]))[1]


#: A description's day layout ("YYYY-MM-DD", "yyyy-mm-dd"); with an hour anywhere ("hh", "HH:mm") it is a timestamp.
_DAY_LAYOUT = re.compile(r"\byyyy-mm-dd\b", re.IGNORECASE)
_HOURS = re.compile(r"hh", re.IGNORECASE)


def format_time(dt: datetime, schema: Mapping[str, Any], name: str = "") -> Any:
    """``dt`` as the parameter's schema wants it: RFC 3339 (UTC, "Z") or the first layout its ``pattern`` takes
    (:data:`_LAYOUTS`), a date, or epoch (milli)seconds."""
    typ = schema.get("type", "string")
    if (next((x for x in typ if x != "null"), "string") if isinstance(typ, list) else typ) in ("integer", "number"):
        millis = name.lower().endswith("_ms") or "millisecond" in str(schema.get("description", "")).lower()
        return int(dt.timestamp() * 1000) if millis else int(dt.timestamp())
    if is_date_param(schema):
        return dt.astimezone(UTC).date().isoformat()  # a date, or a string whose pattern only a date matches
    utc = dt.astimezone(UTC).replace(microsecond=0)
    layouts = [f for f in _LAYOUTS if _takes(schema, utc.strftime(f))]
    return utc.strftime(layouts[0]) if layouts else utc.isoformat().replace("+00:00", "Z")


#: Timestamp layouts a string parameter may want, RFC 3339 first: the first its ``pattern`` takes is used
#: ("2026-05-14 09:30:00" for ``^[0-9]{4}-...-[0-9]{2} [0-9]{2}:[0-9]{2}(:[0-9]{2})?$``). Without a pattern, RFC
#: 3339: a layout only a description writes is no contract (a string column compared with it as text may hold
#: RFC 3339 times).
_LAYOUTS = ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")


def _takes(schema: Mapping[str, Any], text: str) -> bool:
    """Whether a string parameter takes ``text``: its ``pattern`` matches it; with no pattern, RFC 3339 only."""
    pattern = schema.get("pattern")
    if not isinstance(pattern, str):
        return text.endswith("Z")
    try:
        return bool(compile_regex(pattern).search(text))  # the tenant's pattern: RE2, linear time
    except RegexError:
        return False


def is_date_param(schema: Mapping[str, Any]) -> bool:
    """Whether a parameter takes a date, not a timestamp: ``format: date``, a ``pattern`` that takes
    "2026-01-31" but not "2026-01-31T10:00:00Z", or (no pattern, no format) a description that gives the day's
    layout and no hour ("first day, YYYY-MM-DD"; not "YYYY-MM-DDTHH:MM:SSZ", "yyyy-MM-dd'T'HH:mm" nor
    "YYYY-MM-DD or YYYY-MM-DD hh:mm")."""
    if schema.get("format") == "date":
        return True
    pattern = schema.get("pattern")
    if not isinstance(pattern, str):
        described = str(schema.get("description", ""))
        return schema.get("format") is None and bool(_DAY_LAYOUT.search(described)) and not _HOURS.search(described)
    try:
        rx = compile_regex(pattern)  # the tenant's pattern: RE2, linear time
    except RegexError:
        return False
    return bool(rx.search("2026-01-31")) and not rx.search("2026-01-31T10:00:00Z")
