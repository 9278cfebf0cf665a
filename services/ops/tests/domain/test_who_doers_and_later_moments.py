"""Who, doers and later moments (issue 13, the twenty-fifth estate written blind; docs/architecture/ops.md):

* a question asking who, answered only by tools that name nobody (a procedures search), is not complete;
* a participle names its doer among an enum's values ("encoded at" the ``encoder``), so a question naming
  an encoder's work and a mux asks both kinds, not the mux alone;
* a question about a clock time later than now ("at 7pm tonight") is not answered by data of now.

The estate is made up (a printing works: presses, binders, its shifts); no estate's names.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.fill_words import choose_enum
from opsuite_ops.domain.later_moment import asked_moment, later_moment
from opsuite_ops.domain.model import AnswerReason, Budget, CallRecord, CallStatus, Tool
from opsuite_ops.domain.planning import PlanRequest

NOW = datetime(2025, 6, 3, 7, 0, tzinfo=UTC)

MANUALS = Tool(
    "manuals_search",
    "Search the works' procedures and machine manuals for a word or phrase",
    frozenset({"document", "runbook"}),
    input_schema={"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]},
    idempotent=True,
)
SHIFTS = Tool(
    "shift_notes",
    "Shift notes of the print floor: time, author, press, note",
    frozenset({"log"}),
    input_schema={"type": "object", "properties": {"hours": {"type": "integer", "default": 12}}},
    idempotent=True,
)


def _plan(question: str, tools: list[Tool]) -> Any:
    return DeterministicPlanner().plan_sync(PlanRequest(question, tools, Budget(), NOW, inventory=None))


def test_who_answered_by_tools_naming_nobody_is_not_covered() -> None:
    outcome = _plan("whos on the press 4 smearing problem n what have they found?", [MANUALS])
    assert [s.tool for s in outcome.plan.steps] == ["manuals_search"]
    assert any(r.reason is AnswerReason.NOT_COVERED and "says who" in r.detail for r in outcome.not_covered)
    # A tool that names people (its author) may answer it: nothing is said against the plan then.
    outcome = _plan("whos on the press 4 smearing problem n what have they found?", [MANUALS, SHIFTS])
    assert "shift_notes" in {s.tool for s in outcome.plan.steps}
    assert not any("says who" in r.detail for r in outcome.not_covered)
    # "whos down rn" asks which presses: a data tool answers it, whatever names no person
    presses = Tool(
        "press_status",
        "Every press now: state (running, down, setup), job",
        frozenset({"status"}),
        input_schema={"type": "object", "properties": {}},
        idempotent=True,
    )
    outcome = _plan("whos down rn?", [presses, MANUALS])
    assert [s.tool for s in outcome.plan.steps] == ["press_status"] and not outcome.not_covered


def test_a_participle_names_its_doer_among_the_enum_values() -> None:
    kinds = ["", "encoder", "mux", "fm_processor"]
    chosen, _ = choose_enum(kinds, ["whats", "channel", "encoded", "at", "which", "mux", "is", "it", "on"])
    assert chosen == ["encoder", "mux"]
    assert choose_enum(kinds, ["which", "mux", "is", "it", "on"])[0] == ["mux"]
    # A stem too short to name anything ("used", "fed"), a word that is no participle ("feed") or a present
    # participle (what a thing does: "routing") names no doer.
    assert choose_enum(["", "user", "feeder"], ["used", "fed", "feed"])[0] == []
    assert choose_enum(["", "router", "switch"], ["which", "firewall", "is", "routing", "traffic"])[0] == []


def _record(rows: list[dict[str, Any]], **arguments: Any) -> CallRecord:
    return CallRecord("c1", "s1", "press_status", dict(arguments), CallStatus.OK, {"rows": rows})


def test_a_later_moment_is_answered_only_by_data_reaching_it() -> None:
    at = asked_moment("what will press 4 be running at 7pm tonight?", NOW)
    assert at is not None and at[0] == NOW.replace(hour=19) and at[1] == "7pm tonight"
    assert asked_moment("what will press 4 be running at 9:30am tmrw", NOW) == (
        (NOW + timedelta(days=1)).replace(hour=9, minute=30),
        "9:30am tmrw",
    )
    # No day word, a past clock time, or a day word alone: no later moment.
    assert asked_moment("what was press 4 running at 7pm", NOW) is None
    assert asked_moment("what failed at 5am today", NOW) is None
    assert asked_moment("whos on shift tonight", NOW) is None
    # "tonight" looks forward: 7pm tonight asked at 20:50 UTC is still to come in the asker's zone.
    late = NOW.replace(hour=20, minute=50)
    assert asked_moment("what will press 4 be running at 7pm tonight?", late) == (late, "7pm tonight")
    assert asked_moment("what failed at 7pm today", late) is None
    # A day word without a clock time, or an acronym, asks no moment ("TMR" is a triple modular redundancy).
    assert asked_moment("anything to hand over for tomorrow morning shift?", NOW) is None
    # "tomorrow" alone (not "for tomorrow"): tomorrow from its start.
    midnight = (NOW + timedelta(days=1)).replace(hour=0, minute=0)
    assert asked_moment("is the weather gonna shut the press hall tmrw?", NOW) == (midnight, "tmrw")
    assert asked_moment("is the TMR logic solver healthy at 9am?", NOW) is None
    # Not a part of an address or a version; the small hours of "tonight" are after midnight.
    assert asked_moment("is 10.0.0.1:22 reachable today", NOW) is None
    assert asked_moment("what runs at 1am tonight", NOW) == (NOW.replace(hour=1) + timedelta(days=1), "1am tonight")

    question = "what will press 4 be running at 7pm tonight?"
    now_rows = [{"press": "P4", "job": "catalogue 88", "since": "2025-06-03T05:10:00Z"}]
    (reason,) = later_moment(question, NOW, [_record(now_rows)])
    assert reason.reason is AnswerReason.NOT_COVERED and "7pm tonight" in reason.detail
    planned = [*now_rows, {"press": "P4", "job": "brochure 12", "since": "2025-06-03T18:30:00Z",
                           "until": "2025-06-03T21:00:00Z"}]  # fmt: skip
    assert later_moment(question, NOW, [_record(planned)]) == []  # the schedule reaches 19:00
    assert later_moment(question, NOW, [_record(now_rows, until="2025-06-03T20:00:00Z")]) == []
    assert later_moment(question, NOW, [_record(now_rows, day="2025-06-03")]) == []  # a date: its whole day
    assert later_moment(question, NOW, [_record(now_rows, day="2025-06-02")]) != []
    failed = CallRecord("c1", "s1", "press_status", {}, CallStatus.FAILED, None)
    assert later_moment(question, NOW, [failed]) == []  # the failure says why


def test_a_count_about_a_name_counts_the_rows_naming_it_in_any_text() -> None:
    from opsuite_ops.domain.aggregate import count

    rows = [
        {"ticket": "T-1", "reference": "Keelby", "subject": "Jam on press 4 at Keelby"},
        {"ticket": "T-2", "reference": "P4.B02", "subject": "Keelby run late again"},
        {"ticket": "T-3", "reference": "Ashdown", "subject": "Ink delivery"},
    ]
    # "about keelby": the rows whose texts name it, not only the one whose reference is the name alone
    assert count("how many tickets about keelby since yesterday?", rows, {}) == (2, "'keelby' in any column")
    # without "about" the column holding the name alone filters, as before
    assert count("how many keelby tickets since yesterday?", rows, {}) == (1, "reference=keelby")


def test_a_document_search_with_no_word_but_a_name_searches_the_name() -> None:
    manuals = Tool(
        "manuals_search",
        "Search the works' procedures and machine manuals for a word or phrase",
        frozenset({"document", "runbook"}),
        input_schema={"type": "object", "properties": {"terms": {"type": "string"}}, "required": ["terms"]},
        idempotent=True,
    )
    outcome = _plan("how do we fix PRESS-04? is there a runbook for this", [manuals])
    assert [(s.tool, dict(s.arguments)) for s in outcome.plan.steps] == [("manuals_search", {"terms": "PRESS-04"})]


def test_what_they_found_ranks_the_tools_keeping_notes() -> None:
    from opsuite_ops.domain.people import asks_findings

    assert asks_findings("whos looking at press 4 n what have they found?")
    assert asks_findings("what did the night shift find on press 4?") and not asks_findings("whats jammed on press 4")
    handover = Tool(
        "floor_log",
        "Print floor control log: entries, author, role, text; last N hours",
        frozenset({"history", "handover", "notes"}),
        input_schema={"type": "object", "properties": {"hours": {"type": "integer", "default": 12}}},
        idempotent=True,
    )
    outcome = _plan("whos looking at the press 4 smearing n what have they found?", [SHIFTS, handover, MANUALS])
    assert "floor_log" in {s.tool for s in outcome.plan.steps}


def test_a_count_is_named_by_its_head_noun_too() -> None:
    from opsuite_ops.domain.aggregate import counted_by_name

    # "heating complaints": the log of complaints counts them, whatever the qualifier before the noun
    assert counted_by_name("how many heating complaints have come in over the last 6 hrs?", "comfort_complaints")
    assert counted_by_name("how many backups failed last night?", "backup_runs")
    assert not counted_by_name("how many heating complaints came in?", "plant_output")
    assert counted_by_name("how many heating complaints came in overnight?", "comfort_complaints")
    # the act after the thing is no head: "orders failed" counts orders, not the failed payments
    assert not counted_by_name("how many orders failed today?", "failed_payments")
