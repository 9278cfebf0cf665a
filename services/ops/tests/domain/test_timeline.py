"""Change tables recognised by their shape, and the timeline naming the last change before an onset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from opsuite_ops.domain.series import ChangePoint
from opsuite_ops.domain.timeline import Onset, build_timeline, change_events, is_change_table

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
DEPLOYS = [
    {"app": "billing", "release_version": "v2.3", "author": "ci", "rolled_out": "2026-05-01T11:34:00Z",
     "notes": "retry policy"},
    {"app": "billing", "release_version": "v2.2", "author": "kim", "rolled_out": "2026-04-30T09:00:00Z",
     "notes": "cache keys"},
]  # fmt: skip
CONFIG = [{"target": "lb-1", "setting": "timeout_ms", "old": "2000", "new": "500", "changed_at": 1_777_635_000}]


def onset(at: datetime, previous: timedelta = timedelta(minutes=5)) -> Onset:
    return Onset("error_pct(app=billing)", "c9", ChangePoint(100, at, at - previous, 0.5, 8.0, True))


def test_change_tables_are_recognised_by_their_columns_not_their_tool() -> None:
    assert is_change_table(list(DEPLOYS[0]), DEPLOYS) == "rolled_out"
    assert is_change_table(list(CONFIG[0]), CONFIG) == "changed_at"
    assert is_change_table(["service", "version", "deployed_at"], []) == "deployed_at"  # empty: by names
    metric = [{"ts": "2026-05-01T11:00:00Z", "type": "cpu", "value": 3.0}]
    assert is_change_table(["ts", "type", "value"], metric) is None  # a type next to a number is a metric label
    assert is_change_table(["host", "status"], [{"host": "a", "status": "up"}]) is None  # no time column


def test_each_change_is_labelled_from_its_own_fields() -> None:
    events = change_events("c1", list(DEPLOYS[0]), DEPLOYS)
    assert events is not None and [e.at for e in events] == sorted(e.at for e in events)
    assert events[-1].label == "release of billing version v2.3 (retry policy) by ci"
    (cfg,) = change_events("c2", list(CONFIG[0]), CONFIG) or []
    assert cfg.label == "config change of lb-1 timeout_ms 2000 → 500" and cfg.at.tzinfo is not None
    kinds = [{"kind": "feature flag", "service": "api", "at": "2026-05-01T10:00:00Z", "description": "fast refunds on"}]
    assert (change_events("c3", list(kinds[0]), kinds) or [])[0].label == "feature flag of api (fast refunds on)"


def test_the_last_change_before_the_onset_is_named_with_the_time_between() -> None:
    changes = (change_events("c1", list(DEPLOYS[0]), DEPLOYS) or []) + (
        change_events("c2", list(CONFIG[0]), CONFIG) or []
    )
    tl = build_timeline("what changed before the error spike", changes, [onset(NOW - timedelta(minutes=18))],
                        ["deploys()", "config()"])  # fmt: skip
    assert tl is not None
    times = [line.split(" ")[1] + " " + line.split(" ")[2] for line in tl.lines]
    assert times == sorted(times)  # oldest first
    assert any("onset of a rise in error_pct(app=billing)" in line for line in tl.lines)
    (conclusion,) = tl.conclusions
    assert conclusion.startswith(
        "Last change before the onset: the release of billing version v2.3 (retry policy) by ci at "
        "2026-05-01 11:34Z, 8 min before the onset of the rise in error_pct(app=billing) at 2026-05-01 11:42Z [c1]."
    )
    same = build_timeline("q", changes, [onset(NOW - timedelta(minutes=26), timedelta(minutes=5))], ["d()"])
    assert same is not None and "at the same time as the onset" in same.conclusions[0]
    assert "within one sampling interval" in same.conclusions[0]


def test_nothing_before_the_onset_is_said_plainly() -> None:
    changes = change_events("c1", list(DEPLOYS[0]), DEPLOYS) or []
    early = build_timeline("what changed", changes[-1:], [onset(NOW - timedelta(hours=1))], ["deploys()"])
    assert early is not None
    assert early.conclusions[0].startswith("Nothing changed before the onset of the rise in error_pct(app=billing) at")
    assert "the first change in deploys() is the release of billing version v2.3" in early.conclusions[0]
    none = build_timeline("what changed", [], [onset(NOW)], ["deploys(app=billing)"])
    assert none is not None and none.conclusions[0].endswith("deploys(app=billing) returned no change.")


def test_without_an_onset_or_without_changes_the_answer_says_what_is_missing() -> None:
    changes = change_events("c1", list(DEPLOYS[0]), DEPLOYS) or []
    no_onset = build_timeline("what changed before the error spike", changes, [], ["deploys()"])
    assert no_onset is not None and no_onset.conclusions[0].startswith("No onset to compare them with")
    no_history = build_timeline("why is billing slow", [], [onset(NOW)], [])
    assert no_history is not None and no_history.conclusions[0].startswith("No change history was returned")
    assert build_timeline("cpu on web-02", [], [onset(NOW)], []) is None  # not a causal question
    assert build_timeline("list deployments", changes, [], ["deploys()"]) is None
