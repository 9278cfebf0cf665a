"""What comes next (issue 13, found on the thirtieth estate): a question asking what comes next ("whens the next
collection", "upcoming", "tmrw") of a tool of things booked ahead gets that tool's required window from now on, not
the default day back; a readings tool keeps its window back, whatever the question asks next; a time the question
gives wins.

The estate is made up (a quarry's haulage bookings and weighbridge readings); no estate's names.
"""

from datetime import UTC, datetime, timedelta

from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.fill import AHEAD_WINDOW, fill_arguments
from opsuite_ops.domain.model import Tool

NOW = datetime(2025, 3, 4, 21, 10, tzinfo=UTC)

BOOKINGS = Tool(
    "haulage_bookings",
    "Haulage bookings of graded stone by customers' hauliers, scheduled between two dates, inclusive: reference, "
    "grade, haulier, scheduled, status, tonnes",
    frozenset({"haulage", "booking"}),
    input_schema={
        "type": "object",
        "properties": {
            "from_date": {"type": "string", "format": "date"},
            "to_date": {"type": "string", "format": "date"},
        },
        "required": ["from_date", "to_date"],
    },
    idempotent=True,
)
READINGS = Tool(
    "weighbridge_readings",
    "Weighbridge readings (tonnes per lorry) since a time",
    frozenset({"weighbridge"}),
    input_schema={
        "type": "object",
        "properties": {"since": {"type": "string", "format": "date-time"}},
        "required": ["since"],
    },
    idempotent=True,
)


def _args(tool: Tool, question: str) -> dict[str, object]:
    return dict(fill_arguments(tool, extract_entities(question, now=NOW), now=NOW).arguments)


def test_what_comes_next_of_bookings_looks_forward() -> None:
    ahead = {"from_date": "2025-03-04", "to_date": (NOW + AHEAD_WINDOW).date().isoformat()}
    assert _args(BOOKINGS, "whens the next haulage booking n whos the haulier?") == ahead
    assert _args(BOOKINGS, "any upcoming bookings for 40mm?") == ahead
    # No word of what comes next: the default day back; "next to" is a place, not a time.
    assert _args(BOOKINGS, "which haulage bookings were there?") == {"from_date": "2025-03-03", "to_date": "2025-03-04"}
    assert _args(BOOKINGS, "bookings for the bay next to the crusher?")["from_date"] == "2025-03-03"
    # A time the question gives wins.
    assert _args(BOOKINGS, "bookings in the next 2 days")["to_date"] == "2025-03-06"


def test_readings_look_back_whatever_comes_next() -> None:
    since = _args(READINGS, "lorry weights now n when is the next calibration?")["since"]
    assert since == (NOW - timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M:%SZ")
