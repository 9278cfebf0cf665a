"""What a person types on the command line: durations, times, ``name=value`` labels and silence matchers.

Every bad value is a :class:`~opsuite_common.errors.ValidationError` naming the option, so it is shown as
one line like a server's INVALID_ARGUMENT.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

from google.protobuf.timestamp_pb2 import Timestamp

from opsuite.cep.v1 import cep_pb2
from opsuite_common.errors import ValidationError

__all__ = ["parse_duration", "parse_labels", "parse_matcher", "parse_time", "timestamp"]

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
_WHOLE = re.compile(r"(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+")
#: name, operator, value; the name stops at the first operator character.
_MATCHER = re.compile(r"^\s*([^=!~\s]+)\s*(=~|!~|!=|=)(.*)$", re.DOTALL)


def parse_duration(text: str, option: str) -> timedelta:
    """``90s``, ``30m``, ``1h30m``, ``2d`` (units ms, s, m, h, d, w) or a number of seconds."""
    value = text.strip()
    try:
        seconds = float(value)
    except ValueError:
        if not _WHOLE.fullmatch(value):
            raise ValidationError.for_field(
                option, f"{text!r} is not a duration; use parts like '30s', '5m', '1h30m', '2d'"
            ) from None
        seconds = sum(float(n) * _UNITS[u] for n, u in _PART.findall(value))
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValidationError.for_field(option, f"{text!r}: a duration must be more than zero")
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise ValidationError.for_field(option, f"{text!r} is too long") from None


def parse_time(text: str, option: str, *, now: datetime | None = None, ahead: bool = False) -> datetime:
    """An ISO 8601 time (UTC unless it names a zone), ``now``, or a duration: that long ago (``1h``), or from
    now when ``ahead``."""
    now = now or datetime.now(UTC)
    value = text.strip()
    if value == "now":
        return now
    if _WHOLE.fullmatch(value):
        span = parse_duration(value, option)
        return now + span if ahead else now - span
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        relative = "from now (2h)" if ahead else "ago (1h)"
        raise ValidationError.for_field(
            option, f"{text!r} is not a time; use ISO 8601 (2026-05-01T12:00:00Z), 'now' or a duration {relative}"
        ) from None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def parse_labels(items: list[str] | None, option: str) -> dict[str, str]:
    """``name=value`` pairs (repeatable option) as a dict."""
    labels: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValidationError.for_field(option, f"{item!r} must be name=value")
        labels[name.strip()] = value
    return labels


def parse_matcher(text: str) -> cep_pb2.Matcher:
    """``host=web-1``, ``host!=web-1``, ``host=~"web-.*"`` or ``host!~web-0[12]``; a value may be quoted."""
    m = _MATCHER.match(text)
    if m is None:
        raise ValidationError.for_field(
            "matchers", f"{text!r} is not a matcher; write name=value, name!=value, name=~regex or name!~regex"
        )
    name, op, value = m.group(1), m.group(2), m.group(3).strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return cep_pb2.Matcher(name=name, op=op, value=value)


def timestamp(at: datetime) -> Timestamp:
    """``at`` (aware) as a protobuf Timestamp."""
    ts = Timestamp()
    ts.FromDatetime(at)
    return ts
