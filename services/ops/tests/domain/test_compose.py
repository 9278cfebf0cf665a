from opsuite_ops.domain.compose import MAX_TABLE_ROWS, DeterministicComposer, blocks_for_call
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
