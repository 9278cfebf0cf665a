"""Honest answers (issue 13, the blind fibre-access estate's causes): a port's frame/slot/port path ("1/0/12") is
one name; a zero-padded number ("acct 0041177") is an account to look up, never a quantity; letters written on to
a number ("WO0318") are a record id, anchored and looked up like "WO-318", and one no output mentions may not
exist; pronouns and verbs of saying or finding name no topic; a long misspelt word keeps its suffix ("utilisaton",
"reciever"), a short stem is no typo of a shorter word; abbreviations ("avg", "acct") are their words; a column of
numbers says what its tool measures ("avg rx" by ``avg_rx_dbm``), a text column does not ("name"); a search whose
narrower searches found rows that never mention a name it asked for ("SNDS") says so; two letters swapped still
name a ranked column; stress words ("so") are never searched for; a part "swapped" is a change, one "booked" is
scheduled; a question asking why, answered by documents alone, is partial.

The estate is made up (a harbour's cranes, berths and work orders); no estate's names.
"""

from datetime import UTC, datetime
from typing import Any

from opsuite_ops.domain.absence import reported_in_rows
from opsuite_ops.domain.aggregate import asks_ranking, rank_column
from opsuite_ops.domain.anchors import asked_anchor
from opsuite_ops.domain.broaden import Narrowing, empty_searches
from opsuite_ops.domain.coverage import CoverageCheck, vocabulary
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import TICKET_ID, inventory_from_outputs
from opsuite_ops.domain.executor import RunState
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.fill_words import key_terms
from opsuite_ops.domain.identifiers import id_letters, looks_up, unmentioned_ids
from opsuite_ops.domain.investigate import documents_only
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, Budget, CallRecord, CallStatus, PlanStep, Tool
from opsuite_ops.domain.planning import PlanRequest
from opsuite_ops.domain.ranking import DEFAULT_SYNONYMS
from opsuite_ops.domain.typos import misspelt

from .harbour import obj

NOW = datetime(2032, 5, 6, 10, 0, tzinfo=UTC)


