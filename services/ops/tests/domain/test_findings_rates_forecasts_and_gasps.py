"""What has been found, a rate of unknown words, a forecast, and a count named with "last" (issue 13, the
thirty-ninth and fortieth estates written blind: a power distribution network and a card issuer).

The estate is made up (a bakery chain's ovens, deliveries and incidents); no estate's names.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from opsuite_ops.domain.acts import unknown_acts
from opsuite_ops.domain.aggregate import counted_head
from opsuite_ops.domain.coverage import CoverageCheck, vocabulary
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.model import AnswerReason, Budget, Tool
from opsuite_ops.domain.people import asks_findings
from opsuite_ops.domain.planning import PlanRequest
from opsuite_ops.domain.ranking import DEFAULT_SYNONYMS
from opsuite_ops.domain.totals import column_totals

NOW = datetime(2025, 7, 1, 9, 0, tzinfo=UTC)

HITS = Tool(
    "oven_rule_hits",
    "Oven safety rules and how often each fired over the last N hours: rule, evaluated, hits, hit rate %",
    frozenset({"rule", "oven", "metric"}),
    input_schema={"type": "object", "properties": {"rule": {"type": "string", "default": ""}}},
)
TIMELINE = Tool(
    "incident_timeline",
    "The timeline of ONE incident, oldest first: time, who, kind (detected, update, finding, action), entry",
    frozenset({"incident", "timeline", "history", "investigation"}),
    input_schema={
        "type": "object",
        "properties": {"incident": {"type": "string", "description": "e.g. INC-2041"}},
        "required": ["incident"],
    },
)
INCIDENTS = Tool(
    "incidents",
    "Incidents: incident, title, severity, status, started",
    frozenset({"incident", "history"}),
)
TOOLS = [HITS, TIMELINE, INCIDENTS]


def _plan(question: str) -> Any:
    return DeterministicPlanner().plan_sync(PlanRequest(question, TOOLS, Budget(), NOW))


def test_what_has_been_found_on_an_incident_reads_its_timeline() -> None:
    for question in ("whats been found so far on INC-2041?", "what was found on INC-2041", "what have they found"):
        assert asks_findings(question)
    assert not asks_findings("what is found in the oven")
    steps = {s.tool: dict(s.arguments) for s in _plan("whats been found so far on INC-2041?").plan.steps}
    assert steps[TIMELINE.name] == {"incident": "INC-2041"}


def test_a_rate_of_two_words_no_tool_knows_is_a_metric_no_tool_reports() -> None:
    vocab = vocabulary(TOOLS)
    check = CoverageCheck.of(("hit", "rate", "false", "positive", "rate"), TOOLS, DEFAULT_SYNONYMS, vocab)
    assert check.phrase == "false positive rate" and check.measured
    # One unknown word before a known one only qualifies it ("high cpu").
    assert not CoverageCheck.of(("crusty", "hit", "rate"), TOOLS, DEFAULT_SYNONYMS, vocab).measured
    outcome = _plan("oven rule r-7 hit rate in the last hr n whats its false positive rate?")
    assert any(r.detail == "no tool reports false positive rate" for r in outcome.not_covered)


def test_a_quantity_asked_of_the_future_is_a_forecast_no_tool_makes() -> None:
    vocab = vocabulary(TOOLS)
    for question in ("how many loaves r we expecting this weekend?", "when will customers actually get them?"):
        reasons = unknown_acts(question, vocab, DEFAULT_SYNONYMS)
        assert [r.reason for r in reasons] == [AnswerReason.NOT_COVERED], question
        assert reasons[0].detail.startswith("no tool forecasts")
    # A tool that estimates answers it; a question of the past asks no forecast, nor one of how a thing should be.
    faults = Tool("oven_faults", "Oven faults with their estimated restoration time", frozenset({"fault"}))
    assert not unknown_acts("when will the oven get fixed?", vocabulary([*TOOLS, faults]), DEFAULT_SYNONYMS)
    assert not unknown_acts("how many loaves did we bake this weekend?", vocab, DEFAULT_SYNONYMS)
    assert not unknown_acts("which recipe is oven 2 supposed to be on?", vocab, DEFAULT_SYNONYMS)
    # Words of projects name no forecast ("project" of a CI tool).
    ci = Tool("ci_projects", "CI projects and their pipelines", frozenset({"ci"}))
    assert unknown_acts("when will customers actually get them?", vocabulary([ci]), DEFAULT_SYNONYMS)


def test_a_count_named_with_last_is_counted_and_totalled() -> None:
    question = "how many last bakes have we had off OV-2 in the last 6 hrs?"
    assert counted_head(question) == ("bakes", ("last",))
    assert counted_head("how many in the last hour") == ("", ())
    assert counted_head("how many last week") == ("", ())
    rows = [{"line": "L-1", "oven": "OV-2", "last_bakes": 40}, {"line": "L-2", "oven": "OV-2", "last_bakes": 2}]
    line = column_totals(question, rows, "oven_alerts", "oven_alerts()")
    assert line is not None and "last_bakes 42" in line and "no row's values" not in line


def test_a_row_per_reason_with_its_first_and_last_time_is_rows_not_a_series() -> None:
    from opsuite_ops.domain.series import analyse_table

    reasons = ["burnt", "late", "wrong_order", "missing_item", "cold", "squashed"]
    rows = [
        {"reason": r, "complaints": 90 - 10 * k, "first": f"2025-07-01T0{k}:10:00Z", "last": "2025-07-01T08:55:00Z"}
        for k, r in enumerate(reasons)
    ]
    assert analyse_table(["reason", "complaints", "first", "last"], rows) is None
    # Without a last time, each reason's one time is a point of a series (what the rows say is then read as one).
    firsts = [{k: v for k, v in r.items() if k != "last"} for r in rows]
    assert analyse_table(["reason", "complaints", "first"], firsts) is not None


def test_a_form_word_typed_with_two_letters_swapped_is_itself() -> None:
    from opsuite_ops.domain.entities import Inventory
    from opsuite_ops.domain.token_kinds import compounds

    inv = Inventory(services=frozenset({"hte"}))
    assert compounds("what was done on teh ovens adn the vans", frozenset({"oven"}), inv) == (
        "what was done on the ovens and the vans"
    )
    # A name the estate lists, a tool's word and capitals stay as written.
    assert compounds("is hte up", frozenset(), inv) == "is hte up"
    assert compounds("TEH ovens", frozenset(), Inventory()) == "TEH ovens"
    # Swaps that are words of their own are left alone ("aws", "form", "dose").
    assert compounds("logs for aws throttling on the form dose", frozenset(), Inventory()) == (
        "logs for aws throttling on the form dose"
    )
    steps = {s.tool: dict(s.arguments) for s in _plan("what rule hits were there on teh ovens?").plan.steps}
    assert HITS.name in steps and not any("teh" in str(v) for a in steps.values() for v in a.values())


def test_form_and_degree_words_and_operator_abbreviations_name_no_topic() -> None:
    vocab = vocabulary(TOOLS) | {"customer", "temperatur", "temp"}
    for terms in (("sort", "hit"), ("peak", "hit"), ("fully", "hit"), ("custs", "hit"), ("hot", "hit")):
        assert CoverageCheck.of(terms, TOOLS, DEFAULT_SYNONYMS, vocab).uncovered == (), terms


def test_what_has_been_done_so_far_filters_on_no_end_state() -> None:
    from opsuite_ops.domain.fill_words import choose_enum

    options = ["", "open", "restored", "closed"]
    question = "whats been restored on the oven fault so far n when?"
    assert choose_enum(options, ["restored", "oven", "fault"], question=question) == ([], [])
    assert choose_enum(options, ["restored", "faults"], question="which faults were restored today?") == (
        ["restored"],
        [],
    )
    # "how many were closed so far" counts the closed ones.
    question = "how many faults have been closed so far this week?"
    assert choose_enum(options, ["faults", "closed"], question=question) == (["closed"], [])
    reasons = unknown_acts("how cold is it supposed to get tonite?", vocabulary(TOOLS), DEFAULT_SYNONYMS)
    assert [r.detail for r in reasons] == ['no tool forecasts ("supposed to get"): the tools report what has happened']


def test_a_week_compared_with_the_week_before_is_beyond_a_two_day_reach() -> None:
    from opsuite_ops.domain.timerange import compares_earlier, duration_value

    schema = {"type": "integer", "minimum": 1, "maximum": 48, "default": 24}
    assert duration_value("window_h", schema, 7 * 86400) == 48  # hours, cut to its maximum
    assert duration_value("lookback_d", {"type": "integer"}, 2 * 86400) == 2
    assert compares_earlier("bot traffic this wk vs last wk?") and compares_earlier("errors today than yesterday")
    assert not compares_earlier("bot traffic over the last wk")
    traffic = Tool(
        "oven_traffic",
        "Orders per hour (kept 48 hours), oldest first: orders, bot share %",
        frozenset({"orders", "bot", "metric", "time series"}),
        input_schema={"type": "object", "properties": {"window_h": schema}},
    )
    outcome = DeterministicPlanner().plan_sync(PlanRequest("bot share this wk vs last wk?", [traffic], Budget(), NOW))
    assert [s.arguments for s in outcome.plan.steps] == [{"window_h": 48}]
    assert any("reaches back 48 hours at most" in r.detail for r in outcome.not_covered)
    outcome = DeterministicPlanner().plan_sync(PlanRequest("bot share this wk?", [traffic], Budget(), NOW))
    assert not any("reaches back" in r.detail for r in outcome.not_covered)  # said, but the week's rows are there


def test_an_act_of_a_person_no_tool_knows_is_not_covered() -> None:
    vocab = vocabulary(TOOLS)
    reasons = unknown_acts("whos on call for ovens and did they ack the page?", vocab, DEFAULT_SYNONYMS)
    assert [r.detail for r in reasons] == ["no tool reports ack"]
    # A state's act ("did they close it") is answered by a state; a known act by its tool.
    assert not unknown_acts("did they close the incident?", vocab, DEFAULT_SYNONYMS)
    assert not unknown_acts("did they detect the fault?", vocab, DEFAULT_SYNONYMS)  # "detected" of the timeline


def test_when_it_started_is_the_earliest_first_time_of_rows_no_series_makes() -> None:
    from datetime import timedelta

    from opsuite_ops.domain.anchors import first_times
    from opsuite_ops.domain.model import CallRecord, CallStatus

    rows = [
        {"line": "L2", "jams": 40, "first_jam_bucket": "2025-07-01T08:10:00Z", "last_jam": "2025-07-01T08:55:00Z"},
        {"line": "L3", "jams": 4, "first_jam_bucket": "2025-07-01T08:40:00Z", "last_jam": "2025-07-01T08:50:00Z"},
    ]
    columns = ["line", "jams", "first_jam_bucket", "last_jam"]
    summary = Tool(
        "jam_summary",
        "Jams per line over the last N minutes",
        frozenset({"jam"}),
        input_schema={"type": "object", "properties": {"window_minutes": {"type": "integer", "default": 60}}},
    )

    def call(**arguments: Any) -> CallRecord:
        return CallRecord(call_id="c1", step_id="s1", tool=summary.name, arguments=arguments, status=CallStatus.OK,
                          started_at=NOW)  # fmt: skip

    assert first_times([("jam_summary(window_minutes=120)", call(window_minutes=120), summary, columns, rows)]) == (
        "The earliest first_jam_bucket in jam_summary(window_minutes=120): 2025-07-01 08:10Z (line=L2)",
        ("c1",),
    )
    # Over the default 60 minutes the first rows begin at the window's start (08:00): the start lies further back.
    assert first_times([("jam_summary()", call(), summary, columns, rows)]) is None
    assert (
        first_times([("jam_summary()", call(window_minutes=120), summary, ["line", "jams", "last_jam"], rows)]) is None
    )
    assert NOW - timedelta(minutes=60) == datetime(2025, 7, 1, 8, 0, tzinfo=UTC)


def test_things_counted_by_the_initials_of_a_value_are_those_rows() -> None:
    from opsuite_ops.domain.aggregate import count, counts_initials

    rows = [{"stop": f"ST-{k}", "kind": "OVEN_INTERLOCK" if k % 3 else "DOOR_OPEN"} for k in range(9)]
    question = "how many OIs have we had on line 2 today?"
    assert counts_initials(question, rows)
    assert count(question, rows, {}) == (6, "kind=oven_interlock")
    assert not counts_initials("how many stops have we had today?", rows)


def test_a_look_back_beyond_any_date_places_no_window_start() -> None:
    from opsuite_ops.domain.anchors import first_times, read_from
    from opsuite_ops.domain.model import CallRecord, CallStatus

    rows = [{"line": "L2", "first_jam": "2025-07-01T08:10:00Z", "ts": "2025-07-01T08:10:00Z"}]
    for hours in (10**30, float("1e300"), -(10**30)):
        call = CallRecord(call_id="c1", step_id="s1", tool="jams", arguments={"hours": hours}, status=CallStatus.OK,
                          started_at=NOW, output={"rows": rows})  # fmt: skip
        assert first_times([("jams()", call, None, ["line", "first_jam"], rows)]) is not None
        assert read_from(call, None) == datetime(2025, 7, 1, 8, 10, tzinfo=UTC)  # its earliest row's time
