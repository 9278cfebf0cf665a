"""Rule parsing and validation: every problem is reported as a field violation in one error."""

from __future__ import annotations

from typing import Any

import pytest

from opsuite_cep.domain import Limits, RuleKind, ThresholdSpec, WindowType, parse_rule, validate_rule
from opsuite_common.errors import ValidationError


def base(kind: str, spec: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": "r1", "kind": kind, "spec": spec, **extra}


def violations(data: dict[str, Any], **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        parse_rule(data, **kwargs)
    return {v.field: v.description for v in info.value.field_violations}


def test_valid_threshold_rule_parses_durations_and_defaults() -> None:
    rule = parse_rule(
        base(
            "threshold",
            {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
            event_type="metrics",
            severity="CRITICAL",
            **{"for": "1h30m"},
            keep_firing_for=30,
            channels=["ops"],
        ),
        known_channels={"ops"},
    )
    assert rule.kind is RuleKind.THRESHOLD and isinstance(rule.spec, ThresholdSpec)
    assert rule.for_ == 5400 and rule.keep_firing_for == 30 and rule.resolve_timeout == 300
    assert rule.spec.group_by == ("host",) and rule.channels == ("ops",) and rule.severity == "critical"
    assert (
        rule.revision
        == parse_rule(
            dict(
                base(
                    "threshold",
                    {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
                    event_type="metrics",
                    severity="CRITICAL",
                    **{"for": "1h30m"},
                    keep_firing_for=30,
                    channels=["ops"],
                )
            )
        ).revision
    )


def test_all_problems_are_gathered() -> None:
    found = violations(
        base(
            "THRESHOLD",
            {"condition": {"field": "cpu", "op": "foo", "value": 1}, "colour": "red"},
            typo=1,
            **{"for": "5 minutes"},
            channels=["ops", "nope"],
            severity="loud",
        ),
        known_channels={"ops"},
    )
    assert found["spec.condition.op"].startswith("unknown operator 'foo'; expected one of ==, !=")
    assert found["typo"].startswith("unknown field 'typo'")
    assert found["spec.colour"].startswith("unknown field 'colour'")
    assert "bad duration '5 minutes'" in found["for"]
    assert found["channels[1]"] == "unknown channel 'nope'; known channels: ops"
    assert found["severity"].startswith("unknown value 'loud'")


def test_message_names_the_first_problem_and_the_count() -> None:
    with pytest.raises(ValidationError, match=r"invalid rule 'r1': spec.condition: required.*\(and 1 more\)"):
        parse_rule(base("THRESHOLD", {}, severity="x"))


def test_window_bounds_and_shape() -> None:
    limits = Limits(max_window_size=3600, max_windows_per_event=10)
    found = violations(
        base(
            "WINDOW",
            {"window": "sliding", "size": "2h", "slide": "1m", "aggregate": "p42", "op": "~", "threshold": "x"},
        ),
        limits=limits,
    )
    assert "beyond the limit of 3600s" in found["spec.size"]
    assert "size/slide must be <= 10" in found["spec.slide"]
    assert found["spec.aggregate"].startswith("unknown value 'p42'")
    assert found["spec.op"].startswith("unknown operator '~'")
    assert found["spec.threshold"].startswith("expected a number")
    found = violations(
        base("WINDOW", {"window": "session", "size": "1m", "aggregate": "avg", "op": ">", "threshold": 1})
    )
    assert "spec.gap" in found and "spec.size" in found and found["spec.field"] == "required"


def test_window_ok() -> None:
    rule = parse_rule(
        base("WINDOW", {"window": "tumbling", "size": "1m", "aggregate": "count", "op": ">=", "threshold": 3})
    )
    assert rule.spec.window is WindowType.TUMBLING and rule.spec.slide == 60  # type: ignore[union-attr]


def test_sequence_validation() -> None:
    found = violations(
        base(
            "SEQUENCE",
            {
                "steps": [
                    {"alias": "a", "event_type": "deploy"},
                    {"alias": "a", "where": {"field": "c.version", "op": "regex", "value": "[", "x": 1}},
                ],
                "within": "2d",
                "after_match": "skip_all",
                "max_partial_matches": 1000,
            },
        ),
        limits=Limits(max_within=86400, max_partial_matches_per_key=50),
    )
    assert found["spec.steps[1].alias"] == "alias 'a' is used by an earlier step"
    assert found["spec.steps[1].where.value"].startswith("invalid regular expression")
    assert found["spec.steps[1].where.x"].startswith("unknown field 'x'")
    assert "beyond the limit" in found["spec.within"]
    assert found["spec.after_match"].startswith("unknown value 'skip_all'")
    assert found["spec.max_partial_matches"] == "must be <= 50, got 1000"


def test_signal_rules_reject_for() -> None:
    found = violations(
        base("ABSENCE", {"trigger": {"alias": "a"}, "expected": {"alias": "b"}, "within": "5m"}, **{"for": "1m"})
    )
    assert "THRESHOLD and WINDOW rules only" in found["for"]


def test_anomaly_and_schedule_validation() -> None:
    found = violations(base("ANOMALY", {"field": "latency", "alpha": 0, "min_samples": 2.5, "method": "zzz"}))
    assert set(found) == {"spec.alpha", "spec.min_samples", "spec.method"}
    found = violations(base("SCHEDULE", {"cron": "61 * * * *", "interval": "5s"}, event_type="x"))
    assert set(found) == {"spec.cron", "spec.interval", "spec.api", "event_type"}


def test_validate_rule_returns_violations_and_not_an_object() -> None:
    assert validate_rule(base("THRESHOLD", {"condition": {"field": "a", "op": "exists"}})) == []
    assert [v.field for v in validate_rule([])] == ["rule"]  # type: ignore[arg-type]
