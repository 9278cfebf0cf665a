"""Honest answers (issue 13, the blind EV charging estate's causes), on a made-up estate (a ferry operator's
vessels, ports and skippers' complaints): "how many X and which Y got the most" counts the X per Y, the words
of the tool's own name are no kind of the rows counted, and a change history whose tool takes no window is
kept to the window the question states, saying how many older rows it left out (not an incident register,
nor rows without a time); a timestamp parameter gets the layout its pattern takes; a listing called for neither
side of "A vs B" whose rows hold A and not B says it has none for B.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.absence import empty_results
from opsuite_ops.domain.call_facts import analyse_call
from opsuite_ops.domain.comparison import absent_sides, none_in_listings
from opsuite_ops.domain.entities import name_key
from opsuite_ops.domain.executor import RunState
from opsuite_ops.domain.model import CallRecord, CallStatus, PlanStep, Tool
from opsuite_ops.domain.row_counts import asks_most_of, rows_named
from opsuite_ops.domain.window_rows import asked_start

NOW = datetime(2026, 5, 14, 10, 0, tzinfo=UTC)


def _obj(props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": []}


ROLLOUTS = Tool(
    "engine_software_rollouts",
    "Software rollouts to the ferries' engine controllers: version, target vessels, window, state, change record",
    frozenset({"history", "change"}),
    input_schema=_obj({}),
    idempotent=True,
)
REFITS = Tool(
    "dock_refits",
    "Dry-dock refits finished in the last N days: vessel, yard, work, finished",
    frozenset({"history", "change"}),
    input_schema=_obj({"days_back": {"type": "integer", "minimum": 1, "default": 7}}),
    idempotent=True,
)
INCIDENTS = Tool(
    "incident_register",
    "Incidents at sea and in port: vessel, severity, opened, resolved",
    frozenset({"history", "incident"}),
    input_schema=_obj({}),
    idempotent=True,
)
FLEET = Tool(
    "vessel_fleet",
    "The ferries: vessel, route, engine controller, commissioned",
    frozenset({"inventory"}),
    input_schema=_obj({}),
    idempotent=True,
)


def test_how_many_and_which_got_the_most_counts_those_counted_per_thing() -> None:
    question = "how many skipper complaints this wk n which port got the most?"
    assert asks_most_of(question)  # the most of the complaints counted, per port
    # "skipper" is in the tool's name: it says what the rows are, it is no kind of complaint to filter on
    assert rows_named(question, "skipper_complaints") == ("complaints", ())
    assert rows_named("which port had the most skipper complaints?", "skipper_complaints") == ("complaints", ())
    assert rows_named("which port had the most berthing complaints?", "skipper_complaints") == (
        "complaints",
        ("berthing",),
    )
    # nothing counted and nothing after "the most": no count per thing asked (and no error)
    assert not asks_most_of("which port got the most?")
    assert rows_named("which port got the most?", "skipper_complaints") is None


def _call(tool: Tool, rows: list[dict[str, Any]], **arguments: Any) -> CallRecord:
    return CallRecord("c1", "s1", tool.name, arguments, CallStatus.OK, {"rows": rows}, started_at=NOW)


def test_a_change_history_without_a_window_keeps_to_the_window_asked() -> None:
    rows = [
        {"rollout": "ESR-12", "version": "4.1.0", "targets": "mv-skerry", "starts": (NOW - timedelta(hours=3))},
        {"rollout": "ESR-11", "version": "4.0.2", "targets": "mv-holm", "starts": (NOW - timedelta(days=6))},
        {"rollout": "ESR-10", "version": "4.0.1", "targets": "every vessel", "starts": (NOW - timedelta(days=40))},
    ]
    rows = [{**r, "starts": r["starts"].isoformat()} for r in rows]
    call = _call(ROLLOUTS, rows)
    question = "what changes went in over the last 24 hrs?"
    since = asked_start(question, call, ROLLOUTS)
    assert since == NOW - timedelta(hours=24)
    facts = analyse_call(call, ROLLOUTS, since, question)
    assert "ESR-12" in facts.fact and "ESR-11" not in facts.fact and "ESR-10" not in facts.fact
    assert "2 older rows left out: before the asked window" in facts.fact
    assert [c.at for c in facts.changes or []] == [NOW - timedelta(hours=3)]
    # no window in the question: the whole history is the answer
    assert asked_start("what changes went in?", call, ROLLOUTS) is None
    # a tool with a window of its own is called for the window asked: nothing to cut
    assert asked_start(question, _call(REFITS, [], days_back=1), REFITS) is None
    # rows with no time cannot be kept to it (and say nothing of when they went in): left as they are
    untimed = _call(ROLLOUTS, [{"rollout": "ESR-12", "version": "4.1.0"}])
    assert asked_start(question, untimed, ROLLOUTS) is None
    # an incident register (a history, not of changes): an incident opened before the window may still be open
    opened = [{"incident": "INC-7", "opened": (NOW - timedelta(days=3)).isoformat(), "resolved": None}]
    assert asked_start("what happened in the last 24 hrs?", _call(INCIDENTS, opened), INCIDENTS) is None
    # a snapshot is no history: its dates (commissioned) are not the window's
    fleet = [{"vessel": "mv-holm", "commissioned": "2019-04-02"}]
    assert asked_start("which ferries are running in the last 24 hrs?", _call(FLEET, fleet), FLEET) is None


def test_a_listing_for_neither_side_that_holds_one_says_it_has_none_for_the_other() -> None:
    question = "delays on mv-holm vs mv-skerry in the last 3 hrs?"
    rows = [{"vessel": "mv-holm", "delays": 3}, {"vessel": "mv-ferran", "delays": 1}]
    listing = _call(ROLLOUTS, rows, since_hours=3)
    (text, ids), *rest = absent_sides(question, [(listing, "delays(since_hours=3)", ["vessel", "delays"], rows)])
    assert not rest and ids == ("c1",)
    assert text == "delays(since_hours=3) has no row for vessel=mv-skerry (it has rows for mv-holm)"
    # so a call made for mv-skerry that found nothing adds to an answer that stands (absence.empty_results)
    assert none_in_listings(question, [listing]) == {name_key("mv-skerry")}
    # a call made for a side answers for that side alone (one_sided's concern), a listing holding neither
    # side says nothing of them, and one the API cut at its row limit may hold the other side in what it left out
    for_one = _call(ROLLOUTS, rows, vessel="mv-holm")
    cut = CallRecord("c2", "s2", "delays", {}, CallStatus.OK, {"rows": rows, "truncated": True}, started_at=NOW)
    neither = [{"vessel": "mv-ferran", "delays": 1}]
    tables = [(for_one, "t", ["vessel"], rows), (cut, "t", ["vessel"], rows), (listing, "t", ["vessel"], neither)]
    assert absent_sides(question, tables) == []
    assert none_in_listings(question, [for_one, cut]) == set()
    assert absent_sides("delays on mv-holm in the last 3 hrs?", [(listing, "t", ["vessel"], rows)]) == []


def test_an_empty_call_for_the_side_a_listing_has_none_of_is_no_gap() -> None:
    log = Tool(
        "fault_log",
        "Engine faults of a vessel: vessel, code, raised",
        frozenset({"fault"}),
        input_schema=_obj({"vessel": {"type": "string", "description": "vessel id, e.g. mv-holm"}}),
        idempotent=True,
    )
    question = "delays on mv-holm vs mv-skerry in the last 3 hrs?"
    rows = [{"vessel": "mv-holm", "delays": 3}]
    state = RunState()
    steps = [PlanStep("s1", "delays", {}), PlanStep("s2", "fault_log", {"vessel": "mv-skerry"})]
    listing = CallRecord("c1", "s1", "delays", {}, CallStatus.OK, {"rows": rows}, started_at=NOW)
    empty = CallRecord("c2", "s2", "fault_log", {"vessel": "mv-skerry"}, CallStatus.OK, {"rows": []}, started_at=NOW)
    for rec in (listing, empty):
        state.latest[rec.step_id] = rec
        state.records.append(rec)
    delays = Tool("delays", "Delays per vessel", frozenset({"delay"}), input_schema=_obj({}), idempotent=True)
    tools = {"delays": delays, "fault_log": log}
    assert empty_results(question, steps, state, tools) == []
    # without the listing's rows holding the other side, the empty call is a gap as before
    state.records[0] = state.latest["s1"] = CallRecord(
        "c1", "s1", "delays", {}, CallStatus.OK, {"rows": [{"vessel": "mv-ferran", "delays": 1}]}, started_at=NOW
    )
    (reason,) = empty_results(question, steps, state, tools)
    assert "returned no data for mv-skerry" in reason.detail


def test_a_topic_word_read_as_a_name_no_step_took_is_reported_uncovered() -> None:
    from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
    from opsuite_ops.domain.model import Budget
    from opsuite_ops.domain.planning import PlanRequest

    holds = Tool(
        "lot_holds",
        "Lots on hold: lot, vessel, reason, held by, since",
        frozenset({"lot", "hold"}),
        input_schema=_obj({"vessel": {"type": "string", "default": "", "description": "vessel id, e.g. mv-holm"}}),
        idempotent=True,
    )

    def reasons(question: str) -> list[str]:
        request = PlanRequest(question, [holds, ROLLOUTS], Budget(max_steps=4), NOW)
        return [r.detail for r in DeterministicPlanner().plan_sync(request).not_covered]

    # "in scrap" reads as a service no inventory lists; no step takes it, and no tool knows the word
    assert "no tool reports scrap" in reasons("how much are we looking at in scrap on the mv-holm holds?")
    # a verb's object or a phrase after "of" is no topic put in that place ("out of service", "running hot")
    assert not [r for r in reasons("which holds are running hot on mv-holm?") if "hot" in r]
    assert not [r for r in reasons("which lots are out of service on mv-holm?") if "service" in r]


def test_an_id_a_listing_holds_fills_that_columns_parameter_and_bracketed_ids_are_examples() -> None:
    from opsuite_ops.domain.entities import inventory_from_outputs
    from opsuite_ops.domain.extract import extract_entities
    from opsuite_ops.domain.fill import fill_variants
    from opsuite_ops.domain.param_kinds import ids_like_example

    vessels = [{"vessel": "MV-07", "route": "north"}, {"vessel": "MV-12", "route": "south"}]
    inventory = inventory_from_outputs({"vessel_fleet": {"rows": vessels}})
    entities = extract_entities("engine faults on MV-07 over the last 6 hrs?", now=NOW, inventory=inventory)
    assert entities.ids == ("MV-07",)  # an id, and a value of the listing's vessel column
    faults = Tool(
        "engine_faults",
        "Engine faults since from_ts: vessel, code, raised",
        frozenset({"fault"}),
        input_schema=_obj(
            {
                "from_ts": {"type": "string", "format": "date-time"},
                "vessel": {"type": "string", "default": "", "description": "empty: all"},
            }
        ),
        idempotent=True,
    )
    (filled, *_rest) = fill_variants(faults, entities, now=NOW)
    assert filled.arguments["vessel"] == "MV-07"  # not every vessel's faults
    # "a vessel (MV-07) or an engine (MV-07.P)": ids in brackets are the parameter's examples
    target = {"type": "string", "description": "a vessel (MV-07) or an engine (MV-07.P)"}
    assert ids_like_example(target, entities) == ["MV-07"]
    assert ids_like_example({"type": "string", "description": "a vessel (see the fleet)"}, entities) == []


def test_anything_off_says_which_series_shift_or_that_none_does() -> None:
    from opsuite_ops.domain.oddities import asks_anything_odd, oddities
    from opsuite_ops.domain.series import analyse_table

    assert asks_anything_odd("bay C particle counts last 12 hrs, anything off?")
    assert asks_anything_odd("any readings unusual on the north deck?")
    assert not asks_anything_odd("particle counts in bay C over the last 12 hrs")
    assert not asks_anything_odd("did we turn any alarms off on deck 3?")
    steady = [{"at": (NOW - timedelta(hours=k)).isoformat(), "deck": "north", "count": 20 + k % 3} for k in range(12)]
    table = analyse_table(["at", "deck", "count"], steady)
    assert table is not None
    (text, ids), *rest = oddities("anything off?", [("c1", "deck_counts(hours=12)", table)])
    assert not rest and ids == ("c1",)
    assert text.startswith("Anything off: nothing stands out by change points: none of the 1 series")
    jumped = [{**r, "count": r["count"] + (200 if k < 4 else 0)} for k, r in enumerate(steady)]  # the newest 4
    shifted = analyse_table(["at", "deck", "count"], jumped)
    assert shifted is not None
    ((text, _ids),) = oddities("anything odd?", [("c2", "deck_counts(hours=12)", shifted)])
    assert "1 of the 1 series returned have a level shift: count (deck=north) of deck_counts(hours=12): a rise" in text
    assert oddities("what are the counts?", [("c1", "deck_counts(hours=12)", table)]) == []


def test_a_small_steady_drift_is_a_trend_and_small_noise_is_not() -> None:
    from opsuite_ops.domain.series import trend

    days = [NOW - timedelta(days=59 - k) for k in range(60)]
    wobble = [((k * 7) % 5 - 2) * 0.4 for k in range(60)]  # +-0.8 around the line
    drifting = [412 - 15.6 * k / 59 + w for k, w in enumerate(wobble)]  # 4% down over two months, day by day
    assert trend(days, drifting) == "falling"
    assert trend(days, [404 + w for w in wobble]) == "flat"  # no drift, only the wobble
    # a change of 2%, however steady, is too small to call; 12% is a trend however noisy
    assert trend(days, [400 + 8 * k / 59 for k in range(60)]) == "flat"
    noisy = [400 + 48 * k / 59 + (30 if k % 2 else -30) for k in range(60)]
    assert trend(days, noisy) == "rising"


def test_a_required_parameter_takes_the_names_of_the_kind_its_description_says() -> None:
    from opsuite_ops.domain.entities import inventory_from_outputs
    from opsuite_ops.domain.extract import extract_entities
    from opsuite_ops.domain.fill import fill_variants

    vessels = [{"vessel": "FX-07", "route": "north"}, {"vessel": "GR-12", "route": "south"}]
    inventory = inventory_from_outputs({"vessel_fleet": {"rows": vessels}})
    daily = Tool(
        "engine_daily",
        "Daily summary per engine of ONE vessel or engine: hours, fuel burn",
        frozenset({"metric", "daily"}),
        input_schema={
            "type": "object",
            "properties": {"target": {"type": "string", "description": "a vessel (AB-01) or an engine (AB-01.P)"}},
            "required": ["target"],
        },
        idempotent=True,
    )
    entities = extract_entities("fuel burn of GR-12 vs FX-07 this wk?", now=NOW, inventory=inventory)
    filled = fill_variants(daily, entities, now=NOW)
    # the vessels the question names, one call each, though neither is spelt like the example
    assert sorted(f.arguments.get("target") for f in filled) == ["FX-07", "GR-12"]


def test_a_column_naming_the_moment_of_each_check_is_no_group_of_the_series() -> None:
    from opsuite_ops.domain.series import analyse_table

    rows = []
    for k in range(30):  # a check every 20 minutes; each names the sailing it measured on both decks at once
        at = (NOW - timedelta(minutes=20 * (29 - k))).isoformat()
        for deck in ("upper", "lower"):
            rows.append({"deck": deck, "sailing": f"S{1000 + k}", "noise_db": 60 + (25 if k >= 24 else 0), "at": at})
    table = analyse_table(["deck", "sailing", "noise_db", "at"], rows)
    assert table is not None  # not a breakdown of (deck, sailing) pairs, nor 30 series of one point each
    assert table.label_columns == ("deck",) and "sailing" in table.other_columns
    assert [s.onset is not None for s in table.series] == [True, True]  # the rise at the 25th check, per deck


def test_ch_is_a_chamber() -> None:
    from opsuite_ops.domain.coverage import CoverageCheck, vocabulary
    from opsuite_ops.domain.ranking import DEFAULT_SYNONYMS

    chambers = Tool(
        "chamber_checks",
        "Particle checks per process chamber: adders, measured",
        frozenset({"metric", "chamber"}),
        input_schema=_obj({}),
        idempotent=True,
    )
    vocab = vocabulary([chambers])
    assert CoverageCheck.of(("adders", "ch"), [chambers], DEFAULT_SYNONYMS, vocab).uncovered == ()
    assert CoverageCheck.of(("adders", "cx"), [chambers], DEFAULT_SYNONYMS, vocab).uncovered == ("cx",)


def test_an_enum_word_in_a_phrase_of_the_tools_own_prose_names_its_subject_not_a_value() -> None:
    from opsuite_ops.domain.fill_words import names_the_subject

    description = "Harbour network change requests (HNC-nnnn): title, category (engines, network, deck), state"
    options = ["engines", "network", "deck"]
    words = ["changes", "harbour", "network"]
    question = "what changes went in on the harbour network today?"
    assert names_the_subject("network", options, words, question, description)
    # the word alone, or beside a word the prose does not put with it, is the category
    assert not names_the_subject("network", options, ["network", "changes"], "any network changes?", description)
    assert not names_the_subject("network", options, ["changes", "network"], "changes to the network?", description)
    # prose naming the other options too offers a choice: "open incidents" there is status=open
    listing = "Lists open incidents and closed incidents of the port: status (open, closed)"
    assert not names_the_subject("open", ["open", "closed"], ["open", "incidents"], "open incidents?", listing)


def test_what_have_they_found_plans_the_log_people_write_findings_in() -> None:
    from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
    from opsuite_ops.domain.model import Budget
    from opsuite_ops.domain.planning import PlanRequest

    def tool(name: str, description: str, tags: set[str]) -> Tool:
        return Tool(name, description, frozenset(tags), input_schema=_obj({}), idempotent=True)

    tools = [
        tool("work_orders", "Work orders on the ferries' engines: asset, kind, status, assignee", {"maintenance"}),
        tool("oncall_rota", "On-call rota: rota, person, mobile, on now", {"oncall", "contact"}),
        tool("fuel_samples", "Fuel quality samples: contamination, water, sampled by", {"quality", "fuel"}),
        tool("bunker_tickets", "Fuel bunkering tickets: vessel, litres, supplier, sampled", {"fuel"}),
        tool("fuel_tanks", "Fuel tanks: level, water, contamination alarm, issue raised", {"fuel", "tank"}),
        tool("fuel_filters", "Fuel filter changes and their contamination findings per engine", {"fuel"}),
        tool("fuel_suppliers", "Fuel suppliers: contamination issue contacts, working hours", {"fuel", "contact"}),
        tool("crew_hours", "Crew working hours: engineer, lead, operator, technician", {"crew"}),
        tool("fuel_issues", "Fuel contamination issues: raised, engineer working it, owner", {"fuel", "issue"}),
        tool("bridge_log", "Bridge and engine room log entries, newest first", {"log", "handover"}),
    ]

    def planned(question: str) -> set[str]:
        request = PlanRequest(question, tools, Budget(max_steps=8), NOW)
        return {s.tool for s in DeterministicPlanner().plan_sync(request).plan.steps}

    assert "bridge_log" in planned("whos working the fuel contamination issue n what have they found?")
    assert "bridge_log" not in planned("whos working the fuel contamination issue?")
    from opsuite_ops.domain.people import keeps_notes

    assert not keeps_notes(tool("release_notes", "Release notes of the ticketing app", {"release"}))


def test_records_named_by_ids_carry_the_measure_the_question_names_over_time() -> None:
    rows = [
        {"sample": f"FS-{5000 + k}", "sampled": (NOW - timedelta(minutes=30 * (15 - k))).isoformat(),
         "water_ppm": 40 + (160 if k >= 10 else 0) + k % 3}
        for k in range(16)
    ]  # fmt: skip
    call = CallRecord("c1", "s1", "fuel_samples", {"hours_back": 8}, CallStatus.OK, {"rows": rows}, started_at=NOW)
    fact = analyse_call(call, None, None, "water in the fuel samples over the last 8 hrs?").fact
    assert "FS-5015" in fact  # the records, each with its id
    assert "over time: water_ppm latest" in fact and "rising), onset of a rise at" in fact
    # a count is of the records; a measure no word of the question names is not summarised
    assert "over time" not in analyse_call(call, None, None, "how many fuel samples over the last 8 hrs?").fact
    assert "over time" not in analyse_call(call, None, None, "fuel samples over the last 8 hrs?").fact


def test_huge_numbers_and_capped_or_split_listings_claim_nothing() -> None:
    from opsuite_ops.domain.compose import _facts
    from opsuite_ops.domain.series import analyse_table

    times = [(NOW - timedelta(minutes=12 - k)).isoformat() for k in range(12)]
    swinging = [{"time": t, "v": (1e160 if k % 4 in (0, 3) else -1e160)} for k, t in enumerate(times)]
    assert analyse_table(["time", "v"], swinging) is not None  # no OverflowError from the trend's squares
    huge = [{"time": t, "v": 1.7e308} for t in times]  # too large even to average: the answer says so
    facts = _facts("v over the last hour?", [CallRecord("c1", "s1", "meter", {}, CallStatus.OK, {"rows": huge})])
    assert [c.detail for c in facts.cuts] == [
        "meter() returned numbers too large to summarise; the run's trace keeps its output"
    ]
    question = "delays on mv-holm vs mv-skerry?"
    rows = [{"vessel": "mv-holm", "delays": 3}, {"vessel": "mv-ferran", "delays": 1}]
    top = CallRecord("c1", "s1", "delays", {"top": 2}, CallStatus.OK, {"rows": rows}, started_at=NOW)
    assert absent_sides(question, [(top, "delays(top=2)", ["vessel", "delays"], rows)]) == []  # skerry may be third
    split = [{"vessel": "mv-holm", "relief": "mv-skerry", "delays": 3}]
    call = CallRecord("c2", "s2", "delays", {}, CallStatus.OK, {"rows": split}, started_at=NOW)
    assert absent_sides(question, [(call, "delays()", ["vessel", "relief", "delays"], split)]) == []  # in relief
