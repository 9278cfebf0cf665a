"""Honest answers (issue 13, the blind railway and robotics estates' causes): "across all X" calls a tool taking one
X once per value its enum allows ("each one" does not); a ranking's column can be spelt by initials ("state of
health": ``soh``) and only the tools whose column names the measure best are ranked; a table every row of which a
ranking read is no cut answer; record ids with slashes in any case ("fms/26/04417") and six-digit numbers after a
word ("trust 884377") are ids, a ``*_ref`` parameter takes them; a look-back cut to its schema's maximum says so (a
part not covered for "3 wks ago", a note for "the last 30 days"); "2131B" is the "P2131B" a parameter's example
spells; a call on a named thing whose rows are all older than asked is no answer; "still open" reaches back far, and
"cleared" ends a lifecycle; "who" looks for the tools naming people; "the most X this past week" adds a count up; an
enum value is named by the label its description writes ("FSP/HJ/01 Harbour Junction"); a search for a word no other
tool knows is never auxiliary; a column naming what other rows refer to (an alarm's asset) is no full list of its kind,
and a name no output mentions and no call returning rows took may not exist; "AL 3130" is one id when a tool writes
ids so; "this wk" is the last seven days, and "the most hrs lost" ranks a duration summed per thing; "when did X
first go over 80" names each series' first point past 80, or says none went past it; "whats it costing" asks the verb.

The estate is made up (a ferry operator's vessels, berths and defects); no estate's names.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.aggregate import asks_ranking, rank_column, summed_over_window, summed_per
from opsuite_ops.domain.broaden import auxiliary_searches
from opsuite_ops.domain.call_facts import analyse_call
from opsuite_ops.domain.compose import DeterministicComposer
from opsuite_ops.domain.coverage import CoverageCheck, asks_who, vocabulary
from opsuite_ops.domain.entities import TICKET_ID, inventory_from_outputs
from opsuite_ops.domain.enum_labels import described_values
from opsuite_ops.domain.example_names import prefixed_example
from opsuite_ops.domain.executor import RunState
from opsuite_ops.domain.extract import canonical_param, extract_entities
from opsuite_ops.domain.fill import LATEST_WINDOW, fill_variants
from opsuite_ops.domain.fill_words import choose_enum
from opsuite_ops.domain.identifiers import spaced_ids, unmentioned_ids
from opsuite_ops.domain.model import AnswerReason, CallRecord, CallStatus, PlanStep, Tool
from opsuite_ops.domain.ranking import DEFAULT_SYNONYMS

from .harbour import obj

NOW = datetime(2033, 8, 9, 12, 0, tzinfo=UTC)


VESSELS = ["MV Corran", "MV Lismore", "MV Tiree"]
ENGINE_HEALTH = Tool(
    "engine_health",
    "Daily engine readings of one vessel: state of health (%), running hours, oil temperature",
    frozenset({"metric", "engine"}),
    input_schema=obj(
        {
            "vessel": {"type": "string", "enum": VESSELS},
            "days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 1},
        },
        ("vessel",),
    ),
    idempotent=True,
)
SENSORS = Tool(
    "sensor_log",
    "Every reading of one hull sensor over the last N hours: strain, temperature",
    frozenset({"metric", "sensor"}),
    input_schema=obj(
        {
            "sensor": {"type": "string", "pattern": "^[Hh]\\d{3}[AB]?$", "description": "sensor id, e.g. H204A"},
            "hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 2},
        },
        ("sensor",),
    ),
    idempotent=True,
)
DEFECTS = Tool(
    "defects",
    "Defects (DEF/yy/nnnn) reported on or after a UTC date: vessel, status (open, attended, cleared)",
    frozenset({"history", "defect"}),
    input_schema=obj(
        {
            "since_date": {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"},
            "status": {"type": "string", "enum": ["", "open", "attended", "cleared"], "default": ""},
        },
        ("since_date",),
    ),
    idempotent=True,
)


def _variants(tool: Tool, question: str) -> list[dict[str, Any]]:
    return [v.arguments for v in fill_variants(tool, extract_entities(question, now=NOW), now=NOW)]


def test_across_all_of_a_kind_calls_once_per_value_and_each_one_does_not() -> None:
    calls = _variants(ENGINE_HEALTH, "which engine has the lowest state of health across all vessels?")
    assert sorted(c["vessel"] for c in calls) == VESSELS
    assert all("vessel" not in c for c in _variants(ENGINE_HEALTH, "which vessels do we run and where is each one?"))


def test_initials_name_a_column_and_the_best_named_tool_is_ranked() -> None:
    ask = asks_ranking("which vessel has the lowest engine state of health?")
    assert ask is not None and rank_column(ask, ["enginePct", "sohPct"]) == "sohPct"


async def test_a_ranking_over_every_row_leaves_no_cut_and_ranks_the_best_named_column() -> None:
    health = [{"vessel": f"V{k}", "day": "2033-08-09", "sohPct": 90 - k} for k in range(60)]
    charge = [{"vessel": f"V{k}", "enginePct": 50 + k} for k in range(60)]
    calls = [
        CallRecord("c1", "s1", "engine_health", {}, CallStatus.OK, output={"rows": health}),
        CallRecord("c2", "s2", "engine_charge", {}, CallStatus.OK, output={"rows": charge}),
    ]
    out = await DeterministicComposer().compose("which vessel has the lowest engine state of health?", calls, [])
    assert "Lowest sohPct" in out.answer and "Lowest enginePct" not in out.answer
    assert not [r for r in out.truncated if r.step_id == "s1"]  # every row was ranked
    assert [r for r in out.truncated if r.step_id == "s2"]  # the other table is still cut


def test_ids_with_slashes_in_any_case_and_long_numbers_after_a_word() -> None:
    assert TICKET_ID.match("DEF/33/0412") and TICKET_ID.match("def/33/0412") and not TICKET_ID.match("tcp/443")
    assert extract_entities("whats def/33/0412 n its status", now=NOW).ids == ("def/33/0412",)
    known = frozenset({"incident"})
    assert extract_entities("incident 884377, how long so far", now=NOW, vocabulary=known).ids == ("884377",)
    over = extract_entities("vessels with over 250000 running hours", now=NOW, vocabulary=known)
    assert not over.ids and 250000.0 in over.numbers
    plural = extract_entities("incident 1000000 messages", now=NOW, vocabulary=known)  # a quantity of messages
    assert not plural.ids and 1000000.0 in plural.numbers
    assert canonical_param("trust_ref") == "id" and canonical_param("reference") == "reference"


def test_a_look_back_past_the_maximum_says_so() -> None:
    (ago,) = fill_variants(ENGINE_HEALTH, extract_entities("MV Tiree soh 3 wks ago", now=NOW), now=NOW)
    assert ago.arguments["days"] == 14 and any("14 days at most" in u for u in ago.unexpressed)
    (last,) = fill_variants(ENGINE_HEALTH, extract_entities("MV Tiree soh in the last 30 days", now=NOW), now=NOW)
    assert not last.unexpressed and any("14 days at most" in r for r in last.readings)


def test_a_name_without_its_kinds_letters_is_the_examples_spelling() -> None:
    assert prefixed_example("204a", (SENSORS,)) == ("sensor", "H204A")
    assert prefixed_example("2041", (SENSORS,)) is None  # no letter: a number
    assert prefixed_example("20a", (SENSORS,)) is None  # not spelt like the example


def test_a_named_call_whose_rows_are_all_older_than_asked_is_no_answer() -> None:
    rows = [{"sensor": "H204A", "ts": "2033-08-09T06:00:00Z", "strain": 4.1}]
    named = CallRecord("c1", "s1", "sensor_log", {"sensor": "H204A"}, CallStatus.OK, output={"rows": rows})
    facts = analyse_call(named, SENSORS, since=NOW - timedelta(hours=2))
    assert [c.reason for c in facts.cuts] == [AnswerReason.NOT_COVERED]
    listing = CallRecord("c2", "s2", "sensor_log", {}, CallStatus.OK, output={"rows": rows})
    assert analyse_call(listing, SENSORS, since=NOW - timedelta(hours=2)).cuts == []


def test_still_open_reaches_back_far_and_cleared_ends_a_lifecycle() -> None:
    calls = _variants(DEFECTS, "which defects are still open?")
    assert {c["status"] for c in calls} == {"open", "attended"}  # every state before the lifecycle's end
    assert {c["since_date"] for c in calls} == {(NOW - LATEST_WINDOW).strftime("%Y-%m-%d")}
    (plain,) = _variants(DEFECTS, "how many defects with open hatches today?")  # "open" alone: no lifecycle
    assert plain["since_date"] == NOW.strftime("%Y-%m-%d")
    assert choose_enum(["", "open", "attended", "cleared"], ["defects", "still", "open"])[0] == ["open", "attended"]


def test_who_looks_for_the_tools_naming_people() -> None:
    assert "technician" in asks_who("whos on site at the ferry port?") and asks_who("who's on call") != ()
    assert asks_who("which vessel is the oldest?") == () and asks_who("whoever") == ()


def test_the_most_of_a_count_over_a_window_sums_each_series() -> None:
    rows = [{"vessel": "A", "day": "2033-08-0" + str(d), "alarms": n} for d, n in ((7, 3), (8, 0), (9, 1))]
    assert summed_over_window("which vessel had the most alarms this past week?", "alarms", rows)
    assert not summed_over_window("which vessel has the most alarms?", "alarms", rows)  # no window: the latest
    pct = [{**r, "alarm_pct": r["alarms"]} for r in rows]  # whole numbers: only the name says it does not add up
    assert not summed_over_window("which vessel had the most alarms this past week?", "alarm_pct", pct)


def test_an_enum_value_is_named_by_the_label_its_description_writes() -> None:
    feeders = "FDR/PT/01 Port Terminal, FDR/NQ/02 North Quay; empty: all"
    assert described_values(["", "FDR/PT/01", "FDR/NQ/02"], feeders, ["load", "north", "quay"]) == ["FDR/NQ/02"]
    assert described_values(["PT", "NQ"], "berth: PT (Port Terminal), NQ (North Quay)", ["port", "terminal"]) == ["PT"]
    assert described_values(["PT1"], "Port Terminal (PT1)", ["terminal"]) == []  # every word of the label
    assert described_values(["J1"], "J1 Harbour Junction", ["harbour", "jn"]) == ["J1"]  # an abbreviation


def test_a_search_for_a_word_no_other_tool_knows_is_never_auxiliary() -> None:
    docs = Tool("docs", "Search the port's procedures", frozenset({"document"}), idempotent=True,
                input_schema=obj({"q": {"type": "string"}}, ("q",)))  # fmt: skip
    tools = {"docs": docs, "engine_health": ENGINE_HEALTH}
    state = RunState()
    search = PlanStep("s1", "docs", {"q": "engine dark"})
    data = PlanStep("s2", "engine_health", {"vessel": "MV Tiree"})
    state.latest["s1"] = CallRecord("c1", "s1", "docs", {"q": "engine dark"}, CallStatus.OK, output={"rows": []})
    rows = {"rows": [{"day": "2033-08-09", "sohPct": 80}]}
    state.latest["s2"] = CallRecord("c2", "s2", "engine_health", {}, CallStatus.OK, output=rows)
    assert auxiliary_searches("how long was the engine dark on MV Tiree?", [search, data], state, tools) == set()
    state.latest["s1"] = CallRecord("c1", "s1", "docs", {"q": "engine"}, CallStatus.OK, output={"rows": []})
    plain = PlanStep("s1", "docs", {"q": "engine"})
    assert auxiliary_searches("engine soh on MV Tiree?", [plain, data], state, tools) == {"s1"}


def test_a_column_naming_what_other_rows_refer_to_lists_no_unknown_name() -> None:
    register = {"rows": [{"vessel": "MV Corran", "berth": "B1"}, {"vessel": "MV Tiree", "berth": "B2"}]}
    alarms = {"rows": [{"alarm": "A1", "asset": "eng-01"}, {"alarm": "A2", "asset": "eng-03"}]}
    inventory = inventory_from_outputs({"vessel_register": register, "alarm_log": alarms})
    assert inventory.subjects == {"vessel", "alarm"}
    # "eng-02" is spelt like the assets the alarms named, but that column lists only those: no unknown claim...
    assert extract_entities("is eng-02 ok?", now=NOW, inventory=inventory).unknown == ()
    # ...while a near miss of a listing's own subject column stays unknown.
    listed = inventory_from_outputs({"engine_register": {"rows": [{"engine": "eng-01"}, {"engine": "eng-03"}]}})
    assert [u.name for u in extract_entities("is eng-02 ok?", now=NOW, inventory=listed).unknown] == ["eng-02"]


def test_a_name_no_output_mentions_and_no_call_took_may_not_exist() -> None:
    rows = [{"vessel": "MV Corran", "state": "sailing"}]
    ok = CallRecord("c1", "s1", "fleet_status", {}, CallStatus.OK, output={"rows": rows})
    (reason,) = unmentioned_ids("is eng-15 running ok?", [ok], [])
    assert reason.reason is AnswerReason.ENTITY_UNKNOWN and "eng-15" in reason.detail
    took = CallRecord("c2", "s2", "engine_health", {"engine": "eng-15"}, CallStatus.OK, output={"rows": [{"x": 1}]})
    assert unmentioned_ids("is eng-15 running ok?", [ok, took], []) == []  # a call about it returned rows
    assert unmentioned_ids("version 2.31.0 anywhere?", [ok], []) == []  # a version is no name


CODES = Tool(
    "alarm_code",
    "What one alarm code means (e.g. AL 3130 or 3130): text, severity, first action",
    frozenset({"lookup", "alarm", "document"}),
    input_schema=obj({"code": {"type": "string", "description": "alarm code"}}, ("code",)),
    idempotent=True,
)


def test_letters_a_space_and_a_number_are_one_id_when_a_tool_writes_them_so() -> None:
    read = spaced_ids(extract_entities("what does AL 3130 mean?", now=NOW), "what does AL 3130 mean?", (CODES,))
    assert read.ids == ("AL 3130",) and 3130.0 not in read.numbers and "al" not in read.terms
    assert [v.arguments for v in fill_variants(CODES, read, now=NOW)] == [{"code": "AL 3130"}]
    question = "what does BX 3130 mean?"  # no tool writes ids with "BX"
    assert spaced_ids(extract_entities(question, now=NOW), question, (CODES,)).ids == ()
    quantity = "hosts logged 2000 or 5000 errors"  # "or" is no id's letters, though "AL 3130 or 3130" is written
    assert spaced_ids(extract_entities(quantity, now=NOW), quantity, (CODES,)).ids == ()


def test_this_week_is_the_last_seven_days_and_hours_lost_rank_a_duration() -> None:
    window = extract_entities("stops this wk", now=NOW).time_range
    assert window is not None and window.since == NOW - timedelta(days=7)
    ask = asks_ranking("which vessel lost the most hrs to stops this wk?")
    assert ask is not None and rank_column(ask, ["lost_mwh", "duration_min"]) == "duration_min"
    rows = [{"vessel": v, "duration_min": d} for v, d in (("A", 130), ("A", 40), ("A", None), ("B", 20), ("B", 5))]
    summed = summed_per("vessel", "duration_min", rows) or []
    assert [(r.label, r.value) for r in summed] == [("vessel=A", 170.0), ("vessel=B", 25.0)]


async def test_when_a_series_first_went_past_a_level_or_says_none_did() -> None:
    rows = [
        {"vessel": v, "ts": f"2033-08-09T0{h}:00:00Z", "oil_temp": t}
        for v, temps in (("A", (70, 78, 83, 91)), ("B", (60, 61, 62, 63)))
        for h, t in enumerate(temps)
    ]
    call = CallRecord("c1", "s1", "engine_temps", {}, CallStatus.OK, output={"rows": rows})
    out = await DeterministicComposer().compose("when did the oil temp first go over 80?", [call], [])
    assert "First above 80: oil_temp, vessel=A: 83 at 2033-08-09 02:00Z" in out.answer
    # Only the measure asked: no other column's crossing; "over 2 hours" is a span, no level.
    rpm = [{**r, "rpm": 900} for r in rows]
    call_rpm = CallRecord("c1", "s1", "engine_temps", {}, CallStatus.OK, output={"rows": rpm})
    other = await DeterministicComposer().compose("when did the oil temp first go over 95?", [call_rpm], [])
    assert "First above" not in other.answer and any("above 95" in r.detail for r in other.truncated)
    span = await DeterministicComposer().compose("when did the oil temp rise over 2 hours?", [call], [])
    assert "First above" not in span.answer
    none = await DeterministicComposer().compose("when did the oil temp first go over 95?", [call], [])
    assert any("no series returned goes above 95" in r.detail for r in none.truncated)


def test_whats_holds_its_auxiliary_so_its_verb_is_asked() -> None:
    vocab = vocabulary((ENGINE_HEALTH, SENSORS))
    terms = extract_entities("engine soh now, n whats it costing us?", now=NOW, vocabulary=vocab).terms
    assert "costing" in CoverageCheck.of(terms, (ENGINE_HEALTH, SENSORS), DEFAULT_SYNONYMS, vocab).uncovered
