"""The rule model: common fields plus one kind-specific spec. Parse one with :func:`parse_rule`.

All durations are seconds (floats). A rule is immutable; ``revision`` is a stable hash of its
canonical dict, used by checkpoints to refuse restoring state into a changed rule.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from opsuite_cep.domain.conditions import Condition

__all__ = [
    "DEFAULT_PARTITION",
    "AbsenceSpec",
    "AfterMatch",
    "Aggregate",
    "AnomalyMethod",
    "AnomalySpec",
    "ExpectedKeys",
    "Limits",
    "Rule",
    "RuleKind",
    "RuleSpec",
    "ScheduleSpec",
    "SequenceSpec",
    "Severity",
    "Step",
    "ThresholdSpec",
    "WindowSpec",
    "WindowType",
]


#: What every rule kind groups (or partitions) by when the rule does not say: the envelope ``key``, so one
#: alert per key (docs/cep-semantics.md, Threshold alerts #11). ``group_by: []`` asks for one tenant-wide
#: alert; threshold and window rules stored before this default were given that explicitly (migration 0007).
DEFAULT_PARTITION: tuple[str, ...] = ("key",)


class RuleKind(enum.StrEnum):
    """What a rule detects."""

    THRESHOLD = "THRESHOLD"
    WINDOW = "WINDOW"
    SEQUENCE = "SEQUENCE"
    ABSENCE = "ABSENCE"
    ANOMALY = "ANOMALY"
    SCHEDULE = "SCHEDULE"


class Severity(enum.StrEnum):
    """Alert severity, also exposed as the ``severity`` label."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"


class WindowType(enum.StrEnum):
    """Window shapes (docs/cep-semantics.md, Windows #14-#16)."""

    TUMBLING = "tumbling"
    SLIDING = "sliding"
    SESSION = "session"


class Aggregate(enum.StrEnum):
    """Window aggregate functions (docs/cep-semantics.md, Windows #18)."""

    COUNT = "count"
    SUM = "sum"
    AVG = "avg"
    MIN = "min"
    MAX = "max"
    P95 = "p95"
    P99 = "p99"
    STDDEV = "stddev"


class AfterMatch(enum.StrEnum):
    """After-match skip strategy for sequences (docs/cep-semantics.md, Sequences and absences #8)."""

    NO_SKIP = "no_skip"
    SKIP_PAST_LAST_EVENT = "skip_past_last_event"


