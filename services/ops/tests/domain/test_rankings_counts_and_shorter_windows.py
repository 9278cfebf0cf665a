"""Answers computed over the rows, and the reading that gets there (issue 13, the blind database-fleet estate's
causes): rankings ("which kiln is closest to full", "first", "longest without"), counts ("how many failed"),
a series' state column, records named by ids, change histories with measures, duration strings written as a
schema's pattern asks, words written apart ("fail over"), plural codes ("S1s"), boolean filters, "when did X
last ...", and calls cut at an API's row limit asked again over a shorter window.

The estate here is made up (a pottery studio: kilns, firings, glaze changes); no estate's names.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_common.auth import Identity
from opsuite_ops.domain.aggregate import asks_count, asks_ranking, count, rank_column
from opsuite_ops.domain.broaden import auxiliary_searches
from opsuite_ops.domain.call_facts import MAX_SERIES
from opsuite_ops.domain.catalogue import CachedCatalogue
from opsuite_ops.domain.compose import DeterministicComposer
from opsuite_ops.domain.coverage import asks_for_documents
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import inventory_from_outputs
from opsuite_ops.domain.executor import RunState
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.fill import fill_arguments
from opsuite_ops.domain.in_memory import InMemoryCatalogue
from opsuite_ops.domain.model import AnswerStatus, Budget, CallRecord, CallStatus, PlanStep, Tool
from opsuite_ops.domain.orchestrator import Orchestrator
from opsuite_ops.domain.planning import PlanRequest
from opsuite_ops.domain.series import analyse_table
from opsuite_ops.domain.shorten import shorter_step
from opsuite_ops.domain.timeline import ChangeEvent, Onset, asks_for_cause, build_timeline, change_events
from opsuite_ops.domain.timerange import duration_text, duration_value

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required)}


KILNS = Tool(
    "kiln_list",
    "Kilns of the studio: kiln, room, state",
    frozenset({"inventory"}),
    input_schema=_obj({}),
    idempotent=True,
)
FIRINGS = Tool(
    "firing_log",
    "Firings of the kilns (kiln firing records) since a day: firing id, kiln, outcome",
    frozenset({"history"}),
    input_schema=_obj(
        {
            "kiln": {"type": "string", "default": ""},
            "outcome": {"type": "string", "enum": ["", "done", "failed"], "default": ""},
            "since_day": {"type": "string", "format": "date", "description": "first day"},
        },
        ("since_day",),
    ),
    idempotent=True,
)
GLAZES = Tool(
    "glaze_changes",
    "Glaze recipe changes within a window: change id, recipe, author, how long the mixing took",
    frozenset({"history", "change"}),
    input_schema=_obj(
        {"window": {"type": "string", "pattern": "^[1-9][0-9]{0,2}[mhd]$", "description": "e.g. 90m, 12h, 3d"}},
        ("window",),
    ),
    idempotent=True,
)
TEMPS = Tool(
    "kiln_temps",
    "Kiln temperature samples every 2 minutes over an ISO 8601 lookback",
    frozenset({"metric"}),
    input_schema=_obj(
        {
            "kiln": {"type": "string", "default": ""},
            "lookback": {"type": "string", "enum": ["PT15M", "PT1H", "PT6H", "PT24H"], "default": "PT1H"},
        }
    ),
    idempotent=True,
)
TICKETS = Tool(
    "studio_tickets",
    "Studio tickets (STU-nnnn): severity S1-S3, state, kiln, assignee; search by id or title words",
    frozenset({"history"}),
    input_schema=_obj(
        {
            "search": {"type": "string", "default": ""},
            "severity": {"type": "string", "enum": ["", "S1", "S2", "S3"]},
            "open_only": {"type": "boolean", "default": False},
        }
    ),
    idempotent=True,
)
OUTAGES = Tool(
    "kiln_trips",
    "Kiln breaker trips in the last N days: kiln, minutes without power",
    frozenset({"history"}),
    input_schema=_obj(
        {"kiln": {"type": "string", "default": ""}, "within_days": {"type": "integer", "minimum": 1, "maximum": 60}},
        ("within_days",),
    ),
    idempotent=True,
)
MANUAL = Tool(
    "studio_manual",
    "Search the studio manual (how-tos) for a phrase",
    frozenset({"document"}),
    input_schema=_obj({"phrase": {"type": "string"}}, ("phrase",)),
    idempotent=True,
)
TOOLS = [KILNS, FIRINGS, GLAZES, TEMPS, TICKETS, OUTAGES, MANUAL]
INVENTORY = inventory_from_outputs(
    {
        "kiln_list": {
            "rows": [
                {"kiln": "kiln-a1", "room": "annex", "state": "on"},
                {"kiln": "kiln-b2", "room": "cellar", "state": "off"},
            ]
        }
    }
)


def entities(question: str) -> Any:
    from opsuite_ops.domain.coverage import vocabulary

    return extract_entities(question, now=NOW, inventory=INVENTORY, vocabulary=vocabulary(TOOLS))


def test_duration_strings_follow_the_schemas_pattern_or_its_examples() -> None:
    pattern = GLAZES.properties["window"]
    assert duration_text(pattern, 86400) == "1d" and duration_text(pattern, 5400) == "90m"
    assert duration_text({"type": "string", "description": "ISO 8601, e.g. PT6H"}, 86400) == "P1D"
    assert duration_text({"type": "string"}, 10800) == "10800s"  # nothing says otherwise: seconds
    assert duration_value("window", pattern, 3 * 3600) == "3h"


def _temps(kilns: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Two-minute samples per kiln, with its phase along the way (one phase per sample, oldest first)."""
    rows = []
    for kiln, phases in kilns.items():
        for k, phase in enumerate(phases):
            t = NOW - timedelta(minutes=2 * (len(phases) - 1 - k))
            rows.append({"kiln": kiln, "ts": iso(t), "temp_c": 900.0 + 10 * (phase == "holding") + k % 3,
                         "phase": phase})  # fmt: skip
    return rows


