"""A required parameter the question names only by what it is, read from a look-up's rows (issue 13, the
thirty-fifth estate: "compressor A vib over the last 8 hrs" needs the historian tag the tag directory lists).

The estate is made up (a brewery's sensors: a directory and a per-sensor reading tool); no estate's names.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_common.auth import Identity, Role
from opsuite_ops.domain.catalogue import CachedCatalogue
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.in_memory import InMemoryCatalogue
from opsuite_ops.domain.looked_up import FollowUp, follow_up, picks, question_terms, row_score, typed_pairs
from opsuite_ops.domain.model import (
    AnswerReason,
    AnswerStatus,
    AnswerStatusReason,
    Budget,
    CallRecord,
    CallStatus,
    Plan,
    Tool,
)
from opsuite_ops.domain.orchestrator import Orchestrator
from opsuite_ops.domain.planning import PlanRequest

NOW = datetime(2025, 5, 6, 12, 0, tzinfo=UTC)
IDENTITY = Identity(subject="op", tenant="t1", roles=frozenset({Role.VIEWER}))

SENSORS = [
    {"sensor_id": "TT-3101", "description": "fermenter 3 wort temperature", "vessel": "FV-03", "units": "C"},
    {"sensor_id": "TT-3201", "description": "fermenter 2 wort temperature", "vessel": "FV-02", "units": "C"},
    {"sensor_id": "PT-3102", "description": "fermenter 3 head pressure", "vessel": "FV-03", "units": "bar"},
    {"sensor_id": "TT-4101", "description": "bright tank 1 temperature", "vessel": "BBT-01", "units": "C"},
    {"sensor_id": "TT-4201", "description": "bright tank 2 temperature", "vessel": "BBT-02", "units": "C"},
    {"sensor_id": "DT-3103", "description": "fermenter 3 gravity", "vessel": "FV-03", "units": "SG"},
]

DIRECTORY = Tool(
    "find_brewhouse_sensors",
    "Directory of the brewhouse sensors: sensor_id, what it measures, vessel (fermenters FV-01 .. FV-06, bright "
    "tanks BBT-01 .. BBT-04), units. q matches the id, the description or the vessel (e.g. 'temperature', 'FV-03')",
    tags=frozenset({"sensor", "lookup", "directory"}),
    input_schema={"type": "object", "properties": {"q": {"type": "string", "default": "", "description": "words"}}},
)
READINGS = Tool(
    "get_sensor_readings",
    "Readings of ONE sensor: 10-minute averages since an RFC 3339 time, oldest first",
    tags=frozenset({"metric", "trend", "time series", "temperature", "pressure", "gravity"}),
    input_schema={
        "type": "object",
        "properties": {
            "sensor_id": {"type": "string", "description": "sensor id, e.g. TT-3101"},
            "since": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"},
        },
        "required": ["sensor_id", "since"],
    },
)

#: Other tools of the brewery, so that the catalogue's word statistics are those of a real one.
OTHERS = [
    Tool("list_brew_schedule", "Brews planned per day: recipe, vessel, brewer", tags=frozenset({"schedule"})),
    Tool("list_keg_orders", "Keg orders by customer and delivery day", tags=frozenset({"orders", "sales"})),
    Tool("get_oncall_rota", "Who is on call this week: name, mobile", tags=frozenset({"oncall", "people"})),
    Tool("list_maintenance_jobs", "Maintenance jobs: job id, asset, state, opened", tags=frozenset({"maintenance"})),
]


async def _directory(params: dict[str, Any]) -> dict[str, Any]:
    q = str(params.get("q") or "").lower()
    rows = [r for r in SENSORS if q in " ".join(str(v) for v in r.values()).lower()]
    return {"columns": list(SENSORS[0]), "rows": rows}


async def _readings(params: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for i in range(36):
        at = NOW - timedelta(minutes=10 * (36 - i))
        value = 12.0 + (6.0 if params["sensor_id"] == "TT-3101" and i >= 24 else 0.0)
        rows.append({"sensor_id": params["sensor_id"], "sample_end": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "value": value})
    return {"columns": ["sensor_id", "sample_end", "value"], "rows": rows}


async def _ask(question: str) -> tuple[Any, InMemoryCatalogue]:
    cat = InMemoryCatalogue([(DIRECTORY, _directory), (READINGS, _readings), *((t, None) for t in OTHERS)])
    run = await Orchestrator(CachedCatalogue(cat), DeterministicPlanner(), now=lambda: NOW).run(
        question, None, None, IDENTITY
    )
    return run, cat


def test_a_row_scores_the_question_words_it_holds_codes_whole_and_typed_pairs() -> None:
    question = "FV-03 fermenter 3 temperature over 6 hrs"
    terms, pairs = question_terms(question, {}), typed_pairs(question)
    assert [t for t, _forms in terms] == ["fv-03", "fermenter", "temperatur", "hrs"]  # no bare number
    assert "fermenter 3" in pairs and "over 6" in pairs
    assert row_score(SENSORS[0], terms, pairs)[0] == 5  # the vessel's code, two words, "fermenter 3", "3 wort"
    assert row_score(SENSORS[1], terms, pairs)[0] == 2  # not fermenter 3
    assert row_score(SENSORS[3], terms, pairs) == (1, ("bright tank 1 temperature",))


def _directory_call(rows: list[dict[str, Any]]) -> CallRecord:
    output = {"columns": list(SENSORS[0]), "rows": rows}
    return CallRecord("c1", "s1", DIRECTORY.name, {}, CallStatus.OK, output)


def test_the_best_rows_give_the_value_only_when_they_are_few() -> None:
    calls = [_directory_call(SENSORS)]
    (one,) = picks("fermenter 3 temperature over the last 6 hrs", READINGS, "sensor_id", calls, {})
    assert (one.value, one.source) == ("TT-3101", DIRECTORY.name)
    # Every temperature sensor matches as well as any other: the question singles none out.
    assert picks("temperature trend", READINGS, "sensor_id", calls, {}) == []
    # Bare numbers count for nothing ("6 hrs" is no sensor), nor do words no row holds.
    assert picks("whats the mash ph over 6 hrs", READINGS, "sensor_id", calls, {}) == []
    # The consumer's own rows give nothing, nor does a column of another name.
    assert picks("fermenter 3 temperature", DIRECTORY, "sensor_id", calls, {}) == []
    assert picks("fermenter 3 temperature", READINGS, "probe", calls, {}) == []


async def test_the_left_out_tool_is_asked_with_the_value_the_look_up_gave() -> None:
    run, cat = await _ask("fermenter 3 temperature over the last 6 hrs?")
    asked = [p for name, p in cat.calls if name == READINGS.name]
    assert [p["sensor_id"] for p in asked] == ["TT-3101"]
    assert asked[0]["since"] == "2025-05-06T06:00:00Z"
    assert run.completeness.status is AnswerStatus.COMPLETE
    assert "get_sensor_readings was asked for sensor_id=TT-3101, from the row of find_brewhouse_sensors" in run.answer
    assert "onset of a rise" in run.answer


async def test_a_look_up_that_searched_for_other_words_is_asked_for_its_whole_list() -> None:
    # The planner gives the directory the question's key term ("spikes"), which no row holds.
    run, cat = await _ask("bright tank 2 temperature over the last 6 hrs, any spikes?")
    assert [p for name, p in cat.calls if name == DIRECTORY.name][-1] == {}
    assert [p["sensor_id"] for name, p in cat.calls if name == READINGS.name] == ["TT-4201"]
    assert run.completeness.status is AnswerStatus.COMPLETE


async def test_a_question_that_singles_out_no_row_stays_partial() -> None:
    run, cat = await _ask("temperature trend over the last 6 hrs")
    assert cat.calls_to(READINGS.name) == 0
    assert run.completeness.status is AnswerStatus.PARTIAL
    assert any("needs 'sensor_id'" in r.detail for r in run.completeness.reasons)


def test_a_comparison_picks_a_row_for_each_side_and_a_code_holds_its_parts() -> None:
    calls = [_directory_call(SENSORS)]
    got = picks("fermenters FV-02 vs FV-03 temperature", READINGS, "sensor_id", calls, {})
    assert sorted(p.value for p in got) == ["TT-3101", "TT-3201"]
    # "bbt" is a part of the vessel's code BBT-01: the row holds it.
    assert [p.value for p in picks("BBT 1 temperature", READINGS, "sensor_id", calls, {})] == ["TT-4101"]
    # Both bright tanks match as well: both are asked (a few rows of the best score).
    got = picks("FV-03 vs bright tank temperature", READINGS, "sensor_id", calls, {})
    assert sorted(p.value for p in got) == ["TT-3101", "TT-4101", "TT-4201"]
    # A side no row holds leaves the comparison unasked: one side alone compares nothing.
    assert picks("FV-03 vs FV-09 temperature", READINGS, "sensor_id", calls, {}) == []


def test_a_thing_named_with_a_number_must_be_the_rows_own() -> None:
    calls = [_directory_call(SENSORS)]
    # No fermenter 5: no row is singled out, though fermenters 2 and 3 share every other word.
    assert picks("how is fermenter 5 temperature over the last 6 hrs?", READINGS, "sensor_id", calls, {}) == []
    # One side no row holds leaves the comparison unasked, whatever words the sides share.
    assert picks("fermenter 3 vs fermenter 9 temperature", READINGS, "sensor_id", calls, {}) == []
    # A number with its leading zeros is the same number; a time or a count is no thing.
    assert [p.value for p in picks("bbt 01 temperature, last 6 hrs", READINGS, "sensor_id", calls, {})] == ["TT-4101"]


def test_reading_rows_is_bounded_whatever_their_size() -> None:
    wide = [{"sensor_id": f"TT-{k}", **{f"c{j}": "fermenter wort " * 150 for j in range(60)}} for k in range(500)]
    question = " ".join(f"word{k} fermenter" for k in range(400))
    # Rows past 200,000 characters of a call are not read, and a part of them singles out no row.
    assert picks(question, READINGS, "sensor_id", [_directory_call(wide)], {}) == []


async def _follow(question: str, spare: AnswerStatusReason) -> tuple[FollowUp, list[CallRecord]]:
    calls = [_directory_call(SENSORS)]

    async def run(plan: Plan) -> None:
        for st in plan.steps:
            calls.append(CallRecord(f"c{len(calls) + 1}", st.id, st.tool, dict(st.arguments), CallStatus.OK, {}))

    tools = [DIRECTORY, READINGS, *OTHERS]
    request = PlanRequest(question, tools, Budget(), NOW, step_prefix="look")
    by_name = {t.name: t for t in tools}
    done = await follow_up(question, [], [spare], lambda: calls, by_name, DeterministicPlanner(), request, run)
    return done, calls[1:]


async def test_a_tool_left_out_though_not_needed_is_asked_only_for_one_clear_value() -> None:
    spare = AnswerStatusReason(AnswerReason.NOT_COVERED, "not needed", READINGS.name, param="sensor_id")
    done, asked = await _follow("fermenter 3 temperature over the last 6 hrs", spare)
    assert [c.arguments["sensor_id"] for c in asked] == ["TT-3101"] and done.asked == {READINGS.name}
    # Two bright tanks match as well: a spare tool is not asked for either.
    done, asked = await _follow("bright tank temperature over the last 6 hrs", spare)
    assert asked == [] and done == FollowUp()


async def test_a_call_of_step_12_cut_at_the_row_limit_is_asked_over_a_shorter_window() -> None:
    async def cut_when_long(params: dict[str, Any]) -> dict[str, Any]:
        out = await _readings(params)
        since = datetime.fromisoformat(str(params["since"]).replace("Z", "+00:00"))
        return {**out, "truncated": NOW - since > timedelta(hours=3)}

    cat = InMemoryCatalogue([(DIRECTORY, _directory), (READINGS, cut_when_long), *((t, None) for t in OTHERS)])
    run = await Orchestrator(CachedCatalogue(cat), DeterministicPlanner(), now=lambda: NOW).run(
        "fermenter 3 temperature over the last 6 hrs?", None, None, IDENTITY
    )
    asked = [p["since"] for name, p in cat.calls if name == READINGS.name]
    assert asked == ["2025-05-06T06:00:00Z", "2025-05-06T10:30:00Z"]  # then a quarter of the way back
    assert run.completeness.status is AnswerStatus.COMPLETE
    assert "get_sensor_readings came back cut at the API's row limit" in run.answer


async def test_a_spare_tool_stays_strict_after_a_look_up_is_asked_for_its_whole_list() -> None:
    spare = AnswerStatusReason(AnswerReason.NOT_COVERED, "not needed", READINGS.name, param="sensor_id")
    tools = [DIRECTORY, READINGS, *OTHERS]
    by_name = {t.name: t for t in tools}

    async def follow(question: str) -> list[CallRecord]:
        searched = CallRecord(
            "c1", "s1", DIRECTORY.name, {"q": "spikes"}, CallStatus.OK, await _directory({"q": "spikes"})
        )
        calls = [searched]

        async def run(plan: Plan) -> None:
            for st in plan.steps:
                out = await _directory(dict(st.arguments)) if st.tool == DIRECTORY.name else {}
                calls.append(CallRecord(f"c{len(calls) + 1}", st.id, st.tool, dict(st.arguments), CallStatus.OK, out))

        request = PlanRequest(question, tools, Budget(), NOW, step_prefix="look")
        await follow_up(question, [], [spare], lambda: calls, by_name, DeterministicPlanner(), request, run)
        return [c for c in calls if c.tool == READINGS.name]

    # The whole directory is read, and two bright tanks match as well: the spare tool is asked for neither.
    assert await follow("bright tank temperature, any spikes?") == []
    assert [c.arguments["sensor_id"] for c in await follow("bright tank 2 temperature, any spikes?")] == ["TT-4201"]
