"""How complete an answer is, from what the run actually did: COMPLETE, PARTIAL or UNANSWERED, with reasons.

:func:`assess` reads only facts of the run, never the answer's wording:

* what the planner could not cover (``not_covered``, listed first when a name is unknown): a name the
  estate does not have (ENTITY_UNKNOWN, with its closest matches; also a name no output of the run
  mentions when no tool lists the estate's names); each matching tool the planner left out (a required
  argument the question does not give, arguments its schema refuses, the budget's step limit) and a part
  of the question no tool covers ("no tool reports disk usage") are NOT_COVERED; an empty main plan with
  nothing left out is NO_TOOL (nothing matched the question);
* the executor's calls: each open gap (a step whose latest call failed, timed out or was not run because
  one it needed failed, and that no replan closed) is TOOL_FAILED; calls planned and none succeeded
  is ALL_FAILED (listed first, before each TOOL_FAILED);
* truncation: a successful call's output marked ``"truncated": true`` (api_manager cut the SQL result at
  the API's row limit or cut cells; a workflow output cut to its size cap), and each table block the
  composer cut to :data:`~opsuite_ops.domain.call_facts.MAX_TABLE_ROWS` rows, are TRUNCATED.

No successful call means UNANSWERED; any reason otherwise means PARTIAL; COMPLETE only when none applies.
The :attr:`Completeness.headline` states the status and every reason in short words; the orchestrator
puts it at the top of an incomplete answer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from opsuite_ops.domain.model import (
    AnswerReason,
    AnswerStatus,
    AnswerStatusReason,
    CallRecord,
    CallStatus,
    Completeness,
    Gap,
    Plan,
)

__all__ = ["assess", "headline"]

_PREFIX = {AnswerStatus.PARTIAL: "Partial answer", AnswerStatus.UNANSWERED: "No answer"}


def _latest(records: Sequence[CallRecord], step_id: str) -> CallRecord | None:
    return next((r for r in reversed(records) if r.step_id == step_id), None)


def _failure(gap: Gap, record: CallRecord | None) -> tuple[AnswerStatusReason, str]:
    """The TOOL_FAILED reason of one open gap, and its short phrase for the headline."""
    status = record.status if record is not None else CallStatus.FAILED
    if status is CallStatus.SKIPPED:
        phrase = f"{gap.tool} was not run ({gap.why.removeprefix('not run: ')})"
    elif status is CallStatus.TIMEOUT:
        phrase = f"the call to {gap.tool} timed out ({gap.why})"
    else:
        phrase = f"the call to {gap.tool} failed ({gap.why})"
    return AnswerStatusReason(AnswerReason.TOOL_FAILED, f"{phrase}; missing: {gap.what}", gap.tool, gap.step_id), phrase


def _cut_by_tool(record: CallRecord) -> AnswerStatusReason | None:
    """A TRUNCATED reason when the tool (api_manager) marked its own output truncated."""
    out: Any = record.output
    if not isinstance(out, Mapping) or out.get("truncated") is not True:
        return None
    rows = out.get("rows")
    got = f": {len(rows)} rows came back" if isinstance(rows, list) else ""
    return AnswerStatusReason(
        AnswerReason.TRUNCATED,
        f"api_manager marked the result of {record.tool} truncated{got}; rows past the API's row limit (or "
        "content past its size limit) are not in the answer",
        record.tool,
        record.step_id,
    )


def _none_succeeded(records: Sequence[CallRecord]) -> str:
    """ "none of the 3 calls succeeded (2 failed, 1 was not run: a, b, c)"."""
    words = {CallStatus.FAILED: "failed", CallStatus.TIMEOUT: "timed out", CallStatus.SKIPPED: "not run"}
    counts = Counter(words.get(r.status, r.status.value) for r in records)
    parts = [f"{n} {'was' if n == 1 else 'were'} {w}" if w == "not run" else f"{n} {w}" for w, n in counts.items()]
    tools = ", ".join(dict.fromkeys(r.tool for r in records))
    calls = "the one call did not succeed" if len(records) == 1 else f"none of the {len(records)} calls succeeded"
    return f"{calls} ({', '.join(parts)}: {tools})"


def _short(reason: AnswerStatusReason) -> str:
    """The headline phrase of a reason that has no separate one: its detail up to the first ';'."""
    return reason.detail.split("; ", 1)[0]


def assess(
    plan: Plan | None,
    not_covered: Sequence[AnswerStatusReason],
    records: Sequence[CallRecord],
    gaps: Sequence[Gap],
    truncated: Sequence[AnswerStatusReason] = (),
) -> Completeness:
    """The completeness of a run: its main ``plan`` and the tools the planner left out, every call
    record, the gaps still open after recovery and the composer's cut tables (see the module docstring)."""
    reasons: list[AnswerStatusReason] = []
    phrases: list[str] = []
    ok = [r for r in records if r.ok]
    unknown = [r for r in not_covered if r.reason is AnswerReason.ENTITY_UNKNOWN]
    not_covered = [r for r in not_covered if r.reason is not AnswerReason.ENTITY_UNKNOWN]
    for reason in unknown:  # first: it explains the parts that follow
        reasons.append(reason)
        phrases.append(reason.detail)
    if not records and (plan is None or not plan.steps) and not not_covered and not unknown:
        note = (plan.rationale if plan is not None else "") or "no tool matched the question"
        reasons.append(AnswerStatusReason(AnswerReason.NO_TOOL, note))
        phrases.append(note)
    if records and not ok:
        detail = _none_succeeded(records)
        reasons.append(AnswerStatusReason(AnswerReason.ALL_FAILED, detail))
        phrases.append(detail)
    for gap in gaps:
        reason, phrase = _failure(gap, _latest(records, gap.step_id))
        reasons.append(reason)
        phrases.append(phrase)
    for rec in ok:
        if (cut := _cut_by_tool(rec)) is not None:
            reasons.append(cut)
            phrases.append(_short(cut))
    for reason in (*truncated, *not_covered):
        reasons.append(reason)
        phrases.append(_short(reason))
    status = AnswerStatus.PARTIAL if reasons else AnswerStatus.COMPLETE
    if not ok:
        status = AnswerStatus.UNANSWERED
    return Completeness(status, tuple(reasons), headline(status, phrases))


def headline(status: AnswerStatus, phrases: Sequence[str]) -> str:
    """The sentence that opens an incomplete answer (empty for a complete one)."""
    if status is AnswerStatus.COMPLETE:
        return ""
    body = "; ".join(p.rstrip(".") for p in phrases) or "no tool returned data"
    return f"{_PREFIX.get(status, 'Answer')}: {body}."
