import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.call_facts import MAX_TABLE_ROWS
from opsuite_ops.domain.compose import DeterministicComposer, blocks_for_call
from opsuite_ops.domain.model import AnswerReason, BlockKind, CallRecord, CallStatus, Gap


def call(output: object, tool: str = "t") -> CallRecord:
    return CallRecord("c1", "s1", tool, {"service": "checkout"}, CallStatus.OK, output=output, execution_id="e1")


def test_block_shapes_are_recognised() -> None:
    assert blocks_for_call(call({"rows": [{"a": 1, "b": 2}, {"a": 3}]}))[0].rows == ((1, 2), (3, None))
    number = blocks_for_call(call({"value": 2.5, "unit": "%"}))[0]
    assert (number.kind, number.value, number.unit) == (BlockKind.NUMBER, 2.5, "%")
    assert blocks_for_call(call("**hi**"))[0].kind is BlockKind.MARKDOWN
    assert blocks_for_call(call({"k": "v"}))[0].columns == ("field", "value")
    ts = blocks_for_call(call({"series": [{"t": "2024-05-01T10:00:00Z", "v": 1}]}))[0]
    assert ts.kind is BlockKind.TIMESERIES and ts.series[0].v == 1.0


async def test_deterministic_answer_states_facts_references_and_gaps() -> None:
    gap = Gap("s2", "error_rate", "Error rate of a service (service=checkout)", "error store unavailable")
    out = await DeterministicComposer().compose("q", [call({"value": 2.5, "unit": "%"}, "error_rate")], [gap])
    assert "error_rate(service=checkout): 2.5 %" in out.answer and "[c1]" in out.answer
    assert "Could not find" in out.answer and "error store unavailable" in out.answer
    assert out.references[0].execution_id == "e1" and out.blocks[-1].kind is BlockKind.REFERENCES


async def test_a_table_cut_to_the_row_limit_is_reported_and_one_that_fits_is_not() -> None:
    rows = [{"n": i} for i in range(MAX_TABLE_ROWS + 10)]
    out = await DeterministicComposer().compose("q", [call({"rows": rows}, "audit")], [])
    assert len(out.blocks[0].rows) == MAX_TABLE_ROWS
    (cut,) = out.truncated
    assert cut.reason is AnswerReason.TRUNCATED and (cut.tool, cut.step_id) == ("audit", "s1")
    assert cut.detail.startswith(f"the table from audit(service=checkout) has {len(rows)} rows and the answer shows")
    fits = await DeterministicComposer().compose("q", [call({"rows": rows[:MAX_TABLE_ROWS]}, "audit")], [])
    assert fits.truncated == ()


NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def cpu_rows(n: int = 288) -> list[dict[str, Any]]:
    """24 h of 5-minute samples, oldest first: 30-45% with a 93-98% spike in the last 40 minutes."""
    rows = []
    for step in reversed(range(n)):
        t = NOW - timedelta(minutes=5 * step)
        base = 93 + 5 * (zlib.crc32(f"h{step}".encode()) % 100) / 100 if step <= 8 else 30 + step % 15
        rows.append({"ts": iso(t), "value": float(base)})
    return rows


async def test_a_288_row_series_is_summarised_with_its_onset_and_is_not_a_cut() -> None:
    rows = cpu_rows()
    c = CallRecord("c1", "s1", "cpu_by_host", {"host": "web-02", "since": iso(NOW - timedelta(hours=24))},
                   CallStatus.OK, output={"columns": ["ts", "value"], "rows": rows, "row_count": 288})  # fmt: skip
    out = await DeterministicComposer().compose("cpu on web-02 over the last 24 hours", [c], [])
    assert out.truncated == ()  # every row is in the summary
    assert f"288 rows; value: latest {rows[-1]['value']:g} at 2026-05-01 12:00Z" in out.answer
    assert "onset of a rise at 2026-05-01 11:20Z" in out.answer and "trend rising" in out.answer
    assert "showing 20 of 288 rows, newest first: the newest 20, back to 11 before the onset" in out.answer
    series, table = out.blocks[0], out.blocks[1]
    assert series.kind is BlockKind.TIMESERIES and len(series.series) == 288 and series.series[-1].t == iso(NOW)
    assert table.kind is BlockKind.TABLE and [r[0] for r in table.rows] == [
        iso(NOW - timedelta(minutes=5 * i)) for i in range(20)
    ]
    assert "(showing 20 of 288 rows" in table.title


