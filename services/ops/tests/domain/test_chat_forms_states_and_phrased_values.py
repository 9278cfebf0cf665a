"""Honest answers (issue 13, the blind dairy and mobile-network estates' causes), on a made-up estate (a ferry
terminal's ramps, gangways and standby generators): chat spellings ("b4", "change-wise") and a number to call
("their desk no?") read as meant; "escalate" finds what speaks of escalation, misspelt too; "lookback_min" is
minutes; a yes/no question about one named thing reads its state from its row instead of filtering on the state
asked; an enum value of words led by a preposition ("on hold") is named by the phrase; "which X has been <state>
the most" counts an event log's rows of that state per X; rows that give their own reason answer "why"; a list's
rows holding a part of a value the question names ("phx" of ``s3-phx``) come first.
"""

from datetime import UTC, datetime
from typing import Any

from opsuite_ops.domain.aggregate import asks_ranking
from opsuite_ops.domain.call_facts import analyse_call
from opsuite_ops.domain.coverage import CoverageCheck, ate_forms, vocabulary
from opsuite_ops.domain.entities import inventory_from_outputs
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.fill import fill_variants
from opsuite_ops.domain.fill_words import choose_enum
from opsuite_ops.domain.initialise import initialise
from opsuite_ops.domain.model import Block, BlockKind, CallRecord, CallStatus, Tool
from opsuite_ops.domain.ranking import DEFAULT_SYNONYMS, rank_tools
from opsuite_ops.domain.row_counts import asks_most_of, counted_rows, rows_named
from opsuite_ops.domain.timerange import duration_value
from opsuite_ops.domain.typos import misspelt

NOW = datetime(2026, 5, 14, 10, 0, tzinfo=UTC)


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required or []}


def _tool(name: str, description: str, props: dict[str, Any], tags: tuple[str, ...] = ()) -> Tool:
    return Tool(name, description, frozenset(tags), input_schema=_obj(props), idempotent=True)


def test_chat_spellings_a_wise_suffix_and_a_number_to_call_are_read_as_meant() -> None:
    assert initialise("how long b4 RMP-2 trips?").text == "how long before RMP-2 trips?"
    assert initialise("what went in change-wise 2moro").text == "what went in change tomorrow"
    assert initialise("whats their service desk no?").text == "whats their service desk phone no?"
    assert initialise("the NOC number pls").text == "the NOC phone number pls"
    # a count, an id or a plain "no" stay as they are
    for text in ("the number of ramps", "their number of cases", "ticket number TK-1", "desk no more", "no of bays"):
        assert initialise(text).text == text


def test_escalate_finds_what_speaks_of_escalation_and_its_misspelling_too() -> None:
    assert ate_forms("escalat") == {"escal"} and ate_forms("escal") == {"escalat"}
    assert "form" not in ate_forms("format")  # "format" is no "form"
    directory = _tool("supplier_directory", "Suppliers: phone, hours, escalation contact", {})
    rota = _tool("ramp_rota", "Ramp operators on shift", {})
    vocab = vocabulary([directory, rota])
    assert CoverageCheck.of(("escalate",), [directory, rota], DEFAULT_SYNONYMS, vocab).uncovered == ()
    assert rank_tools("who do I escalate to", [rota, directory])[0][0] is directory
    assert misspelt("escallate", vocab, frozenset()) == "escal"


def test_lookback_min_is_minutes_and_min_alone_a_minimum() -> None:
    schema = {"type": "integer", "minimum": 15, "maximum": 2880}
    assert duration_value("lookback_min", schema, 8 * 3600) == 480
    assert duration_value("window_min", schema, 3600) == 60
    assert duration_value("min_load", schema, 3600) is None


