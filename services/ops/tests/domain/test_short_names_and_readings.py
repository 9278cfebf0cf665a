"""Short names, informal words and values read from a tool's example (issue 13, the blind CI/CD estate's causes):
a name that is the last path segment or a unique part of one listed value is read as that value and the answer
says so; a misspelt segment is still reported; words of the question's kind name one value by its parts; chat
words, size words and versions are no topics; a required name of a kind nothing lists takes the one listed
value spelt like its example; a value several columns list is of each kind.

The estate is made up (a bakery's production lines, ovens and crews); no estate's names.
"""

from datetime import UTC, datetime
from typing import Any

from opsuite_common.auth import Identity
from opsuite_ops.domain.catalogue import CachedCatalogue
from opsuite_ops.domain.coverage import CoverageCheck, vocabulary
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import Inventory, inventory_from_outputs
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.fill import fill_arguments
from opsuite_ops.domain.in_memory import InMemoryCatalogue
from opsuite_ops.domain.model import AnswerStatus, Budget, Tool
from opsuite_ops.domain.orchestrator import Orchestrator
from opsuite_ops.domain.param_kinds import name_kinds
from opsuite_ops.domain.planning import PlanRequest
from opsuite_ops.domain.shortnames import ShortNames, last_segment
from opsuite_ops.domain.values import example_value, named_values

NOW = datetime(2025, 9, 3, 8, 0, tzinfo=UTC)


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required)}


LINES = Tool(
    "line_catalog",
    "Production lines: full path, owning crew and oven pool",
    frozenset({"inventory", "config"}),
    input_schema=_obj({}),
    idempotent=True,
)
OVENS = Tool(
    "oven_fleet",
    "Ovens: pool, fuel and state",
    frozenset({"inventory", "config"}),
    input_schema=_obj({"state": {"type": "string", "enum": ["", "hot", "cold"], "default": ""}}),
    idempotent=True,
)
BATCHES = Tool(
    "batch_runs",
    "Batches of one line created after a time: id, status, minutes baked",
    frozenset({"history"}),
    input_schema=_obj(
        {
            "line": {"type": "string", "description": "full line path (site/name), e.g. north/rolls"},
            "started_after": {"type": "string", "format": "date-time"},
            "status": {"type": "string", "enum": ["", "baked", "burnt"], "default": ""},
        },
        ("line", "started_after"),
    ),
)
DELIVERIES = Tool(
    "deliveries",
    "Deliveries of a service to a shop: version, status, when",
    frozenset({"history", "deploy"}),
    input_schema=_obj(
        {"service": {"type": "string", "description": "service name without site, e.g. rolls"}}, ("service",)
    ),
)
OVEN_WAIT = Tool(
    "oven_wait",
    "How long trays wait for a free oven in one pool, 5-minute samples",
    frozenset({"metric"}),
    input_schema=_obj(
        {"pool": {"type": "string"}, "window": {"type": "string", "enum": ["1h", "6h", "24h"], "default": "6h"}},
        ("pool",),
    ),
)
ROTA = Tool(
    "crew_rotation",
    "Who is on call for a rotation now",
    frozenset({"config", "people"}),
    input_schema=_obj(
        {"rotation": {"type": "string", "description": "rotation name, e.g. night-shift"}}, ("rotation",)
    ),
)
RECIPES = Tool(
    "recipe_search",
    "Search the bakery recipes and procedures",
    frozenset({"document"}),
    input_schema=_obj({"query": {"type": "string"}}, ("query",)),
)
TOOLS = [LINES, OVENS, BATCHES, DELIVERIES, OVEN_WAIT, ROTA, RECIPES]
INVENTORY = inventory_from_outputs(
    {
        "line_catalog": {
            "rows": [
                {"line": "north/rye-bread", "crew": "dough-core", "oven_pool": "deck-large"},
                {"line": "north/croissant", "crew": "pastry-team", "oven_pool": "deck-small"},
                {"line": "south/bagels", "crew": "dough-core", "oven_pool": "rack-gas"},
                {"line": "south/pretzel", "crew": "recipe-guild", "oven_pool": "rack-gas"},
            ]
        },
        "oven_fleet": {
            "rows": [
                {"oven": "ov-1", "pool": "deck-large", "fuel": "rack-gas", "note": "door seal worn on rye shift"},
                {"oven": "ov-2", "pool": "deck-small", "fuel": "electric", "note": ""},
            ]
        },
    }
)


