"""A negator after "what", "who" or "which" negates the next word; a value after a negator is never a wanted
filter; every combination of named values counts against the step budget; a restricted step's description
does not make another tool's only call redundant; "how many" reads "of the", hyphens and "number of"; and
only the planned tools (with an actor column, not an owner) say who did an act."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from opsuite_ops.domain import negation
from opsuite_ops.domain.aggregate import counted_words
from opsuite_ops.domain.coverage import CoverageCheck
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import Inventory, inventory_from_outputs
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.fill import fill_variants
from opsuite_ops.domain.model import AnswerReason, Budget, Tool
from opsuite_ops.domain.negation import negated_words
from opsuite_ops.domain.planning import PlanOutcome, PlanRequest

NOW = datetime(2025, 11, 4, 9, 0, tzinfo=UTC)


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required)}


NODES = Tool(
    "list_nodes",
    "Nodes of the mesh: hostname, status, role",
    frozenset({"inventory"}),
    input_schema=_obj(
        {
            "status": {"type": "string", "enum": ["", "healthy", "degraded", "down", "maintenance"], "default": ""},
            "role": {"type": "string", "enum": ["", "primary", "replica"], "default": ""},
        }
    ),
)
WORKERS = Tool(
    "list_workers",
    "Workers of the mesh and their phase",
    frozenset({"inventory"}),
    input_schema=_obj({"phase": {"type": "string", "enum": ["running", "pending", "failed", "succeeded"]}}),
)
RUNS = Tool(
    "sync_runs",
    "Sync runs since a date: name, status, duration",
    frozenset({"history"}),
    input_schema=_obj(
        {
            "since_date": {"type": "string", "format": "date"},
            "status": {"type": "string", "enum": ["", "success", "failed"], "default": ""},
        },
        ("since_date",),
    ),
)
LOAD = Tool(
    "node_load",
    "Load of one node over the last hour",
    frozenset({"metric"}),
    input_schema=_obj({"host": {"type": "string", "description": "hostname"}}, ("host",)),
)
MESH = inventory_from_outputs({"nodes": {"rows": [{"host": f"mx-{i}"} for i in range(1, 6)]}})


def _plan(question: str, tools: list[Tool], steps: int = 6, inventory: Inventory | None = None) -> PlanOutcome:
    request = PlanRequest(question, tools, Budget(max_steps=steps), NOW, inventory=inventory)
    return DeterministicPlanner().plan_sync(request)


def _gaps(outcome: PlanOutcome) -> list[str]:
    return [r.detail for r in outcome.not_covered if r.reason in (AnswerReason.NOT_COVERED, AnswerReason.NO_TOOL)]


def _values(outcome: PlanOutcome, tool: str, param: str) -> set[Any]:
    return {s.arguments.get(param) for s in outcome.plan.steps if s.tool == tool}


def test_a_negator_after_what_who_or_which_negates_the_next_word() -> None:
    assert negated_words("what isn't running?") == {"running"}
    assert negated_words("who isn't healthy?") == {"healthy"}
    assert negated_words("which node isn't a replica?") == {"replica"}
    assert negated_words("which nodes are not the primary?") == {"primary"}
    # the verb phrase is negated: no value is
    assert negated_words("why aren't the failed sync runs retried?") == frozenset()
    assert negated_words("isn't the primary node down?") == frozenset()
    assert "running" not in _values(_plan("what isn't running?", [NODES, WORKERS, RUNS]), "list_workers", "phase")
    outcome = _plan("which nodes are healthy but not the primary", [NODES, WORKERS, RUNS])
    assert "primary" not in _values(outcome, "list_nodes", "role")
    outcome = _plan("which node isn't a replica?", [NODES, WORKERS, RUNS])
    assert "replica" not in _values(outcome, "list_nodes", "role")


def test_a_value_after_a_negator_is_never_the_wanted_filter() -> None:
    for question in (
        "which nodes are not reporting healthy?",
        "which nodes are not shown as healthy?",
        "nodes excluding healthy",
        "nodes other than the healthy ones",
        "nodes not in any healthy state",
    ):
        outcome = _plan(question, [NODES, WORKERS, RUNS])
        assert "healthy" not in _values(outcome, "list_nodes", "status"), question
    assert "healthy" in negation.unsure_words("nodes not in any healthy state")
    outcome = _plan("nodes not in any healthy state", [NODES, WORKERS, RUNS])
    assert any("cannot exclude" in g and "healthy" in g for g in _gaps(outcome)), _gaps(outcome)
    mixed = _plan("nodes not healthy or are down", [NODES, WORKERS, RUNS])
    assert _values(mixed, "list_nodes", "status") == {None}, mixed.plan.steps
    kept = _plan("why aren't the failed sync runs since 2025-11-01 retried?", [NODES, WORKERS, RUNS])
    assert _values(kept, "sync_runs", "status") == {"failed"}


def test_every_combination_of_named_values_counts_against_the_budget() -> None:
    question = "load of mx-1, mx-2, mx-3, mx-4 and mx-5"
    outcome = _plan(question, [NODES, LOAD], steps=3, inventory=MESH)
    assert len(outcome.plan.steps) == 3
    assert any("called for 3 of 5 combinations" in g for g in _gaps(outcome)), _gaps(outcome)
    entities = extract_entities("healthy and degraded primary and replica nodes", now=NOW)
    variants = fill_variants(NODES, entities, now=NOW, limit=3)
    assert len(variants) == 3
    assert any("3 of 4 combinations of status, role" in u for u in variants[0].unexpressed), variants[0]
    assert not _gaps(_plan("load of mx-1 and mx-2", [NODES, LOAD], steps=3, inventory=MESH))


def test_a_restricted_steps_description_does_not_leave_out_the_only_call_of_a_part() -> None:
    docks = Tool(
        "dock_list",
        "Docks of the yard: dock code, zone, planned works and their crew",
        frozenset({"inventory"}),
        input_schema=_obj({"zone": {"type": "string", "enum": ["", "north", "south"], "default": ""}}),
    )
    works = Tool("dock_works", "Planned works at the docks: dock code, start, end, crew", frozenset({"maintenance"}))
    outcome = _plan("list the north docks and their planned works", [docks, works])
    assert "dock_works" in {s.tool for s in outcome.plan.steps}, outcome.plan.notes


def test_how_many_reads_of_the_hyphens_and_number_of() -> None:
    assert counted_words("how many of the relay servers are up?") == ("relay", "servers")
    assert counted_words("how many relay-servers are up?") == ("relay", "servers")
    assert counted_words("what is the number of relay servers in it?") == ("relay", "servers")
    assert counted_words("give me the count of relay servers") == ("relay", "servers")
    assert counted_words("count the relay servers in it") == ("relay", "servers")
    # a tool mentioning "servers" only in its description's prose does not count them
    relays = Tool(
        "relay_groups",
        "Relay groups and the servers behind them: group, region",
        frozenset({"inventory"}),
    )
    outcome = _plan("how many of the relay servers are there?", [relays])
    assert any(g.startswith("no tool counts") for g in _gaps(outcome)), _gaps(outcome)


def test_only_a_planned_tool_with_an_actor_column_says_who_acted() -> None:
    owned = Tool("blob_deletions", "Blobs deleted from a store: key, size, time, owner", frozenset({"audit"}))
    audited = Tool("blob_audit", "Blobs deleted from a store: key, time, deleted_by", frozenset({"audit"}))
    check = CoverageCheck.of(["deleted", "blobs"], [owned, audited], {}, actor_of=["deleted"])
    assert check.actorless([owned]) == ("deleted",)
    assert check.actorless([audited]) == ()
    outcome = _plan("who deleted blobs yesterday?", [owned])
    assert any("who deleted" in g for g in _gaps(outcome)), _gaps(outcome)


def test_a_count_is_of_its_last_noun_and_a_name_before_it_is_no_gap() -> None:
    # "how many mx-pool-7 replicas": replicas are counted (the tool reports them); "mx-pool-7", a name no inventory
    # lists, says which ones: not a part no tool counts.
    pools = Tool("pool_status", "Pools and their ready and desired replicas", frozenset({"inventory"}))
    assert not [g for g in _gaps(_plan("how many mx-pool-7 replicas are ready?", [pools])) if "counts" in g]
    # the same phrase where the counted noun is what no tool knows stays a gap
    assert _gaps(_plan("how many mx-pool-7 sidecars are ready?", [pools]))