def test_a_yes_no_question_about_one_named_thing_reads_its_state_from_its_row() -> None:
    board = _tool(
        "ramp_board",
        "Every ramp and gangway now: state (RUNNING, STOPPED, FAULT) and since when",
        {
            "ramp": {"type": "string", "default": "", "description": "e.g. RMP-2"},
            "state": {"type": "string", "enum": ["", "RUNNING", "STOPPED", "FAULT"], "default": ""},
        },
    )

    rows = [{"ramp": r, "state": s} for r, s in (("RMP-1", "STOPPED"), ("RMP-2", "RUNNING"), ("GW-7", "FAULT"))]
    inventory = inventory_from_outputs({"ramp_board": {"rows": rows}})

    def args(question: str) -> dict[str, Any]:
        entities = extract_entities(question, now=NOW, inventory=inventory)
        return fill_variants(board, entities, now=NOW)[0].arguments

    assert args("is RMP-2 up rn or has it stopped?") == {"ramp": "RMP-2"}  # its row says RUNNING or STOPPED
    assert args("which ramps are stopped?")["state"] == "STOPPED"  # which ones: a filter
    assert args("is anything stopped?")["state"] == "STOPPED"
    alarms = _tool(
        "ramp_alarms",
        "Alarms of a ramp: severity, text, raised",
        {"ramp": {"type": "string", "default": ""}, "severity": {"type": "string", "enum": ["", "critical", "minor"]}},
    )
    entities = extract_entities("does RMP-2 have critical alarms?", now=NOW, inventory=inventory)
    assert fill_variants(alarms, entities, now=NOW)[0].arguments["severity"] == "critical"  # it qualifies the alarms


def test_an_enum_value_led_by_a_preposition_is_named_by_the_phrase() -> None:
    options = ["", "on_hold", "released", "rejected"]
    assert choose_enum(options, ["lots", "hold"], question="which lots r on hold rn?") == (["on_hold"], [])
    # "not on hold": every other value (no sentinel, no default)
    assert choose_enum(options, ["lots", "hold"], question="lots not on hold", negated=["hold"]) == (
        ["released", "rejected"],
        [],
    )
    assert choose_enum(["", "off_air", "on_air"], ["off", "air"], question="anything off air?") == ([], [])


def test_which_thing_has_been_in_a_state_the_most_counts_the_logs_rows_of_that_state() -> None:
    question = "which ramp has gone out of service the most this wk?"
    assert asks_most_of(question)
    assert rows_named(question, "incident_log") == ("out service", ("out", "service"))
    assert rows_named("which ramp has jammed the most?", "incident_log") == ("jammed", ("jam",))  # a verb's rows
    ask = asks_ranking(question, DEFAULT_SYNONYMS)
    assert ask is not None
    log = [{"target": t, "kind": k} for t, k in [("RMP-2", "out_of_service")] * 3
           + [("RMP-1", "out_of_service"), ("GW-7", "slow"), ("GW-7", "slow"), ("GW-7", "outage_drill"),
              ("LNK-9", "slow"), ("LNK-9", "slow"), ("BAY-3", "slow"), ("BAY-3", "slow")]]  # fmt: skip
    ramps = [{"ramp": r, "berth": "B1"} for r in ("RMP-1", "RMP-2")]
    calls = [
        ("ramp_board", ("c1",), ["ramp", "berth"], ramps, {}),
        ("incident_log", ("c2",), ["target", "kind"], log, {}),
    ]
    (text, ids), *rest = counted_rows(question, ask, calls)
    # the targets of every row are mostly no ramps; those out of service are ("out" whole: not GW-7's "outage")
    assert not rest and ids == ("c2",) and "3 for target=RMP-2; then 1 for target=RMP-1" in text


def test_rows_holding_a_part_of_a_value_the_question_names_come_first() -> None:
    rules = [
        {"rule": f"rr-{src}-{dst}-0{i}", "bucket": b, "dest": f"s3-{dst}"}
        for i, (src, dst, b) in enumerate([("ash", "den", "audit"), ("ash", "phx", "wal"), ("ash", "phx", "crm")])
    ]
    call = CallRecord("c1", "s1", "replication_rules", {}, CallStatus.OK, output={"rows": rules})
    fact = analyse_call(call, None, None, "which buckets replicate to phx?").fact
    assert fact.index("bucket=wal") < fact.index("bucket=crm") < fact.index("bucket=audit")


def test_the_backup_of_a_primary_is_its_secondary_and_a_money_value_is_a_measure() -> None:
    assert initialise("ramp on call this wk - primary n backup?").text == "ramp on call this wk - primary n secondary?"
    assert initialise("when did the backup run").text == "when did the backup run"
    assert "value" in extract_entities("whats their stock value?", now=NOW).terms  # no tool may report it
    assert "value" not in extract_entities("whats the value of the ramp angle?", now=NOW).terms  # a form word
    assert initialise("when did the ramp alarms kick off").text == "when did the ramp alarms start"
    assert initialise("any well kicks on rig 7").text == "any well kicks on rig 7"  # a kick of a well, a thing
    assert initialise("is bay b4 down? n whats up b4 that").text == "is bay b4 down? n whats up before that"


