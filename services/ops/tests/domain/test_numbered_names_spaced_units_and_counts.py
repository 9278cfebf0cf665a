"""Numbered names, spaced units, counts and thin search hits (issue 13, the twentieth estate written blind): "dh5"
beside enum halls DH1..DH3 is a hall the estate does not have; "GEN 2" is the listed unit written with a space; a
search answered only by a page holding few of its words found nothing on the rest; "which crah has alarmed the
most" counts every row of an alarm log; "how many customer tickets" counts the tickets, not the customer cages, and
a count "about temps" no column says is partial.

The estate is made up (a brewery's tanks, packaging lines and boilers); no estate's names.
"""

from datetime import UTC, datetime
from typing import Any

from opsuite_ops.domain.aggregate import asks_ranking, counted_about, counted_named
from opsuite_ops.domain.broaden import Narrowing, empty_searches
from opsuite_ops.domain.compose import DeterministicComposer
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import Inventory
from opsuite_ops.domain.executor import RunState
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.model import AnswerReason, Budget, CallRecord, CallStatus, PlanStep, Tool
from opsuite_ops.domain.planning import PlanRequest
from opsuite_ops.domain.row_counts import counted_rows, rows_named

NOW = datetime(2025, 6, 3, 7, 0, tzinfo=UTC)


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required)}


TANK_TEMPS = Tool(
    "tank_temps",
    "Fermentation tank temperatures per cellar",
    frozenset({"metric"}),
    input_schema=_obj({"cellar": {"type": "string", "enum": ["", "FC1", "FC2", "FC3"], "default": ""}}),
    idempotent=True,
)


def _plan(question: str, tools: list[Tool], inventory: Inventory | None = None) -> Any:
    request = PlanRequest(question=question, tools=tools, budget=Budget(), now=NOW, inventory=inventory)
    return DeterministicPlanner().plan_sync(request)


def test_a_numbered_name_beside_an_enum_of_numbered_values_is_unknown_with_the_closest() -> None:
    outcome = _plan("whats the warmest tank in FC5 atm?", [TANK_TEMPS])
    unknown = [r.detail for r in outcome.not_covered if r.reason is AnswerReason.ENTITY_UNKNOWN]
    assert unknown == ["no cellar named fc5 (did you mean FC1, FC2 or FC3?)"]
    assert not [r for r in _plan("whats the warmest tank in FC2 atm?", [TANK_TEMPS]).not_covered]
    # other letters ("line5") or another number of digits ("fc12") are no cellar by their spelling
    for question in ("whats the warmest tank by line5?", "whats the warmest tank in fc12?"):
        assert not [r for r in _plan(question, [TANK_TEMPS]).not_covered if r.reason is AnswerReason.ENTITY_UNKNOWN]


def test_a_unit_written_with_a_space_is_the_listed_value() -> None:
    inventory = Inventory(values={"boiler2": ("unit", "BOILER 2"), "boiler1": ("unit", "BOILER 1")})
    entities = extract_entities("why is BOILER 2 out of service?", now=NOW, inventory=inventory)
    assert ("unit", "BOILER 2") in entities.values and "2" not in entities.words[-1:]


def _search_run(found: dict[str, list[dict[str, str]]]) -> tuple[list[PlanStep], RunState, Narrowing]:
    steps = [PlanStep("s1", "docs_search", {"q": "sla credit owe hopworks"})]
    state, narrowing = RunState(), Narrowing()
    state.latest["s1"] = CallRecord("c1", "s1", "docs_search", {"q": "sla credit owe hopworks"}, CallStatus.OK, [])
    narrowing.rounds["s1"] = [[]]
    for k, (q, rows) in enumerate(found.items(), start=2):
        sid = f"s{k}"
        state.latest[sid] = CallRecord(f"c{k}", sid, "docs_search", {"q": q}, CallStatus.OK, rows)
        narrowing.rounds["s1"][0].append(sid)
    return steps, state, narrowing


