"""Series recognised in rows, their summaries, change points and the rows a table shows."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.series import analyse_table, change_points
from opsuite_ops.domain.series_format import fmt_duration, fmt_num, parse_time, time_column
from opsuite_ops.domain.series_rows import select_rows

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def noise(key: str, i: int) -> float:
    """Deterministic noise in [0, 1)."""
    return (zlib.crc32(f"{key}:{i}".encode()) % 1000) / 1000.0


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def cpu_rows(spike_minutes: int = 40, n: int = 288) -> list[dict[str, Any]]:
    """24 h of 5-minute cpu samples, oldest first, around 30-45%, then 93-98% for the last ``spike_minutes``."""
    rows = []
    for step in reversed(range(n)):
        t = NOW - timedelta(minutes=5 * step)
        hot = t >= NOW - timedelta(minutes=spike_minutes)
        rows.append(
            {"ts": iso(t), "value": round(93 + 5 * noise("hot", step) if hot else 30 + 15 * noise("c", step), 2)}
        )
    return rows


def test_a_time_column_is_found_by_value_or_by_name_for_epoch_numbers() -> None:
    rows = [{"n": 1_700_000_000, "when_seen": "2026-05-01 11:00:00", "epoch": 1_700_000_000}]
    assert time_column(["n", "when_seen"], rows) == "when_seen"  # an ISO value, whatever the name
    assert time_column(["n", "epoch"], rows) is None  # epoch-like numbers count only under a time-like name
    assert time_column(["x", "created_at"], [{"x": 1, "created_at": 1_777_000_000_000}]) == "created_at"  # ms
    assert parse_time(1_777_000_000_000, epoch=True) == parse_time(1_777_000_000, epoch=True)
    assert parse_time("2026-05-01T11:00:00+02:00") == datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    assert parse_time("web-01") is None and parse_time("2026") is None


def test_a_288_row_series_is_summarised_with_its_onset() -> None:
    rows = cpu_rows()
    table = analyse_table(["ts", "value"], rows)
    assert table is not None and table.covers_every_column
    (s,) = table.series
    values = [r["value"] for r in rows]
    assert s.count == 288 and s.latest == values[-1] and s.last_at == NOW
    assert (s.minimum, s.maximum) == (min(values), max(values))
    assert abs(s.mean - sum(values) / 288) < 1e-9
    assert s.trend == "rising"
    onset = s.onset
    assert onset is not None and onset.direction == "rise"
    assert onset.at == NOW - timedelta(minutes=40)  # the first hot sample
    assert onset.previous_at == NOW - timedelta(minutes=45)
    assert 30 <= onset.before <= 45 and 93 <= onset.after <= 98
    text = s.describe("%")
    assert "latest" in text and "onset of a rise at 2026-05-01 11:20Z" in text and "trend rising" in text


def test_noise_alone_has_no_onset_and_a_flat_trend() -> None:
    rows = [{"ts": iso(NOW - timedelta(minutes=5 * i)), "value": 40 + 20 * noise("n", i)} for i in range(288)]
    (s,) = analyse_table(["ts", "value"], rows).series  # type: ignore[union-attr]
    assert s.onset is None and s.trend == "flat" and s.last_at == NOW  # rows newest first are sorted by time


def test_a_spike_that_ended_has_its_onset_and_its_recovery() -> None:
    times = [NOW + timedelta(minutes=i) for i in range(60)]
    values = [10.0 + noise("r", i) for i in range(60)]
    for i in range(30, 40):
        values[i] = 50.0 + noise("s", i)
    points = change_points(times, values)
    assert [(p.index, p.direction, p.onset) for p in points] == [(30, "rise", True), (40, "drop", False)]
    table = analyse_table(["t", "v"], [{"t": iso(t), "v": v} for t, v in zip(times, values, strict=True)])
    assert table is not None
    assert "onset of a rise at 2026-05-01 12:30Z" in table.series[0].describe()
    assert ", back to" in table.series[0].describe()


def test_a_flat_baseline_with_a_step_is_an_onset_and_integer_jitter_is_not() -> None:
    times = [NOW + timedelta(minutes=i) for i in range(30)]
    step = [1.0] * 20 + [5.0] * 10
    assert [p.index for p in change_points(times, step)] == [20]
    # Small counts: the MAD is often 0, the mean absolute deviation stands in and keeps 2 -> 1 from counting.
    counts = [2.0, 2.0, 3.0, 2.0, 2.0, 1.0, 2.0, 2.0, 2.0, 4.0, 2.0, 2.0, 2.0, 2.0, 0.0, 2.0] * 2
    assert change_points(times[: len(counts)], counts) == []


def test_rows_grouped_by_a_label_are_one_series_per_group() -> None:
    rows = []
    for host, spike in (("web-01", 0), ("web-02", 40)):
        rows += [{"host": host, "service": "shop", **r} for r in cpu_rows(spike, n=60)]
    table = analyse_table(["host", "service", "ts", "value"], rows)
    assert table is not None and table.label_columns == ("host", "service")
    quiet, hot = table.series
    assert (quiet.group, quiet.onset) == ("host=web-01, service=shop", None)
    assert hot.onset is not None and hot.onset.at == NOW - timedelta(minutes=40)


def test_text_and_id_columns_are_not_summarised() -> None:
    rows = [{"id": i, "ts": iso(NOW + timedelta(minutes=i)), "ms": 10.0 + i, "msg": f"req {i}"} for i in range(10)]
    table = analyse_table(["id", "ts", "ms", "msg"], rows)
    assert table is not None and table.value_columns == ("ms",) and table.other_columns == ("id", "msg")
    assert not table.covers_every_column
    assert analyse_table(["ts", "msg"], rows) is None  # no numbers: not a series
    assert analyse_table(["ts", "ms"], rows[:2]) is None  # too few points


def test_the_rows_shown_are_the_newest_and_those_around_an_older_onset() -> None:
    rows = cpu_rows(spike_minutes=300)  # onset 5 h ago: far from the newest rows
    table = analyse_table(["ts", "value"], rows)
    assert table is not None
    sel = select_rows(table, len(rows), 20)
    shown = [rows[k]["ts"] for k in sel.rows]
    assert len(shown) == 20 and shown[0] == iso(NOW) and shown[:10] == sorted(shown[:10], reverse=True)
    assert iso(NOW - timedelta(minutes=300)) in shown and iso(NOW - timedelta(minutes=305)) in shown
    assert sel.note == (
        "showing 20 of 288 rows, newest first: the newest 10 and the 10 around the onset at 2026-05-01 07:00Z"
    )
    recent = cpu_rows()
    near = select_rows(analyse_table(["ts", "value"], recent), len(recent), 20)  # type: ignore[arg-type]
    assert near.note == (
        "showing 20 of 288 rows, newest first: the newest 20, back to 11 before the onset at 2026-05-01 11:20Z"
    )
    assert select_rows(table, 15, 20).rows == tuple(range(15))  # fits: every row, in the tool's order


def test_numbers_and_durations_read_well() -> None:
    assert [fmt_num(v) for v in (95.0833, 0.30001, 12345.6, 0, -2.5)] == ["95.08", "0.3", "12,346", "0", "-2.5"]
    assert [fmt_duration(timedelta(seconds=s)) for s in (40, 480, 3900, 93600)] == [
        "40 s",
        "8 min",
        "1 h 5 min",
        "1 d 2 h",
    ]