def test_a_count_of_the_things_a_tool_has_one_row_per_counts_its_rows() -> None:
    from opsuite_ops.domain.aggregate import counted_head
    from opsuite_ops.domain.compose import _one_row_per

    holds = _tool("vehicle_holds", "Vehicle holds at the gate, one row per trailer: reason, placed, status", {})
    assert counted_head("how many trailers r on hold n why?") == ("trailers", ())  # "r" is "are", no head
    assert _one_row_per("how many trailers r on hold?", holds)
    assert not _one_row_per("how many gates r there?", holds)


def test_daily_measures_tagged_history_are_series_and_a_log_search_for_a_person_answers_what_they_found() -> None:
    from opsuite_ops.domain.coverage import searched
    from opsuite_ops.domain.investigate import CHANGES, SERIES, role
    from opsuite_ops.domain.model import PlanStep

    window = {"from_date": {"type": "string", "format": "date", "default": ""}}
    daily = _tool("ramp_kpi_daily", "Daily ramp cycles and faults, kept 14 days", window, ("metric", "history"))
    rollouts = _tool("ramp_rollouts", "Controller software rollouts and config changes", window, ("metric", "history"))
    assert role(daily) == SERIES and role(rollouts) == CHANGES
    log = _tool("terminal_log", "Duty log of the terminal: author, entry", {"search": {"type": "string"}}, ("log",))
    steps = [PlanStep("s1", "terminal_log", {"search": "leontine"})]
    assert not searched(steps, ["leontine"], [log])  # a log search says who wrote, not what was found
    assert searched(steps, ["leontine"], [log], also=["terminal_log"])  # ... unless it is the log of findings


def test_a_boolean_subschema_a_tenant_may_write_reads_as_any_value() -> None:
    tool = Tool("ramp_cpu", "CPU of a ramp controller", frozenset({"metric"}),
                input_schema={"type": "object", "properties": {"extra": True, "ramp": {"type": "string"}}})  # fmt: skip
    assert tool.properties["extra"] == {}
    assert "extra" not in fill_variants(tool, extract_entities("cpu on RMP-2", now=NOW), now=NOW)[0].arguments


def test_a_cut_of_rows_that_hold_nothing_the_question_names_is_no_partial_answer() -> None:
    from opsuite_ops.domain.asked_rows import asked_ids, off_subject_cuts
    from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason

    assert asked_ids("hows MWL-4431's RSL over the last 24hrs, vs 5G cells?") == {"mwl4431"}  # no "24hrs", no "5g"
    rows = [{"cell": f"HLM-0{k:02d}-L1", "dcr_pct": 1.0} for k in range(60)]
    cut = AnswerStatusReason(
        AnswerReason.TRUNCATED, "the table from kpi() has 60 rows and the answer shows the first 50"
    )
    api = AnswerStatusReason(AnswerReason.TRUNCATED, "kpi() came back cut at the API's row limit")
    shown = [
        Block(
            BlockKind.TABLE, title="kpi()", columns=("cell", "dcr_pct"), rows=tuple((r["cell"], 1.0) for r in rows[:50])
        )
    ]
    assert off_subject_cuts("hows MWL-4431 trending?", rows, shown, [cut, api]) == [api]  # no row is about it
    assert off_subject_cuts("HLM-003-L1 dcr?", rows, shown, [cut]) == []  # its row is shown
    assert off_subject_cuts("HLM-055-L1 dcr?", rows, shown, [cut]) == [cut]  # its row is left out
    assert off_subject_cuts("worst cells for dcr?", rows, shown, [cut]) == [cut]  # naming nothing: any row may be


def test_a_time_left_is_also_the_moment_it_ends() -> None:
    from opsuite_ops.domain.time_left import moments_left

    rows = [{"ramp": "RMP-2", "est_min_to_lvd": 42.0, "min_load": 3.0}, {"ramp": "RMP-1", "est_min_to_lvd": None}]
    at = NOW.replace(second=31)
    assert moments_left(["ramp", "est_min_to_lvd", "min_load"], rows, at) == (
        "; est_min_to_lvd=42 ends about 2026-05-14 10:42Z (ramp=RMP-2)"
    )  # not the minimum load (no "to"/"left"), not a missing value
    assert moments_left(["ramp", "est_min_to_lvd"], rows, None) == ""
    assert "11:30Z" in moments_left(["unit", "hours_remaining"], [{"unit": "GEN-1", "hours_remaining": 1.5}], NOW)