def test_a_search_answered_by_a_page_holding_few_of_its_words_found_nothing_on_the_rest() -> None:
    docs = Tool("docs_search", "Search the procedures", frozenset({"document"}), input_schema=_obj({"q": {}}, ("q",)))
    tools = {"docs_search": docs}
    thin = _search_run({"sla": [{"doc": "SOP-1", "body": "the SLA is 4 hours"}]})
    (reason,) = empty_searches(*thin[:2], tools, thin[2], "how much sla credit do we owe hopworks?")
    assert "found nothing on credit, owe, hopworks" in reason.detail
    # most of its words found: an answer (only a name the question writes in capitals must be found too)
    rich = _search_run({"sla credit owe": [{"doc": "SOP-2", "body": "the SLA credit we owe is 5%"}]})
    assert empty_searches(*rich[:2], tools, rich[2], "how much sla credit do we owe hopworks?") == []


def test_an_alarm_log_counts_every_row_for_alarmed_and_the_counted_words_choose_the_tool() -> None:
    question = "which boiler has alarmed the most this wk?"
    assert rows_named(question, "alarm_log") == ("alarmed", ())
    ask = asks_ranking(question)
    assert ask is not None
    log = [{"source": "BLR/01", "code": c} for c in ("HI-T", "LO-P", "HI-T")] + [{"source": "BLR/02", "code": "HI-T"}]
    boilers = [{"unit": "BLR/01"}, {"unit": "BLR/02"}]
    calls = [
        ("plant", ("c1",), ["unit"], boilers, {"kind": "boiler"}),
        ("alarm_log", ("c2",), ["source", "code"], log, {}),
    ]
    ((text, _ids),) = counted_rows(question, ask, calls)
    assert text.startswith("Highest alarms of alarm_log()") and "3 for source=BLR/01; then 1 for source=BLR/02" in text
    # a tool named after the thing asked is counted too ("which customer ... the most tickets": customer_tickets)
    tickets = [{"customer": "Hopworks"}, {"customer": "Hopworks"}, {"customer": "Maltings"}]
    ask2 = asks_ranking("which customer raised the most tickets?")
    assert ask2 is not None
    ((text2, _),) = counted_rows(
        "which customer raised the most tickets?", ask2, [("customer_tickets", ("c3",), ["customer"], tickets, {})]
    )
    assert "2 for customer=Hopworks" in text2
    assert counted_named("how many customer tickets this wk?", "customer_tickets") == {"customer", "tickets"}
    assert counted_named("how many customer tickets this wk?", "customer_cages") == {"customer"}


async def test_a_count_about_a_topic_no_column_says_is_partial() -> None:
    assert counted_about("how many customer tickets about temps since yesterday?") == "temps"
    assert counted_about("tell me about temps") == ""  # no count
    rows = [{"ticket": f"CS-{i}", "subject": s} for i, s in enumerate(("Tank too warm", "Invoice query"))]
    call = CallRecord("c1", "s1", "customer_tickets", {}, CallStatus.OK, output={"rows": rows})
    composer = DeterministicComposer()
    about = await composer.compose("how many customer tickets about temps since yesterday?", [call], [])
    assert any('about "temps"' in r.detail for r in about.truncated)
    assert not (await composer.compose("how many customer tickets since yesterday?", [call], [])).truncated


def test_two_words_making_one_enum_value_are_that_value_and_a_number_out_of_bounds_is_no_argument() -> None:
    from opsuite_ops.domain.fill import fill_arguments

    strings = Tool(
        "cell_strings",
        "Battery strings of the packaging line UPS: internal resistance per day over the last N days",
        frozenset({"metric", "trend"}),
        input_schema=_obj(
            {
                "string": {"type": "string", "enum": ["UPS-P1:STR1", "UPS-P1:STR2", "UPS-P2:STR1"]},
                "days": {"type": "integer", "minimum": 1, "maximum": 60, "default": 14},
            },
            ("string",),
        ),
        idempotent=True,
    )
    steps = _plan("ups-p1 str2 resistance over the last month?", [strings]).plan.steps
    assert [(s.tool, dict(s.arguments)) for s in steps] == [("cell_strings", {"string": "UPS-P1:STR2", "days": 30})]
    temps = Tool(
        "aisle_temps",
        "Cellar temperatures per aisle over the last N minutes",
        frozenset({"metric"}),
        input_schema=_obj({"lookback_minutes": {"type": "integer", "minimum": 15, "maximum": 2880, "default": 180}}),
    )
    request = PlanRequest(question="how warm is cellar aisle 1 rn?", tools=[temps], budget=Budget(), now=NOW)
    entities = DeterministicPlanner().entities(request)
    assert fill_arguments(temps, entities, now=NOW).arguments.get("lookback_minutes") != 1  # "aisle 1": no look-back


