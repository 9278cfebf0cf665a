"""Names a tool's enum declares (issue 13, the blind ML-platform estate's causes): a name that is a value of a
parameter's enum is a known name of that kind, whatever the listings returned (a listing of runs shows only the
pools they ran on); a name spelt like an enum's values (their fixed parts in place) that is none of them is an
unknown name of that kind with its closest values, and a name sharing a word but not the kind's fixed parts is
not; the words of a kind the question names pick the one enum value having them ("the v100 pool"), and an enum
parameter takes a value read so; a kind word names no value by being a part of it, and a stop word names no
compound kind ("to" is no ``overflow_to``).

The estate is made up (a video transcoding farm: worker pools and delivery routes); no estate's names.
"""

from datetime import UTC, datetime
from typing import Any

from opsuite_ops.domain.coverage import vocabulary
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import inventory_from_outputs
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.model import AnswerReason, Budget, Tool
from opsuite_ops.domain.param_kinds import name_kinds
from opsuite_ops.domain.planning import PlanOutcome, PlanRequest

NOW = datetime(2025, 11, 4, 9, 0, tzinfo=UTC)
POOLS = ["gpu-pool-k80-fra", "gpu-pool-v100-fra", "gpu-pool-v100-ord", "gpu-pool-t4-ord"]
ROUTES = ["rt_manifest_edge", "rt_segment_origin", "rt_thumb_cache", "rt_captions_api"]


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required)}


RUNS = Tool(
    "transcode_runs",
    "Transcode runs: job, worker pool it ran on, status",
    frozenset({"history"}),
    input_schema=_obj({}),
    idempotent=True,
)
LOAD = Tool(
    "pool_encoder_load",
    "Encoder load percent and frames per second of one worker pool in 5-minute samples since a time",
    frozenset({"metric"}),
    input_schema=_obj(
        {"pool": {"type": "string", "enum": POOLS}, "since": {"type": "string", "format": "date-time"}},
        ("pool", "since"),
    ),
    idempotent=True,
)
ROUTE_LIST = Tool(
    "delivery_routes",
    "Delivery routes: owner squad and overflow route",
    frozenset({"config"}),
    input_schema=_obj({"route": {"type": "string", "enum": ["", *ROUTES], "default": ""}}),
    idempotent=True,
)
ROUTE_LATENCY = Tool(
    "route_latency",
    "Latency of one delivery route per minute: p50 and p99 in ms",
    frozenset({"metric"}),
    input_schema=_obj({"route": {"type": "string", "enum": ROUTES}}, ("route",)),
    idempotent=True,
)
TOOLS = [RUNS, LOAD, ROUTE_LIST, ROUTE_LATENCY]
OUTPUTS = {
    # The runs ran on two pools only, one of them no pool the load tool takes: the listing is no full list.
    "transcode_runs": {
        "rows": [
            {"job": "ingest-nightly", "pool": "cpu-c2-fra", "status": "done"},
            {"job": "thumbs-refresh", "pool": "gpu-pool-t4-ord", "status": "running"},
        ]
    },
    "delivery_routes": {
        "rows": [
            {"route": r, "owner": "edge-squad", "overflow_to": "rt_segment_origin" if r != "rt_segment_origin" else ""}
            for r in ROUTES
        ]
    },
}
INVENTORY = inventory_from_outputs(OUTPUTS)


def plan(question: str) -> PlanOutcome:
    return DeterministicPlanner().plan_sync(PlanRequest(question, TOOLS, Budget(), NOW, inventory=INVENTORY))


def unknown(outcome: PlanOutcome) -> list[str]:
    return [r.detail for r in outcome.not_covered if r.reason is AnswerReason.ENTITY_UNKNOWN]


def calls(outcome: PlanOutcome) -> list[tuple[str, dict[str, Any]]]:
    return [(s.tool, {k: v for k, v in s.arguments.items() if k != "since"}) for s in outcome.plan.steps]


def test_a_name_an_enum_declares_is_known_whatever_a_listing_shows() -> None:
    # The runs' pools are close in spelling ("gpu-pool-k80-fra" is one letter and digits from a listed pool):
    # still a pool the load tool takes, never "no pool named gpu-pool-k80-fra (did you mean ...?)".
    outcome = plan("encoder load on gpu-pool-k80-fra and gpu-pool-v100-ord right now")
    assert unknown(outcome) == []
    assert calls(outcome) == [
        ("pool_encoder_load", {"pool": "gpu-pool-k80-fra"}),
        ("pool_encoder_load", {"pool": "gpu-pool-v100-ord"}),
    ]
    entities = DeterministicPlanner().entities(PlanRequest("load on gpu-pool-v100-fra", TOOLS, Budget(), NOW,
                                                           inventory=INVENTORY))  # fmt: skip
    assert ("pool", "gpu-pool-v100-fra") in entities.values and not entities.guessed


def test_a_name_spelt_like_an_enums_values_that_is_none_of_them_is_unknown_with_the_closest() -> None:
    # "rt_" is what every route starts with; no route is close in spelling, the closest are still named.
    found = unknown(plan("p99 on rt_credit_limit today?"))
    assert len(found) == 1 and found[0].startswith("no route named rt_credit_limit (did you mean rt_")
    # "gpu-pool" is what every pool of that shape has in place: a pool the estate does not have.
    found = unknown(plan("is gpu-pool-a10g-syd healthy?"))
    assert len(found) == 1 and found[0].startswith("no pool named gpu-pool-a10g-syd (did you mean gpu-pool-")


def test_a_name_sharing_a_word_but_not_the_kinds_fixed_parts_is_no_unknown_value_of_it() -> None:
    # A node of a pool ("gpu-v100-fra-n03") is spelt like no pool: its second part is no "pool".
    assert unknown(plan("encoder load on gpu-v100-fra-n03 before it got cordoned")) == []


def test_the_words_of_a_kind_pick_the_one_enum_value_having_them_and_an_enum_parameter_takes_it() -> None:
    outcome = plan("encoder load of the k80 pool")
    assert calls(outcome) == [("pool_encoder_load", {"pool": "gpu-pool-k80-fra"})]
    assert any('"k80" is read as gpu-pool-k80-fra' in r for r in outcome.readings)
    # Two pools have "v100": neither is meant more than the other.
    assert "pool_encoder_load" not in [tool for tool, _args in calls(plan("encoder load of the v100 pool"))]
    # A route read from a word of its name (by the listing) fills the route enum.
    assert calls(plan("p99 latency of the thumb route")) == [("route_latency", {"route": "rt_thumb_cache"})]


def test_a_kind_word_names_no_value_and_a_stop_word_names_no_compound_kind() -> None:
    def read(question: str) -> Any:
        return extract_entities(
            question, now=NOW, inventory=INVENTORY, vocabulary=vocabulary(TOOLS), kinds=name_kinds(TOOLS)
        )

    # "pool" is a part of gpu-pool-t4-ord alone of the pools the runs listed: the word says which kind, not which.
    assert not read("what is the a100 pool costing us").readings
    # "to" is the last word of the column overflow_to; "segment" a part of its value: no reading of it.
    assert not read("what do we need to do to fix segment errors").readings
