"""Log lines as stored: control characters escaped (idempotently), the dropped count kept beside the lines."""

from __future__ import annotations

from opsuite_api_manager.domain.script import LogLine, escape_controls, log_records, split_log_records


def test_controls_are_escaped_but_tab_newline_and_text_are_kept() -> None:
    raw = "a\x00b\x07c\x1b[0m\rd\x7fe\x85f\u202eg\th\ni é ✓"
    escaped = escape_controls(raw)
    assert escaped == "a\\x00b\\x07c\\x1b[0m\\x0dd\\x7fe\\x85f\\u202eg\th\ni é ✓"
    assert escape_controls(escaped) == escaped  # stored lines can be escaped again on the way out
    assert escape_controls({"k\x1b": ["\x07", 1, None, {"x": "\x00"}]}) == {
        "k\\x1b": ["\\x07", 1, None, {"x": "\\x00"}]
    }


def test_the_dropped_count_travels_in_the_record_and_comes_back_apart() -> None:
    lines = (LogLine("one", {"n": 1}, 0.5), LogLine("two", {}, 0.75))
    records = log_records(lines, 98)
    assert split_log_records(records) == (
        [{"at": 0.5, "message": "one", "fields": {"n": 1}}, {"at": 0.75, "message": "two", "fields": {}}],
        98,
    )
    assert log_records(lines, 0) == split_log_records(log_records(lines, 0))[0]  # nothing added when none dropped
    assert split_log_records([{"message": "dropped", "dropped": 3}, "junk", {"dropped": -1}]) == (
        [{"message": "dropped", "dropped": 3}],
        0,
    )