def test_a_state_column_is_told_along_its_series_and_does_not_split_it() -> None:
    rows = _temps({"kiln-a1": ["heating"] * 10 + ["holding"] * 10, "kiln-b2": ["heating"] * 20})
    table = analyse_table(["kiln", "ts", "temp_c", "phase"], rows)
    assert table is not None and table.label_columns == ("kiln",) and table.covers_every_column
    (a1, b2) = table.series
    assert "phase: heating until" in a1.describe() and "holding since" in a1.describe()
    assert "phase: heating throughout" in b2.describe()
    # Values that alternate from row to row name interleaved series (a job history's jobs), not a state.
    runs = [{"job": ("glaze", "load")[k % 2], "at": iso(NOW - timedelta(hours=k)), "n": k} for k in range(12)]
    assert analyse_table(["job", "at", "n"], runs).label_columns == ("job",)  # type: ignore[union-attr]


def test_rows_named_by_record_ids_are_records_not_series() -> None:
    rows = [{"firing_id": f"fr-{100 + k}", "kiln": "kiln-a1", "at": iso(NOW - timedelta(days=k)), "hours": 9.5}
            for k in range(6)]  # fmt: skip
    assert analyse_table(["firing_id", "kiln", "at", "hours"], rows) is None


def test_a_change_history_with_a_measure_is_a_change_table_named_by_its_record() -> None:
    columns = ["glaze_id", "recipe", "author", "mixed_at", "mixing_s", "notes"]
    rows = [
        {"glaze_id": "GLZ-7", "recipe": "celadon", "author": "ana", "mixed_at": iso(NOW - timedelta(hours=3)),
         "mixing_s": 540, "notes": "ADD 2% iron oxide to the base"},
        {"glaze_id": "GLZ-8", "recipe": "tenmoku", "author": "ben", "mixed_at": iso(NOW - timedelta(hours=1)),
         "mixing_s": 30, "notes": "thinner slip"},
    ]  # fmt: skip
    assert change_events("c1", columns, rows) is None  # a measure beside records: not by its shape alone
    events = change_events("c1", columns, rows, change_tool=True)
    assert (
        events is not None and next(e.label for e in events) == "change (GLZ-7) (ADD 2% iron oxide to the base) by ana"
    )


