"""The ops answer evaluation runs end to end (issue 13, item 7): the three question sets (the demo estate,
a second estate and a third written blind, without reading the planner) are asked through real
api_manager and ops servers, every answer is scored and the results file is written.

Both the structure and the issue's goals are asserted, for the deterministic planner and for the
OpenAI-compatible path against the fake server: at least 95% of the facts present, no answer marked
COMPLETE that misses a fact or asserts a wrong one, every unanswerable question PARTIAL or UNANSWERED.
(The fake model replays the deterministic plan: that path checks the plumbing, not a model's planning.)
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.ops_eval.questions import EvalContext, Fact, load_set, scoring_text
from tests.ops_eval.runner import SETS_DIR, run_evaluation, write_results


@pytest.mark.parametrize("name, minimum, unanswerable", [("demo", 40, 10), ("second", 20, 5), ("third", 20, 5)])
def test_question_sets_are_big_enough_and_their_facts_are_not_in_their_questions(
    name: str, minimum: int, unanswerable: int
) -> None:
    qset = load_set(SETS_DIR / f"{name}.yaml", datetime.now(UTC))  # load_set rejects a fact its question holds
    assert len(qset.questions) >= minimum
    assert qset.unanswerable >= unanswerable


async def test_every_question_of_both_sets_is_asked_scored_written_and_meets_the_goals(tmp_path: Path) -> None:
    payload = await run_evaluation(tmp_path / "run", sets=("demo", "second", "third"), llm=True)
    path = write_results(payload, tmp_path / "ops_answers.json")
    doc = json.loads(path.read_text())
    for name in ("demo", "second", "third"):
        qset = load_set(SETS_DIR / f"{name}.yaml", datetime.now(UTC))
        result = doc["runs"]["deterministic"][name]
        assert [q["id"] for q in result["questions"]] == [q.id for q in qset.questions]
        totals = result["totals"]
        assert totals["asked"] == len(qset.questions) and totals["errors"] == 0
        assert totals["facts_total"] == sum(len(q.facts) for q in qset.questions)
        assert totals["unanswerable"] == qset.unanswerable
        for q, scored in zip(qset.questions, result["questions"], strict=True):
            assert scored["status"] in {"COMPLETE", "PARTIAL", "UNANSWERED"}, scored
            assert scored["answer"].strip() and scored["calls"] is not None
            assert [f["label"] for f in scored["facts"]] == [f.label for f in q.facts]
        assert set(totals["goals"]) == {"facts_pct", "complete_but_wrong", "unanswerable_marked"}
        assert doc["summary"]["deterministic"][name]["goals_met"] == totals["goals_met"]
    for planner, results in doc["runs"].items():
        for name, result in results.items():
            failing = [
                (q["id"], q["status"], [f["label"] for f in q["facts"] if not f["found"]], q["wrong"])
                for q in result["questions"]
                if not q["status_ok"] or q["wrong"] or not all(f["found"] for f in q["facts"])
            ]
            assert all(result["totals"]["goals"].values()), (planner, name, result["totals"]["goals"], failing)
    assert doc["all_goals_met"] is True


def test_facts_match_values_not_timestamps_names_counts_or_the_echoed_question() -> None:
    now = datetime(2026, 5, 14, 12, 0, tzinfo=UTC)
    ctx = EvalContext(now, now)
    hot = Fact.parse({"number": [93, 99], "near": "web-02"}, "t")
    # 93..99 only inside a timestamp, a host name, a call's arguments and a row count: not a value.
    noise = "cpu_by_host(host=web-02, since=2026-05-13T09:55:00Z): 95 rows at 11:97, web-095 [c94]"
    assert not hot.matches(noise, ctx)
    assert hot.matches("web-02: latest 96.4 %", ctx)
    assert not hot.matches("web-01: latest 96.4 %\n\nweb-02: latest 31", ctx)  # another host's paragraph
    onset = Fact.parse({"time": "-40m"}, "t")
    assert onset.matches("onset at 2026-05-14 11:20Z", ctx) and onset.matches("began 41 minutes ago", ctx)
    assert not onset.matches("onset at 11:25", ctx)
    echo = 'For "is web-02 degraded":\n- list_hosts(status=degraded): 0 rows'
    assert not Fact.parse("web-02", "t").matches(scoring_text(echo, "is web-02 degraded"), ctx)
    assert not Fact.parse("web-0", "t").matches("web-02", ctx)  # whole names only
