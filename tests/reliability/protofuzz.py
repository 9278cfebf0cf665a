"""Hypothesis strategies that build request messages from proto descriptors.

Every field gets hostile values for its type: random and huge strings, boundary integers, invalid
enum numbers, deep Structs, odd timestamps, empty and oversized repeated fields, unknown ids.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor, message, struct_pb2
from google.protobuf.message_factory import GetMessageClass
from hypothesis import strategies as st

FD = descriptor.FieldDescriptor

_INT32 = st.one_of(st.sampled_from([0, 1, -1, 2**31 - 1, -(2**31), 7, 100, 10_000]), st.integers(-(2**31), 2**31 - 1))
_INT64 = st.one_of(st.sampled_from([0, -1, 2**63 - 1, -(2**63), 10**12]), st.integers(-(2**63), 2**63 - 1))
_UINT32 = st.integers(0, 2**32 - 1)
_UINT64 = st.integers(0, 2**64 - 1)
_DOUBLE = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 1e308, -1e308]))
_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "../../etc/passwd",
            "' OR 1=1 --",
            "{{params.x}}",
            "$steps.a.output",
            "\x00\x01",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
            "00000000-0000-0000-0000-000000000000",
            "does-not-exist",
            "SELECT 1; DROP TABLE x",
            "http://169.254.169.254/latest/meta-data/",
        ]
    ),
    st.just("x" * 70_000),
)
_BYTES = st.one_of(st.binary(max_size=64), st.just(b"\xff" * 100_000))

_JSON_LEAF = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False, allow_infinity=False), _TEXT)
_JSON = st.recursive(
    _JSON_LEAF,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


def _deep_struct(depth: int) -> dict[str, Any]:
    doc: dict[str, Any] = {"leaf": 1}
    for _ in range(depth):
        doc = {"nested": doc}
    return doc


_STRUCT_DICT = st.one_of(
    st.dictionaries(st.text(max_size=12), _JSON, max_size=6),
    st.sampled_from([_deep_struct(60), {"k" * 1000: "v"}, {}]),
)


def _scalar(field: FD) -> st.SearchStrategy[Any]:
    t = field.type
    if t in (FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32):
        return _INT32
    if t in (FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64):
        return _INT64
    if t in (FD.TYPE_UINT32, FD.TYPE_FIXED32):
        return _UINT32
    if t in (FD.TYPE_UINT64, FD.TYPE_FIXED64):
        return _UINT64
    if t in (FD.TYPE_DOUBLE, FD.TYPE_FLOAT):
        return _DOUBLE if t == FD.TYPE_DOUBLE else st.floats(width=32, allow_nan=True)
    if t == FD.TYPE_BOOL:
        return st.booleans()
    if t == FD.TYPE_STRING:
        return _TEXT
    if t == FD.TYPE_BYTES:
        return _BYTES
    if t == FD.TYPE_ENUM:
        numbers = [v.number for v in field.enum_type.values]
        return st.one_of(st.sampled_from(numbers), st.sampled_from([99, -5, 2**31 - 1]))
    raise TypeError(f"unsupported field type {t}")


def message_strategy(desc: descriptor.Descriptor, depth: int = 0) -> st.SearchStrategy[message.Message]:
    """Random messages of type ``desc`` (nested messages up to depth 3)."""
    cls = GetMessageClass(desc)
    if desc.full_name == "google.protobuf.Struct":
        return _STRUCT_DICT.map(_struct)
    if desc.full_name == "google.protobuf.Value":
        return _JSON.map(_value)
    if desc.full_name in ("google.protobuf.Timestamp", "google.protobuf.Duration"):
        return st.builds(
            lambda s, n: cls(seconds=s, nanos=n),
            st.one_of(st.sampled_from([0, -1, 253402300799, -62135596800, 10**11]), st.integers(-(10**11), 10**11)),
            st.sampled_from([0, 1, 999_999_999]),
        )

    fields = {}
    for f in desc.fields:
        if f.type == FD.TYPE_MESSAGE:
            if depth >= 3:
                continue
            if f.message_type.GetOptions().map_entry:
                key_f, val_f = f.message_type.fields_by_name["key"], f.message_type.fields_by_name["value"]
                val = (
                    message_strategy(val_f.message_type, depth + 1) if val_f.type == FD.TYPE_MESSAGE else _scalar(val_f)
                )
                fields[f.name] = st.dictionaries(_scalar(key_f), val, max_size=3)
                continue
            inner = message_strategy(f.message_type, depth + 1)
        else:
            inner = _scalar(f)
        if f.is_repeated:
            fields[f.name] = st.one_of(st.lists(inner, max_size=3), st.lists(inner, min_size=50, max_size=60))
        else:
            fields[f.name] = inner

    @st.composite
    def build(draw: st.DrawFn) -> message.Message:
        msg = cls()
        chosen_oneofs: set[str] = set()
        for name, strat in fields.items():
            f = desc.fields_by_name[name]
            if f.containing_oneof is not None:
                if f.containing_oneof.name in chosen_oneofs or not draw(st.booleans()):
                    continue
                chosen_oneofs.add(f.containing_oneof.name)
            elif not draw(st.booleans()):
                continue
            value = draw(strat)
            try:
                _assign(msg, f, value)
            except (ValueError, TypeError, OverflowError):
                pass  # a value the proto runtime itself refuses never reaches the wire
        return msg

    return build()


def _assign(msg: message.Message, f: FD, value: Any) -> None:
    target = getattr(msg, f.name)
    if f.type == FD.TYPE_MESSAGE and f.message_type.GetOptions().map_entry:
        for k, v in value.items():
            if isinstance(v, message.Message):
                target[k].CopyFrom(v)
            else:
                target[k] = v
    elif f.is_repeated:
        if f.type == FD.TYPE_MESSAGE:
            for v in value:
                target.add().CopyFrom(v)
        else:
            target.extend(value)
    elif f.type == FD.TYPE_MESSAGE:
        target.CopyFrom(value)
    else:
        setattr(msg, f.name, value)


def _struct(d: dict[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    try:
        s.update(d)
    except (ValueError, TypeError):
        pass
    return s


def _value(v: Any) -> struct_pb2.Value:
    holder = struct_pb2.Struct()
    try:
        holder.update({"v": v})
    except (ValueError, TypeError):
        return struct_pb2.Value()
    return holder.fields["v"]
