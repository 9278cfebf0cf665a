"""A thing named by another column of its listed row, a coded part of a name, the sides of "A metric vs B"
and derived words that are no typos (issue 13, the thirty-eighth estate written blind: an online retailer).

The estate is made up (a bakery chain's depots, ovens and deliveries); no estate's names.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from opsuite_ops.domain.bm25 import STOP_WORDS
from opsuite_ops.domain.comparison import compared_sides
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import MAX_INVENTORY_CALLS, Inventory, inventory_from_outputs
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.inventory_reads import read_inventory, unlisted_words
from opsuite_ops.domain.model import Budget, Tool
from opsuite_ops.domain.planning import PlanRequest
from opsuite_ops.domain.typos import misspelt
from opsuite_ops.domain.words import GENERIC_WORDS

NOW = datetime(2025, 7, 1, 9, 0, tzinfo=UTC)

_DEPOT = {"depot": {"type": "string", "default": "", "description": "depot code, e.g. DP-Nth01; empty: all"}}
DEPOTS = Tool(
    "depots.list",
    "Depots: code, name, town, ovens, vans",
    frozenset({"inventory", "depot", "site"}),
    input_schema={"type": "object", "properties": {}},
    idempotent=True,
)
BAKES = Tool(
    "bakes.runs",
    "Oven bake runs per depot every 30 minutes, newest first: run, depot, started, status (ok, failed), loaves",
    frozenset({"inventory", "bake", "oven", "history"}),
    input_schema={"type": "object", "properties": dict(_DEPOT)},
    idempotent=True,
)
QUEUE = Tool(
    "orders.queue",
    "Orders waiting per depot every hour, newest first: awaiting bake, awaiting van",
    frozenset({"orders", "queue", "metric", "time series"}),
    input_schema={"type": "object", "properties": dict(_DEPOT)},
    idempotent=True,
)
FAULTS = Tool(
    "faults.list",
    "Faults raised on the services and sites: ref, title, service, status",
    frozenset({"fault", "history"}),
    input_schema={"type": "object", "properties": {}},
    idempotent=True,
)
EXTRA = [
    Tool(f"svc.list{k}", "Services: service, owner, version", frozenset({"service"}), idempotent=True)
    for k in range(MAX_INVENTORY_CALLS)
]
DEPOT_ROWS = [
    {"depot": "DP-Nth01", "name": "Kelverton Bakehouse", "town": "Kelverton", "ovens": "3", "vans": "12"},
    {"depot": "DP-Sth03", "name": "Ormsby 3PL", "town": "Ormsby", "ovens": "1", "vans": "4"},
]
BAKE_ROWS = [{"run": "BK-1", "depot": "DP-Nth01", "status": "ok"}, {"run": "BK-2", "depot": "DP-Sth03", "status": "ok"}]


def _inventory(**outputs: list[dict[str, Any]]) -> Inventory:
    return inventory_from_outputs({name.replace("_", "."): {"rows": rows} for name, rows in outputs.items()})


def _steps(question: str, inventory: Inventory, tools: list[Tool]) -> dict[str, Any]:
    plan = DeterministicPlanner().plan_sync(PlanRequest(question, tools, Budget(), NOW, inventory=inventory))
    return {s.tool: dict(s.arguments) for s in plan.plan.steps}


def test_a_word_no_tool_and_no_first_listing_knows_reads_the_next_listings() -> None:
    tools = [*EXTRA, BAKES, DEPOTS]
    outputs = {"depots.list": {"rows": DEPOT_ROWS}, "bakes.runs": {"rows": BAKE_ROWS}}
    for t in EXTRA:
        outputs[t.name] = {"rows": [{"service": "oven-ctl", "owner": "ops", "version": "1.2"}]}
    called: list[str] = []

    async def call(tool: Tool) -> tuple[str, Any]:
        called.append(tool.name)
        return tool.name, outputs[tool.name]

    inv = asyncio.run(read_inventory("when did ormsby last bake ok?", tools, NOW, call))
    assert inv is not None and inv.value("ormsby") == ("town", "Ormsby")
    # The listings of the first round list services; the depots' list, tagged inventory, comes next.
    assert called[:MAX_INVENTORY_CALLS] != called and "depots.list" in called
    # A question whose words the tools know calls the first round only.
    called.clear()
    asyncio.run(read_inventory("when did the oven-ctl service last bake ok?", tools, NOW, call))
    assert len(called) == MAX_INVENTORY_CALLS and "depots.list" not in called
    first = _inventory(svc_list0=[{"service": "oven-ctl"}], depots_list=DEPOT_ROWS)
    assert unlisted_words(["ormsby", "bake", "kelverton", "xyz"], frozenset({"bake"}), first) == []
    assert unlisted_words(["pontefract"], frozenset({"bake"}), first) == ["pontefract"]


def test_a_thing_named_by_its_town_filters_by_its_code() -> None:
    inv = _inventory(depots_list=DEPOT_ROWS, bakes_runs=BAKE_ROWS)
    steps = _steps("when did ormsby last bake ok?", inv, [DEPOTS, BAKES])
    assert steps[BAKES.name]["depot"] == "DP-Sth03"
    # A row that merely mentions a depot (a van's home depot) is no depot's row: no depot is taken from it.
    vans = [{"van": "Bluebell", "home_depot": "DP-Nth01", "tier": "gold"}]
    home = _inventory(vans_list=vans, depots_list=DEPOT_ROWS)
    late = Tool(
        "deliveries.late",
        "Late deliveries per depot",
        frozenset({"delivery"}),
        input_schema={"type": "object", "properties": {"home_depot": {"type": "string", "default": ""}}},
    )
    assert [c for c, _v in extract_entities("late deliveries for bluebell", now=NOW, inventory=home).values] == ["van"]
    assert _steps("how many late deliveries for bluebell today?", home, [late]).get(late.name, {}) == {}
    # Two towns name two depots: no one depot is taken for them.
    steps = _steps("bake runs at ormsby and kelverton", inv, [DEPOTS, BAKES])
    assert "depot" not in steps[BAKES.name]


def test_a_service_name_other_listings_hold_as_a_depot_fills_a_depot_and_a_coded_part_names_it() -> None:
    faults = [{"ref": "F-1", "title": "oven 2 down", "service": "DP-Sth03", "status": "open"}]
    inv = _inventory(faults_list=faults, bakes_runs=BAKE_ROWS)
    assert "DP-Sth03" in inv.services
    steps = _steps("orders queue at DP-Sth03", inv, [FAULTS, BAKES, QUEUE])
    assert steps[QUEUE.name] == {"depot": "DP-Sth03"}
    entities = extract_entities("whats the orders queue at sth03", now=NOW, inventory=inv)
    assert entities.services == ("DP-Sth03",)
    assert _steps("whats the orders queue at sth03", inv, [FAULTS, BAKES, QUEUE])[QUEUE.name] == {"depot": "DP-Sth03"}
    # A part of letters alone is no code ("dp" is in every depot's name).
    assert extract_entities("whats the orders queue at dp", now=NOW, inventory=inv).services == ()


def test_the_side_before_vs_is_the_name_spelt_like_the_other_side() -> None:
    assert compared_sides("oven-ctl p95 vs van-api over the last hr") == ["oven-ctl", "van-api"]
    assert compared_sides("kelverton-eu bake rate last hr vs ormsby-uk") == ["kelverton-eu", "ormsby-uk"]
    assert compared_sides("queue wait linux-small vs arm64") == ["linux-small", "arm64"]
    assert compared_sides("errors on 2025-06-17 vs 2025-06-18") == ["2025-06-17", "2025-06-18"]
    assert compared_sides("oven-ctl cpu vs memory") == ["cpu", "memory"]
    # A preposition stops the look back: the side is the place compared, not the service of both.
    assert compared_sides("oven-ctl p95 in eu vs us-east") == ["eu", "us-east"]
    assert compared_sides("van-api errors in prod vs pre-prod") == ["prod", "pre-prod"]


def test_a_word_spelt_as_a_tool_stem_and_an_ending_is_a_word_of_its_own() -> None:
    vocab = frozenset({"pick", "utilis", "receiv"})
    forms = STOP_WORDS | GENERIC_WORDS
    assert misspelt("pickers", vocab, forms) is None  # people who pick, not picks
    assert misspelt("utilisaton", vocab, forms) == "utilis"  # a misspelt word still is one
    assert misspelt("reciever", vocab, forms) == "receiv"


LINES = Tool(
    "lines.list",
    "Production lines: line id (LN-nn), name (CROISSANT_A_OUT, ...), oven, state (RUNNING, STOPPED, ERROR), note. "
    "q matches part of the name",
    frozenset({"line", "inventory", "state"}),
    input_schema={
        "type": "object",
        "properties": {
            "state": {"type": "string", "enum": ["", "RUNNING", "STOPPED", "ERROR"], "default": ""},
            "q": {"type": "string", "default": "", "description": "e.g. CROISSANT"},
        },
    },
    idempotent=True,
)
LINE_STATS = Tool(
    "lines.stats",
    "Line throughput every 5 minutes: trays in, trays out, queued",
    frozenset({"metric", "line", "queue"}),
    input_schema={"type": "object", "properties": {"line": {"type": "string", "default": ""}}},
    idempotent=True,
)
SUPPLIERS = Tool(
    "suppliers",
    "Flour and yeast suppliers: name, phone, hours",
    frozenset({"supplier", "contact"}),
    input_schema={"type": "object", "properties": {"name": {"type": "string", "default": ""}}},
    idempotent=True,
)
LINE_ROWS = [
    {"line_id": "LN-11", "name": "CROISSANT_A_OUT", "oven": "OV-2", "state": "ERROR", "note": "blocked at the proofer"},
    {"line_id": "LN-12", "name": "BAGUETTE_B_OUT", "oven": "OV-3", "state": "RUNNING", "note": ""},
]


def test_a_line_named_by_its_display_name_is_searched_and_filtered_by_its_key_not_a_suppliers_name() -> None:
    inv = _inventory(lines_list=LINE_ROWS)
    steps = _steps("is CROISSANT_A_OUT ok or is it stuck?", inv, [LINES, LINE_STATS, SUPPLIERS])
    # The listing is searched for the line it lists, not for "stuck"; the stats take the line's key.
    assert steps[LINES.name].get("q") == "CROISSANT_A_OUT"
    assert steps[LINE_STATS.name] == {"line": "LN-11"}
    # A search said to match another column keeps its key terms, and a negated name is never searched for.
    errors = Tool(
        "errors.search",
        "Line errors: time, line name, oven, message. q matches words of the message",
        frozenset({"logs", "error"}),
        input_schema={"type": "object", "properties": {"q": {"type": "string", "default": ""}}},
        idempotent=True,
    )
    steps = _steps("proofer timeout errors on CROISSANT_A_OUT", inv, [errors])
    assert steps[errors.name].get("q") != "CROISSANT_A_OUT"
    steps = _steps("is anything stuck but not CROISSANT_A_OUT?", inv, [LINES])
    assert steps.get(LINES.name, {}).get("q") != "CROISSANT_A_OUT"
    # A display name is no supplier's name: the suppliers are not asked for it.
    assert steps.get(SUPPLIERS.name, {}).get("name") != "CROISSANT_A_OUT"


def test_codes_compared_are_columns_too_and_second_round_rows_bring_only_what_was_looked_for() -> None:
    from opsuite_ops.domain.comparison import unseen_sides
    from opsuite_ops.domain.inventory_reads import _rows_with
    from opsuite_ops.domain.model import CallRecord, CallStatus

    rec = CallRecord(
        call_id="c1",
        step_id="s1",
        tool="bakes.latency",
        arguments={},
        status=CallStatus.OK,
        output={"rows": [{"oven": "OV-2", "p50_ms": 12, "p99_ms": 90}]},
    )
    assert unseen_sides("bake latency p50 vs p99 last hour", [rec], frozenset({"bake", "latenc"})) == []
    # A listing's other keys and rows not holding the word are left out; a bare list of records is read too.
    data = {"rows": DEPOT_ROWS, "hosts": [f"h{k}" for k in range(1000)]}
    assert _rows_with(data, {"ormsby"}) == {"rows": [DEPOT_ROWS[1]]}
    assert _rows_with(DEPOT_ROWS, {"kelverton"}) == {"rows": [DEPOT_ROWS[0]]}
    assert _rows_with({"rows": DEPOT_ROWS}, {"pontefract"}) is None


def test_a_proper_name_a_tools_description_lists_for_a_kind_is_a_value_of_that_kind() -> None:
    from opsuite_ops.domain.listed_codes import described_names

    cases = Tool(
        "supplier_cases",
        "Cases with suppliers and hauliers: Brindle Flour Mills (BFM-nnnnn), Ottery Yeast (OY-nnnn). Look one up by "
        "reference, or list by supplier: subject, status, latest update",
        frozenset({"supplier", "case", "ticket"}),
        input_schema={
            "type": "object",
            "properties": {"ref": {"type": "string", "default": ""}, "supplier": {"type": "string", "default": ""}},
        },
        idempotent=True,
    )
    question = "whats brindle said about the flour shortage?"
    assert described_names(cases, "supplier", question) == ["Brindle Flour Mills"]
    assert described_names(cases, "ref", question) == []  # the sentence of the names speaks of suppliers
    # A name's later word ("flour") or the opening word of a sentence ("Cases") names nothing.
    assert described_names(cases, "supplier", "any flour cases open?") == []
    steps = _steps(question, _inventory(), [cases, BAKES])
    assert steps[cases.name] == {"supplier": "Brindle Flour Mills"}


def test_a_described_name_is_no_filter_beside_a_record_id_and_no_lone_capitalised_word_is_one() -> None:
    from opsuite_ops.domain.listed_codes import described_names

    cases = Tool(
        "supplier_cases",
        "Cases with suppliers: Brindle Flour Mills (BFM-nnnnn), Ottery Yeast (OY-nnnn). List by supplier or ref",
        frozenset({"supplier", "case"}),
        input_schema={
            "type": "object",
            "properties": {"ref": {"type": "string", "default": ""}, "supplier": {"type": "string", "default": ""}},
        },
        idempotent=True,
    )
    steps = _steps("brindle case BFM-20417 - what did they come back with?", _inventory(), [cases])
    assert "supplier" not in steps[cases.name]
    pools = Tool("pools", "GPU node pools: pool, accelerator (Ready nodes of Kafka clusters), nodes", frozenset())
    assert described_names(pools, "accelerator", "how many are ready on kafka?") == []


def test_a_listed_name_of_a_name_column_fills_a_name_parameter_whose_example_is_spelt_as_it() -> None:
    ovens_load = Tool(
        "oven_load",
        "Oven load samples per instance. Filter by oven instance",
        frozenset({"metric", "load"}),
        input_schema={
            "type": "object",
            "properties": {"name": {"type": "string", "default": "", "description": "oven instance, e.g. ovn-man-01"}},
        },
        idempotent=True,
    )
    suppliers = Tool(
        "supplier_contacts",
        "Suppliers: name, phone",
        frozenset({"contact"}),
        input_schema={"type": "object", "properties": {"name": {"type": "string", "default": ""}}},
        idempotent=True,
    )
    inv = _inventory(ovens_list=[{"name": "ovn-man-01", "site": "MAN"}, {"name": "ovn-man-02", "site": "MAN"}])
    steps = _steps("ovn-man-01 load rn?", inv, [ovens_load, suppliers])
    assert steps[ovens_load.name] == {"name": "ovn-man-01"}
    assert steps.get(suppliers.name, {}).get("name") is None  # no example: a name of another listing's kind
