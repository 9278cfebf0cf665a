"""Keys, dotted tails, bookings and states (issue 13, the eighteenth estate written blind): a look-up by key takes a
word written like its example and never the question's key terms; a record id spelt like a required name's
example fills it; "bay-c" and "bay c" name the one listed "F2.BAY-C"; a listed value with another separator is
no value of a parameter whose example has none of it; "booked" reaches back as "still open" does; "active" is
no activation; a misspelt enum value still ranks its tool; a misspelt search tool's name still names it.

The estate is made up (a greenhouse's climate bays and irrigation valves); no estate's names.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.broaden import auxiliary_searches
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import Inventory
from opsuite_ops.domain.executor import RunState
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.fill import fill_arguments, fill_variants
from opsuite_ops.domain.fill_words import asks_not_ended
from opsuite_ops.domain.model import Budget, CallRecord, CallStatus, PlanStep, Tool
from opsuite_ops.domain.param_kinds import ids_like_example, key_example, lookup_example, separated_within
from opsuite_ops.domain.planning import PlanRequest
from opsuite_ops.domain.timeline import lists_changes, names_changes

NOW = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required)}


FAULT_CODE = Tool(
    "fault_code",
    "What one controller fault code means, per model: text and the first action",
    frozenset({"lookup", "fault", "document"}),
    input_schema=_obj({"code": {"type": "string", "description": "fault code, e.g. HUM-HI"}}, ("code",)),
    idempotent=True,
)
VALVE_TAG = Tool(
    "valve_locate",
    "Where one valve's tag was last seen",
    frozenset({"location", "lookup"}),
    input_schema=_obj(
        {"valve": {"type": "string", "pattern": "^[Vv][Xx]-?\\d{5}$", "description": "valve tag, e.g. VX-01234"}},
        ("valve",),
    ),
    idempotent=True,
)
BAY_CLIMATE = Tool(
    "bay_climate",
    "Climate readings of the greenhouse bays",
    frozenset({"metric", "climate"}),
    input_schema=_obj(
        {
            "bay": {"type": "string", "enum": ["", "F1.BAY-A", "F2.BAY-C", "F2.W07"], "default": ""},
            "code": {"type": "string", "default": "", "description": "fault code, e.g. HUM-HI; empty: all"},
        }
    ),
    idempotent=True,
)
BAYS = Inventory(values={"f1baya": ("bay", "F1.BAY-A"), "f2bayc": ("bay", "F2.BAY-C"), "f2w07": ("bay", "F2.W07")})


def _entities(question: str, inventory: Inventory | None = None, tools: tuple[Tool, ...] = ()) -> Any:
    planner = DeterministicPlanner()
    request = PlanRequest(question=question, tools=list(tools), budget=Budget(), now=NOW, inventory=inventory)
    return planner.entities(request)


def test_a_look_up_by_key_takes_a_word_written_like_its_example_never_key_terms() -> None:
    assert lookup_example(FAULT_CODE, "code", FAULT_CODE.properties["code"]) == "HUM-HI"
    asked = fill_arguments(FAULT_CODE, _entities("what does TMP-LO mean on the misters?", tools=(FAULT_CODE,)), now=NOW)
    assert asked.arguments == {"code": "TMP-LO"}
    # "the misters" written in lower case, or no code at all: nothing to look up (not "misters" or "tmp lo")
    for question in ("why are the misters faulting so much?", "what does tmp-lo mean?"):
        filled = fill_arguments(FAULT_CODE, _entities(question, tools=(FAULT_CODE,)), now=NOW)
        assert filled.arguments == {} and filled.missing == ("code",)
    # free text stays free text: a search "by words of the title, e.g. HUM-HI" is no look-up by key
    words = {"type": "string", "description": "words of the title, e.g. HUM-HI"}
    assert key_example(words) is None


def test_a_record_id_spelt_like_a_required_names_example_fills_it() -> None:
    entities = _entities("whats VX-00417 n where was it last seen?", tools=(VALVE_TAG,))
    assert ids_like_example(VALVE_TAG.properties["valve"], entities) == ["VX-00417"]
    assert fill_arguments(VALVE_TAG, entities, now=NOW).arguments == {"valve": "VX-00417"}
    other = _entities("whats PO-2291 about?", tools=(VALVE_TAG,))  # an id of another shape
    assert fill_arguments(VALVE_TAG, other, now=NOW).missing == ("valve",)


def test_a_dotted_values_tail_names_it_hyphenated_or_spaced() -> None:
    for question in ("humidity on bay-c over the last hour", "humidity on bay c over the last hour"):
        entities = extract_entities(question, now=NOW, inventory=BAYS)
        assert ("bay", "F2.BAY-C") in entities.values
        assert [r.value for r in entities.readings] == ["F2.BAY-C"]
    # a domain's last part is no name of its own ("org" of example.org), nor a tail two values share
    hosts = Inventory(values={"apiexampleorg": ("host", "api.example.org")})
    assert extract_entities("errors on org", now=NOW, inventory=hosts).values == ()


def test_a_listed_value_with_a_separator_the_example_lacks_is_no_value_of_it() -> None:
    assert separated_within("F2.W07", "F1.BAY-A") and not separated_within("F2.BAY-C", "HUM-HI")
    # the listing calls its bay column "code" (a bay the tool's bay parameter takes): no fault code like "HUM-HI"
    inventory = Inventory(values={"f2bayc": ("code", "F2.BAY-C")}, kinds={"f2bayc": {"code", "bay"}})
    entities = extract_entities("humidity on bay-c", now=NOW, inventory=inventory)
    assert fill_variants(BAY_CLIMATE, entities, now=NOW)[0].arguments.get("code") is None


def test_booked_and_upcoming_reach_back_like_still_open() -> None:
    assert asks_not_ended(["has", "the", "vendor", "booked", "anything"])
    assert not asks_not_ended(["planned", "maintenance"]) and not asks_not_ended(["upcoming", "work"])
    jobs = Tool(
        "jobs",
        "Work orders created after a day",
        frozenset({"history"}),
        input_schema=_obj({"from_date": {"type": "string", "format": "date"}}, ("from_date",)),
    )
    booked = fill_arguments(jobs, _entities("has the vendor booked anything?", tools=(jobs,)), now=NOW)
    done = fill_arguments(jobs, _entities("what did the vendor do?", tools=(jobs,)), now=NOW)
    assert booked.arguments["from_date"] < (NOW - timedelta(days=30)).date().isoformat()
    assert done.arguments["from_date"] == (NOW - timedelta(days=1)).date().isoformat()


def test_an_active_alarm_is_a_state_not_an_activation() -> None:
    snapshot = "Valves as the controller sees them now: state, active alarm code, firmware version"
    assert not names_changes("valve_fleet", snapshot, frozenset({"state"}))
    assert not lists_changes("valve_fleet", snapshot, frozenset({"state"}))
    assert names_changes("flag_log", "Feature flag activations", frozenset())


def test_a_misspelt_enum_value_still_ranks_its_tool() -> None:
    changes = Tool(
        "change_requests",
        "Change requests of the last N days: title, category, implemented by",
        frozenset({"change", "history"}),
        input_schema=_obj({"category": {"type": "string", "enum": ["", "firmware", "network"], "default": ""}}),
        idempotent=True,
    )
    request = PlanRequest(
        question="who pushed the new firmwear to bay-c?",
        tools=[changes, BAY_CLIMATE],
        budget=Budget(),
        now=NOW,
        inventory=BAYS,
    )
    steps = DeterministicPlanner().plan_sync(request).plan.steps
    assert ("change_requests", {"category": "firmware"}) in [(s.tool, s.arguments) for s in steps]


def test_a_misspelt_search_tool_name_still_names_the_search() -> None:
    docs = Tool(
        "procedures_search",
        "Free-text search of the procedures",
        frozenset({"document"}),
        input_schema=_obj({"q": {"type": "string"}}, ("q",)),
    )
    tools = {"procedures_search": docs, "bay_climate": BAY_CLIMATE}
    steps = [PlanStep("s1", "bay_climate", {}), PlanStep("s2", "procedures_search", {"q": "climate"})]
    state = RunState()
    state.latest["s1"] = CallRecord("c1", "s1", "bay_climate", {}, CallStatus.OK, output={"rows": [{"bay": "F1"}]})
    state.latest["s2"] = CallRecord("c2", "s2", "procedures_search", {"q": "climate"}, CallStatus.OK, output=[])
    assert auxiliary_searches("proceedure for the climate on bay a?", steps, state, tools) == frozenset()
    assert auxiliary_searches("the climate on bay a?", steps, state, tools) == frozenset({"s2"})


def test_the_most_events_are_a_logs_rows_counted_per_the_thing_asked() -> None:
    from opsuite_ops.domain.aggregate import asks_ranking
    from opsuite_ops.domain.row_counts import counted_rows, rows_named

    question = "which valve threw the most pressure faults this wk?"
    assert rows_named(question, "fault_log") == ("faults", ("pressure",))
    assert rows_named("which valve has the most fault code text?", "fault_log") is None  # no plural counted
    ask = asks_ranking(question)
    assert ask is not None
    log = [
        {"tag": "VX-00001", "text": "pressure low"},
        {"tag": "VX-00001", "text": "pressure low"},
        {"tag": "VX-00002", "text": "pressure high"},
        {"tag": "VX-00002", "text": "sensor lost"},
        {"tag": "VX-00002", "text": "sensor lost"},
    ]
    # the same call made twice counts once
    fleet = [{"valve": "VX-00001", "bay": "F1"}, {"valve": "VX-00002", "bay": "F2"}]
    calls = [("valve_fleet", ("c1",), ["valve", "bay"], fleet, {}), ("fault_log", ("c2",), ["tag", "text"], log, {})]
    (text, ids), *rest = counted_rows(question, ask, [*calls, ("fault_log", ("c3",), ["tag", "text"], log, {})])
    assert not rest and ids == ("c2",)  # the same call again (same arguments) counts once
    # the tags are the valves valve_fleet listed; only the pressure faults count (VX-00002 has 3 faults, 1 of them)
    assert (
        'rows counted per tag, those with "pressure"' in text and "2 for tag=VX-00001; then 1 for tag=VX-00002" in text
    )
    # without a listing of valves (nor a "valve" column) nothing says which column holds them
    assert counted_rows(question, ask, calls[1:]) == []
    # a tool already ranked by a column of its own is not counted again
    assert counted_rows(question, ask, calls, ranked=frozenset({"fault_log"})) == []


def test_an_enum_value_is_named_by_the_quantities_its_tools_description_lists_for_it() -> None:
    from opsuite_ops.domain.enum_labels import quantity_values

    readings = Tool(
        "plant_readings",
        "Hourly readings of one plant item, narrow rows: PMP1 feed pump (flow_lps, motor_temp_c), TK-2 buffer tank "
        "(level_pct, inlet_lps), valves VX.A/B (position_pct)",
        frozenset({"metric"}),
        input_schema=_obj({"item": {"type": "string", "enum": ["PMP1", "TK-2", "VX.A", "VX.B"]}}, ("item",)),
    )
    options = ["PMP1", "TK-2", "VX.A", "VX.B"]
    assert quantity_values(options, readings.description, ["whats", "the", "tank", "level"]) == ["TK-2"]
    assert quantity_values(options, readings.description, ["motor", "hot"]) == ["PMP1"]
    assert quantity_values(options, readings.description, ["inlet", "flow"]) == []  # two items list a flow
    assert fill_arguments(readings, _entities("hows the level rn?", tools=(readings,)), now=NOW).arguments == {
        "item": "TK-2"
    }
    # a name the estate may not have ("VX.C") is never answered by another item's quantity
    unknown = fill_arguments(readings, _entities("whats the position of VX.C rn?", tools=(readings,)), now=NOW)
    assert unknown.missing == ("item",)


def test_a_verb_before_the_most_counts_an_event_logs_rows_saying_it() -> None:
    from opsuite_ops.domain.aggregate import asks_ranking
    from opsuite_ops.domain.row_counts import counted_rows, rows_named

    question = "which valve has jammed the most this wk?"
    assert rows_named(question, "fault_log") == ("jammed", ("jam",))
    assert rows_named(question, "valve_register") is None  # no event tool: a verb counts none of its rows
    ask = asks_ranking(question)
    assert ask is not None
    log = [
        {"unit": "VX-00001", "code": "JAM"},
        {"unit": "VX-00001", "code": "JAM"},
        {"unit": "VX-00002", "code": "JAM"},
    ]
    log += [{"unit": "VX-00002", "code": "PE-BLK"}, {"unit": "VX-00002", "code": "MTR-OL"}]
    # the register listed the valves under kind=valve (its name says nothing of valves)
    register = [{"unit": "VX-00001", "kind": "valve"}, {"unit": "VX-00002", "kind": "valve"}]
    calls = [
        ("equipment", ("c1",), ["unit", "kind"], register, {"kind": "valve"}),
        ("fault_log", ("c2",), ["unit", "code"], log, {}),
    ]
    (text, _ids), *rest = counted_rows(question, ask, calls)
    assert (
        not rest and "Highest jams of fault_log()" in text and "2 for unit=VX-00001; then 1 for unit=VX-00002" in text
    )
    # rows none of which says it: no count of every row instead
    quiet = [(*calls[0][:3], calls[0][3], {"kind": "valve"}), ("fault_log", ("c2",), ["unit", "code"], log[3:], {})]
    assert counted_rows(question, ask, quiet) == []


def test_a_guessed_name_spelt_like_an_id_parameters_example_is_a_record_id() -> None:
    ticket = Tool(
        "supplier_ticket",
        "One supplier support ticket by its reference",
        frozenset({"lookup", "ticket"}),
        input_schema=_obj({"ref": {"type": "string", "description": "ticket reference, e.g. GRW-CS-20417"}}, ("ref",)),
        idempotent=True,
    )
    entities = _entities("whats GRW-CS-31008 about?", tools=(ticket,))
    assert entities.ids == ("GRW-CS-31008",) and not entities.guessed
    assert fill_arguments(ticket, entities, now=NOW).arguments == {"ref": "GRW-CS-31008"}
    # a host-like name of another length is no such id ("web-99" is no "GRW-CS-20417")
    assert _entities("cpu on web-99", tools=(ticket,)).ids == ()


def test_a_past_tense_the_tools_only_write_undoubled_still_ranks_their_tool() -> None:
    faults = Tool(
        "fault_log",
        "Fault log between two times: unit, fault code (JAM, ESTOP), raised",
        frozenset({"fault", "history"}),
        input_schema=_obj({"start": {"type": "string", "format": "date-time"}}, ("start",)),
    )
    register = Tool(
        "valve_register", "Valves: tag, bay", frozenset({"inventory"}), input_schema=_obj({}), idempotent=True
    )
    request = PlanRequest(
        question="which valve has jammed the most this wk?", tools=[register, faults], budget=Budget(), now=NOW
    )
    assert "fault_log" in {s.tool for s in DeterministicPlanner().plan_sync(request).plan.steps}


def test_a_status_snapshot_of_named_units_is_records_with_the_asked_states_first() -> None:
    from opsuite_ops.domain.call_facts import analyse_call
    from opsuite_ops.domain.series import analyse_table

    units = [f"VX-{i:05d}" for i in range(8)] + ["PMP 1", "BOILER"]
    rows = [
        {
            "unit": u,
            "state": "degraded" if u == "PMP 1" else "running",
            "since": f"2025-04-0{1 + i % 2}T08:00:00Z",
            "queue": i,
        }
        for i, u in enumerate(units)
    ]
    assert analyse_table(["unit", "state", "since", "queue"], rows) is None  # one row per unit: no series
    call = CallRecord("c1", "s1", "unit_status", {}, CallStatus.OK, output={"rows": rows})
    facts = analyse_call(call, None, None, "is anything degraded rn?")
    assert facts.fact.split(": ", 1)[1].startswith("10 rows: unit=PMP 1, state=degraded")


def test_a_count_series_says_its_total_over_an_asked_window() -> None:
    from opsuite_ops.domain.call_facts import analyse_call

    rows = [{"machine": "M1", "measure": m, "value": v, "hour_end": f"2025-04-02T0{h}:00:00Z"}
            for h in range(1, 7) for m, v in (("bags_screened", 100 + h), ("alarm_pct", 2), ("queue", 3))]  # fmt: skip
    call = CallRecord("c1", "s1", "hourly", {}, CallStatus.OK, output={"rows": rows})
    asked = analyse_call(call, None, None, "bags screened in the last 6 hrs on m1?").fact
    assert "621 in all over those 6 points" in asked and asked.count("in all") == 1  # not the percent nor a gauge
    assert "in all" not in analyse_call(call, None, None, "bags screened on m1?").fact  # no window asked
    assert "in all" not in analyse_call(call, None, None, "m1 in the last 6 hrs?").fact  # nor the things counted


def test_a_hyphenated_word_is_searched_as_written_and_upgrades_and_jobs_rank_changes_and_work_orders() -> None:
    from opsuite_ops.domain.fill_words import key_terms

    docs = Tool(
        "procedures_search",
        "Free-text search of the procedures",
        frozenset({"document"}),
        input_schema=_obj({"q": {"type": "string"}}, ("q",)),
    )
    reads = Tool("read_stats", "Tag reads per reader: no-read rate (%)", frozenset({"metric"}), input_schema=_obj({}))
    entities = _entities("procedure for a high no-read rate after a firmware update?", tools=(docs, reads))
    assert "no-read" not in entities.guessed  # a word the tools write: its words are tool words
    assert "no-read rate" in key_terms(docs, entities) and "no read" not in key_terms(docs, entities)
    changes = Tool(
        "change_records",
        "Change records of the last N days: title, units, implemented by",
        frozenset({"change", "history"}),
        input_schema=_obj({}),
        idempotent=True,
    )
    orders = Tool(
        "work_orders",
        "Maintenance work orders: unit, technician, notes",
        frozenset({"maintenance"}),
        input_schema=_obj({}),
        idempotent=True,
    )
    planner = DeterministicPlanner()

    def planned(question: str) -> set[str]:
        request = PlanRequest(question=question, tools=[changes, orders, BAY_CLIMATE], budget=Budget(), now=NOW)
        return {s.tool for s in planner.plan_sync(request).plan.steps}

    assert "change_records" in planned("who did the controller upgrade on bay a?")
    assert "work_orders" in planned("whos the tech on the bay a job?")
