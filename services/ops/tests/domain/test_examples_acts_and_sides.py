"""Honest answers (issue 13, the blind email estate's causes): a name spelt like a parameter's example is a value
of its kind, not an unknown host; a value of an id column names the record its tool looks up; plain words
compared ("speedy vs rapid") are things the rows name, not topics; the act a "when did we last ..." question
asks about is a change the change history holds; age words, swapped letters, short participles and the
gerund of "who is handling X" are no uncovered topics; 4xx/5xx replies are errors; a "blip" is trouble whose
"what was it" asks for its cause; the series and groups a question names are read first.

The estate is made up (a parcel courier's depots, vans and carriers); no estate's names.
"""

from datetime import UTC, datetime
from typing import Any

from opsuite_ops.domain.bm25 import is_verb_or_adverb
from opsuite_ops.domain.call_facts import analyse_call
from opsuite_ops.domain.comparison import unseen_sides
from opsuite_ops.domain.coverage import vocabulary
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import inventory_from_outputs
from opsuite_ops.domain.model import AnswerReason, Budget, CallRecord, CallStatus, Tool
from opsuite_ops.domain.planning import PlanOutcome, PlanRequest
from opsuite_ops.domain.timeline import asks_for_cause, is_trouble_word
from opsuite_ops.domain.typos import misspelt

NOW = datetime(2025, 11, 4, 9, 0, tzinfo=UTC)


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required)}


DEPOTS = Tool(
    "depot_inventory",
    "Depots (sorting hubs): region, state, firmware version of the sorter, the van fleets they load for",
    frozenset({"config", "inventory"}),
    input_schema=_obj({"region": {"type": "string", "default": ""}}),
    idempotent=True,
)
VANS = Tool(
    "van_roster",
    "Delivery vans: the fleet each belongs to, its depot, since when it is in its fleet",
    frozenset({"config", "inventory"}),
    input_schema=_obj({"fleet": {"type": "string", "default": "", "description": "van fleet name"}}),
    idempotent=True,
)
OUTCOMES = Tool(
    "carrier_outcomes",
    "Hand-over outcomes per partner carrier (its domain) and van fleet in 10-minute buckets: handed over, "
    "refused and returned parcels, refusal rate in percent",
    frozenset({"metric", "parcels"}),
    input_schema=_obj(
        {
            "carrier_domain": {"type": "string", "default": "", "pattern": "^[a-z0-9.-]*$",
                               "description": "carrier domain, e.g. example.net; empty for all"},
            "fleet": {"type": "string", "default": ""},
            "start": {"type": "string", "format": "date-time"},
        },
        ("start",),
    ),
)  # fmt: skip
REPLIES = Tool(
    "carrier_replies",
    "The most frequent replies (temporary 4xx and permanent 5xx) one carrier gave our depots in the last N hours",
    frozenset({"metric", "parcels", "logs"}),
    input_schema=_obj(
        {
            "domain": {"type": "string", "description": "carrier domain, e.g. example.net"},
            "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 2},
        },
        ("domain",),
    ),
)
CASES = Tool(
    "support_cases",
    "Support cases of the courier (cs-nnnn): severity, state, title, case owner; search by id or title words",
    frozenset({"history", "incident"}),
    input_schema=_obj({"q": {"type": "string", "default": "", "description": "case id or words of its title"}}),
    idempotent=True,
)
CHANGES = Tool(
    "config_changes",
    "Configuration changes applied after a time: routing rules, label signing keys and depot settings; target, "
    "before and after, who",
    frozenset({"history", "change", "config"}),
    input_schema=_obj({"applied_after": {"type": "string", "format": "date-time"}}, ("applied_after",)),
)
GUIDES = Tool(
    "ops_guides",
    "Search the courier's operations guides for keywords",
    frozenset({"document"}),
    input_schema=_obj({"keywords": {"type": "string", "description": "a word or phrase"}}, ("keywords",)),
)
TOOLS = [DEPOTS, VANS, OUTCOMES, REPLIES, CASES, CHANGES, GUIDES]

INVENTORY = inventory_from_outputs(
    {
        "depot_inventory": {
            "rows": [
                {"host": "dep01.north", "region": "north", "state": "open", "firmware_version": "4.2.0"},
                {"host": "dep02.south", "region": "south", "state": "closed", "firmware_version": "4.1.9"},
            ]
        },
        "support_cases": {
            "rows": [
                {"case_id": "cs-0042", "state": "open", "title": "labels refused at the south hub", "owner": "ines"},
                {"case_id": "cs-0040", "state": "closed", "title": "van recall", "owner": "tomas"},
            ]
        },
        "van_roster": {"rows": [{"van": "v-17", "fleet": "north-express"}, {"van": "v-18", "fleet": "south-bulk"}]},
    }
)


def _plan(question: str) -> PlanOutcome:
    request = PlanRequest(question, TOOLS, Budget(max_steps=6), NOW, inventory=INVENTORY)
    return DeterministicPlanner().plan_sync(request)


def _reasons(outcome: PlanOutcome) -> list[str]:
    return [f"{r.reason.value}: {r.detail}" for r in outcome.not_covered]


