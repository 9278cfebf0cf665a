"""Phase 4, validate: a plan is checked against the budget and the catalogue before anything runs.

Rejected with one ValidationError listing every violation: more steps than the budget allows,
duplicate step ids, unknown tools, arguments that break the tool's input JSON schema, dependencies
on unknown steps, bad output mappings, and cycles. Arguments that are output mappings cannot be
type-checked yet; they are checked again, resolved, just before the call (see the executor).

Formats are checked too: ``date-time`` must be RFC 3339 (``2024-05-01T12:00:00Z``; "yesterday" is
refused, never sent), ``date`` a calendar day. :func:`prune_plan` takes out the steps whose tool or
arguments are refused (and the steps that need them), so the rest of a plan can still run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import jsonschema

from opsuite_common.errors import FieldViolation, ValidationError
from opsuite_ops.domain.mapping import is_reference, references_in, validate_jmespath
from opsuite_ops.domain.model import Budget, Plan, PlanStep, Tool

__all__ = ["FORMAT_CHECKER", "dependencies", "prune_plan", "schema_violations", "topological_levels", "validate_plan"]

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: The formats ops checks before a call (jsonschema checks ``date-time`` only with an optional package).
FORMAT_CHECKER = jsonschema.FormatChecker(formats=())


@FORMAT_CHECKER.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00").replace("t", "T"))
    return True


@FORMAT_CHECKER.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DAY.match(value):
        return False
    date.fromisoformat(value)
    return True


def dependencies(step: PlanStep) -> tuple[str, ...]:
    """Every step ``step`` waits for: its ``depends_on`` plus the steps its mappings refer to."""
    refs = [s for s, _ in references_in(step.arguments)]
    return tuple(dict.fromkeys([*step.depends_on, *refs]))


def schema_violations(tool: Tool, arguments: Mapping[str, Any], field_prefix: str) -> list[FieldViolation]:
    """Violations of ``tool``'s input schema by ``arguments``; mapped (unresolved) values are not typed."""
    schema = dict(tool.input_schema) or {"type": "object"}
    literal = {k: v for k, v in arguments.items() if not is_reference(v)}
    mapped = set(arguments) - set(literal)
    validator_cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    try:
        validator_cls.check_schema(schema)
    except jsonschema.SchemaError as exc:
        return [FieldViolation(f"{field_prefix}", f"tool {tool.name!r} has an invalid input schema: {exc.message}")]
    out: list[FieldViolation] = []
    for err in validator_cls(schema, format_checker=FORMAT_CHECKER).iter_errors(literal):
        # A required property that is mapped from another step is present, just not resolved yet.
        if err.validator == "required" and all(r in mapped or r in literal for r in tool.required):
            continue
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path)
        message = err.message
        if err.validator == "format":
            message = f"{err.instance!r} is not a valid {err.validator_value} (RFC 3339, e.g. 2024-05-01T12:00:00Z)"
            if err.validator_value == "date":
                message = f"{err.instance!r} is not a valid date (e.g. 2024-05-01)"
        out.append(FieldViolation(f"{field_prefix}{path}", message))
    return out


def topological_levels(steps: Iterable[PlanStep], done: Iterable[str] = ()) -> list[list[str]]:
    """Step ids in waves (each wave depends only on earlier ones); raises ValidationError on a cycle."""
    pending = {s.id: set(dependencies(s)) - set(done) for s in steps}
    levels: list[list[str]] = []
    while pending:
        ready = sorted(sid for sid, deps in pending.items() if not deps & pending.keys())
        if not ready:
            cycle = ", ".join(sorted(pending))
            raise ValidationError(
                "the plan has a dependency cycle",
                field_violations=[FieldViolation("plan.steps", f"steps {cycle} depend on each other in a cycle")],
            )
        levels.append(ready)
        for sid in ready:
            del pending[sid]
    return levels


def validate_plan(
    plan: Plan, tools: Mapping[str, Tool], budget: Budget, *, done: Iterable[str] = ()
) -> list[list[str]]:
    """Check ``plan`` against ``tools`` and ``budget``; returns its execution waves.

    ``done`` names steps of an earlier plan whose outputs exist (for repair and replan plans).
    """
    bad: list[FieldViolation] = []
    done = set(done)
    if not plan.steps:
        bad.append(FieldViolation("plan.steps", "the plan has no steps"))
    if len(plan.steps) > budget.max_steps:
        bad.append(
            FieldViolation("plan.steps", f"{len(plan.steps)} steps exceed the budget's max_steps={budget.max_steps}")
        )
    ids = [s.id for s in plan.steps]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        bad.append(FieldViolation("plan.steps", f"step id {dup!r} is used more than once"))
    known_ids = set(ids) | done
    for i, step in enumerate(plan.steps):
        where = f"plan.steps[{i}]"
        tool = tools.get(step.tool)
        if tool is None:
            bad.append(FieldViolation(f"{where}.tool", f"unknown tool {step.tool!r}; it is not in the catalogue"))
        else:
            bad.extend(schema_violations(tool, step.arguments, f"{where}.arguments"))
        for dep in step.depends_on:
            if dep not in known_ids:
                bad.append(FieldViolation(f"{where}.depends_on", f"depends on unknown step {dep!r}"))
        for ref_step, path in references_in(step.arguments):
            if ref_step not in known_ids:
                bad.append(FieldViolation(f"{where}.arguments", f"maps output of unknown step {ref_step!r}"))
            elif ref_step == step.id:
                bad.append(FieldViolation(f"{where}.arguments", "a step cannot use its own output"))
            if path and not path.startswith("[") and (why := validate_jmespath(path)):
                bad.append(FieldViolation(f"{where}.arguments", f"bad JMESPath {path!r}: {why}"))
    if bad:
        raise ValidationError("the plan was rejected before running anything", field_violations=bad)
    return topological_levels(plan.steps, done)


def prune_plan(plan: Plan, tools: Mapping[str, Tool]) -> tuple[Plan, list[tuple[PlanStep, str]]]:
    """``plan`` without the steps whose tool is unknown or whose literal arguments break its schema, nor
    the steps that need their output; each removed step comes with why."""
    refused: dict[str, str] = {}
    for step in plan.steps:
        tool = tools.get(step.tool)
        if tool is None:
            refused[step.id] = f"{step.tool} is not in the catalogue"
        elif bad := schema_violations(tool, step.arguments, "arguments"):
            detail = "; ".join(f"{v.field.removeprefix('arguments.')}: {v.description}" for v in bad)
            refused[step.id] = f"its arguments break its schema ({detail})"
    changed = bool(refused)
    while changed:
        changed = False
        for step in plan.steps:
            if step.id not in refused and (needs := [d for d in dependencies(step) if d in refused]):
                refused[step.id] = f"it needs the output of {', '.join(needs)}, which was left out"
                changed = True
    if not refused:
        return plan, []
    kept = tuple(s for s in plan.steps if s.id not in refused)
    dropped = [(s, refused[s.id]) for s in plan.steps if s.id in refused]
    return Plan(kept, plan.planner, plan.rationale, plan.notes), dropped
