"""A date parameter known by its description's layout, and status rows named by capital codes without digits
(the twenty-fifth estate's fixes: docs/architecture/ops.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.series import analyse_table
from opsuite_ops.domain.timerange import format_time, is_date_param

AT = datetime(2026, 12, 7, 4, 10, 55, tzinfo=UTC)


def test_a_description_giving_the_day_layout_alone_makes_a_date_parameter() -> None:
    day = {"type": "string", "description": "first day, YYYY-MM-DD"}
    assert is_date_param(day) and format_time(AT, day) == "2026-12-07"
    assert is_date_param({"type": "string", "description": "last day (yyyy-mm-dd); empty: open-ended"})
    # A layout with a time of day, or none at all, is a timestamp.
    for description in ("start, YYYY-MM-DDTHH:MM:SSZ", "start, YYYY-MM-DD hh:mm UTC", "first day",
                        "start, yyyy-MM-dd'T'HH:mm:ss", "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"):  # fmt: skip
        schema = {"type": "string", "description": description}
        assert not is_date_param(schema) and format_time(AT, schema) == "2026-12-07T04:10:55Z"
    # The schema's own format or pattern wins over the description.
    assert not is_date_param({"type": "string", "format": "date-time", "description": "YYYY-MM-DD"})
    assert not is_date_param({"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}T", "description": "YYYY-MM-DD"})


def test_a_timestamp_takes_the_first_layout_its_pattern_takes() -> None:
    spaced = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}(:[0-9]{2})?$"}
    assert format_time(AT, spaced) == "2026-12-07 04:10:55"  # not RFC 3339, which the pattern refuses
    minutes = {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$"}
    assert format_time(AT, minutes) == "2026-12-07T04:10"
    # a pattern RFC 3339 meets, or none that any layout meets (the validation says so before any call), or none
    for schema in ({"type": "string", "pattern": "Z$"}, {"type": "string", "pattern": "^at "}, {"type": "string"}):
        assert format_time(AT, schema) == "2026-12-07T04:10:55Z"


def _status_rows(names: list[str]) -> list[dict[str, Any]]:
    rows = []
    for k, name in enumerate(names):
        since = AT - timedelta(days=40) if k % 3 else AT - timedelta(hours=k + 1)
        rows.append({"tx": name, "state": "on_air" if k % 4 else "off_air", "since": since.isoformat(),
                     "fwd_kw": 2.5 + k, "vswr": 1.05 + k / 100})  # fmt: skip
    return rows


def test_status_rows_named_by_capital_codes_are_records_not_a_series() -> None:
    # One row per transmitter, each with the time its state began: the rows are shown, never summed into a
    # "series" of the transmitters' forward powers grouped by state (which names no transmitter at all).
    coded = ["KNK/DTT-A", "KNK/DTT-B", "SLC/FM-WAVE", "SLC/FM-CFM", "IND/FM-WAVE", "MGB/DTT-A", "CNT/DAB-X"]
    assert analyse_table(["tx", "state", "since", "fwd_kw", "vswr"], _status_rows(coded)) is None
    # Lower-case words are no codes: those rows stay a series table as before.
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"]
    assert analyse_table(["tx", "state", "since", "fwd_kw", "vswr"], _status_rows(words)) is not None
