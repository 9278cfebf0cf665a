"""Durations written as ``"5m"``, ``"30s"``, ``"1h30m"``, ``"250ms"`` or a number of seconds."""

from __future__ import annotations

import math
import re

__all__ = ["format_duration", "parse_duration"]

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
_WHOLE = re.compile(r"(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+")


def parse_duration(value: object) -> float:
    """Return the duration in seconds; raise ``ValueError`` with a message a person can act on.

    Accepted: a non-negative int/float (seconds), a numeric string (seconds) or a sequence of
    ``<number><unit>`` parts with units ms, s, m, h, d, w (``"1h30m"``). Booleans are rejected.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"expected a duration like '30s', '5m', '1h30m' or a number of seconds, got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            seconds = float(text)
        except ValueError:
            if not _WHOLE.fullmatch(text):
                raise ValueError(
                    f"bad duration {value!r}: use parts like '250ms', '30s', '5m', '1h30m', '2d'"
                ) from None
            seconds = sum(float(n) * _UNITS[u] for n, u in _PART.findall(text))
    else:
        raise ValueError(f"expected a duration string or number of seconds, got {type(value).__name__}")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"a duration must be finite and not negative, got {value!r}")
    return seconds


def format_duration(seconds: float) -> str:
    """Render seconds in the shortest unit form (``5400`` -> ``"1h30m"``), for messages and round trips."""
    if seconds == 0:
        return "0s"
    millis = round(seconds * 1000)
    parts = []
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)):
        count, millis = divmod(millis, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