def test_the_change_before_the_last_one_has_a_line_of_its_own() -> None:
    from opsuite_ops.domain.series import ChangePoint

    point = ChangePoint(5, NOW, NOW - timedelta(minutes=2), 900.0, 1200.0, True)
    changes = [ChangeEvent(NOW - timedelta(hours=3), "change (GLZ-7)", "c2"),
               ChangeEvent(NOW - timedelta(minutes=5), "change (GLZ-8)", "c2")]  # fmt: skip
    timeline = build_timeline("what changed before the spike", changes, [Onset("kiln_temps()", "c1", point)], ["g"])
    assert timeline is not None
    last, before = timeline.conclusions[0].splitlines()
    assert "GLZ-8" in last and "GLZ-7" not in last and before.startswith("Before it: the change (GLZ-7)")


def test_when_did_it_start_asks_for_the_onset() -> None:
    assert asks_for_cause("when did kiln-a1's temperature start climbing, and what changed right before?")
    assert not asks_for_cause("what changed on kiln-a1 before it started the glaze firing?")


def test_rankings_read_the_superlative_and_the_column_it_measures() -> None:
    full = asks_ranking("which kiln is closest to maxed out rn?")
    assert full is not None and full.highest
    assert rank_column(full, ["load_kg", "max_kg", "load_pct"]) == "load_pct"  # not the limit's own column
    first = asks_ranking("which kiln runs out of fuel first?")
    assert first is not None and not first.highest
    assert rank_column(first, ["fuel_l", "burn_l_per_day", "days_until_empty"]) == "days_until_empty"
    stale = asks_ranking("which kiln has gone longest without a cone test?")
    assert stale is not None and rank_column(stale, ["days_since_test", "firing_minutes"]) == "days_since_test"
    pct = asks_ranking("highest shelf usage % in the studio?")
    assert pct is not None and rank_column(pct, ["used_kg", "size_kg", "used_pct"]) == "used_pct"
    assert asks_ranking("kiln temps over the last hour") is None
    assert rank_column(asks_ranking("which kiln is the hottest?"), ["fuel_l"]) is None  # type: ignore[arg-type]


def test_counts_take_the_state_the_question_names_unless_the_call_filtered_on_it() -> None:
    rows = [{"firing_id": f"fr-{k}", "outcome": "failed" if k % 3 == 0 else "done"} for k in range(9)]
    assert asks_count("how many firings failed this week?") and not asks_count("which firings failed?")
    assert count("how many firings failed this week?", rows, {}) == (3, "outcome=failed")
    assert count("how many firings failed this week?", rows[:3], {"outcome": "failed"}) == (3, "")


def _call(cid: str, tool: str, args: dict[str, Any], output: Any) -> CallRecord:
    return CallRecord(cid, f"s{cid}", tool, args, CallStatus.OK, output=output)


async def test_the_answer_states_the_ranking_and_many_series_briefly_without_a_cut() -> None:
    shelves = [{"shelf_id": f"sh-{k}", "used_pct": float(50 + 3 * k)} for k in range(8)]
    kilns = {f"kiln-{k:02d}": ["heating"] * 6 for k in range(MAX_SERIES + 2)}
    temps = _temps(kilns)
    out = await DeterministicComposer().compose(
        "which shelf has the highest usage %?",
        [_call("c1", "shelf_load", {}, {"rows": shelves}), _call("c2", "kiln_temps", {}, {"rows": temps})],
        [],
    )
    assert (
        "- Highest used_pct of shelf_load() (each row): 71 for shelf_id=sh-7; then 68 for shelf_id=sh-6" in out.answer
    )
    assert f"{len(kilns)} series, briefly" in out.answer and "kiln=kiln-11, phase=heating: temp_c latest" in out.answer
    assert out.truncated == ()


async def test_a_count_line_answers_how_many() -> None:
    rows = [{"firing_id": f"fr-{k}", "kiln": "kiln-a1", "outcome": "failed"} for k in range(3)]
    out = await DeterministicComposer().compose(
        "how many firings failed?", [_call("c1", "firing_log", {"outcome": "failed"}, {"rows": rows})], []
    )
    assert "- Count: 3 (the rows of firing_log(outcome=failed)) [c1]" in out.answer


def test_words_written_apart_plural_codes_typos_flags_and_the_last_occurrence() -> None:
    trips = entities("when did kiln-a1 last trip out, and how long was it down?")
    assert trips.latest_occurrence and trips.time_range is None
    assert fill_arguments(OUTAGES, trips, now=NOW).arguments["within_days"] == 60  # the schema's maximum
    assert entities("kiln trips in the last 3 days").latest_occurrence is False
    tickets = entities("any open S1s on the kilns?")
    assert fill_arguments(TICKETS, tickets, now=NOW).arguments == {"severity": "S1", "open_only": True}
    failed = entities("how many firings faild since 2026-03-01?")
    assert fill_arguments(FIRINGS, failed, now=NOW).arguments["outcome"] == "failed"
    misspelt = entities("temps of the kilns in the cellr room")
    assert [(u.name, u.assumed) for u in misspelt.unknown] == [("cellr", "cellar")]


