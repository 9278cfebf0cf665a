"""General readings found by the thirty-third (airline line maintenance) estate, written blind: letters naming an enum
of letters ("cat A", "A-check", never the "c" of "a/c"), a gerund of a role no listed row names ("who's captaining
G-TRNE"), "whats the procedure after X" asking for documents, a look-ahead window that is no look-back, an empty
search for words other tools answered, "eng 1 vs eng 2", trouble that "went down", the plural of an abbreviation
("WPs") and "no.2", and counts: what ends the counted words ("across the fleet"), a name's "by" ("defects_by_ata"
has a row per chapter), a description naming its rows ("MEL deferred defects (DDL-nnnn): ...") and a total over a
listing whose rows are other things ("how many robots across all the DCs")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.aggregate import counted_by_name, counted_head
from opsuite_ops.domain.broaden import Narrowing, empty_searches
from opsuite_ops.domain.call_facts import analyse_call
from opsuite_ops.domain.comparison import compared_sides, one_sided
from opsuite_ops.domain.compose import _counts, _one_row_per
from opsuite_ops.domain.coverage import asks_for_documents
from opsuite_ops.domain.fill_words import choose_enum, single_letters
from opsuite_ops.domain.initialise import initialise
from opsuite_ops.domain.model import AnswerReason, CallRecord, CallStatus, Tool
from opsuite_ops.domain.people import row_names_people
from opsuite_ops.domain.timeline import asks_for_cause
from opsuite_ops.domain.window_rows import asked_start

from .run_state import run_of

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _obj(props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": props}


def _rec(step: str, tool: str, args: dict[str, Any], rows: list[dict[str, Any]]) -> CallRecord:
    return CallRecord(f"c-{step}", step, tool, args, CallStatus.OK, {"rows": rows}, started_at=NOW)


def test_letters_name_an_enum_of_letters_but_not_the_letters_of_an_abbreviation() -> None:
    assert single_letters("G-TRNG's in A-check rn, which a/c is up next for an A-check n how many FH left?") == [
        "a",
        "a",
    ]
    assert single_letters("any open cat A or cat B MEL items?") == ["a", "b"]
    assert single_letters("cat b items w/o a fix") == ["b"]  # "a" is an article, "w/o" no letter
    checks = ["", "A", "C"]
    words = ["g-trng", "s", "a-check", "rn", "c", "up", "next", "a-check", "n", "fh", "left"]
    question = "G-TRNG's in A-check rn, which a/c is up next for an A-check n how many FH left?"
    assert choose_enum(checks, words, question=question) == (["A"], [])  # not the "c" of "a/c"
    categories = ["A", "B", "C", "D"]
    assert choose_enum(categories, ["open", "cat", "cat", "b"], question="any open cat A or cat B?")[0] == ["A", "B"]
    # Options of words keep their reading by words ("open" is no letter), and digits stay digits.
    assert choose_enum(["open", "closed"], ["open", "a"], question="open a items")[0] == ["open"]
    assert choose_enum([1, 2, 3, 4], ["sev", "1", "incidents"], question="sev 1 incidents")[0] == [1]
    assert single_letters("A list of open items, e.g. cat B in 3 d") == ["b"]  # an article, "e.g.", a unit
    assert single_letters("A-check due on G-TRNJ?") == ["a"]


def test_a_who_gerund_is_the_part_in_a_record_only_when_the_row_names_someone() -> None:
    assert row_names_people((("state", "open"), ("owner", "ines")))
    assert row_names_people((("severity", "SEV2"), ("commander", "noor")))
    assert all(row_names_people(((c, "x"),)) for c in ("assigned_to", "handled_by", "opened_by"))
    assert not row_names_people((("fleet", "A320neo"), ("status", "SERVICEABLE"), ("location", "QKE")))


def test_whats_the_procedure_asks_for_documents() -> None:
    assert asks_for_documents("whats the procedure after a bird strike with engine ingestion?")
    assert asks_for_documents("what's the SOP for a hot brake?")
    assert not asks_for_documents("what's the EGT margin on G-TRNC?")
    assert not asks_for_documents("what are the procedures booked in theatre 2 today?")


def test_a_window_from_now_on_is_no_look_back_to_cut_rows_before() -> None:
    tool = Tool(
        "mel_deferrals",
        "MEL deferred defects",
        frozenset(),
        input_schema=_obj({"due_within_hours": {"type": "number"}}),
    )
    call = _rec("s1", "mel_deferrals", {"due_within_hours": 12.0}, [{"dd": "DDL-1045"}])
    assert asked_start("is the cat A on G-TRNJ due within the next 12 hrs?", call, tool) is None
    back = Tool("alarms", "Alarms", frozenset(), input_schema=_obj({"days": {"type": "integer"}}))
    call = _rec("s2", "alarms", {"days": 1}, [{"alarm": "a"}])
    assert asked_start("alarms in the last 3 hours", call, back) == NOW - timedelta(hours=3)


def test_an_empty_search_for_words_other_tools_answered_is_no_gap() -> None:
    text = {"text": {"type": "string", "description": "words in the defect text"}}
    log = Tool("techlog_entries", "Tech log entries, newest first", frozenset({"search"}), input_schema=_obj(text))
    per_chapter = Tool(
        "defects_by_ata", "Tech log entries per ATA chapter, most first", frozenset(), input_schema=_obj({})
    )
    tools = {t.name: t for t in (log, per_chapter)}
    state, steps = run_of(
        _rec("s1", "techlog_entries", {"text": "chapter"}, []),
        _rec("s2", "defects_by_ata", {}, [{"ata_chapter": 21, "entries": 8}]),
    )
    question = "which ATA chapter had the most tech log entries?"
    assert empty_searches(steps, state, tools, Narrowing(), question) == []
    # A word only the search could find stays a gap.
    state, steps = run_of(
        _rec("s1", "techlog_entries", {"text": "smoke"}, []),
        _rec("s2", "defects_by_ata", {}, [{"ata_chapter": 21, "entries": 8}]),
    )
    reasons = empty_searches(steps, state, tools, Narrowing(), "any smoke in the tech log?")
    assert [r.reason for r in reasons] == [AnswerReason.NOT_COVERED]
    # A how-to question asks for the documents: their empty search stays a gap whatever else answered.
    state, steps = run_of(
        _rec("s1", "techlog_entries", {"text": "chapter"}, []),
        _rec("s2", "defects_by_ata", {}, [{"ata_chapter": 21, "entries": 8}]),
    )
    assert empty_searches(steps, state, tools, Narrowing(), "how do I log a chapter 21 defect?")


def test_a_comparison_of_numbered_things_and_a_tool_answering_every_side() -> None:
    assert compared_sides("EGT margin on G-TRNC eng 1 vs eng 2 atm?") == ["eng 1", "eng 2"]
    assert compared_sides("cpu of web-03 vs web-02") == ["web-03", "web-02"]
    apu = Tool("apu_status", "APU hours and starts", frozenset(), input_schema=_obj({"reg": {"type": "string"}}))
    cases = Tool("vendor_cases", "Vendor cases", frozenset(), input_schema=_obj({"reg": {"type": "string"}}))
    tools = {t.name: t for t in (apu, cases)}
    state, steps = run_of(
        _rec("s1", "apu_status", {"reg": "G-TRNA"}, [{"reg": "G-TRNA", "starts": 7410}]),
        _rec("s2", "apu_status", {"reg": "G-TRNB"}, [{"reg": "G-TRNB", "starts": 6583}]),
        _rec("s3", "vendor_cases", {"reg": "G-TRNA"}, []),
        _rec("s4", "vendor_cases", {"reg": "G-TRNB"}, [{"case": "AAS-3390"}]),
    )
    assert one_sided("APU hrs and starts, G-TRNA vs G-TRNB", steps, state, tools) == []  # G-TRNA has no cases
    state, steps = run_of(
        _rec("s1", "apu_status", {"reg": "G-TRNA"}, []),
        _rec("s2", "apu_status", {"reg": "G-TRNB"}, [{"reg": "G-TRNB", "starts": 6583}]),
    )
    assert len(one_sided("APU starts, G-TRNA vs G-TRNB", steps, state, tools)) == 1  # no tool answered both


def test_trouble_that_went_down_is_asked_about_before_it() -> None:
    assert asks_for_cause("did anything happen to G-TRNC eng 2 before the EGT margin went down?")
    assert asks_for_cause("what changed before the oil pressure started falling?")
    assert not asks_for_cause("what is the EGT margin on G-TRNC?")


def test_the_plural_of_an_abbreviation_and_a_numbered_thing() -> None:
    assert initialise("which WPs are planned at TRH in the next 12 hrs?").text.startswith("which WP are planned")
    assert initialise("G-TRNC no.2 engine EGT margin").text == "G-TRNC #2 engine EGT margin"
    assert initialise("their support no.?").text == "their support phone no.?"  # a number to call, as before
    assert initialise("WPs-1 and no. 12.5").text == "WPs-1 and no. 12.5"  # a name, a decimal


def test_what_a_count_counts_and_which_rows_are_those_things() -> None:
    assert counted_head("how many open deferred defects across the fleet?") == ("defects", ("open", "deferred"))
    assert not counted_by_name("how many open deferred defects across the fleet?", "defects_by_ata")
    assert counted_by_name("how many defects are open?", "open_defects")
    assert counted_by_name("how many devices are at site ams1?", "find_devices_by_site")  # a look-up by site
    mel = Tool("mel_deferrals", "MEL deferred defects (DDL-nnnn): aircraft, MEL item, category", frozenset())
    assert _one_row_per("how many open deferred defects across the fleet?", mel)
    checks = Tool("check_forecast", "Scheduled checks per aircraft: A-check and C-check", frozenset())
    assert not _one_row_per("how many aircraft are due?", checks)


def test_a_count_of_things_a_listing_of_other_things_counts_in_a_column() -> None:
    question = "how many robots do we have across all the DCs?"
    rows = [{"site": "DC-BHX-01", "robots": 48.0}, {"site": "DC-LEJ-01", "robots": 80.0}]
    call = _rec("s1", "dc_sites", {}, rows)
    lines = _counts(question, [(call, analyse_call(call))])
    assert len(lines) == 1 and "robots 128" in lines[0][0]
