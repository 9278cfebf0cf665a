"""The workflow spec model and its save-time validation (every problem reported at once, by field path)."""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from opsuite_common.errors import FieldViolation, ValidationError

from .mapping import Condition, MappingNode, ObjectMapping, compile_condition, compile_mapping, iter_refs

__all__ = [
    "MAX_RETRY_ATTEMPTS",
    "OnError",
    "OnErrorMode",
    "RetryPolicy",
    "StepSpec",
    "WorkflowSpec",
    "parse_workflow",
    "validate_workflow",
]

#: Upper bound on ``retry.attempts``: retries multiply load on a dependency that is already failing.
MAX_RETRY_ATTEMPTS = 10
_MAX_BACKOFF_S = 300.0
_STEP_ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")
_STEP_KEYS = frozenset({"id", "api", "input", "depends_on", "when", "retry", "timeout_s", "on_error"})
_RETRY_KEYS = frozenset({"attempts", "backoff_s", "max_backoff_s"})


class OnErrorMode(enum.StrEnum):
    """What a step failure does to the workflow."""

    FAIL = "fail"
    CONTINUE = "continue"
    FALLBACK = "fallback"


@dataclass(frozen=True, slots=True)
class OnError:
    """A step's failure policy; ``fallback`` names the step run in its place when mode is FALLBACK."""

    mode: OnErrorMode = OnErrorMode.FAIL
    fallback: str | None = None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded retries of transient failures with exponential backoff (``backoff_s * 2**n``, capped)."""

    attempts: int = 1
    backoff_s: float = 0.2
    max_backoff_s: float = 5.0


@dataclass(frozen=True, slots=True)
class StepSpec:
    """One validated step: which API it calls, with what input, after which steps, under which policy."""

    id: str
    api: str
    input: ObjectMapping
    depends_on: frozenset[str]
    when: Condition | None
    retry: RetryPolicy
    timeout_s: float | None
    on_error: OnError
    index: int
    #: Steps that must finish before this one may start: its dependencies plus those of its fallback
    #: chain, so a fallback can run the moment the step fails.
    waits_for: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class WorkflowSpec:
    """A validated workflow: an acyclic set of steps and the mapping that selects the result."""

    steps: tuple[StepSpec, ...]
    output: MappingNode | None
    #: Steps named as some step's fallback: they run only in place of a failed step.
    fallback_only: frozenset[str] = frozenset()

    def step(self, step_id: str) -> StepSpec:
        """The step with this id (KeyError if there is none)."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    @property
    def api_names(self) -> frozenset[str]:
        """Every API the workflow may call."""
        return frozenset(step.api for step in self.steps)


@dataclass(slots=True)
class _Draft:
    """A step while it is being checked; fields stay None when they were invalid."""

    index: int
    path: str
    id: str | None
    api: str | None
    input: ObjectMapping
    explicit: list[str]
    when: Condition | None
    retry: RetryPolicy
    timeout_s: float | None
    on_error: OnError
    refs: list[tuple[str, str]]  # (field path, step id), from depends_on, input and when


def parse_workflow(spec: Any, *, field_prefix: str = "spec") -> WorkflowSpec:
    """Parse and check a workflow's structure and graph (not API existence nor size limits)."""
    return _analyse(spec, field_prefix, None, None, None)