def read(question: str) -> Any:
    vocab, kinds = vocabulary(TOOLS), name_kinds(TOOLS)
    return extract_entities(question, now=NOW, inventory=INVENTORY, vocabulary=vocab, kinds=kinds)


def plan(question: str) -> Any:
    return DeterministicPlanner().plan_sync(PlanRequest(question, TOOLS, Budget(), NOW, inventory=INVENTORY))


def calls(question: str) -> list[tuple[str, dict[str, Any]]]:
    return [(s.tool, s.arguments) for s in plan(question).plan.steps]


def test_a_last_path_segment_is_read_as_the_one_value_ending_so_and_the_answer_says_so() -> None:
    assert last_segment("north/rye-bread") == "rye-bread" and last_segment("rye-bread") == "rye-bread"
    found = read("burnt rye-bread batches in the last 6 hours")
    assert ("line", "north/rye-bread") in found.values
    assert found.services == ("rye-bread",)  # the name within its site, for a "service without site" parameter
    (reading,) = found.readings
    assert reading.sentence() == (
        '"rye-bread" is read as north/rye-bread, the one line whose name ends so; the answer is for north/rye-bread'
    )
    args = dict(calls("burnt rye-bread batches in the last 6 hours"))["batch_runs"]
    assert args["line"] == "north/rye-bread" and args["status"] == "burnt"
    outcome = plan("burnt rye-bread batches in the last 6 hours")
    assert outcome.readings == (reading.sentence(),) and not outcome.not_covered
    assert dict(calls("deliveries of rye-bread"))["deliveries"] == {"service": "rye-bread"}


def test_a_unique_part_names_its_value_but_a_shared_part_or_a_tool_word_does_not() -> None:
    found = read("what happened to croissant batches today")
    assert ("line", "north/croissant") in found.values and found.readings[0].how == "with it in its name"
    assert dict(calls("croissant deliveries"))["deliveries"] == {"service": "croissant"}
    # "dough" is a part of one crew and nothing else, but "north" is a part of two lines: no reading.
    assert not any(v == "north" for _c, v in read("north batches today").values)
    assert not read("north batches today").readings
    # Free text (an operator's note) names nothing: "seal" is no value.
    assert not read("any seal problems").readings
    # A word of the tools' vocabulary stays a word ("oven" is in every oven tool).
    assert not read("oven wait today").readings


def test_a_misspelt_segment_is_reported_and_the_answer_is_for_the_value_it_misspells() -> None:
    found = read("what changed on rye-braed before the burnt batches")
    (unknown,) = found.unknown
    assert unknown.sentence() == "no line named rye-braed; the answer is for north/rye-bread, the closest name"
    assert ("line", "north/rye-bread") in found.values
    shorts = ShortNames(INVENTORY)
    assert shorts.typo("rye-bred") == ("line", "north/rye-bread")
    assert shorts.typo("ry-bagel") is None  # too far from any segment


def test_a_code_and_its_number_run_together_read_as_the_one_value_having_them_side_by_side() -> None:
    sites = [{"site": s} for s in ("BK-NTH-02", "BK-STH-01", "BK-STH-11", "mx-3")]
    shorts = ShortNames(inventory_from_outputs({"sites": {"rows": sites}}))
    assert shorts.squeezed("nth2") == ("site", "BK-NTH-02") and shorts.squeezed("NTH02") == ("site", "BK-NTH-02")
    assert shorts.squeezed("sth11") == ("site", "BK-STH-11") and shorts.squeezed("mx3") == ("site", "mx-3")
    assert shorts.squeezed("sth2") is None and shorts.squeezed("bk2") is None  # no such number; "bk" not beside it
    assert shorts.squeezed("nth") is None and shorts.squeezed("2") is None
    # A tenant's run of digits past int()'s limit (4300) is no crash, in a listed value or in a name compared.
    long = ShortNames(inventory_from_outputs({"sites": {"rows": [{"site": "BK-" + "9" * 5000}, *sites]}}))
    assert long.squeezed("nth2") == ("site", "BK-NTH-02") and long.squeezed("bk9") is None
    found = extract_entities("hows the dough backlog at nth2 looking?", now=NOW, inventory=shorts_inventory())
    assert ("site", "BK-NTH-02") in found.values
    assert found.readings[0].sentence() == (
        '"nth2" is read as BK-NTH-02, the one site with its code and number; the answer is for BK-NTH-02'
    )


def shorts_inventory() -> Inventory:
    return inventory_from_outputs({"sites": {"rows": [{"site": "BK-NTH-02"}, {"site": "BK-STH-01"}]}})


