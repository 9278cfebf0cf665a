"""The expected keys of an ABSENCE rule: parsing ``spec.expected_keys`` and reading a key list out of an
api_manager result (docs/cep-semantics.md, Absent keys #27-#28)::

    {"expected_keys": {"keys": ["web-1", "web-2"]}}
    {"expected_keys": {"api": "host_inventory", "field": "host", "refresh": "5m", "params": {"env": "prod"}}}

A list holds at most ``Limits.max_expected_keys`` keys (5,000) of at most ``max_expected_key_chars`` (256)
characters each: a static list beyond that is refused at save, an API's list is cut there and flagged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from opsuite_cep.domain.durations import parse_duration
from opsuite_cep.domain.evaluator import label_value
from opsuite_cep.domain.events import MISSING
from opsuite_cep.domain.rules import ExpectedKeys, Limits
from opsuite_cep.domain.validation import Violations, join_path

__all__ = ["DEFAULT_REFRESH", "KeyList", "keys_from_result", "parse_expected_keys"]

#: How often an API's list is fetched again when the rule does not say.
DEFAULT_REFRESH = 300.0
_MAX_REFRESH = 86_400.0
_ALLOWED = frozenset({"keys", "api", "field", "refresh", "params"})


def parse_expected_keys(
    spec: Mapping[str, Any], v: Violations, prefix: str, limits: Limits, partition_by: Sequence[str]
) -> ExpectedKeys | None:
    """``spec.expected_keys`` of an ABSENCE rule (None when absent); problems go to ``v``.

    With expected keys the rule has no ``trigger`` (each listed key is watched from the start) and exactly
    one ``partition_by`` path, whose value is the key (the envelope ``key`` by default).
    """
    raw = spec.get("expected_keys")
    if raw is None:
        return None
    path = join_path(prefix, "expected_keys")
    if "trigger" in spec:
        v.add(
            join_path(prefix, "trigger"),
            "an ABSENCE rule with expected_keys takes no trigger: each listed key must send an 'expected' event "
            "within 'within', from the moment it is listed",
        )
    if len(partition_by) != 1:
        v.add(join_path(prefix, "partition_by"), "with expected_keys, give exactly one path: the one holding the key")
    if not isinstance(raw, Mapping):
        v.add(path, "expected an object: {'keys': [...]} or {'api': ..., 'field': ..., 'refresh': '5m'}")
        return ExpectedKeys(keys=())
    v.check_keys(raw, _ALLOWED, path)
    if ("keys" in raw) == ("api" in raw):
        v.add(path, "give exactly one of 'keys' (a static list) or 'api' (an api_manager API that lists them)")
        return ExpectedKeys(keys=())
    if "keys" in raw:
        for name in ("field", "refresh", "params"):
            if name in raw:
                v.add(join_path(path, name), f"'{name}' applies to a list read from an API ('api')")
        return ExpectedKeys(keys=_static(raw["keys"], v, join_path(path, "keys"), limits))
    return _api(raw, v, path, limits)


def _static(value: object, v: Violations, path: str, limits: Limits) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(k, str) and k for k in value):
        v.add(path, "expected a list of one or more non-empty strings (the keys)")
        return ()
    if len(value) > limits.max_expected_keys:
        v.add(
            path,
            f"has {len(value)} keys; the limit is {limits.max_expected_keys} (list more keys through an 'api', "
            "or split the rule)",
        )
    for i, key in enumerate(value):
        if len(key) > limits.max_expected_key_chars:
            v.add(join_path(path, i), f"is {len(key)} characters long; the limit is {limits.max_expected_key_chars}")
    seen: set[str] = set()
    for i, key in enumerate(value):
        if key in seen:
            v.add(join_path(path, i), f"'{key[:64]}' is listed twice")
        seen.add(key)
    return tuple(value)


def _api(raw: Mapping[str, Any], v: Violations, path: str, limits: Limits) -> ExpectedKeys:
    api, key_field = raw.get("api"), raw.get("field")
    if not isinstance(api, str) or not api:
        v.add(join_path(path, "api"), "expected the name of an api_manager API")
    if not isinstance(key_field, str) or not key_field:
        v.add(join_path(path, "field"), "required: the column (or object field) of the API's rows that holds the key")
    refresh = DEFAULT_REFRESH
    if raw.get("refresh") is not None:
        try:
            refresh = parse_duration(raw["refresh"])
        except ValueError as exc:
            v.add(join_path(path, "refresh"), str(exc))
        else:
            if not limits.min_schedule_interval <= refresh <= _MAX_REFRESH:
                v.add(
                    join_path(path, "refresh"),
                    f"must be between {limits.min_schedule_interval:g}s and {_MAX_REFRESH:g}s, got {refresh:g}s",
                )
    params = raw.get("params", {})
    if not isinstance(params, Mapping):
        v.add(join_path(path, "params"), "expected an object of API parameters")
        params = {}
    return ExpectedKeys(
        api=api if isinstance(api, str) else "",
        key_field=key_field if isinstance(key_field, str) else "",
        refresh=refresh,
        params=dict(params),
    )


@dataclass(frozen=True, slots=True)
class KeyList:
    """Keys read from an API result: in the API's order, without repeats, cut at the limit (``truncated``,
    also set when the API's own row limit cut its rows); ``skipped`` counts rows without a usable key
    (missing, null, empty or too long)."""

    keys: tuple[str, ...]
    truncated: bool = False
    skipped: int = 0


def keys_from_result(result: Mapping[str, Any], key_field: str, limits: Limits) -> KeyList:
    """The keys in an ExecuteApi result (``ApiManagerCaller.execute``): the ``key_field`` of each row of a
    SQL result (``rows``), or of each object of a JSON array (``value``); a JSON array of strings or numbers
    is the list itself. Raises ValueError when the result holds no list of rows or no usable key at all
    (the caller keeps the list it has: an empty answer never empties it)."""
    rows = result.get("rows")
    if not isinstance(rows, list):
        rows = result.get("value")
    if not isinstance(rows, list):
        raise ValueError("the API's result has no rows (expected a SQL result or a JSON array)")
    keys: dict[str, None] = {}
    skipped = 0
    for row in rows:
        value = row.get(key_field, MISSING) if isinstance(row, Mapping) else row
        key = None if value is None or value is MISSING or isinstance(value, Mapping | list) else label_value(value)
        if not key or len(key) > limits.max_expected_key_chars:
            skipped += 1
            continue
        keys[key] = None
    if not keys:
        why = f"no row has a usable '{key_field}'" if rows else "the API returned no rows"
        raise ValueError(f"{why}; the list in force stays")
    found = tuple(keys)
    limit = limits.max_expected_keys
    return KeyList(found[:limit], len(found) > limit or result.get("truncated") is True, skipped)