def validate_workflow(
    spec: Any,
    api_exists: Callable[[str], bool],
    max_steps: int,
    max_depth: int,
    *,
    field_prefix: str = "spec",
) -> WorkflowSpec:
    """Save-time validation: structure, graph, API names and limits, every problem in one ValidationError.

    ``max_steps`` bounds the number of steps; ``max_depth`` bounds the longest chain of dependent steps
    (the number of steps that must run one after another).
    """
    return _analyse(spec, field_prefix, api_exists, max_steps, max_depth)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _parse_retry(raw: Any, path: str, out: list[FieldViolation]) -> RetryPolicy:
    if raw is None:
        return RetryPolicy()
    if not isinstance(raw, Mapping):
        out.append(FieldViolation(path, "must be an object: {attempts, backoff_s, max_backoff_s}"))
        return RetryPolicy()
    for key in sorted(set(raw) - _RETRY_KEYS):
        out.append(FieldViolation(f"{path}.{key}", "unknown field; expected attempts, backoff_s, max_backoff_s"))
    policy = RetryPolicy()
    attempts = raw.get("attempts", policy.attempts)
    if not isinstance(attempts, int) or isinstance(attempts, bool) or not 1 <= attempts <= MAX_RETRY_ATTEMPTS:
        out.append(FieldViolation(f"{path}.attempts", f"must be an integer from 1 to {MAX_RETRY_ATTEMPTS}"))
        attempts = policy.attempts
    backoff = raw.get("backoff_s", policy.backoff_s)
    if not _number(backoff) or not 0 <= backoff <= _MAX_BACKOFF_S:
        out.append(FieldViolation(f"{path}.backoff_s", f"must be a number of seconds from 0 to {_MAX_BACKOFF_S:g}"))
        backoff = policy.backoff_s
    cap = raw.get("max_backoff_s", max(policy.max_backoff_s, backoff))
    if not _number(cap) or not backoff <= cap <= _MAX_BACKOFF_S:
        out.append(
            FieldViolation(
                f"{path}.max_backoff_s",
                f"must be a number from backoff_s ({backoff:g}) to {_MAX_BACKOFF_S:g}",
            )
        )
        cap = max(policy.max_backoff_s, backoff)
    return RetryPolicy(attempts, float(backoff), float(cap))


def _parse_on_error(raw: Any, path: str, out: list[FieldViolation]) -> OnError:
    if raw is None or raw == "fail":
        return OnError()
    if raw == "continue":
        return OnError(OnErrorMode.CONTINUE)
    if isinstance(raw, Mapping) and set(raw) == {"fallback"}:
        target = raw["fallback"]
        if isinstance(target, str) and target:
            return OnError(OnErrorMode.FALLBACK, target)
        out.append(FieldViolation(f"{path}.fallback", "must be the id of another step"))
        return OnError()
    out.append(FieldViolation(path, 'must be "fail", "continue" or {"fallback": "<step id>"}'))
    return OnError()


def _parse_step(raw: Any, index: int, path: str, out: list[FieldViolation]) -> _Draft:
    empty = ObjectMapping(())
    if not isinstance(raw, Mapping):
        out.append(FieldViolation(path, "must be an object with at least 'id' and 'api'"))
        return _Draft(index, path, None, None, empty, [], None, RetryPolicy(), None, OnError(), [])
    for key in sorted(set(raw) - _STEP_KEYS, key=str):
        out.append(FieldViolation(f"{path}.{key}", f"unknown field; expected one of {', '.join(sorted(_STEP_KEYS))}"))

    step_id = raw.get("id")
    if not isinstance(step_id, str) or not _STEP_ID_RE.match(step_id):
        out.append(
            FieldViolation(f"{path}.id", "must be 1-64 letters, digits, '_' or '-', starting with a letter or '_'")
        )
        step_id = None
    api = raw.get("api")
    if not isinstance(api, str) or not api.strip():
        out.append(FieldViolation(f"{path}.api", "must be the name of an API of this tenant"))
        api = None

    refs: list[tuple[str, str]] = []
    explicit: list[str] = []
    deps = raw.get("depends_on", [])
    if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
        out.append(FieldViolation(f"{path}.depends_on", "must be a list of step ids"))
    else:
        explicit = list(deps)
        refs.extend((f"{path}.depends_on", d) for d in deps)

    raw_input = raw.get("input", {})
    if not isinstance(raw_input, Mapping):
        out.append(FieldViolation(f"{path}.input", "must be an object mapping parameter names to values"))
        raw_input = {}
    node, problems = compile_mapping(raw_input, f"{path}.input")
    out.extend(problems)
    assert isinstance(node, ObjectMapping)
    refs.extend(iter_refs(node, f"{path}.input"))

    when: Condition | None = None
    if raw.get("when") is not None:
        when, problems = compile_condition(raw["when"], f"{path}.when")
        out.extend(problems)
        if when is not None:
            refs.extend(iter_refs(when, f"{path}.when"))

    timeout = raw.get("timeout_s")
    if timeout is not None and (not _number(timeout) or timeout <= 0):
        out.append(FieldViolation(f"{path}.timeout_s", "must be a positive number of seconds"))
        timeout = None
    return _Draft(
        index,
        path,
        step_id,
        api,
        node,
        explicit,
        when,
        _parse_retry(raw.get("retry"), f"{path}.retry", out),
        None if timeout is None else float(timeout),
        _parse_on_error(raw.get("on_error"), f"{path}.on_error", out),
        refs,
    )


