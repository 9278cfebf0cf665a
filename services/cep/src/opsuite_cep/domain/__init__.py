"""The pure cep domain: rules, conditions, the event-time engine, alerts and checkpoints.

No grpc, database or network here. Entry points: :func:`parse_rule` (dict -> :class:`Rule`),
:class:`Engine` (``ingest`` / ``tick`` / ``advance_to`` / ``flush`` / ``snapshot`` / ``restore`` / ``stats``),
:func:`parse_silence`, and the plain output records in :mod:`.results`.
"""

from opsuite_cep.domain.alerts import Matcher, Silence, alert_labels, fingerprint, parse_silence
from opsuite_cep.domain.conditions import (
    OPERATORS,
    And,
    Comparison,
    Condition,
    Expr,
    Not,
    Or,
    compile_condition,
    condition_to_dict,
    parse_condition,
    values_equal,
)
from opsuite_cep.domain.durations import format_duration, parse_duration
from opsuite_cep.domain.engine import CHECKPOINT_VERSION, Engine
from opsuite_cep.domain.events import Event
from opsuite_cep.domain.expressions import ExpressionError, format_condition, parse_expression, parsed_conditions
from opsuite_cep.domain.parsing import parse_rule, validate_rule
from opsuite_cep.domain.results import (
    AlertState,
    AlertTransition,
    IngestResult,
    LateEvent,
    Match,
    Notification,
    NotificationKind,
    RefusedEvent,
)
from opsuite_cep.domain.rules import (
    AbsenceSpec,
    AfterMatch,
    Aggregate,
    AnomalyMethod,
    AnomalySpec,
    Limits,
    Rule,
    RuleKind,
    ScheduleSpec,
    SequenceSpec,
    Severity,
    Step,
    ThresholdSpec,
    WindowSpec,
    WindowType,
)
from opsuite_cep.domain.schedule import next_fire, result_matches
from opsuite_cep.domain.stats import RuleStatsSnapshot, StateSize
from opsuite_cep.domain.validation import Violations

__all__ = [
    "CHECKPOINT_VERSION",
    "OPERATORS",
    "AbsenceSpec",
    "AfterMatch",
    "Aggregate",
    "AlertState",
    "AlertTransition",
    "And",
    "AnomalyMethod",
    "AnomalySpec",
    "Comparison",
    "Condition",
    "Engine",
    "Event",
    "Expr",
    "ExpressionError",
    "IngestResult",
    "LateEvent",
    "Limits",
    "Match",
    "Matcher",
    "Not",
    "Notification",
    "NotificationKind",
    "Or",
    "RefusedEvent",
    "Rule",
    "RuleKind",
    "RuleStatsSnapshot",
    "ScheduleSpec",
    "SequenceSpec",
    "Severity",
    "Silence",
    "StateSize",
    "Step",
    "ThresholdSpec",
    "Violations",
    "WindowSpec",
    "WindowType",
    "alert_labels",
    "compile_condition",
    "condition_to_dict",
    "fingerprint",
    "format_condition",
    "format_duration",
    "next_fire",
    "parse_condition",
    "parse_duration",
    "parse_expression",
    "parse_rule",
    "parse_silence",
    "parsed_conditions",
    "result_matches",
    "validate_rule",
    "values_equal",
]
