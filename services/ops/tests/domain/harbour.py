"""A made-up harbour estate's tools shared by the planner's domain tests (no estate of tests/ops_eval)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from opsuite_ops.domain.model import Tool

NOW = datetime(2025, 11, 4, 9, 0, tzinfo=UTC)


def obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """A JSON schema object with ``props`` and its ``required`` names."""
    return {"type": "object", "properties": props, "required": list(required)}


CARGO = Tool(
    "vessel_cargo_history",
    "Daily cargo snapshots of one vessel over the last N days: tonnes aboard and container count",
    frozenset({"metric", "cargo"}),
    input_schema=obj(
        {"vessel": {"type": "string"}, "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 14}},
        ("vessel",),
    ),
)

LOADS = Tool(
    "loading_jobs",
    "Loading jobs since a date: vessel, started, duration, status (success, warning, failed), error",
    frozenset({"history", "cargo"}),
    input_schema=obj(
        {
            "since_date": {"type": "string", "format": "date"},
            "status": {"type": "string", "enum": ["", "success", "warning", "failed"], "default": ""},
        },
        ("since_date",),
    ),
)