def _analyse(
    spec: Any,
    prefix: str,
    api_exists: Callable[[str], bool] | None,
    max_steps: int | None,
    max_depth: int | None,
) -> WorkflowSpec:
    out: list[FieldViolation] = []
    if not isinstance(spec, Mapping):
        raise ValidationError.for_field(prefix, "must be an object: {steps: [...], output: ...}")
    for key in sorted(set(spec) - {"steps", "output"}, key=str):
        out.append(FieldViolation(f"{prefix}.{key}", "unknown field; expected 'steps' and optionally 'output'"))
    raw_steps = spec.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        out.append(FieldViolation(f"{prefix}.steps", "must be a non-empty list of steps"))
        raise ValidationError(_summary(out), field_violations=out)
    if max_steps is not None and len(raw_steps) > max_steps:
        out.append(FieldViolation(f"{prefix}.steps", f"too many steps: {len(raw_steps)} (limit {max_steps})"))

    drafts = [_parse_step(raw, i, f"{prefix}.steps[{i}]", out) for i, raw in enumerate(raw_steps)]
    by_id: dict[str, _Draft] = {}
    for d in drafts:
        if d.id is None:
            continue
        if d.id in by_id:
            out.append(
                FieldViolation(f"{d.path}.id", f"duplicate step id {d.id!r} (first used by steps[{by_id[d.id].index}])")
            )
        else:
            by_id[d.id] = d

    _check_apis(drafts, api_exists, out)
    fallback_of = _check_fallbacks(drafts, by_id, out)
    upstream = _upstream(fallback_of)
    fallback_only = frozenset(f for targets in fallback_of.values() for f in targets)

    deps: dict[str, set[str]] = {}
    for d in drafts:
        if d.id is None or by_id.get(d.id) is not d:
            continue
        deps[d.id] = set()
        for path, ref in d.refs:
            if ref not in by_id:
                out.append(FieldViolation(path, f"unknown step {ref!r}"))
            elif ref == d.id:
                out.append(FieldViolation(path, "a step cannot depend on itself"))
            elif ref in upstream.get(d.id, set()):
                continue  # a fallback may read the step it stands in for; that step has failed already
            elif ref in fallback_only:
                primaries = ", ".join(sorted(p for p, fs in fallback_of.items() if ref in fs))
                out.append(
                    FieldViolation(
                        path,
                        f"step {ref!r} only runs as the fallback of {primaries}; read its result through "
                        f"that step instead (steps.<id>.output)",
                    )
                )
            else:
                deps[d.id].add(ref)

    output: MappingNode | None = None
    if "output" in spec and spec["output"] is not None:
        output, problems = compile_mapping(spec["output"], f"{prefix}.output")
        out.extend(problems)
        for path, ref in iter_refs(output, f"{prefix}.output"):
            if ref not in by_id:
                out.append(FieldViolation(path, f"unknown step {ref!r}"))

    graph = {sid: sorted(ds, key=lambda s: by_id[s].index) for sid, ds in deps.items()}
    for sid, fallbacks in fallback_of.items():
        if sid in graph:
            graph[sid] = graph[sid] + [f for f in fallbacks if f in graph and f != sid]
    order = [d.id for d in drafts if d.id is not None and by_id.get(d.id) is d]
    cycles = _find_cycles(order, graph)
    for cycle in cycles:
        out.append(FieldViolation(f"{by_id[cycle[0]].path}.depends_on", "dependency cycle: " + " -> ".join(cycle)))
    if not cycles and max_depth is not None:
        chain = _longest_chain(order, graph)
        if len(chain) > max_depth:
            shown = " -> ".join(chain) if len(chain) <= 8 else " -> ".join([*chain[:3], "...", *chain[-3:]])
            out.append(
                FieldViolation(
                    f"{prefix}.steps",
                    f"dependency chain too deep: {len(chain)} steps run one after another (limit {max_depth}): {shown}",
                )
            )

    if out:
        raise ValidationError(_summary(out), field_violations=out)
    return _build(drafts, deps, fallback_of, upstream, fallback_only, output)


