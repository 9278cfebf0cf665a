"""A question cannot make the planner's work grow without bound: argument combinations, fuzzy name
look-ups, typo look-ups and calls over a kind's values are capped (a hostile caller writes the question)."""

from __future__ import annotations

from datetime import UTC, datetime

from opsuite_ops.domain.comparison import compared_sides
from opsuite_ops.domain.entities import MAX_FUZZY_COMPARISONS, MAX_FUZZY_LOOKUPS, Inventory, name_key
from opsuite_ops.domain.extract import Entities, extract_entities
from opsuite_ops.domain.fill import fill_variants
from opsuite_ops.domain.model import Tool
from opsuite_ops.domain.shortnames import MAX_SHORT_TYPOS, ShortNames
from opsuite_ops.domain.typos import MAX_TYPO_LOOKUPS
from opsuite_ops.domain.values import every_value

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


def test_typo_look_ups_of_one_question_are_budgeted() -> None:
    found = extract_entities(" ".join(["moisure"] * 100), now=NOW, vocabulary=frozenset({"moistur"}))
    assert found.terms.count("moistur") == MAX_TYPO_LOOKUPS  # read as the tool word while the budget lasts
    assert found.terms.count("moisure") == 100 - MAX_TYPO_LOOKUPS  # then taken as it is, with no comparison


def test_many_values_of_a_kind_give_at_most_limit_calls_and_no_fan_out_past_it() -> None:
    tool = Tool("flow", "flow of a circuit", input_schema={"type": "object", "properties": {
        "circuit": {"type": "string"}}, "required": ["circuit"]})  # fmt: skip
    inventory = Inventory(values={f"c{i}": ("circuit", f"c-{i}") for i in range(300)})
    many = Entities(values=tuple(("circuit", f"c-{i}") for i in range(300)), inventory=inventory)
    assert 1 <= len(fill_variants(tool, many, now=NOW, limit=8)) <= 8
    across = Entities(words=("slowest", "circuit"), across=True, inventory=inventory)
    assert every_value("circuit", across, inventory, 8) == []  # 300 circuits: no call for each


def test_misspelt_short_names_of_one_reading_are_budgeted() -> None:
    names = ["grp/loader-api", *(f"grp/q{i}-x" for i in range(300))]
    shorts = ShortNames(Inventory(values={name_key(n): ("project", n) for n in names}))
    found = [shorts.typo("laoder-api") for _ in range(MAX_SHORT_TYPOS + 5)]
    assert found[:MAX_SHORT_TYPOS] == [("project", "grp/loader-api")] * MAX_SHORT_TYPOS
    assert found[MAX_SHORT_TYPOS:] == [None] * 5  # then no more comparisons with every segment
    many = " ".join(["a-1 vs b-2"] * 2000)
    assert len(compared_sides(many)) <= 200  # the sides of a hostile question are read from its first words


def test_fuzzy_look_ups_compare_a_bounded_number_of_names_whatever_the_inventorys_size() -> None:
    # The estate's own tools decide the inventory's size: 48 look-ups against 20,001 names would be ~1M
    # comparisons on the event loop. Here the second look-up would pass MAX_FUZZY_COMPARISONS.
    big = MAX_FUZZY_COMPARISONS // 2 + 1
    inventory = Inventory(hosts=frozenset(f"web-{i:05d}" for i in range(big)))
    assert inventory.closest("web-0001x")
    assert inventory.closest("web-0001x") == ()
    names = ["grp/loader-api", *(f"grp/q{i}-x" for i in range(big))]
    shorts = ShortNames(Inventory(values={name_key(n): ("project", n) for n in names}))
    assert shorts.typo("laoder-api") == ("project", "grp/loader-api")
    assert shorts.typo("laoder-api") is None