def test_a_name_spelt_like_a_parameters_example_is_a_value_of_its_kind() -> None:
    # "parcelpost.net" is dotted like the depots (dep01.north), but close to none of them and spelt like the
    # carrier parameters' "e.g. example.net": a carrier, which fills the optional filter and the required one.
    outcome = _plan("whats the refusal rate at parcelpost.net rn?")
    assert not any(r.reason is AnswerReason.ENTITY_UNKNOWN for r in outcome.not_covered), _reasons(outcome)
    args = {s.tool: s.arguments for s in outcome.plan.steps}
    assert args["carrier_outcomes"]["carrier_domain"] == "parcelpost.net"
    # A misspelt depot is still no carrier: it is close to a known host.
    typo = _plan("refusal rate at dep03.north")
    assert any(r.reason is AnswerReason.ENTITY_UNKNOWN for r in typo.not_covered)


def test_replies_of_the_4xx_and_5xx_classes_are_errors() -> None:
    outcome = _plan("top errors from parcelpost.net in the last 2h")
    assert not outcome.not_covered, _reasons(outcome)
    steps = {s.tool: s.arguments for s in outcome.plan.steps}
    assert steps["carrier_replies"] == {"domain": "parcelpost.net", "hours": 2}


def test_a_value_of_an_id_column_names_the_record_its_tool_looks_up() -> None:
    # "cs-0042" is a value of the listing's case_id column (no ticket-shaped id); "handling" is the owner's part.
    outcome = _plan("who is handling cs-0042")
    assert not outcome.not_covered, _reasons(outcome)
    assert [(s.tool, s.arguments) for s in outcome.plan.steps] == [("support_cases", {"q": "cs-0042"})]


def test_plain_words_compared_are_things_the_rows_name() -> None:
    outcome = _plan("refusal rate speedy vs rapid on north-express, right now")
    assert outcome.plan.steps, _reasons(outcome)
    assert not outcome.not_covered, _reasons(outcome)
    assert outcome.plan.steps[0].tool == "carrier_outcomes"
    # After the run: a side that no argument and no output names is no part of the answer.
    rows = [{"domain": "speedy.net", "fleet": "north-express", "refusal_pct": 0.4}]
    record = CallRecord("c1", "s1", "carrier_outcomes", {"fleet": "north-express"}, CallStatus.OK,
                        output={"rows": rows})  # fmt: skip
    question = "refusal rate speedy vs rapid on north-express"
    reasons = unseen_sides(question, [record], vocabulary(TOOLS))
    assert [r.detail for r in reasons] == ["no data of the run names rapid: nothing to compare"]
    # Words the tools know ("refused vs returned") are what the tools report, never missing sides.
    assert unseen_sides("refused vs returned parcels", [record], vocabulary(TOOLS)) == []


def test_the_act_a_when_question_asks_about_is_a_change() -> None:
    # "rotate" and "key" are no tool's words; the change history speaks of signing keys: it answers, not the
    # guides search (which would find the procedure, not when it was done).
    outcome = _plan("when did we last rotate the label signing key?")
    assert not outcome.not_covered, _reasons(outcome)
    assert [s.tool for s in outcome.plan.steps] == ["config_changes"]
    passive = _plan("when was the label signing key last rotated?")
    assert [s.tool for s in passive.plan.steps] == ["config_changes"]


def test_age_words_swapped_letters_and_short_participles_are_no_topics() -> None:
    for question in (
        "which depot is still on the old firmware version?",  # "old"
        "which vans were added to the north-express fleet recently?",  # "added" (five letters) "to" the fleet
        "config chnages in the last 3 hours?",  # two letters swapped
        "what region are the new depots in?",  # "new"
    ):
        outcome = _plan(question)
        assert not any(r.reason in (AnswerReason.NOT_COVERED, AnswerReason.NO_TOOL) for r in outcome.not_covered), (
            question,
            _reasons(outcome),
        )
    assert misspelt("chnages", {"chang", "config"}, frozenset()) == "chang"
    assert is_verb_or_adverb("added") and is_verb_or_adverb("moved")
    assert not is_verb_or_adverb("speed") and not is_verb_or_adverb("breed")


def test_a_blip_is_trouble_and_what_was_it_asks_for_its_cause() -> None:
    assert is_trouble_word("blip") and is_trouble_word("blips")
    assert asks_for_cause("parcelpost.net had a refusal blip earlier, when did it start and what was it?")
    assert not asks_for_cause("what was it at noon?")  # no trouble named: a value
    outcome = _plan("parcelpost.net had a refusal blip earlier, when did it start and what was it?")
    assert not outcome.not_covered, _reasons(outcome)
    tools = {s.tool for s in outcome.plan.steps}
    assert {"carrier_outcomes", "config_changes"} <= tools  # the series for the onset, the changes before it


def test_the_groups_and_measures_a_question_names_come_first() -> None:
    rows = [
        {"carrier": c, "fleet": f, "bucket": f"2025-11-04T0{h}:00:00Z", "handed": 100 + h, "refusal_pct": h + k}
        for k, c in enumerate(["alpha.net", "beta.net", "gamma.net", "delta.net"])
        for f in ("north", "south", "east")
        for h in range(6)
    ]
    call = CallRecord("c1", "s1", "carrier_outcomes", {}, CallStatus.OK, output={"rows": rows})
    plain = analyse_call(call).fact.splitlines()
    asked = analyse_call(call, question="refusal rate of gamma vs delta").fact.splitlines()
    assert plain[1].startswith("  - carrier=alpha.net, fleet=north: handed")
    assert asked[1].startswith("  - carrier=gamma.net, fleet=north: refusal_pct latest")
    assert asked[4].startswith("  - carrier=delta.net")