def test_hash_ids_numbered_units_snapshots_amounts_and_first_jumps() -> None:
    from opsuite_ops.domain.absence import reported_in_rows
    from opsuite_ops.domain.model import AnswerStatusReason
    from opsuite_ops.domain.series_format import record_ids
    from opsuite_ops.domain.timeline import asks_for_onset

    assert extract_entities("whats HB#22817 about?", now=NOW).ids == ("HB#22817",)
    units = Inventory(values={f"fv{i}": ("unit", f"FV {i:02d}") for i in range(1, 9)})
    entities = extract_entities("what is FV 21 doing?", now=NOW, inventory=units)
    (unknown,) = entities.unknown
    assert (unknown.name, unknown.kind, unknown.suggestions[0]) == ("FV 21", "unit", "FV 08")
    assert ("unit", "FV 03") in extract_entities("what is FV 03 doing?", now=NOW, inventory=units).values
    snapshot = [{"unit": f"FV {i:02d}", "since": f"2025-06-0{1 + i % 2}T00:00:00Z"} for i in range(1, 9)]
    assert record_ids(["unit", "since"], snapshot, "since")
    assert not record_ids(["msg", "since"], [{"msg": f"req {i}"} for i in range(8)], "since")  # messages
    rows = [{"unit": "FV 01", "model": "FV-6 (diesel-electric)"}]
    call = CallRecord("c1", "s1", "fleet", {}, CallStatus.OK, output={"rows": rows})
    reason = AnswerStatusReason(AnswerReason.NOT_COVERED, "no tool reports diesel", terms=("diesel",))
    tools = {"fleet": Tool("fleet", "Vehicles", frozenset({"inventory"}))}
    assert reported_in_rows(reason, [call], tools, "which trucks are diesel?")
    assert not reported_in_rows(reason, [call], tools, "how much diesel is left in the trucks?")
    assert asks_for_onset("when did fermenter temps first jump?") and asks_for_onset("what time did it kick off?")
    assert not asks_for_onset("when did fv 7 first go over 20?")  # a crossing, asked on its own


def test_a_tenants_parameter_pattern_runs_on_re2() -> None:
    from opsuite_ops.domain.param_kinds import pattern_ok
    from opsuite_ops.domain.timerange import duration_text

    evil = {"type": "string", "pattern": "^(a+)+$"}  # exponential on a backtracking engine
    assert not pattern_ok(evil, "a" * 40 + "!")  # returns at once on RE2 (Python's re would not)
    assert pattern_ok({"pattern": "^[Vv][Xx]-?\\d{5}$"}, "VX-00417") and pattern_ok({}, "anything")
    assert not pattern_ok({"pattern": "(?<=x)y"}, "xy")  # a pattern RE2 refuses matches nothing
    assert duration_text({"type": "string", "pattern": "^(\\d+)+[dh]$"}, 86400) == "1d"