LINKS = Tool(
    "crane_link_optics",
    "Optical links of one crane controller in 5-minute samples: average and lowest receive power (dBm)",
    frozenset({"metric", "optical"}),
    input_schema=obj(
        {
            "controller": {"type": "string", "enum": ["qc1.ctl", "qc2.ctl"]},
            "port": {"type": "string", "default": "", "description": "controller port frame/slot/port, e.g. 1/0/12"},
        },
        ("controller",),
    ),
    idempotent=True,
)
HAULIERS = Tool(
    "haulier_lookup",
    "Look up a haulier by account number (7 digits, e.g. 0040001): company, trucks booked, credit status",
    frozenset({"customer", "account"}),
    input_schema=obj({"q": {"type": "string", "description": "account number"}}, ("q",)),
    idempotent=True,
)
GATE = Tool(
    "gate_queue",
    "Trucks queued at the gate since N hours ago, per lane, most first",
    frozenset({"metric", "ranking"}),
    input_schema=obj({"since_hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 24}}),
    idempotent=True,
)
ORDERS = Tool(
    "work_orders",
    "Maintenance work orders (WOnnnn): crane, status (open, done), opened, closed, engineer",
    frozenset({"history", "maintenance"}),
    input_schema=obj({"status": {"type": "string", "enum": ["", "open", "done"], "default": ""}}),
    idempotent=True,
)
CRANES = Tool(
    "crane_inventory",
    "Quay cranes: name, berth, utilisation this shift, running software release",
    frozenset({"inventory", "crane"}),
    input_schema=obj({}),
    idempotent=True,
)
TOOLS = (LINKS, HAULIERS, GATE, ORDERS, CRANES)
CHANGES = Tool(
    "crane_changes",
    "Crane change records since an ISO timestamp: title, crane, status (scheduled, done), start",
    frozenset({"history", "change"}),
    input_schema=obj({"since": {"type": "string", "format": "date-time"}}, ("since",)),
    idempotent=True,
)


def _ok(tool: str, rows: list[dict[str, Any]], step: str = "s1") -> CallRecord:
    return CallRecord(f"c-{step}", step, tool, {}, CallStatus.OK, output={"rows": rows})


def _plan(question: str) -> dict[str, dict[str, Any]]:
    request = PlanRequest(question, TOOLS, Budget(max_steps=6), NOW)
    return {s.tool: dict(s.arguments) for s in DeterministicPlanner().plan_sync(request).plan.steps}


def test_a_port_path_is_one_name_and_fills_the_port() -> None:
    entities = extract_entities("avg rx on qc1.ctl 1/0/12 now?", now=NOW)
    assert "1/0/12" in entities.terms and not entities.numbers  # read whole, never "1", "0", "12"
    assert extract_entities("split 3/4 of the load", now=NOW).numbers  # two numbers are no port path
    assert _plan("avg rx on qc1.ctl 1/0/12 now?")["crane_link_optics"] == {"controller": "qc1.ctl", "port": "1/0/12"}
    vocab = vocabulary(TOOLS)
    terms = extract_entities("avg rx on qc1.ctl 1/0/12 now?", now=NOW, vocabulary=vocab).terms
    assert CoverageCheck.of(terms, TOOLS, DEFAULT_SYNONYMS, vocab).uncovered == ()


def test_a_port_path_a_listing_does_not_hold_is_unknown() -> None:
    listing = {"rows": [{"crane": "QC1", "port": "1/0/11"}, {"crane": "QC2", "port": "1/0/12"}]}
    inventory = inventory_from_outputs({"crane_ports": listing})
    entities = extract_entities("avg rx on 1/0/19 now?", now=NOW, inventory=inventory)
    (unknown,) = entities.unknown
    assert unknown.name == "1/0/19" and unknown.kind == "port" and "1/0/11" in unknown.suggestions
    assert extract_entities("avg rx on 1/0/12 now?", now=NOW, inventory=inventory).values == (("port", "1/0/12"),)


def test_a_zero_padded_number_is_an_account_to_look_up_not_a_quantity() -> None:
    entities = extract_entities("haulier on acct 0041177 says the gate is slow", now=NOW)
    assert entities.ids == ("0041177",) and not entities.numbers
    calls = _plan("haulier on acct 0041177 says the gate is slow")
    assert calls["haulier_lookup"] == {"q": "0041177"}
    assert "since_hours" not in calls.get("gate_queue", {})  # 41177 hours were once read off the account


def test_letters_written_on_to_a_number_are_a_record_id() -> None:
    assert TICKET_ID.match("WO0318") and TICKET_ID.match("INC-4211") and not TICKET_ID.match("QC2")
    assert not TICKET_ID.match("HTTP2") and id_letters("WO0318") == "WO" and id_letters("INC/2032/0007") == "INC"
    assert looks_up(ORDERS, ("WO0318",)) and not looks_up(CRANES, ("WO0318",))
    asked = asked_anchor("what changed in the 2 hours before WO0318 was opened?")
    assert asked is not None and asked.ref == "WO0318" and asked.verb == "opened"
    assert "work_orders" in _plan("who closed WO0318?")


def test_a_record_id_no_output_mentions_may_not_exist() -> None:
    rows = [{"order": "WO0317", "crane": "QC1", "status": "done"}]
    (reason,) = unmentioned_ids("who closed WO0399?", [_ok("work_orders", rows)], [])
    assert reason.reason is AnswerReason.ENTITY_UNKNOWN and "WO0399" in reason.detail
    assert unmentioned_ids("who closed WO0317?", [_ok("work_orders", rows)], []) == []
    assert unmentioned_ids("who closed WO0399?", [], []) == []  # no call succeeded: the failures say why


def test_pronouns_and_verbs_of_saying_name_no_topic() -> None:
    vocab = vocabulary(TOOLS)
    terms = extract_entities("what software are they running on the cranes", now=NOW, vocabulary=vocab).terms
    assert "they" not in terms and CoverageCheck.of(terms, TOOLS, DEFAULT_SYNONYMS, vocab).uncovered == ()
    terms = extract_entities("crane status? the foreman says their gate found a fault", now=NOW, vocabulary=vocab).terms
    uncovered = CoverageCheck.of(terms, TOOLS, DEFAULT_SYNONYMS, vocab).uncovered
    assert not {"says", "their", "found"} & set(uncovered) and "foreman" in uncovered


def test_a_long_misspelt_word_keeps_its_suffix_and_a_short_stem_is_no_typo() -> None:
    vocab = vocabulary(TOOLS)
    assert misspelt("utilisaton", vocab, frozenset()) == "utilis"
    assert misspelt("reciever", vocab, frozenset()) == "receiv"
    assert misspelt("phone", vocab | {"pon"}, frozenset()) is None  # "phon" is no typo of "pon"


def test_abbreviations_are_their_words() -> None:
    vocab = vocabulary(TOOLS)
    terms = extract_entities("avg receive power of the acct", now=NOW, vocabulary=vocab).terms
    assert CoverageCheck.of(terms, TOOLS, DEFAULT_SYNONYMS, vocab).uncovered == ()


def test_a_column_of_numbers_reports_its_words_and_a_text_column_does_not() -> None:
    tools = {t.name: t for t in TOOLS}
    reason = AnswerStatusReason(AnswerReason.NOT_COVERED, "no tool reports rx dbm", terms=("rx",))
    optics = _ok("crane_link_optics", [{"port": "1/0/12", "avg_rx_dbm": -19.5, "ts": "2032-05-06T09:55:00Z"}])
    assert reported_in_rows(reason, [optics], tools)
    named = AnswerStatusReason(AnswerReason.NOT_COVERED, "no tool reports name", terms=("name",))
    assert not reported_in_rows(named, [_ok("crane_inventory", [{"name": "QC1", "berth": 4}])], tools)


def test_a_name_only_narrower_searches_missed_is_reported() -> None:
    docs = Tool(
        "harbour_docs",
        "Free-text search of the harbour's procedures",
        frozenset({"document"}),
        input_schema=obj({"q": {"type": "string"}}, ("q",)),
        idempotent=True,
    )
    tools = {"harbour_docs": docs}
    step = PlanStep("s1", "harbour_docs", {"q": "crane AIS 10.0.0.7"})
    state = RunState()
    state.latest["s1"] = CallRecord(
        "c1", "s1", "harbour_docs", dict(step.arguments), CallStatus.OK, output={"rows": []}
    )
    found = {"rows": [{"doc": "P-7", "title": "Crane lockout", "body": "isolate the crane before work"}]}
    state.latest["s1-n1"] = CallRecord("c2", "s1-n1", "harbour_docs", {"q": "crane"}, CallStatus.OK, output=found)
    narrowing = Narrowing(rounds={"s1": [["s1-n1"]]})
    (reason,) = empty_searches([step], state, tools, narrowing, "what does the crane AIS say about 10.0.0.7?")
    assert "found nothing on AIS, 10.0.0.7" in reason.detail  # the names none of the rows found holds
    # Plain words the rows do not hold ("handle") are no names: a runbook found for the rest answers it.
    step2 = PlanStep("s1", "harbour_docs", {"q": "handle crane lockout"})
    assert empty_searches([step2], state, tools, narrowing, "how do I handle a crane lockout") == []


def test_two_letters_swapped_still_name_the_ranked_column() -> None:
    ask = asks_ranking("which berth has had the most complaitns today?")
    assert ask is not None and rank_column(ask, ["complaints", "berth_id"]) == "complaints"
    assert rank_column(ask, ["compliance"]) is None


def test_stress_words_are_never_searched_for() -> None:
    entities = extract_entities("whos on the crane and what have they found so far?", now=NOW)
    assert "so" not in key_terms(ORDERS, entities).split()


def test_a_swap_booked_is_a_scheduled_change() -> None:
    vocab = vocabulary((*TOOLS, CHANGES))
    terms = extract_entities("when is the spreader swap on QC2 booked for?", now=NOW, vocabulary=vocab).terms
    check = CoverageCheck.of(terms, (*TOOLS, CHANGES), DEFAULT_SYNONYMS, vocabulary((*TOOLS, CHANGES)))
    assert not {"swap", "booked"} & set(check.uncovered)
    request = PlanRequest("when is the spreader swap on QC2 booked for?", (*TOOLS, CHANGES), Budget(max_steps=6), NOW)
    assert "crane_changes" in {s.tool for s in DeterministicPlanner().plan_sync(request).plan.steps}


def test_a_cause_answered_by_documents_alone_is_partial() -> None:
    docs = Tool("harbour_docs", "Search the harbour's procedures", frozenset({"document"}), idempotent=True)
    tools = {"harbour_docs": docs, "work_orders": ORDERS}
    found = CallRecord("c1", "s1", "harbour_docs", {}, CallStatus.OK, output={"rows": [{"doc": "P-7"}]})
    (reason,) = documents_only("why is crane QC2 so slow?", [found], tools)
    assert reason.reason is AnswerReason.NOT_COVERED and "harbour_docs" in reason.detail
    assert documents_only("which runbook covers a slow crane?", [found], tools) == []  # documents are asked for
    assert documents_only("how do I fix a slow crane?", [found], tools) == []
    data = _ok("work_orders", [{"order": "WO0320", "status": "open"}], "s2")
    assert documents_only("why is crane QC2 so slow?", [found, data], tools) == []
