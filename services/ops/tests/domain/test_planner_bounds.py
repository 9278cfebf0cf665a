"""A question cannot make the planner's work grow without bound: argument combinations and fuzzy name
look-ups are capped (a hostile caller writes the question)."""

from __future__ import annotations

from datetime import UTC, datetime

from opsuite_ops.domain.entities import MAX_FUZZY_LOOKUPS, Inventory
from opsuite_ops.domain.extract import Entities
from opsuite_ops.domain.fill import fill_variants
from opsuite_ops.domain.model import Tool

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def test_a_question_naming_many_values_gives_at_most_limit_argument_sets() -> None:
    schema = {
        "type": "object",
        "properties": {"host": {"type": "string"}, "service": {"type": "string"}, "ticket_id": {"type": "string"}},
        "required": ["host", "service", "ticket_id"],
    }
    tool = Tool("lookup", "one host, service and ticket", input_schema=schema)
    many = Entities(
        hosts=tuple(f"h-{i}" for i in range(200)),
        services=tuple(f"s-{i}" for i in range(200)),
        ids=tuple(f"INC-{i}" for i in range(200)),
    )
    variants = fill_variants(tool, many, now=NOW, limit=8)
    assert 1 <= len(variants) <= 8
    assert all(v.arguments.keys() >= {"host", "service", "ticket_id"} for v in variants)


def test_fuzzy_look_ups_of_one_reading_are_budgeted() -> None:
    inventory = Inventory(hosts=frozenset(f"web-{i:02d}" for i in range(50)))
    answers = [inventory.closest("web-1x") for _ in range(MAX_FUZZY_LOOKUPS + 5)]
    assert all(answers[:MAX_FUZZY_LOOKUPS])  # close names while the budget lasts
    assert answers[MAX_FUZZY_LOOKUPS:] == [()] * 5  # then nothing is "close": no more comparisons
    assert inventory.merged().closest("web-1x")  # a new reading has a budget of its own