def test_review_mends_filters_kept_bounds_reported_and_ids_of_their_kind() -> None:
    from opsuite_ops.domain.fill import fill_arguments
    from opsuite_ops.domain.param_kinds import id_like, lookup_example

    # a listed port spelt unlike the example ("ge-0/0/1", "e.g. 1/0/24") still filters: no other parameter names it
    ports = Tool("port_alarms", "Alarms per port", frozenset({"alarm"}),
                 input_schema=_obj({"port": {"type": "string", "description": "port, e.g. 1/0/24"}}))  # fmt: skip
    inventory = Inventory(values={"ge001": ("port", "ge-0/0/1")})
    entities = extract_entities("how many port alarms on ge-0/0/1 today?", now=NOW, inventory=inventory)
    assert fill_arguments(ports, entities, now=NOW).arguments == {"port": "ge-0/0/1"}
    # a threshold outside the schema's bounds is still given (the call is refused and reported), not dropped
    slow = Tool("slow_queries", "Queries slower than a threshold", frozenset({"metric"}),
                input_schema=_obj({"min_ms": {"type": "integer", "minimum": 100, "default": 1000}}))  # fmt: skip
    request = PlanRequest(question="which queries were slower than 50 ms?", tools=[slow], budget=Budget(), now=NOW)
    assert fill_arguments(slow, DeterministicPlanner().entities(request), now=NOW).arguments == {"min_ms": 50}
    # ids of another kind or case: no value of an id parameter
    assert id_like("CE-003314", "CE-004123") and not id_like("SR-88123", "CE-004123")
    assert not id_like("srv-1002", "INC-4211") and not id_like("PO-2291", "CE-004123")
    # a "query" stays free text whatever its example
    query = {"query": {"type": "string", "description": "e.g. INC-4211"}}
    tickets = Tool("ticket_search", "Tickets by id", frozenset({"search"}), input_schema=_obj(query, ("query",)))
    assert lookup_example(tickets, "query", tickets.properties["query"]) is None
    # a host's dotted region is no level code: "eu-west-1" is not read as the host db.eu-west-1
    hosts = Inventory(values={"dbeuwest1": ("host", "db.eu-west-1"), "apiuseast1": ("host", "api.us-east-1")})
    assert extract_entities("latency in eu-west-1", now=NOW, inventory=hosts).readings == ()


def test_review_mends_rankings_need_rows_of_the_kind_and_a_thing_per_row() -> None:
    question = "which pump threw the most occlusion alarms this week?"
    ask = asks_ranking(question)
    assert ask is not None
    log = [{"asset": "P1", "code": "AIR-IN"}, {"asset": "P1", "code": "AIR-IN"}, {"asset": "P2", "code": "OCC-DN"}]
    pumps = ("pump_fleet", ("c1",), ["asset"], [{"asset": "P1"}, {"asset": "P2"}], {})
    assert counted_rows(question, ask, [pumps, ("alarm_log", ("c2",), ["asset", "code"], log, {})]) == []
    # one row per pump (a summary): no count of its rows
    summary = [{"pump": "P1", "total": 4}, {"pump": "P2", "total": 40}]
    ask2 = asks_ranking("which pump threw the most alarms?")
    assert ask2 is not None
    assert counted_rows("which pump threw the most alarms?", ask2, [("alarm_summary", ("c3",), ["pump", "total"],
                                                                      summary, {})]) == []  # fmt: skip
    # "logged the most errors": the errors are counted, not every row of a log
    assert rows_named("which host has logged the most errors today?", "app_log") is None
    assert counted_about("how many tickets came in about an hour ago?") == ""


def test_a_past_day_out_of_reach_is_not_covered_and_down_is_covered_by_a_fault_state() -> None:
    from opsuite_ops.domain.coverage import is_topic
    from opsuite_ops.domain.fill import fill_arguments
    from opsuite_ops.domain.timerange import time_range

    since = time_range("errors since 2025-05-20?", NOW)
    assert since is not None and since.until == NOW  # "since" a day runs to now
    back = {"lookback_minutes": {"type": "integer", "minimum": 15, "maximum": 2880}}
    journeys = Tool("journey_times", "Journey times per route over the last N minutes", input_schema=_obj(back))
    request = PlanRequest(question="avg journey time on 2025-05-20?", tools=[journeys], budget=Budget(), now=NOW)
    filled = fill_arguments(journeys, DeterministicPlanner().entities(request), now=NOW)
    assert filled.arguments == {"lookback_minutes": 2880}
    assert filled.unexpressed == ("journey_times reaches back 2880 minutes at most, not 2025-05-20",)
    # "is anything down": a word for a unit in fault or stopped, which a tool reporting those states covers
    assert not is_topic("down", frozenset({"fault"})) and not is_topic("down", frozenset({"stopp"}))  # "stopped"


