"""SCHEDULE rules: next fire time and the result check (the scheduler and API call live elsewhere)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from croniter import croniter

from opsuite_cep.domain.conditions import compile_condition
from opsuite_cep.domain.events import Event
from opsuite_cep.domain.rules import Rule, ScheduleSpec

__all__ = ["next_fire", "result_matches"]


def _spec(rule: Rule) -> ScheduleSpec:
    if not isinstance(rule.spec, ScheduleSpec):
        raise ValueError(f"rule {rule.name!r} is a {rule.kind} rule, not a SCHEDULE rule")
    return rule.spec


def next_fire(rule: Rule, after: datetime) -> datetime:
    """The first fire time strictly after ``after`` (UTC; cron in UTC, interval counted from ``after``)."""
    spec = _spec(rule)
    after = after if after.tzinfo else after.replace(tzinfo=UTC)
    if spec.cron is not None:
        fire: datetime = croniter(spec.cron, after.astimezone(UTC)).get_next(datetime)
        return fire
    return after + timedelta(seconds=spec.interval or 0.0)


def result_matches(rule: Rule, result: Mapping[str, Any], at: float = 0.0) -> bool:
    """Evaluate the rule's condition on an API result (paths address the result's fields).

    A rule without a condition matches every successful result.
    """
    spec = _spec(rule)
    if spec.condition is None:
        return True
    event = Event(id="", type="schedule_result", time=at, attributes=dict(result))
    return compile_condition(spec.condition)(event, {})