async def test_a_series_table_with_text_columns_left_out_is_a_cut() -> None:
    rows = [{**r, "message": f"sample {i}"} for i, r in enumerate(cpu_rows(120))]
    out = await DeterministicComposer().compose("q", [call({"rows": rows}, "samples")], [])
    table = next(b for b in out.blocks if b.kind is BlockKind.TABLE)
    assert len(table.rows) == MAX_TABLE_ROWS and table.rows[0][0] == iso(NOW)  # the newest first
    (cut,) = out.truncated
    assert cut.detail.startswith("the table from samples(service=checkout) has 120 rows and the answer shows 50;")
    assert "not shown with their message" in cut.detail


async def test_a_long_table_with_a_time_column_keeps_its_newest_rows() -> None:
    rows = [{"who": f"user{i}", "did": "login", "at": iso(NOW - timedelta(minutes=i))} for i in range(70)]
    out = await DeterministicComposer().compose("q", [call({"rows": list(reversed(rows))}, "audit")], [])
    assert [r[2] for r in out.blocks[0].rows] == [iso(NOW - timedelta(minutes=i)) for i in range(MAX_TABLE_ROWS)]
    (cut,) = out.truncated
    assert cut.detail.startswith(
        "the table from audit(service=checkout) has 70 rows and the answer shows the newest 50"
    )
    assert "audit(service=checkout): 70 rows (the table shows the newest 50): who=user0" in out.answer


async def test_a_what_changed_before_question_gets_a_timeline_naming_the_last_change() -> None:
    deploys = {"columns": ["service", "version", "deployed_by", "deployed_at", "change"], "rows": [
        {"service": "shop", "version": "v2.3", "deployed_by": "ci", "deployed_at": "2026-05-01T11:12:00Z",
         "change": "retry policy"}]}  # fmt: skip
    config = {"columns": ["target", "key", "old_value", "new_value", "changed_by", "changed_at"], "rows": []}
    calls = [
        CallRecord("c1", "s1", "deploys", {"service": "shop"}, CallStatus.OK, output=deploys),
        CallRecord("c2", "s2", "error_pct", {"service": "shop"}, CallStatus.OK,
                   output={"rows": [{"ts": r["ts"], "pct": r["value"] / 10} for r in cpu_rows()]}),
        CallRecord("c3", "s3", "config", {"service": "shop"}, CallStatus.OK, output=config),
    ]  # fmt: skip
    out = await DeterministicComposer().compose("what changed on shop before the error spike", calls, [])
    assert (
        "Timeline (oldest first):\n- 2026-05-01 11:12Z deploy of shop version v2.3 (retry policy) by ci [c1]\n"
        in out.answer
    )
    assert "- 2026-05-01 11:20Z onset of a rise in error_pct(service=shop): " in out.answer
    assert (
        "Last change before the onset: the deploy of shop version v2.3 (retry policy) by ci at 2026-05-01 11:12Z, "
        "8 min before the onset of the rise in error_pct(service=shop) at 2026-05-01 11:20Z [c1]."
    ) in out.answer
    timeline = next(b for b in out.blocks if b.title == "Timeline")
    assert timeline.kind is BlockKind.MARKDOWN and "Last change before the onset" in timeline.markdown
    quiet = await DeterministicComposer().compose("what changed on shop before the error spike", calls[1:], [])
    assert "Nothing changed before the onset of the rise in error_pct(service=shop) at 2026-05-01 11:20Z: " \
           "config(service=shop) returned no change." in quiet.answer  # fmt: skip