def _check_apis(drafts: list[_Draft], api_exists: Callable[[str], bool] | None, out: list[FieldViolation]) -> None:
    if api_exists is None:
        return
    known: dict[str, bool] = {}
    for d in drafts:
        if d.api is None:
            continue
        if d.api not in known:
            known[d.api] = bool(api_exists(d.api))
        if not known[d.api]:
            out.append(
                FieldViolation(f"{d.path}.api", f"unknown API {d.api!r}: no enabled API with this name in the tenant")
            )


def _check_fallbacks(drafts: list[_Draft], by_id: dict[str, _Draft], out: list[FieldViolation]) -> dict[str, list[str]]:
    """Check fallback targets; return step id -> [fallback id] for the valid ones."""
    fallback_of: dict[str, list[str]] = {}
    for d in drafts:
        target = d.on_error.fallback
        if target is None or d.id is None or by_id.get(d.id) is not d:
            continue
        path = f"{d.path}.on_error.fallback"
        if target == d.id:
            out.append(FieldViolation(path, "a step cannot be its own fallback; name another step"))
        elif target not in by_id:
            out.append(FieldViolation(path, f"unknown step {target!r}"))
        else:
            fallback_of[d.id] = [target]
    return fallback_of


def _upstream(fallback_of: dict[str, list[str]]) -> dict[str, set[str]]:
    """For each fallback step, the steps it may stand in for, directly or down a fallback chain."""
    parents: dict[str, set[str]] = {}
    for primary, targets in fallback_of.items():
        for target in targets:
            parents.setdefault(target, set()).add(primary)
    result: dict[str, set[str]] = {}
    for node in parents:
        seen: set[str] = set()
        stack = list(parents[node])
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack.extend(parents.get(current, ()))
        seen.discard(node)
        result[node] = seen
    return result


def _find_cycles(order: list[str], graph: dict[str, list[str]]) -> list[list[str]]:
    """Every distinct cycle found by a depth-first search, each rotated to start at its earliest step."""
    rank = {sid: i for i, sid in enumerate(order)}
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []
    found: dict[frozenset[str], list[str]] = {}

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :]
                start = min(range(len(cycle)), key=lambda i: rank[cycle[i]])
                cycle = cycle[start:] + cycle[:start]
                found.setdefault(frozenset(cycle), [*cycle, cycle[0]])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for sid in order:
        if sid not in state:
            visit(sid)
    return list(found.values())


def _longest_chain(order: list[str], graph: dict[str, list[str]]) -> list[str]:
    """The longest path of dependencies in an acyclic graph, listed from the first step to run."""
    best: dict[str, list[str]] = {}

    def chain(node: str) -> list[str]:
        if node not in best:
            longest: list[str] = []
            for nxt in graph.get(node, []):
                candidate = chain(nxt)
                if len(candidate) > len(longest):
                    longest = candidate
            best[node] = [*longest, node]
        return best[node]

    result: list[str] = []
    for sid in order:
        candidate = chain(sid)
        if len(candidate) > len(result):
            result = candidate
    return result


def _build(
    drafts: list[_Draft],
    deps: dict[str, set[str]],
    fallback_of: dict[str, list[str]],
    upstream: dict[str, set[str]],
    fallback_only: frozenset[str],
    output: MappingNode | None,
) -> WorkflowSpec:
    steps: list[StepSpec] = []
    for d in drafts:
        assert d.id is not None
        assert d.api is not None
        chain: list[str] = []
        current = d.id
        while fallback_of.get(current):
            current = fallback_of[current][0]
            chain.append(current)
        waits = set(deps[d.id])
        for member in chain:
            waits |= deps[member]
        waits -= {d.id, *chain}
        steps.append(
            StepSpec(
                id=d.id,
                api=d.api,
                input=d.input,
                depends_on=frozenset(deps[d.id]),
                when=d.when,
                retry=d.retry,
                timeout_s=d.timeout_s,
                on_error=d.on_error,
                index=d.index,
                waits_for=frozenset(waits),
            )
        )
    return WorkflowSpec(tuple(steps), output, fallback_only)


def _summary(violations: list[FieldViolation]) -> str:
    first = violations[0]
    more = f" (and {len(violations) - 1} more problem(s))" if len(violations) > 1 else ""
    return f"invalid workflow: {first.field}: {first.description}{more}"
