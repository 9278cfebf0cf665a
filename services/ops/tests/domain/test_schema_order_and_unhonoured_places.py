"""One plan whatever the process (issue 13, found on the thirty-fourth estate): a protobuf Struct keeps no key
order, so a tool's parameters came in an order that differed from process to process, and a search's key terms
kept or dropped a word an enum value took by that order ("crash" of ``category=crash``); what is read from a Struct
has its keys sorted (``protoconv``) and the search is filled last. And a thing asked "on" a word that only another
tool knows ("CCU on mobile" beside an on-call rota's ``mobile`` phone column) is no part covered.

The estate is made up (a theatre's box office); no estate's names.
"""

from datetime import UTC, datetime

from google.protobuf import struct_pb2

from opsuite.apimanager.v1 import api_manager_pb2 as am
from opsuite_ops.adapters.api_manager import tool_from_api
from opsuite_ops.domain.coverage import vocabulary
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.fill import fill_arguments
from opsuite_ops.domain.guessed_topics import unhonoured_places
from opsuite_ops.domain.model import PlanStep, Tool

NOW = datetime(2025, 7, 1, 19, 0, tzinfo=UTC)


def _api(name: str, description: str, properties: dict[str, object], tags: tuple[str, ...] = ()) -> am.Api:
    schema = struct_pb2.Struct()
    schema.update({"type": "object", "properties": properties})
    return am.Api(definition=am.ApiDefinition(name=name, description=description, tags=list(tags),
                                              param_schema=schema))  # fmt: skip


def test_a_schemas_keys_come_in_one_order_and_a_search_is_filled_last() -> None:
    props = {k: {"type": "string", "default": ""} for k in ("stage", "q", "venue", "hours", "seat", "act")}
    props["category"] = {"type": "string", "enum": ["", "refund", "seating", "access"], "default": ""}
    tool = tool_from_api(_api("search_complaints", "Search box office complaints by words", props, ("search",)))
    assert list(tool.properties) == sorted(props)
    entities = extract_entities("how many refund complaints about the matinee", now=NOW)
    args = fill_arguments(tool, entities, now=NOW).arguments
    assert args["category"] == "refund" and "refund" not in str(args.get("q", ""))


SALES = Tool("ticket_sales_now", "Tickets sold in the latest hour, by platform (web, kiosk)",
             frozenset({"sales", "tickets", "platform"}), idempotent=True)  # fmt: skip
ROTA = Tool("get_oncall", "On-call rota of the box office: person, mobile, starts, ends",
            frozenset({"oncall", "rota"}), idempotent=True)  # fmt: skip


def test_a_thing_asked_on_a_word_only_another_tool_knows_is_not_covered() -> None:
    tools = [SALES, ROTA]
    vocab = vocabulary(tools)
    steps = [PlanStep("s1", "ticket_sales_now", {}), PlanStep("s2", "get_oncall", {})]
    (reason,) = unhonoured_places("hows tickets sales on mobile rn?", steps, tools, {}, vocab)
    assert reason.detail == "no tool reports sales on mobile"
    assert unhonoured_places("hows tickets sales on web rn?", steps, tools, {}, vocab) == []  # the tool knows web
    assert unhonoured_places("whos on call rn?", steps, tools, {}, vocab) == []
    assert unhonoured_places("sales on mobile 4411 rn?", steps, tools, {}, vocab) == []  # a kind before a name
    # A step taking the word in an argument honours it.
    taken = [PlanStep("s1", "ticket_sales_now", {"platform": "mobile"}), steps[1]]
    assert unhonoured_places("hows tickets sales on mobile rn?", taken, tools, {}, vocab) == []