def test_two_words_the_tools_know_as_one_are_read_as_one() -> None:
    from opsuite_ops.domain.coverage import vocabulary

    tool = Tool("failover_log", "Failovers of the kilns' controllers", frozenset({"history"}), input_schema=_obj({}))
    e = extract_entities("when did the controller fail over?", now=NOW, vocabulary=vocabulary([tool]))
    assert "failover" in e.terms


def test_a_search_for_a_record_id_is_a_look_up_and_documents_are_asked_for_by_name() -> None:
    steps = [PlanStep("s1", "studio_tickets", {"search": "STU-1042"}), PlanStep("s2", "studio_manual",
                                                                               {"phrase": "working"})]  # fmt: skip
    state = RunState()
    state.latest["s1"] = _call("1", "studio_tickets", {"search": "STU-1042"}, {"rows": [{"ticket": "STU-1042"}]})
    state.latest["s2"] = _call("2", "studio_manual", {"phrase": "working"}, {"rows": []})
    tools = {t.name: t for t in TOOLS}
    assert auxiliary_searches("whos working STU-1042", steps, state, tools) == {"s2"}
    assert asks_for_documents("is there a runbook for kiln cracks?") and not asks_for_documents("kiln temps")
    plan = DeterministicPlanner().plan_sync(
        PlanRequest("is there a how-to for kiln temps climbing?", TOOLS, Budget(), NOW, inventory=INVENTORY)
    )
    assert [s.tool for s in plan.plan.steps] == ["studio_manual"]


def test_a_shorter_window_for_each_kind_of_window_parameter() -> None:
    temps = shorter_step(PlanStep("s1", "kiln_temps", {"lookback": "PT24H"}), TEMPS, NOW, 1)
    assert temps is not None and temps.step.arguments == {"lookback": "PT6H"} and temps.step.id == "s1-w1"
    glaze = shorter_step(PlanStep("s2", "glaze_changes", {"window": "1d"}), GLAZES, NOW, 1)
    assert glaze is not None and glaze.step.arguments == {"window": "6h"}
    since = Tool("t", "", frozenset(), input_schema=_obj({"from_ts": {"type": "string", "format": "date-time"}}))
    moved = shorter_step(PlanStep("s3", "t", {"from_ts": iso(NOW - timedelta(hours=24))}), since, NOW, 1)
    assert moved is not None and moved.step.arguments == {"from_ts": iso(NOW - timedelta(hours=6))}
    trips = shorter_step(PlanStep("s4", "kiln_trips", {"within_days": 8}), OUTAGES, NOW, 1)
    assert trips is not None and trips.step.arguments == {"within_days": 2}
    assert shorter_step(PlanStep("s5", "kiln_temps", {"lookback": "PT15M"}), TEMPS, NOW, 1) is None


async def test_a_result_cut_at_the_row_limit_is_asked_again_over_a_shorter_window(identity: Identity) -> None:
    cat = InMemoryCatalogue()

    async def temps(params: dict[str, Any]) -> Any:
        long = params.get("lookback") in ("PT24H", "PT6H")
        rows = _temps({"kiln-a1": ["heating"] * 30, "kiln-b2": ["heating"] * (5 if long else 30)})
        return {"rows": rows, "truncated": long}

    cat.add(TEMPS, temps)
    orch = Orchestrator(CachedCatalogue(cat), DeterministicPlanner(), retry_backoff_s=0.01)
    result = await orch.run("kiln temps over the last 24 hours", None, None, identity)
    assert [c.arguments.get("lookback") for c in result.trace.calls] == ["PT24H", "PT6H", "PT1H"]
    assert result.completeness is not None and result.completeness.status is AnswerStatus.COMPLETE
    assert "Note: kiln_temps came back cut at the API's row limit over 1 d; it was asked again over the last 1 h" \
        in result.answer  # fmt: skip
    assert "lookback=PT1H" in result.answer and "lookback=PT24H" not in result.answer
