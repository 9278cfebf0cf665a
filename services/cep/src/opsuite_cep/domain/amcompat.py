"""Alertmanager's exact text forms, so that cep's groups and payloads read as Alertmanager's do.

Each function mirrors one piece of Alertmanager 0.25 (and the ``prometheus/common`` model it uses):

* :func:`label_fingerprint`: ``model.LabelSet.Fingerprint()`` (FNV-1a 64 over the sorted names and values,
  each followed by the byte 0xff), printed ``%016x`` as the webhook's ``fingerprint``;
* :func:`labelset_string`: ``model.LabelSet.String()`` (``{a="1", b="2"}``), the group part of a group key;
* :func:`matchers_string`: ``labels.Matchers.String()`` of a route's sorted matchers, the route part;
* :func:`sort_alerts`: ``types.AlertSlice``'s order (``job``, then ``instance``, then the label sets);
* :func:`common_labels`: the labels (or annotations) every alert of a notification shares;
* :func:`rfc3339`: Go's ``time.Time`` JSON form (RFC 3339 with nanoseconds, trailing zeros cut), and
  :data:`ZERO_TIME` for a firing alert's ``endsAt``;
* :func:`quote_meta`: ``regexp.QuoteMeta``, which Alertmanager applies to the receiver name of a payload.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from opsuite_cep.domain.alerts import Matcher

__all__ = [
    "ZERO_TIME",
    "common_labels",
    "go_quote",
    "label_fingerprint",
    "labelset_string",
    "matchers_string",
    "quote_meta",
    "rfc3339",
    "sort_alerts",
]

#: Go's zero ``time.Time`` in JSON: the ``endsAt`` of an alert that is still firing.
ZERO_TIME = "0001-01-01T00:00:00Z"

_FNV_OFFSET = 14695981039346656037
_FNV_PRIME = 1099511628211
_MASK = (1 << 64) - 1
_OPS_ORDER = {"=": 0, "!=": 1, "=~": 2, "!~": 3}  # labels.MatchType's values, which break sort ties
_META = frozenset("\\.+*?()|[]{}^$")


def label_fingerprint(labels: Mapping[str, str]) -> str:
    """Alertmanager's fingerprint of a label set, as the webhook prints it (16 hex digits)."""
    h = _FNV_OFFSET
    for name in sorted(labels):
        for part in (name, labels[name]):
            for byte in part.encode():
                h = ((h ^ byte) * _FNV_PRIME) & _MASK
            h = ((h ^ 0xFF) * _FNV_PRIME) & _MASK
    return f"{h:016x}"


def go_quote(text: str) -> str:
    """Go's ``strconv.Quote``: double quotes, backslash escapes, printable characters kept as they are."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


_SHORT_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def labelset_string(labels: Mapping[str, str]) -> str:
    """``{name="value", ...}`` as Alertmanager 0.25 prints a group's labels: the ``name="value"`` strings
    sorted as strings (so ``tier2="x"`` comes before ``tier="1"``; the differential test checks it)."""
    return "{" + ", ".join(sorted(f"{name}={go_quote(value)}" for name, value in labels.items())) + "}"


def matchers_string(matchers: Iterable[Matcher]) -> str:
    """``{a="1",b=~"x.*"}``: a route's matchers in Alertmanager's sort order (name, value, operator)."""
    ordered = sorted(matchers, key=lambda m: (m.name, m.value, _OPS_ORDER.get(m.op, 9)))
    return "{" + ",".join(f"{m.name}{m.op}{go_quote(m.value)}" for m in ordered) + "}"


def _labels_before(a: Mapping[str, str], b: Mapping[str, str]) -> bool:
    """``model.LabelSet.Before``: fewer labels first, then the first differing name or value decides."""
    if len(a) != len(b):
        return len(a) < len(b)
    for name in sorted([*a, *b]):
        if name not in a:
            return True
        if name not in b:
            return False
        if a[name] != b[name]:
            return a[name] < b[name]
    return False


def _less(a: Mapping[str, str], b: Mapping[str, str]) -> bool:
    for key in ("job", "instance"):
        in_a, in_b = key in a, key in b
        if not in_a and not in_b:
            continue
        if not in_a:
            return False
        if not in_b:
            return True
        if a[key] != b[key]:
            return a[key] < b[key]
    return _labels_before(a, b)


T = TypeVar("T")


def sort_alerts(items: Sequence[T], labels: Callable[[T], Mapping[str, str]]) -> list[T]:
    """``items`` in Alertmanager's notification order (a stable sort on ``types.AlertSlice.Less``)."""

    def compare(x: T, y: T) -> int:
        lx, ly = labels(x), labels(y)
        return -1 if _less(lx, ly) else (1 if _less(ly, lx) else 0)

    return sorted(items, key=functools.cmp_to_key(compare))


def common_labels(sets: Sequence[Mapping[str, str]]) -> dict[str, str]:
    """The name/value pairs every set has (``commonLabels``/``commonAnnotations``); empty for no set."""
    if not sets:
        return {}
    common = dict(sets[0])
    for other in sets[1:]:
        common = {k: v for k, v in common.items() if other.get(k) == v}
        if not common:
            break
    return common


def rfc3339(seconds: float | None) -> str:
    """Epoch seconds as Go prints a UTC ``time.Time`` in JSON (``2026-01-01T10:00:00.5Z``); None is
    :data:`ZERO_TIME`. Precision: microseconds (event times are floats)."""
    if seconds is None:
        return ZERO_TIME
    micros = round(seconds * 1_000_000)
    whole, frac = divmod(micros, 1_000_000)
    text = datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if frac:
        text += "." + f"{frac:06d}".rstrip("0")
    return text + "Z"


def quote_meta(text: str) -> str:
    """Go's ``regexp.QuoteMeta``: a backslash before each of ``\\.+*?()|[]{}^$``."""
    return "".join("\\" + ch if ch in _META else ch for ch in text)
