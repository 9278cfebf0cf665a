"""Counts nobody worked out, and counts per interval added up (issue 13, the thirty-fourth estate written blind):
"how many pages have they had this wk" over an on-call rota's rows is no count (the rows are shifts, and no tool
of the run speaks of pages), while a misspelt thing counted ("turbnes"), a value ("504s") or a thing the tools
name still is; "how many purchases failed in the last 6 hrs" adds up a ``failed`` column per interval, also in
the brief lines of a table of many series.

The estate is made up (a bakery's payment providers and its on-call rota); no estate's names.
"""

from datetime import UTC, datetime, timedelta

from opsuite_ops.domain.aggregate import uncounted
from opsuite_ops.domain.call_facts import analyse_call
from opsuite_ops.domain.model import CallRecord, CallStatus

NOW = datetime(2025, 2, 3, 12, 0, tzinfo=UTC)
ROTA = ["get oncall", "rota", "person", "mobile", "On-call rota, weeks from Monday; mobiles", "pager"]


def test_a_count_no_tool_of_the_run_reports_is_not_worked_out() -> None:
    assert uncounted("whos on call n how many pages have they had this wk?", ROTA) == (
        "how many pages is not worked out: no tool of the run reports them"
    )
    assert uncounted("how many rotas r there", ROTA) is None  # the tool's own word
    assert uncounted("how many pipleines failed in the last 24h?", ["pipeline runs", "status"]) is None  # misspelt
    assert uncounted("how many 504s has fra1 logged?", ["edge log search", "status"]) is None  # a value
    assert uncounted("whos on call?", ROTA) is None  # nothing counted


def test_a_failed_column_per_interval_adds_up_over_the_window_asked() -> None:
    rows = []
    for k, provider in enumerate(("Acme Pay", "Bolt Wallet", "Crumb Card", "Dough Direct")):
        for i in range(6):
            at = (NOW - timedelta(hours=6 - i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            rows.append({"provider": provider, "at": at, "attempts": 300 + i, "failed": 10 * (k + 1) + i,
                         "fail_pct": round((10 * (k + 1) + i) / (300 + i) * 100, 2)})  # fmt: skip
    call = CallRecord("c1", "s1", "store_purchases", {"hours_back": 6}, CallStatus.OK, {"rows": rows})
    asked = analyse_call(call, None, None, "how many acme purchases failed in the last 6 hrs?").fact
    assert "12 series, briefly" in asked
    line = next(x for x in asked.splitlines() if "Acme Pay" in x)
    assert "(75 in all over those 6 points)" in line  # 10 + 11 + ... + 15
    assert "attempts latest 305" in line and "attempts latest 305 (min 300, max 305, rising) (" not in line
    # No window asked: nothing adds up.
    assert "in all" not in analyse_call(call, None, None, "how many acme purchases failed?").fact
