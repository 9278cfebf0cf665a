"""Searches, ordinary words and empty results (issue 13, the blind CDN estate's causes): a record id is what a
search "by id" looks for, a log search gets only the words no tool knows, a how-to question searches the
documents and not every search tool, ordinary words and typos are no uncovered topics, a cause question
with no named thing reads the knowledge base, a history listing joins an investigation, the next tools
stand in when the best cannot be filled, and an empty result is no complete answer unless none is one.

The tools are made up (a greenhouse's controllers); no estate's names.
"""

from datetime import UTC, datetime
from typing import Any

from opsuite_ops.domain.absence import asks_whether_any, empty_results
from opsuite_ops.domain.coverage import CoverageCheck, vocabulary
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import inventory_from_outputs
from opsuite_ops.domain.executor import RunState
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.investigate import CHANGES, role
from opsuite_ops.domain.model import AnswerReason, Budget, CallRecord, CallStatus, PlanStep, Tool
from opsuite_ops.domain.planning import PlanRequest
from opsuite_ops.domain.timeline import asks_for_cause

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required)}


ORDERS = Tool(
    "work_orders",
    "Search work orders (WO-nnn) by id or words of the title: state, owner",
    frozenset({"history"}),
    input_schema=_obj(
        {
            "q": {"type": "string", "default": "", "description": "work order id or words of the title"},
            "state": {"type": "string", "enum": ["", "open", "closed"], "default": ""},
        }
    ),
)
ALARMS = Tool(
    "alarm_log",
    "Search the controllers' alarm log over the last N minutes by code or words of the message",
    frozenset({"log"}),
    input_schema=_obj(
        {
            "text": {"type": "string", "description": "code or words to look for"},
            "minutes": {"type": "integer", "minimum": 1, "maximum": 1440},
            "bed": {"type": "string", "default": ""},
        },
        ("text", "minutes"),
    ),
)
HANDBOOK = Tool(
    "grower_handbook",
    "Search the growers' handbook",
    frozenset({"document"}),
    input_schema=_obj({"query": {"type": "string"}}, ("query",)),
)
BEDS = Tool(
    "garden_beds",
    "Garden beds with their state",
    frozenset({"inventory"}),
    input_schema=_obj({"state": {"type": "string", "enum": ["", "planted", "fallow"], "default": ""}}),
    idempotent=True,
)
MOISTURE = Tool(
    "bed_moisture",
    "Soil moisture of a bed since a time",
    frozenset({"metric"}),
    input_schema=_obj(
        {"bed": {"type": "string"}, "since": {"type": "string", "format": "date-time"}}, ("bed", "since")
    ),
)
SHIFTS = Tool(
    "crew_shifts",
    "Crew shift handovers, newest first",
    frozenset({"history"}),
    input_schema=_obj({"limit": {"type": "integer", "default": 20}}),
)
TOOLS = [ORDERS, ALARMS, HANDBOOK, BEDS, MOISTURE, SHIFTS]
INVENTORY = inventory_from_outputs(
    {"garden_beds": {"rows": [{"bed": "bed-n3", "state": "planted"}, {"bed": "bed-s1", "state": "fallow"}]}}
)


def plan(question: str) -> Any:
    return DeterministicPlanner().plan_sync(PlanRequest(question, TOOLS, Budget(), NOW, inventory=INVENTORY))


def calls(question: str) -> list[tuple[str, dict[str, Any]]]:
    return [(s.tool, s.arguments) for s in plan(question).plan.steps]


def test_a_record_id_is_what_a_search_by_id_looks_for() -> None:
    assert ("work_orders", {"q": "WO-118"}) in calls("what's the status of WO-118?")


def test_a_log_search_gets_only_the_words_no_tool_knows() -> None:
    found = calls("how many 502s has bed-n3 logged in the last hour?")
    assert ("alarm_log", {"text": "502", "minutes": 60, "bed": "bed-n3"}) in found  # "logged" says what, not what of
    # Words other tools answer ("beds", "planted") are no log search of their own.
    assert not [c for c in calls("which beds are planted?") if c[0] == "alarm_log"]


def test_an_enum_value_named_is_no_search_word() -> None:
    assert ("work_orders", {"state": "closed"}) in calls("list the closed work orders")


def test_a_how_to_question_searches_the_documents_not_every_search_tool() -> None:
    found = calls("how do I reseed a fallow bed?")
    assert found[0][0] == "grower_handbook"
    assert not [c for c in found if c[0] in ("work_orders", "alarm_log")]