class AnomalyMethod(enum.StrEnum):
    """Online baseline used by anomaly rules."""

    EWMA = "ewma"
    MAD = "mad"


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on rules and engine state; validation rejects rules beyond them, the engine evicts beyond them."""

    max_window_size: float = 86_400.0
    max_windows_per_event: int = 60
    max_within: float = 86_400.0
    max_steps: int = 10
    max_partial_matches_per_key: int = 100
    max_keys_per_rule: int = 10_000
    max_open_windows: int = 100_000
    max_window_values: int = 10_000
    #: Samples of a THRESHOLD rule's window functions, all its windows and groups together (series.py).
    max_window_samples: int = 100_000
    max_mad_window: int = 1_000
    max_allowed_lateness: float = 3_600.0
    max_condition_nodes: int = 200
    max_condition_depth: int = 16
    max_regex_length: int = 512
    max_group_by: int = 10
    min_schedule_interval: float = 10.0
    #: Shortest ``within`` of an ABSENCE rule with ``expected_keys`` (each listed key's check repeats every
    #: ``within``) and shortest ``repeat_interval`` of a rule (each firing alert's re-notification): like
    #: ``min_schedule_interval``, the shortest cadence of periodic work a tenant may ask for. Refused at save.
    min_keys_within: float = 10.0
    min_repeat_interval: float = 10.0
    dedup_retention: float = 3_600.0
    max_dedup_ids: int = 100_000
    max_expected_keys: int = 5_000
    max_expected_key_chars: int = 256


@dataclass(frozen=True, slots=True)
class ThresholdSpec:
    """Evaluate ``condition`` at each in-order event of a group (docs/cep-semantics.md, Threshold alerts #11-#13)."""

    condition: Condition
    where: Condition | None = None
    group_by: tuple[str, ...] = DEFAULT_PARTITION


@dataclass(frozen=True, slots=True)
class WindowSpec:
    """Aggregate ``field`` over windows per group and compare ``aggregate op threshold``."""

    window: WindowType
    size: float
    aggregate: Aggregate
    op: str
    threshold: float
    slide: float = 0.0
    gap: float = 0.0
    field: str | None = None
    where: Condition | None = None
    group_by: tuple[str, ...] = DEFAULT_PARTITION


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a sequence: an alias, an optional event type and a condition over earlier aliases."""

    alias: str
    event_type: str | None = None
    where: Condition | None = None


@dataclass(frozen=True, slots=True)
class SequenceSpec:
    """Steps A -> B -> ... with ``last.time - first.time < within``.

    See docs/cep-semantics.md, Sequences and absences #6-#9.
    """

    steps: tuple[Step, ...]
    within: float
    partition_by: tuple[str, ...] = DEFAULT_PARTITION
    after_match: AfterMatch = AfterMatch.NO_SKIP
    max_partial_matches: int = 100


@dataclass(frozen=True, slots=True)
class ExpectedKeys:
    """The keys an ABSENCE rule expects to report (docs/cep-semantics.md, Absent keys #27-#28):
    the static list ``keys``, or the ``key_field`` of the rows of api_manager API ``api``, every ``refresh``."""

    keys: tuple[str, ...] | None = None
    api: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    key_field: str = ""
    refresh: float = 300.0


@dataclass(frozen=True, slots=True)
class AbsenceSpec:
    """``trigger`` not followed by ``expected`` within ``within``; with ``expected_keys`` (and no trigger),
    every listed key must send an ``expected`` event within ``within``.

    See docs/cep-semantics.md, Sequences and absences #10 and Absent keys #27-#28.
    """

    trigger: Step | None
    expected: Step
    within: float
    partition_by: tuple[str, ...] = DEFAULT_PARTITION
    max_partial_matches: int = 100
    expected_keys: ExpectedKeys | None = None


@dataclass(frozen=True, slots=True)
class AnomalySpec:
    """Score ``field`` against a per-group online baseline (docs/cep-semantics.md, Anomaly #23)."""

    field: str
    method: AnomalyMethod = AnomalyMethod.EWMA
    alpha: float = 0.3
    min_samples: int = 10
    threshold: float = 3.0
    window: int = 50
    where: Condition | None = None
    group_by: tuple[str, ...] = DEFAULT_PARTITION


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    """Call an api_manager API on a cron or interval and test ``condition`` on its result."""

    api: str
    cron: str | None = None
    interval: float | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    condition: Condition | None = None


RuleSpec: TypeAlias = ThresholdSpec | WindowSpec | SequenceSpec | AbsenceSpec | AnomalySpec | ScheduleSpec


@dataclass(frozen=True, slots=True)
class Rule:
    """A validated rule. Build it with :func:`opsuite_cep.domain.parsing.parse_rule`."""

    name: str
    kind: RuleKind
    spec: RuleSpec
    description: str = ""
    event_type: str | None = None
    severity: Severity = Severity.WARNING
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    for_: float = 0.0
    keep_firing_for: float = 0.0
    repeat_interval: float = 0.0
    resolve_timeout: float = 300.0
    allowed_lateness: float | None = None
    channels: tuple[str, ...] = ()
    send_resolved: bool = True
    enabled: bool = True
    revision: str = ""

    @property
    def is_signal(self) -> bool:
        """Signal rules (sequence, absence, anomaly) fire per signal and resolve by ``resolve_timeout``."""
        return self.kind in (RuleKind.SEQUENCE, RuleKind.ABSENCE, RuleKind.ANOMALY)