async def test_second_review_mends_each_rule_can_fail() -> None:
    from opsuite_ops.domain.fill import fill_arguments
    from opsuite_ops.domain.fill_words import enum_choices
    from opsuite_ops.domain.param_kinds import id_like
    from opsuite_ops.domain.row_counts import asks_most_of

    assert id_like("INC-4212", "INC-4211") and not id_like("inc-4212", "INC-4211")  # written in capitals
    depth = Tool("queue_depth", "Hourly queue depth per queue over the last N hours", frozenset({"metric"}),
                 input_schema=_obj({"hours": {"type": "integer", "default": 168, "maximum": 720}}))  # fmt: skip
    request = PlanRequest(question="when did the queue depth first jump past 30?", tools=[depth], budget=Budget(),
                          now=NOW)  # fmt: skip
    plan = DeterministicPlanner().plan_sync(request).plan
    assert [dict(s.arguments) for s in plan.steps] == [{}]  # its own 168 h, neither 24 h nor the threshold 30
    ask = asks_ranking("which valve logged the most critical faults?")
    assert ask is not None
    log = [{"unit": "V1", "text": "non-critical drift"}] * 3 + [{"unit": "V2", "text": "critical leak"}] * 2
    log += [{"unit": "V1", "text": "critical seal"}]
    valves = ("valve_list", ("c0",), ["unit"], [{"unit": "V1"}, {"unit": "V2"}], {})
    ((text, _),) = counted_rows("which valve logged the most critical faults?", ask,
                                [valves, ("fault_log", ("c1",), ["unit", "text"], log, {})])  # fmt: skip
    assert "2 for unit=V2; then 1 for unit=V1" in text  # "non-critical" is no critical fault
    times = asks_ranking("what time had the most faults?")
    timed = [{"unit": "V1", "time": t, "text": "fault"} for t in ("10:00", "10:00", "11:00")]
    faults = ("fault_log", ("c1",), ["unit", "time", "text"], timed, {})
    assert times is not None and counted_rows("what time had the most faults?", times, [valves, faults]) == []
    assert asks_most_of("which pump threw the most alarms?") and not asks_most_of("which alarms are the most severe?")
    assert not asks_most_of("what are the most recent alarms?")
    rows = [{"asset": "P1", "code": "A"}, {"asset": "P1", "code": "B"}, {"asset": "P2", "code": "A"}]
    call = CallRecord("c1", "s1", "alarm_log", {}, CallStatus.OK, output={"rows": rows})
    unranked = await DeterministicComposer().compose("which pump threw the most occlusion alarms?", [call], [])
    assert any("most is not worked out" in r.detail for r in unranked.truncated)
    tickets = [{"ticket": f"T{i}", "kind": k} for i, k in enumerate(("network", "power", "network"))]
    tcall = CallRecord("c2", "s2", "tickets", {}, CallStatus.OK, output={"rows": tickets})
    about = await DeterministicComposer().compose("how many tickets about network since yesterday?", [tcall], [])
    assert not any("about" in r.detail for r in about.truncated)  # the count filtered on it (kind=network)
    assert "Count: 2 (of the 3 rows of tickets(), those with 'network' in any column)" in about.answer
    assert enum_choices(["running", "stopped", "down"], ["stopped"]) == ["stopped"]  # "stopped" chooses no "down"
    assert fill_arguments(depth, _entities_of("queue depth on 2025-05-01?", [depth]), now=NOW).unexpressed


def _entities_of(question: str, tools: list[Tool]) -> Any:
    return DeterministicPlanner().entities(PlanRequest(question=question, tools=tools, budget=Budget(), now=NOW))