def test_a_cause_question_with_nothing_named_reads_the_knowledge_base() -> None:
    assert asks_for_cause("moisture doubled a few hours ago, what happened?")
    found = calls("why isn't the misting working?")
    assert found and found[0] == ("grower_handbook", {"query": "misting working"})


def test_a_history_listing_without_a_window_joins_an_investigation() -> None:
    assert role(SHIFTS) == CHANGES and role(ORDERS) == CHANGES and role(BEDS) is None
    found = calls("moisture on bed-n3 dropped, what happened?")
    tools = [t for t, _a in found]
    assert "bed_moisture" in tools and "crew_shifts" in tools
    # Its search text and name filters are left empty: every recent record, whatever it names.
    assert ("work_orders", {}) in found


def test_ordinary_words_and_typos_are_no_topics_no_tool_reports() -> None:
    vocab = vocabulary(TOOLS)

    def uncovered(question: str) -> tuple[str, ...]:
        found = extract_entities(question, now=NOW, inventory=INVENTORY, vocabulary=vocab)
        check = CoverageCheck.of(found.terms, TOOLS, {}, vocab, qualifiers=found.qualifiers, apart=found.apart)
        return check.uncovered

    assert uncovered("any work orders planned for bed-n3?") == ()  # qualifies the orders
    assert uncovered("how many 502s is bed-n3 returning?") == ()
    assert uncovered("which bed has the biggest moisture?") == ()
    assert uncovered("recnt moisure for bed-n3") == ()  # typos of a form word and a tool word
    assert uncovered("which beds were rebooted") == ("rebooted",)  # the act itself is asked
    assert uncovered("how many queries did the handbook get") == ("queries",)  # "query" is a search parameter


def test_a_verb_before_a_preposition_is_a_part_of_its_own() -> None:
    vocab = vocabulary(TOOLS)
    found = extract_entities("how much did we spend on bed moisture", now=NOW, vocabulary=vocab)
    check = CoverageCheck.of(found.terms, TOOLS, {}, vocab, apart=found.apart)
    assert check.uncovered == ("spend",) and check.standalone
    outcome = plan("how much did we spend on bed moisture last month?")
    assert any("no tool reports spend" in r.detail for r in outcome.not_covered)


def test_the_next_tools_stand_in_when_the_best_cannot_be_filled() -> None:
    # The moisture series needs a bed; none is named: the bed listing answers "are any beds dry".
    found = [t for t, _a in calls("are any beds moisture dry?")]
    assert "garden_beds" in found and "bed_moisture" not in found


def _record(step: str, tool: str, args: dict[str, Any], output: Any) -> CallRecord:
    return CallRecord(f"c-{step}", step, tool, args, CallStatus.OK, output)


def _absent(question: str, records: list[CallRecord]) -> list[str]:
    state = RunState()
    steps = []
    for rec in records:
        state.latest[rec.step_id] = rec
        state.records.append(rec)
        steps.append(PlanStep(rec.step_id, rec.tool, dict(rec.arguments)))
    reasons = empty_results(question, steps, state, {t.name: t for t in TOOLS})
    assert all(r.reason is AnswerReason.NOT_COVERED for r in reasons)
    return [r.tool for r in reasons]


def test_an_empty_result_for_the_thing_asked_is_no_complete_answer() -> None:
    series = _record("s1", "bed_moisture", {"bed": "bed-n3", "since": "2025-06-01T10:00:00Z"}, {"rows": []})
    assert _absent("moisture of bed-n3", [series]) == ["bed_moisture"]
    # A listing whose filter matches nothing answers "which beds are fallow": none.
    listing = _record("s1", "garden_beds", {"state": "fallow"}, {"rows": []})
    assert _absent("which beds are fallow", [listing]) == []
    # "Are there any": none found is the answer.
    assert asks_whether_any("is there any moisture data for bed-n3?")
    assert _absent("is there any moisture data for bed-n3?", [series]) == []
    # Another call answered about the same bed: the empty one only adds to it.
    alarms = _record("s2", "work_orders", {"q": "", "state": ""}, {"rows": []})
    other = _record("s3", "garden_beds", {"state": ""}, {"rows": [{"bed": "bed-n3"}]})
    assert _absent("details of bed-n3", [other, alarms]) == []
    # A search that found nothing is reported by the narrower searches, not here.
    search = _record("s4", "grower_handbook", {"query": "reseed"}, {"rows": []})
    assert _absent("how to reseed", [search]) == []
    # An empty series of a metric tool with nothing named is missing data too.
    unnamed = _record("s5", "bed_moisture", {"since": "2025-06-01T10:00:00Z"}, {"rows": []})
    assert _absent("moisture over the last day", [unnamed]) == ["bed_moisture"]
