from __future__ import annotations

from datetime import UTC, datetime

import pytest

from opsuite_common import errors
from opsuite_common.paging import decode_page_token, encode_page_token, page_size
from opsuite_common.protoconv import (
    dict_to_struct,
    dt_to_timestamp,
    duration_to_seconds,
    py_to_value,
    seconds_to_duration,
    struct_to_dict,
    timestamp_to_dt,
    value_to_py,
)


def test_page_token_round_trip_and_scope_binding():
    token = encode_page_token(["2026-01-01T00:00:00", "id-9"], scope={"kind": "SQL"})
    assert decode_page_token(token, scope={"kind": "SQL"}) == ["2026-01-01T00:00:00", "id-9"]
    assert decode_page_token("", scope=None) is None
    with pytest.raises(errors.ValidationError) as info:
        decode_page_token(token, scope={"kind": "HTTP"})
    assert info.value.field_violations[0].field == "page.page_token"
    for garbage in ("!!!", "abc", "eyJ4IjogMX0"):
        with pytest.raises(errors.ValidationError):
            decode_page_token(garbage)


def test_page_size_defaults_and_caps():
    assert page_size(0) == 50
    assert page_size(10_000) == 500
    with pytest.raises(errors.ValidationError):
        page_size(-1)


def test_struct_value_timestamp_duration_conversions():
    data = {"a": 1.0, "b": [1, "x", None, {"c": True}]}
    assert struct_to_dict(dict_to_struct(data)) == data
    assert value_to_py(py_to_value([1, "two"])) == [1, "two"]
    assert value_to_py(None) is None
    with pytest.raises(errors.ValidationError) as info:
        dict_to_struct({"x": [float("nan")]}, field="params")
    assert info.value.field_violations[0].field == "params.x[0]"
    now = datetime(2026, 11, 25, 12, 0, 1, 500000, tzinfo=UTC)
    assert timestamp_to_dt(dt_to_timestamp(now)) == now
    assert timestamp_to_dt(dt_to_timestamp(None)) is None
    assert duration_to_seconds(seconds_to_duration(1.25)) == 1.25
    assert duration_to_seconds(seconds_to_duration(None)) is None


@pytest.mark.parametrize("seconds", [-62135596801, 253402300800])
def test_a_timestamp_outside_the_timestamp_range_is_a_field_violation_not_an_internal_error(seconds: int) -> None:
    from google.protobuf import timestamp_pb2

    from opsuite_common.errors import ValidationError

    with pytest.raises(ValidationError) as info:
        timestamp_to_dt(timestamp_pb2.Timestamp(seconds=seconds), "until")
    assert info.value.field_violations[0].field == "until" and "9999-12-31" in info.value.message + str(
        info.value.field_violations
    )


def test_a_structs_keys_come_back_sorted_whatever_the_maps_order():
    # A Struct's map iterates in an order that differs from process to process: what is read from one is sorted.
    data = {"zeta": 1, "alpha": {"q": 1, "category": 2, "b": [{"y": 1, "x": 2}]}, "mid": None}
    out = struct_to_dict(dict_to_struct(data))
    assert list(out) == ["alpha", "mid", "zeta"] and list(out["alpha"]) == ["b", "category", "q"]
    assert list(out["alpha"]["b"][0]) == ["x", "y"]
    assert list(value_to_py(py_to_value(data))) == ["alpha", "mid", "zeta"]
