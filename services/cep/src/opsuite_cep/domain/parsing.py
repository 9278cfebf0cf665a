"""Parse and validate a rule from a plain dict (what the servicer gets from JSON or a ``Struct``).

Every problem is gathered into one ``ValidationError`` whose ``field_violations`` name dotted paths
(``spec.condition.op``, ``spec.steps[1].where.value``, ``channels[0]``)::

    {"name": "cpu-high", "kind": "THRESHOLD", "event_type": "metrics", "severity": "critical",
     "for": "5m", "keep_firing_for": "1m", "channels": ["ops-slack"],
     "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]}}

Kind-specific ``spec`` keys (``group_by`` / ``partition_by`` default to ``["key"]`` for every kind:
:data:`~opsuite_cep.domain.rules.DEFAULT_PARTITION`; ``[]`` is one tenant-wide group):

* THRESHOLD: ``condition`` (required; a tree or a one-line string, :mod:`.expressions`), ``where``, ``group_by``.
* WINDOW: ``window`` (tumbling|sliding|session), ``size`` (tumbling/sliding), ``slide`` (sliding),
  ``gap`` (session), ``aggregate`` (count|sum|avg|min|max|p95|p99|stddev), ``field`` (all but count),
  ``op`` (one of < <= > >= == !=), ``threshold`` (number), ``where``, ``group_by``.
* SEQUENCE: ``steps`` (list of ``{alias, event_type, where}``, 2 or more), ``within``, ``partition_by``,
  ``after_match`` (no_skip|skip_past_last_event), ``max_partial_matches``.
* ABSENCE: ``trigger`` and ``expected`` (steps), ``within``, ``partition_by``, ``max_partial_matches``; or,
  instead of ``trigger``, ``expected_keys`` (:mod:`opsuite_cep.domain.expected_keys`).
* ANOMALY: ``field``, ``method`` (ewma|mad), ``alpha`` (0 < alpha <= 1), ``min_samples``, ``threshold``
  (the sensitivity: fire when ``|z| >= threshold``), ``window`` (mad), ``where``, ``group_by``.
* SCHEDULE: exactly one of ``cron`` / ``interval``, ``api``, ``params``, ``condition`` (on the result).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

from croniter import croniter

from opsuite_cep.domain.conditions import Condition, parse_condition
from opsuite_cep.domain.durations import parse_duration
from opsuite_cep.domain.expected_keys import parse_expected_keys
from opsuite_cep.domain.expressions import expression_condition
from opsuite_cep.domain.rules import (
    DEFAULT_PARTITION,
    AbsenceSpec,
    AfterMatch,
    Aggregate,
    AnomalyMethod,
    AnomalySpec,
    Limits,
    Rule,
    RuleKind,
    RuleSpec,
    ScheduleSpec,
    SequenceSpec,
    Severity,
    Step,
    ThresholdSpec,
    WindowSpec,
    WindowType,
)
from opsuite_cep.domain.templates import template_problem
from opsuite_cep.domain.validation import Violations, channel_names, join_path

__all__ = ["COMPARATORS", "parse_rule", "validate_rule"]

COMPARATORS = ("<", "<=", ">", ">=", "==", "!=")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,127}$", re.IGNORECASE)
_ALIAS_RE = re.compile(r"^[a-z_][a-z0-9_]{0,31}$", re.IGNORECASE)
_COMMON = frozenset(
    {
        "name",
        "kind",
        "description",
        "event_type",
        "severity",
        "labels",
        "annotations",
        "for",
        "keep_firing_for",
        "repeat_interval",
        "resolve_timeout",
        "allowed_lateness",
        "channels",
        "send_resolved",
        "enabled",
        "spec",
    }
)
_SPEC_KEYS = {
    RuleKind.THRESHOLD: frozenset({"condition", "where", "group_by"}),
    RuleKind.WINDOW: frozenset(
        {"window", "size", "slide", "gap", "aggregate", "field", "op", "threshold", "where", "group_by"}
    ),
    RuleKind.SEQUENCE: frozenset({"steps", "within", "partition_by", "after_match", "max_partial_matches"}),
    RuleKind.ABSENCE: frozenset(
        {"trigger", "expected", "within", "partition_by", "max_partial_matches", "expected_keys"}
    ),
    RuleKind.ANOMALY: frozenset(
        {"field", "method", "alpha", "min_samples", "threshold", "window", "where", "group_by"}
    ),
    RuleKind.SCHEDULE: frozenset({"cron", "interval", "api", "params", "condition"}),
}

E = TypeVar("E")


class _Reader:
    """Typed field access over one dict that records a violation instead of raising."""

    def __init__(self, data: Mapping[str, Any], prefix: str, v: Violations, limits: Limits) -> None:
        self.data, self.prefix, self.v, self.limits = data, prefix, v, limits

    def path(self, key: str) -> str:
        return join_path(self.prefix, key)

    def string(self, key: str, *, required: bool = False, default: str | None = None) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.v.add(self.path(key), "required")
            return default
        if not isinstance(value, str) or (required and not value):
            self.v.add(self.path(key), "expected a non-empty string")
            return default
        return value

    def enum(self, key: str, kind: type[E], default: E | None) -> E | None:
        value = self.data.get(key)
        if value is None:
            if default is None:
                self.v.add(self.path(key), "required")
            return default
        members = [m.value for m in kind]  # type: ignore[attr-defined]
        normalised = value
        if isinstance(value, str):
            normalised = value.lower() if members[0].islower() else value.upper()
        if normalised not in members:
            self.v.add(self.path(key), f"unknown value {value!r}; expected one of {', '.join(members)}")
            return default
        return kind(normalised)  # type: ignore[call-arg]

    def duration(self, key: str, default: float | None, *, maximum: float | None = None) -> float | None:
        if self.data.get(key) is None:
            if default is None:
                self.v.add(self.path(key), "required: a duration like '30s', '5m' or '1h30m'")
            return default
        try:
            seconds = parse_duration(self.data[key])
        except ValueError as exc:
            self.v.add(self.path(key), str(exc))
            return default
        if maximum is not None and seconds > maximum:
            self.v.add(self.path(key), f"{seconds:g}s is beyond the limit of {maximum:g}s")
        return seconds

    def number(
        self,
        key: str,
        default: float | None,
        *,
        low: float | None = None,
        high: float | None = None,
        low_open: bool = False,
        integer: bool = False,
    ) -> float | None:
        value = self.data.get(key)
        if value is None:
            if default is None:
                self.v.add(self.path(key), "required: a number")
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.v.add(self.path(key), f"expected a number, got {value!r}")
            return default
        if integer and value != int(value):
            self.v.add(self.path(key), f"expected a whole number, got {value!r}")
            return default
        if low is not None and (value <= low if low_open else value < low):
            self.v.add(self.path(key), f"must be {'>' if low_open else '>='} {low:g}, got {value!r}")
        if high is not None and value > high:
            self.v.add(self.path(key), f"must be <= {high:g}, got {value!r}")
        return float(value)

    def paths(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
            self.v.add(self.path(key), "expected a list of attribute paths like ['host', 'labels.region']")
            return default
        if len(value) > self.limits.max_group_by:
            self.v.add(self.path(key), f"at most {self.limits.max_group_by} paths are allowed")
        return tuple(value)

    def string_map(self, key: str) -> dict[str, str]:
        value = self.data.get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(x, str) for k, x in value.items()
        ):
            self.v.add(self.path(key), "expected an object of string keys to string values")
            return {}
        return dict(value)

    def condition(
        self, key: str, *, required: bool = False, aliases: frozenset[str] = frozenset(), windows: bool = False
    ) -> Condition | None:
        value = self.data.get(key)  # a JSON tree, or a string in the one-line syntax
        if value is None:
            if required:
                self.v.add(
                    self.path(key), "required: a condition like 'cpu > 90' or {'field': 'cpu', 'op': '>', 'value': 90}"
                )
            return None
        lim = self.limits
        if isinstance(value, str):
            return expression_condition(value, self.v, self.path(key), aliases=aliases, limits=lim, windows=windows)
        return parse_condition(
            value,
            self.v,
            self.path(key),
            aliases=aliases,
            max_nodes=lim.max_condition_nodes,
            max_depth=lim.max_condition_depth,
            max_regex_length=lim.max_regex_length,
        )

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.v.add(self.path(key), f"expected true or false, got {value!r}")
            return default
        return value


def parse_rule(
    data: Mapping[str, Any],
    *,
    known_channels: Collection[str] | None = None,
    limits: Limits | None = None,
    stored: bool = False,
) -> Rule:
    """Validate ``data`` and build a :class:`Rule`; raise one ``ValidationError`` listing every problem.

    ``known_channels`` is the set of channel names that exist for the tenant; None skips that check.
    ``stored``: a definition saved before, loaded again. Its annotation templates are not judged (one saved
    before the sandbox checked them renders as plain text), nor the minimum ``repeat_interval`` and ``within``
    of absent keys (one saved before those minimums still loads: its timers jump over the instants a
    watermark passes at once, so its cost stays bounded), so a stored rule always loads.
    """
    limits = limits or Limits()
    if stored:
        limits = dataclasses.replace(limits, min_keys_within=0.0, min_repeat_interval=0.0)
    v = Violations()
    if not isinstance(data, Mapping):
        v.add("rule", "expected an object")
        v.raise_if_any("rule")
    v.check_keys(data, _COMMON, "")
    r = _Reader(data, "", v, limits)
    name = r.string("name", required=True)
    if name is not None and not _NAME_RE.match(name):
        v.add("name", "use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit")
    kind = r.enum("kind", RuleKind, None)
    for_ = r.duration("for", 0.0) or 0.0
    keep = r.duration("keep_firing_for", 0.0) or 0.0
    lateness = (
        r.duration("allowed_lateness", None, maximum=limits.max_allowed_lateness)
        if data.get("allowed_lateness") is not None
        else None
    )
    channels = channel_names(data.get("channels"), known_channels, v)
    spec: RuleSpec | None = None
    raw_spec = data.get("spec")
    if not isinstance(raw_spec, Mapping):
        v.add("spec", "required: an object with the kind-specific settings")
    elif kind is not None:
        v.check_keys(raw_spec, _SPEC_KEYS[kind], "spec")
        spec = _SPEC_PARSERS[kind](_Reader(raw_spec, "spec", v, limits))
    if kind is not None and (kind not in (RuleKind.THRESHOLD, RuleKind.WINDOW)):
        for key, value in (("for", for_), ("keep_firing_for", keep)):
            if value:
                v.add(key, f"'{key}' applies to THRESHOLD and WINDOW rules only; {kind} rules fire per signal")
    if kind is RuleKind.SCHEDULE and data.get("event_type") is not None:
        v.add("event_type", "SCHEDULE rules are not fed by events; remove event_type")
    repeat = r.duration("repeat_interval", 0.0) or 0.0
    if 0 < repeat < limits.min_repeat_interval:
        v.add("repeat_interval", f"must be 0 (off) or at least {limits.min_repeat_interval:g}s")
    annotations = r.string_map("annotations")
    for key, text in {} if stored else annotations.items():
        if (problem := template_problem(text)) is not None:
            v.add(join_path("annotations", key), problem)
    rule = Rule(
        name=name or "",
        kind=kind or RuleKind.THRESHOLD,
        spec=spec,  # type: ignore[arg-type]
        description=r.string("description", default="") or "",
        event_type=r.string("event_type"),
        severity=r.enum("severity", Severity, Severity.WARNING) or Severity.WARNING,
        labels=r.string_map("labels"),
        annotations=annotations,
        for_=for_,
        keep_firing_for=keep,
        repeat_interval=repeat,
        resolve_timeout=r.duration("resolve_timeout", 300.0) or 0.0,
        allowed_lateness=lateness,
        channels=channels,
        send_resolved=r.boolean("send_resolved", True),
        enabled=r.boolean("enabled", True),
        revision=hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16],
    )
    v.raise_if_any(f"rule {name!r}" if name else "rule")
    return rule


def validate_rule(
    data: Mapping[str, Any], *, known_channels: Collection[str] | None = None, limits: Limits | None = None
) -> list[Any]:
    """The field violations of ``data`` (empty when valid), for a ``ValidateRule`` RPC."""
    from opsuite_common.errors import ValidationError

    try:
        parse_rule(data, known_channels=known_channels, limits=limits)
    except ValidationError as exc:
        return list(exc.field_violations)
    return []


def _threshold(r: _Reader) -> ThresholdSpec:
    return ThresholdSpec(
        condition=r.condition("condition", required=True, windows=True),  # type: ignore[arg-type]
        where=r.condition("where"),
        group_by=r.paths("group_by", DEFAULT_PARTITION),
    )


def _window(r: _Reader) -> WindowSpec:
    lim = r.limits
    window = r.enum("window", WindowType, None)
    size = slide = gap = 0.0
    if window is WindowType.SESSION:
        gap = r.duration("gap", None, maximum=lim.max_window_size) or 0.0
        for key in ("size", "slide"):
            if key in r.data:
                r.v.add(r.path(key), "session windows take 'gap', not 'size' or 'slide'")
    elif window is not None:
        size = r.duration("size", None, maximum=lim.max_window_size) or 0.0
        if "gap" in r.data:
            r.v.add(r.path("gap"), "'gap' applies to session windows only")
        if window is WindowType.SLIDING:
            slide = r.duration("slide", None) or 0.0
            if slide and size and slide > size:
                r.v.add(r.path("slide"), "the slide must not exceed the window size")
            elif slide and size / slide > lim.max_windows_per_event:
                r.v.add(
                    r.path("slide"),
                    f"size/slide must be <= {lim.max_windows_per_event} (each event "
                    "would belong to too many windows); use a larger slide",
                )
        elif "slide" in r.data:
            r.v.add(r.path("slide"), "'slide' applies to sliding windows only")
        else:
            slide = size
    for key, value in (("size", size), ("slide", slide), ("gap", gap)):
        if key in r.data and value == 0 and r.data.get(key) is not None:
            r.v.add(r.path(key), "must be greater than zero")
    aggregate = r.enum("aggregate", Aggregate, None)
    field = r.string("field", required=aggregate not in (None, Aggregate.COUNT))
    op = r.data.get("op")
    if op not in COMPARATORS:
        r.v.add(r.path("op"), f"unknown operator {op!r}; expected one of {', '.join(COMPARATORS)}")
    return WindowSpec(
        window=window or WindowType.TUMBLING,
        size=size,
        slide=slide,
        gap=gap,
        aggregate=aggregate or Aggregate.COUNT,
        field=field,
        op=str(op),
        threshold=r.number("threshold", None) or 0.0,
        where=r.condition("where"),
        group_by=r.paths("group_by", DEFAULT_PARTITION),
    )


def _step(value: object, r: _Reader, path: str, aliases: frozenset[str], seen: set[str]) -> Step | None:
    if not isinstance(value, Mapping):
        r.v.add(path, "expected a step object like {'alias': 'a', 'event_type': 'deploy'}")
        return None
    r.v.check_keys(value, {"alias", "event_type", "where"}, path)
    sub = _Reader(value, path, r.v, r.limits)
    alias = sub.string("alias", required=True)
    if alias is not None:
        if not _ALIAS_RE.match(alias):
            r.v.add(sub.path("alias"), "use a short identifier like 'a' or 'deploy'")
        elif alias in seen:
            r.v.add(sub.path("alias"), f"alias '{alias}' is used by an earlier step")
        seen.add(alias)
    event_type = sub.string("event_type")
    where = sub.condition("where", aliases=aliases | ({alias} if alias else set()))
    return Step(alias=alias or "", event_type=event_type, where=where)


def _max_partials(r: _Reader) -> int:
    lim = r.limits.max_partial_matches_per_key
    return int(r.number("max_partial_matches", lim, low=1, high=lim, integer=True) or lim)


def _sequence(r: _Reader) -> SequenceSpec:
    raw = r.data.get("steps")
    steps: list[Step] = []
    if not isinstance(raw, list) or len(raw) < 2:
        r.v.add(r.path("steps"), "required: a list of at least two steps")
    elif len(raw) > r.limits.max_steps:
        r.v.add(r.path("steps"), f"at most {r.limits.max_steps} steps are allowed")
    else:
        seen: set[str] = set()
        for i, item in enumerate(raw):
            step = _step(item, r, join_path(r.path("steps"), i), frozenset(seen), seen)
            if step is not None:
                steps.append(step)
    return SequenceSpec(
        steps=tuple(steps),
        within=r.duration("within", None, maximum=r.limits.max_within) or 0.0,
        partition_by=r.paths("partition_by", DEFAULT_PARTITION),
        after_match=r.enum("after_match", AfterMatch, AfterMatch.NO_SKIP) or AfterMatch.NO_SKIP,
        max_partial_matches=_max_partials(r),
    )


def _absence(r: _Reader) -> AbsenceSpec:
    seen: set[str] = set()
    partition_by = r.paths("partition_by", DEFAULT_PARTITION)
    keys = parse_expected_keys(r.data, r.v, r.prefix, r.limits, partition_by)  # no trigger with expected keys
    trigger = _step(r.data.get("trigger"), r, r.path("trigger"), frozenset(), seen) if keys is None else None
    expected = _step(r.data.get("expected"), r, r.path("expected"), frozenset(seen), seen)
    within = r.duration("within", None, maximum=r.limits.max_within) or 0.0
    if "within" in r.data and within == 0:
        r.v.add(r.path("within"), "must be greater than zero")
    elif keys is not None and 0 < within < r.limits.min_keys_within:  # each key's check repeats every within
        r.v.add(r.path("within"), f"must be at least {r.limits.min_keys_within:g}s with expected_keys")
    return AbsenceSpec(
        trigger=trigger or (None if keys is not None else Step("")),
        expected=expected or Step(""),
        within=within,
        partition_by=partition_by,
        max_partial_matches=_max_partials(r),
        expected_keys=keys,
    )


def _anomaly(r: _Reader) -> AnomalySpec:
    return AnomalySpec(
        field=r.string("field", required=True) or "",
        method=r.enum("method", AnomalyMethod, AnomalyMethod.EWMA) or AnomalyMethod.EWMA,
        alpha=r.number("alpha", 0.3, low=0, high=1, low_open=True) or 0.3,
        min_samples=int(r.number("min_samples", 10, low=1, high=100_000, integer=True) or 10),
        threshold=r.number("threshold", 3.0, low=0, low_open=True) or 3.0,
        window=int(r.number("window", 50, low=3, high=r.limits.max_mad_window, integer=True) or 50),
        where=r.condition("where"),
        group_by=r.paths("group_by", DEFAULT_PARTITION),
    )


def _schedule(r: _Reader) -> ScheduleSpec:
    cron = r.string("cron")
    interval = r.duration("interval", 0.0) if r.data.get("interval") is not None else None
    if (cron is None) == (interval is None):
        r.v.add(r.path("cron"), "give exactly one of 'cron' or 'interval'")
    if cron is not None and not croniter.is_valid(cron):
        r.v.add(r.path("cron"), f"invalid cron expression {cron!r}; expected 5 fields like '*/5 * * * *'")
    if interval is not None and interval < r.limits.min_schedule_interval:
        r.v.add(r.path("interval"), f"must be at least {r.limits.min_schedule_interval:g}s")
    params = r.data.get("params", {})
    if not isinstance(params, Mapping):
        r.v.add(r.path("params"), "expected an object of API parameters")
        params = {}
    return ScheduleSpec(
        api=r.string("api", required=True) or "",
        cron=cron,
        interval=interval,
        params=dict(params),
        condition=r.condition("condition"),
    )


_SPEC_PARSERS: dict[RuleKind, Callable[[_Reader], RuleSpec]] = {
    RuleKind.THRESHOLD: _threshold,
    RuleKind.WINDOW: _window,
    RuleKind.SEQUENCE: _sequence,
    RuleKind.ABSENCE: _absence,
    RuleKind.ANOMALY: _anomaly,
    RuleKind.SCHEDULE: _schedule,
}
