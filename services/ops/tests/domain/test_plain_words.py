"""Ordinary words are no topics, how-to questions go to search, yes/no verbs are no filters, names by their
parts (issue 13, a fourth estate written blind). Made-up tools; no estate's names."""

from datetime import UTC, datetime

from opsuite_ops.domain.coverage import CoverageCheck, asks_how_to, vocabulary
from opsuite_ops.domain.entities import Inventory
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.fill_words import enum_choices
from opsuite_ops.domain.model import Tool

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _tool(name: str, description: str, props: dict[str, dict[str, object]], required: list[str]) -> Tool:
    schema = {"type": "object", "properties": props, "required": required}
    return Tool(name=name, description=description, input_schema=schema, tags=frozenset({"config"}))


WIDGETS = _tool(
    "list_widgets",
    "Widgets with their state",
    {"state": {"type": "string", "enum": ["", "online", "degraded", "offline"], "default": ""}},
    [],
)


def test_time_and_function_words_and_enum_synonyms_are_covered() -> None:
    tools = [WIDGETS]
    vocab = vocabulary(tools)
    for terms in (("widgets", "down"), ("widgets", "night"), ("widgets", "just"), ("widgets", "up", "date")):
        check = CoverageCheck.of(terms, tools, {}, vocab)
        assert "down" not in check.uncovered and "night" not in check.uncovered
        assert "just" not in check.uncovered and "up" not in check.uncovered
    assert CoverageCheck.of(("widgets", "disk"), tools, {}, vocab).uncovered == ("disk",)


def test_how_to_questions() -> None:
    assert asks_how_to("how do I rerun a failed load?")
    assert asks_how_to("How can we drain a node")
    assert asks_how_to("how to rotate the keys")
    assert not asks_how_to("how many widgets are offline")
    assert not asks_how_to("how far behind is the consumer")


def test_a_yes_no_verb_is_no_filter() -> None:
    options = ["", "succeeded", "failed", "running"]
    question = extract_entities("did the nightly job succeed?", now=NOW)
    assert question.asks_whether
    assert enum_choices(options, question.words, asks_whether=question.asks_whether) == []
    listing = extract_entities("show failed jobs", now=NOW)
    assert not listing.asks_whether
    assert enum_choices(options, listing.words, asks_whether=listing.asks_whether) == ["failed"]
    assert enum_choices(options, ["failed"], asks_whether=True) == ["failed"]  # the value itself still filters


def test_a_word_before_a_kind_is_the_one_value_having_it_as_a_part() -> None:
    inv = Inventory(values={"nightlyrollup": ("job", "nightly_rollup"), "hourlyexport": ("job", "hourly_export")})
    assert inv.containing("rollup", "job") == ("job", "nightly_rollup")
    assert inv.containing("roll", "job") is None
    assert inv.containing("rollup", "table") is None
    found = extract_entities("did the rollup job succeed", now=NOW, inventory=inv, kinds=["job"])
    assert found.values == (("job", "nightly_rollup"),)


def test_a_compound_parameter_names_its_kind_by_its_last_part() -> None:
    vocab = {"escal", "manag", "warehous"}
    first = extract_entities(
        "who is the escalation manager for the warehouse area?", now=NOW, vocabulary=vocab, kinds=["service_area"]
    )
    assert first.ambiguous == (("warehouse", "service_area"),)
    second = extract_entities(
        "who is the escalation manager for the warehouse area?",
        now=NOW,
        vocabulary=vocab,
        kinds=["service_area"],
        as_names=["warehouse"],
    )
    assert second.values == (("service_area", "warehouse"),)
    plural = extract_entities("are the warehouse areas healthy", now=NOW, vocabulary=vocab, kinds=["service_area"])
    assert plural.ambiguous == ()
