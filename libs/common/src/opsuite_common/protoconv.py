"""Conversions between protobuf well-known types and plain Python values, for servicers.

Servicers translate proto <-> domain; these helpers keep that translation one-liners:
``Struct`` <-> ``dict``, ``Value`` <-> any JSON value, ``Timestamp`` <-> aware ``datetime``,
``Duration`` <-> seconds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from google.protobuf import duration_pb2, json_format, struct_pb2, timestamp_pb2

from opsuite_common.errors import ValidationError

__all__ = [
    "dict_to_struct",
    "dt_to_timestamp",
    "duration_to_seconds",
    "enum_name",
    "py_to_value",
    "seconds_to_duration",
    "struct_to_dict",
    "timestamp_to_dt",
    "value_to_py",
]


def _in_order(value: Any) -> Any:
    """``value`` with every object's keys sorted: a Struct keeps no order (its map iterates in an order that differs
    from process to process), and nothing read from one may depend on it (ops planned differently run to run)."""
    if isinstance(value, dict):
        return {k: _in_order(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_in_order(v) for v in value]
    return value


def struct_to_dict(struct: struct_pb2.Struct | None) -> dict[str, Any]:
    """A Struct as a dict, its keys (and its objects' keys) sorted (integral floats stay floats: JSON has one
    number type)."""
    if struct is None:
        return {}
    out: dict[str, Any] = _in_order(json_format.MessageToDict(struct))
    return out


def _finite(value: Any, field: str) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError.for_field(field, "must be a finite number (NaN and Infinity are not JSON)")
    if isinstance(value, Mapping):
        return {str(k): _finite(v, f"{field}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v, f"{field}[{i}]") for i, v in enumerate(value)]
    return value


def dict_to_struct(data: Mapping[str, Any] | None, field: str = "value") -> struct_pb2.Struct:
    """A dict as a Struct; values must be JSON (non-finite floats are refused)."""
    out = struct_pb2.Struct()
    if data:
        out.update(_finite(dict(data), field))
    return out


def value_to_py(value: struct_pb2.Value | None) -> Any:
    """A Value as a Python JSON value (None when unset), its objects' keys sorted (see :func:`struct_to_dict`)."""
    if value is None or value.WhichOneof("kind") is None:
        return None
    return _in_order(json_format.MessageToDict(value))


def py_to_value(data: Any, field: str = "value") -> struct_pb2.Value:
    """A Python JSON value as a Value."""
    out = struct_pb2.Value()
    json_format.ParseDict(_finite(data, field), out)
    return out


def timestamp_to_dt(ts: timestamp_pb2.Timestamp | None, field: str = "time") -> datetime | None:
    """An aware UTC datetime, or None for an unset (all-zero) timestamp.

    A timestamp outside what a Timestamp may hold (years 1 to 9999, nanos 0 to 999,999,999) is a
    ValidationError on ``field``.
    """
    if ts is None or (ts.seconds == 0 and ts.nanos == 0):
        return None
    try:
        return ts.ToDatetime(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise ValidationError.for_field(
            field, "must be a time between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z"
        ) from None


def dt_to_timestamp(dt: datetime | None) -> timestamp_pb2.Timestamp | None:
    """A Timestamp for an aware (or UTC-naive) datetime; None stays None."""
    if dt is None:
        return None
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(dt if dt.tzinfo else dt.replace(tzinfo=UTC))
    return ts


def duration_to_seconds(d: duration_pb2.Duration | None) -> float | None:
    """Seconds, or None for an unset (zero) duration."""
    if d is None or (d.seconds == 0 and d.nanos == 0):
        return None
    return d.ToNanoseconds() / 1e9


def seconds_to_duration(seconds: float | None) -> duration_pb2.Duration | None:
    """A Duration for ``seconds``; None stays None."""
    if seconds is None:
        return None
    d = duration_pb2.Duration()
    d.FromNanoseconds(round(seconds * 1e9))
    return d


def enum_name(enum_type: Any, value: int, field: str) -> str:
    """The name of an enum value; an unknown number (proto3 enums are open) is a field violation."""
    try:
        return str(enum_type.Name(value))
    except ValueError:
        names = ", ".join(n for n in enum_type.keys() if not n.endswith("_UNSPECIFIED"))  # noqa: SIM118 - EnumTypeWrapper
        raise ValidationError.for_field(field, f"unknown value {value}; expected one of {names}") from None