def test_words_of_a_kind_the_question_names_read_as_the_one_value_having_them() -> None:
    found = read("when did the wait on the large deck pool jump?")
    assert ("oven_pool", "deck-large") in found.values or ("pool", "deck-large") in found.values
    assert "deck-large" in {r.value for r in found.readings}
    # "deck" alone is a part of two pools: no reading.
    assert not read("oven wait on the deck pool").readings


def test_a_value_several_columns_list_is_of_each_kind() -> None:
    inv = inventory_from_outputs({"a": {"rows": [{"fuel": "rack-gas", "pool": "rack-gas"}, {"fuel": "oil"}]}})
    assert set(inv.columns_of("rack-gas")) == {"fuel", "pool"} and inv.columns_of("nothing") == ()
    assert "rack-gas" in inv.values_of("pool") and "rack-gas" in inv.values_of("fuel")
    found = extract_entities("oven wait deck-large vs rack-gas", now=NOW, inventory=INVENTORY)
    assert named_values("pool", found) == ["deck-large", "rack-gas"]  # rack-gas is a fuel and an oven pool
    assert [a["pool"] for t, a in calls("oven wait deck-large vs rack-gas") if t == "oven_wait"] == [
        "deck-large",
        "rack-gas",
    ]


def test_chat_words_size_words_and_versions_are_no_topics() -> None:
    vocab = vocabulary(TOOLS)
    for question in ("any ovens cold rn?", "which line is closest to its oven pool", "batches taking forever"):
        found = read(question)
        check = CoverageCheck.of(found.terms, TOOLS, {}, vocab, qualifiers=found.qualifiers, apart=found.apart)
        assert not check.uncovered, (question, check.uncovered)
    found = read("what happened to the croissant 2.4.1 delivery")
    assert found.versions == ("2.4.1",) and "2.4.1" not in found.terms and "2.4.1" not in found.rare


def test_a_required_name_takes_the_one_listed_value_spelt_like_its_example() -> None:
    # "recipe" is a word of the tools (recipe_search), so it is no name; the rota needs a rotation.
    found = read("who's on call for recipe?")
    assert not found.readings and example_value("rotation name, e.g. night-shift", found, INVENTORY) == (
        "recipe",
        "recipe-guild",
    )
    filled = fill_arguments(ROTA, found, now=NOW)
    assert filled.arguments == {"rotation": "recipe-guild"}
    assert filled.readings == (
        '"recipe" is read as the rotation recipe-guild, the one listed name spelt like its example; '
        "the answer is for recipe-guild",
    )
    outcome = plan("who's on call for recipe?")
    assert ("crew_rotation", {"rotation": "recipe-guild"}) in [(s.tool, s.arguments) for s in outcome.plan.steps]
    assert outcome.readings == filled.readings
    # A plain example says nothing of how names are made; no inventory, or two values with the word, give none.
    assert example_value("rotation name, e.g. nights", found, INVENTORY) is None
    assert example_value("rotation name, e.g. night-shift", found, Inventory()) is None
    two = inventory_from_outputs({"t": {"rows": [{"crew": "recipe-guild"}, {"crew": "recipe-ops"}]}})
    assert example_value("rotation name, e.g. night-shift", found, two) is None


async def test_the_answer_says_how_a_short_name_was_read_and_stays_complete(identity: Identity) -> None:
    lines = [
        {"line": "north/rye-bread", "crew": "dough-core", "oven_pool": "deck-large"},
        {"line": "north/croissant", "crew": "pastry-team", "oven_pool": "deck-small"},
    ]

    async def catalog(_params: dict[str, Any]) -> Any:
        return {"rows": lines}

    async def batches(params: dict[str, Any]) -> Any:
        found = params["line"] == "north/rye-bread"
        return {"rows": [{"batch": "b-7", "status": "burnt"}] if found else []}

    cat = InMemoryCatalogue([(LINES, catalog), (BATCHES, batches)])
    run = await Orchestrator(CachedCatalogue(cat), DeterministicPlanner()).run(
        "burnt rye-bread batches", None, None, identity
    )
    assert [p["line"] for name, p in cat.calls if name == "batch_runs"] == ["north/rye-bread"]
    assert run.completeness.status is AnswerStatus.COMPLETE
    assert run.answer.startswith(
        'Note: "rye-bread" is read as north/rye-bread, the one line whose name ends so; '
        "the answer is for north/rye-bread.\n\n"
    )
