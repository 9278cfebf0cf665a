"""Scoring an answer against its question: facts present, forbidden facts absent, status as expected.

Per question:

- ``facts``: each expected fact, ``found`` in the answer text (with the echoed question removed), and
  ``in_data`` (found in the run's tool outputs): a fact in the data but not in the text was fetched and
  not told; a fact in neither was never fetched;
- ``wrong``: forbidden facts the answer states;
- ``status_ok``: the answer's status is one the question expects;
- ``complete_but_wrong``: marked COMPLETE although a fact is missing, a forbidden fact is stated, or
  COMPLETE is not an expected status at all (an unanswerable question claimed as answered).

Per set (:func:`set_totals`): facts found / expected, the counts above, and the goals of issue 13:
at least 95% of facts, no COMPLETE-but-wrong answer, every unanswerable question PARTIAL or UNANSWERED.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from google.protobuf import json_format

from opsuite.ops.v1 import ops_pb2
from tests.ops_eval.questions import EvalContext, Question, scoring_text

__all__ = ["GOALS", "AskOutcome", "score_question", "set_totals"]

GOALS: dict[str, Any] = {
    "facts_pct_min": 95.0,
    "complete_but_wrong_max": 0,
    "unanswerable_marked": "every unanswerable question is PARTIAL or UNANSWERED",
}


@dataclass
class AskOutcome:
    """What one Ask returned (or the error it raised)."""

    asked_at: datetime
    seconds: float
    response: ops_pb2.AskResponse | None = None
    error: str = ""


def _status(resp: ops_pb2.AskResponse | None) -> str:
    if resp is None:
        return "ERROR"
    return ops_pb2.AnswerStatus.Name(resp.answer_status).removeprefix("ANSWER_STATUS_")


def _data_text(resp: ops_pb2.AskResponse) -> str:
    """Every call's output, as JSON text."""
    return "\n".join(json_format.MessageToJson(c.output) for c in resp.trace.calls if c.HasField("output"))


def score_question(q: Question, outcome: AskOutcome, ctx: EvalContext) -> dict[str, Any]:
    """One question's result (JSON-ready)."""
    resp = outcome.response
    answer = resp.answer if resp is not None else ""
    text = scoring_text(answer, q.question)
    data = _data_text(resp) if resp is not None else ""
    facts = [
        {"label": f.label, "found": f.matches(text, ctx), "in_data": f.matches(data, ctx, use_near=False)}
        for f in q.facts
    ]
    wrong = [f.label for f in q.forbidden if f.matches(text, ctx)]
    status = _status(resp)
    missing = [f["label"] for f in facts if not f["found"]]
    complete_but_wrong = status == "COMPLETE" and bool(missing or wrong or "COMPLETE" not in q.expect)
    result: dict[str, Any] = {
        "id": q.id,
        "category": q.category,
        "question": q.question,
        "mode": q.mode,
        "expect": sorted(q.expect),
        "status": status,
        "status_ok": status in q.expect,
        "unanswerable": q.unanswerable,
        "facts": facts,
        "missing": missing,
        "wrong": wrong,
        "complete_but_wrong": complete_but_wrong,
        "seconds": round(outcome.seconds, 3),
    }
    if resp is None:
        result["error"] = outcome.error
        return result
    result.update(
        {
            "reasons": [
                {"reason": ops_pb2.AnswerReason.Name(r.reason).removeprefix("ANSWER_REASON_"), "detail": r.detail}
                for r in resp.answer_reasons
            ],
            "planner": resp.trace.planner,
            "planner_fallback_reason": resp.trace.planner_fallback_reason,
            "calls": [
                {
                    "tool": c.tool,
                    "arguments": json_format.MessageToDict(c.arguments),
                    "status": ops_pb2.CallStatus.Name(c.status),
                    "rows": _row_count(c),
                    **({"error": c.error} if c.error else {}),
                }
                for c in resp.trace.calls
            ],
            "warnings": list(resp.trace.warnings),
            "answer": answer,
        }
    )
    return result


def _row_count(call: ops_pb2.CallRecord) -> int | None:
    if not call.HasField("output"):
        return None
    out = json.loads(json_format.MessageToJson(call.output))
    rows = out.get("rows") if isinstance(out, dict) else None
    return len(rows) if isinstance(rows, list) else None


def set_totals(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals of one set and whether it meets the goals."""
    facts_total = sum(len(r["facts"]) for r in results)
    facts_found = sum(f["found"] for r in results for f in r["facts"])
    pct = round(100.0 * facts_found / facts_total, 1) if facts_total else 100.0
    fetched_not_told = sum(f["in_data"] and not f["found"] for r in results for f in r["facts"])
    unanswerable = [r for r in results if r["unanswerable"]]
    marked = sum(r["status"] in ("PARTIAL", "UNANSWERED") for r in unanswerable)
    cbw = sum(r["complete_but_wrong"] for r in results)
    by_category: dict[str, Counter[str]] = defaultdict(Counter)
    for r in results:
        c = by_category[r["category"]]
        c["questions"] += 1
        c["facts"] += len(r["facts"])
        c["facts_found"] += sum(f["found"] for f in r["facts"])
        c["status_ok"] += r["status_ok"]
    goals = {
        "facts_pct": pct >= GOALS["facts_pct_min"],
        "complete_but_wrong": cbw <= GOALS["complete_but_wrong_max"],
        "unanswerable_marked": marked == len(unanswerable),
    }
    return {
        "questions": len(results),
        "asked": sum("error" not in r for r in results),
        "errors": sum("error" in r for r in results),
        "facts_total": facts_total,
        "facts_found": facts_found,
        "facts_pct": pct,
        "facts_in_data_not_in_answer": fetched_not_told,
        "wrong_assertions": sum(len(r["wrong"]) for r in results),
        "complete_but_wrong": cbw,
        "unanswerable": len(unanswerable),
        "unanswerable_marked": marked,
        "status_ok": sum(r["status_ok"] for r in results),
        "statuses": dict(Counter(r["status"] for r in results)),
        "by_category": {k: dict(v) for k, v in sorted(by_category.items())},
        "goals": goals,
        "goals_met": all(goals.values()),
    }
