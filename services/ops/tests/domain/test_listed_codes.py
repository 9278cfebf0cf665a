"""Codes a description lists in brackets (issue 13, the thirty-fourth estate written blind): "CCU EU vs NA" of a
region parameter "name or group (NA, EU, APAC, SA)" is one call per code, and of a tool "summed by platform, region
or region group (NA, EU, APAC, SA)" its ``by`` option ``region_group``; lowercase items, prose in brackets and a
two-letter code written in lowercase name nothing; "down" asks an enum's ``OFFLINE``; asking why something
happened in a listed code ("why so many delays in NS rn") is an investigation, as of a listed value.

The estate is made up (a ferry operator's vessels and routes); no estate's names.
"""

from datetime import UTC, datetime

from opsuite_ops.domain.entities import inventory_from_outputs
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.fill import fill_variants
from opsuite_ops.domain.investigate import is_investigation
from opsuite_ops.domain.listed_codes import codes_named, option_of_members
from opsuite_ops.domain.model import Tool

NOW = datetime(2025, 5, 6, 10, 0, tzinfo=UTC)

_ROUTE = "route code (dov-cal, hul-rot), name (Dover-Calais, ...) or sea (NS, EC, IRS); empty: all"
SAILINGS = Tool(
    "sailings_now",
    "Sailings under way now, summed by vessel (kestrel, osprey), route or sea (NS, EC, IRS), most first",
    frozenset({"sailing", "passengers"}),
    input_schema={
        "type": "object",
        "properties": {
            "by": {"type": "string", "enum": ["vessel", "route", "sea"], "default": "vessel"},
            "route": {"type": "string", "default": "", "description": _ROUTE},
            "state": {"type": "string", "enum": ["", "SAILING", "DELAYED", "OFFLINE"], "default": ""},
        },
    },
    idempotent=True,
)


def test_codes_a_description_lists_are_named_by_the_question() -> None:
    assert codes_named(_ROUTE, "passengers NS vs EC rn?") == ["NS", "EC"]
    assert codes_named(_ROUTE, "anything on irs") == ["IRS"]  # three letters or more: any case
    assert codes_named(_ROUTE, "is it ns or ec") == []  # two letters: only as the description writes them
    assert codes_named(_ROUTE, "dov-cal delays") == []  # lowercase items are words as often as codes
    assert codes_named("the sea (a code of the region)", "NS") == []  # prose in brackets lists nothing
    options = ["vessel", "route", "sea"]
    assert option_of_members(options, SAILINGS.description, "passengers NS vs EC") == "sea"
    assert option_of_members(options, SAILINGS.description, "passengers on kestrel") is None  # lowercase


def test_a_comparison_of_listed_codes_is_one_call_each_and_down_is_offline() -> None:
    entities = extract_entities("passengers NS vs EC rn, any down?", now=NOW)
    calls = [v.arguments for v in fill_variants(SAILINGS, entities, now=NOW)]
    assert calls == [
        {"by": "sea", "route": "NS", "state": "OFFLINE"},
        {"by": "sea", "route": "EC", "state": "OFFLINE"},
    ]


def test_why_something_happened_in_a_listed_code_is_an_investigation() -> None:
    inventory = inventory_from_outputs({"gateways": {"rows": [{"host": "ferry-gw-1", "service": "booking"}]}})

    def asks(question: str) -> bool:
        entities = extract_entities(question, now=NOW, inventory=inventory)  # "NS" is no host nor service
        return is_investigation(question, entities, [SAILINGS], inventory)

    assert asks("why r so many sailings delayed in NS rn, anything change?")
    assert not asks("why r so many sailings delayed rn, anything change?")  # no thing named
    assert not asks("how many passengers in NS rn?")  # no cause asked
