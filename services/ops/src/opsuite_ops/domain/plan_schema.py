"""The JSON Schema of a plan as an LLM (or any external planner) must produce it, and its parser.

A plan document (``not_covered`` optional: the parts of the question no tool answers; a plan may have no
steps when no tool answers any of it)::

    {"rationale": "why these tools", "not_covered": [{"part": "who is on call", "why": "no rota tool"}],
     "steps": [{"id": "s1", "tool": "host_lookup", "arguments": {"host": "web-01"}},
               {"id": "s2", "tool": "cpu_by_host", "arguments": {"host": "$steps.s1.rows[0].host"},
                "depends_on": ["s1"], "reason": "cpu of that host"}]}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonschema

from opsuite_common.errors import FieldViolation, ValidationError
from opsuite_ops.domain.model import Plan, PlanStep

__all__ = ["PLAN_JSON_SCHEMA", "declared_gaps", "plan_from_json", "plan_to_json"]

#: JSON Schema (draft 2020-12) of a plan document; also the parameters of the LLM's ``submit_plan`` tool.
PLAN_JSON_SCHEMA: Mapping[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["steps"],
    "properties": {
        "rationale": {"type": "string", "maxLength": 2000},
        "not_covered": {
            "type": "array",
            "maxItems": 20,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["part"],
                "properties": {
                    "part": {"type": "string", "minLength": 1, "maxLength": 500},
                    "why": {"type": "string", "maxLength": 1000},
                },
            },
        },
        "steps": {
            "type": "array",
            "maxItems": 100,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "tool", "arguments"],
                "properties": {
                    "id": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
                    "tool": {"type": "string", "minLength": 1, "maxLength": 200},
                    "arguments": {"type": "object"},
                    "depends_on": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
                    "reason": {"type": "string", "maxLength": 1000},
                },
            },
        },
    },
}

_VALIDATOR = jsonschema.Draft202012Validator(PLAN_JSON_SCHEMA)


def plan_from_json(document: Any, *, planner: str = "llm") -> Plan:
    """A :class:`Plan` from a decoded JSON document; ValidationError lists every schema violation."""
    errors = sorted(_VALIDATOR.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        violations = [
            FieldViolation("plan" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e.absolute_path),
                           e.message)
            for e in errors[:20]
        ]  # fmt: skip
        raise ValidationError("the plan does not match the plan schema", field_violations=violations)
    steps = tuple(
        PlanStep(
            id=s["id"],
            tool=s["tool"],
            arguments=dict(s["arguments"]),
            depends_on=tuple(s.get("depends_on", ())),
            reason=s.get("reason", ""),
        )
        for s in document["steps"]
    )
    return Plan(steps=steps, planner=planner, rationale=document.get("rationale", ""))


def declared_gaps(document: Any) -> list[str]:
    """The parts of the question a (schema-valid) plan document says no tool covers, as sentences."""
    out = []
    for gap in document.get("not_covered", ()) if isinstance(document, Mapping) else ():
        why = str(gap.get("why", "")).strip()
        out.append(f"no tool covers {gap['part']}" + (f": {why}" if why else ""))
    return out


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The plan document for ``plan`` (round-trips through :func:`plan_from_json`)."""
    return {
        "rationale": plan.rationale,
        "steps": [
            {"id": s.id, "tool": s.tool, "arguments": dict(s.arguments), "depends_on": list(s.depends_on),
             "reason": s.reason}
            for s in plan.steps
        ],
    }  # fmt: skip
