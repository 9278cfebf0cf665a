"""Honest answers (the blind object-storage estate's lessons, as general mechanisms): a negated state takes the
enum's other values; an HTTP error class is trouble whose "what was it" asks for its cause, and so does a fix;
"who deleted X" asks for an actor no tool may know; a "rate" is what a percent reports; growth, oddness,
degree and remedy words are no topics, and a rising series says how much it grows a day; "top 3" is a count,
"biggest" no name;
"did any X fail" filters on the failure; "how much notice do we need" asks for a practice.

The estate is made up (a harbour's vessels, gates and loading jobs); no estate's names.
"""

from datetime import timedelta

from opsuite_ops.domain.acts import actor_acts
from opsuite_ops.domain.coverage import asks_how_to, is_topic, vocabulary
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import inventory_from_outputs
from opsuite_ops.domain.fill_words import enum_choices
from opsuite_ops.domain.model import AnswerReason, Budget, Tool
from opsuite_ops.domain.negation import negated_words
from opsuite_ops.domain.planning import PlanOutcome, PlanRequest
from opsuite_ops.domain.series import summarise_points
from opsuite_ops.domain.timeline import asks_for_cause, is_trouble_word

from .harbour import CARGO, LOADS, NOW, obj

PORTS = ["north-pier", "south-pier"]
VESSELS = Tool(
    "vessels",
    "Vessels of the fleet: home port, state (sailing, docked, repair), engine firmware version, tonnes aboard",
    frozenset({"config", "inventory"}),
    input_schema=obj({"state": {"type": "string", "enum": ["", "sailing", "docked", "repair"], "default": ""}}),
    idempotent=True,
)
GATES = Tool(
    "gate_stats",
    "Gate API traffic of a port in 5-minute buckets: requests, 4xx and 5xx responses (count and percent)",
    frozenset({"metric", "http", "errors"}),
    input_schema=obj(
        {"port": {"type": "string", "enum": PORTS}, "from_epoch": {"type": "integer", "minimum": 0}},
        ("port", "from_epoch"),
    ),
)
CHANGES = Tool(
    "port_changes",
    "Change requests applied to the port's systems since a time: category, target, summary, implementer",
    frozenset({"history", "change", "config"}),
    input_schema=obj({"since": {"type": "string", "format": "date-time"}}, ("since",)),
)
DOCS = Tool(
    "harbour_docs",
    "Search the harbour team's knowledge base (runbooks, procedures) for words",
    frozenset({"document"}),
    input_schema=obj({"terms": {"type": "string", "description": "a word or phrase to look for"}}, ("terms",)),
)
TOOLS = [VESSELS, CARGO, GATES, LOADS, CHANGES, DOCS]
NAMES = ["aurora", "borealis", "cygnus", "draco", "eridanus", "fornax", "gemini", "hydra", "indus"]
INVENTORY = inventory_from_outputs(
    {"vessels": {"rows": [{"vessel": n, "port": PORTS[k % 2], "state": "sailing"} for k, n in enumerate(NAMES)]}}
)


def _plan(question: str, steps: int = 6) -> PlanOutcome:
    request = PlanRequest(question, TOOLS, Budget(max_steps=steps), NOW, inventory=INVENTORY)
    return DeterministicPlanner().plan_sync(request)


def _reasons(outcome: PlanOutcome) -> list[str]:
    return [f"{r.reason.value}: {r.detail}" for r in outcome.not_covered]


def test_a_negated_state_takes_the_other_values_of_the_enum() -> None:
    assert negated_words("which vessels arent sailing rn?") == {"sailing"}
    assert negated_words("vessels that aren't currently docked") == {"docked"}
    assert negated_words("non-repair vessels") == {"repair"}
    assert negated_words("which vessels are docked") == frozenset()
    options = ["", "sailing", "docked", "repair"]
    assert enum_choices(options, ["vessels", "sailing"], negated={"sailing"}) == ["docked", "repair"]
    assert enum_choices(options, ["vessels", "sailing"]) == ["sailing"]
    outcome = _plan("which vessels arent sailing rn?")
    calls = [(s.tool, s.arguments) for s in outcome.plan.steps if s.tool == "vessels"]
    assert calls == [("vessels", {"state": "docked"}), ("vessels", {"state": "repair"})]


def test_an_http_error_class_is_trouble_and_a_fix_needs_the_cause() -> None:
    assert asks_for_cause("north-pier was throwing 5xx earlier, when did that start and what was it?")
    assert asks_for_cause("lots of 403s on south-pier, what was it?")
    assert asks_for_cause("aurora has not loaded anything in 2h, what do we need to do to fix it?")
    assert not asks_for_cause("what was it at noon?")
    outcome = _plan("north-pier was throwing 5xx earlier, when did that start and what was it?")
    assert {"gate_stats", "port_changes"} <= {s.tool for s in outcome.plan.steps}


def test_who_did_an_act_no_tool_knows_is_not_covered() -> None:
    assert actor_acts("who deleted objects from aurora yesterday?") == {"deleted"}
    assert actor_acts("which user dropped the table") == {"dropped"}
    assert actor_acts("who is on call") == frozenset()
    outcome = _plan("who deleted containers from aurora yesterday?")
    assert any(
        r.reason in (AnswerReason.NOT_COVERED, AnswerReason.NO_TOOL) and "deleted" in r.detail
        for r in outcome.not_covered
    ), _reasons(outcome)


def test_a_rate_is_reported_as_a_percent() -> None:
    outcome = _plan("5xx rate on north-pier over the last hour?")
    assert [s.tool for s in outcome.plan.steps][:1] == ["gate_stats"], _reasons(outcome)
    assert not any(r.reason in (AnswerReason.NOT_COVERED, AnswerReason.NO_TOOL) for r in outcome.not_covered)


def test_growth_oddness_degree_and_remedy_words_are_no_topics() -> None:
    vocab = vocabulary(TOOLS)
    for word in ("fast", "weird", "odd", "so", "too", "fix"):
        assert not is_topic(word, vocab), word
    assert is_trouble_word("growing") and is_trouble_word("shrinking")
    for question in (
        "how fast is aurora growing per day lately?",
        "is any vessel running a diffrent firmware version than the rest?",
        "why is aurora loading so few containers?",
    ):
        outcome = _plan(question)
        assert outcome.plan.steps, question
        assert not any(r.reason in (AnswerReason.NOT_COVERED, AnswerReason.NO_TOOL) for r in outcome.not_covered), (
            question,
            _reasons(outcome),
        )


def test_a_steadily_rising_series_says_how_much_it_grows_a_day() -> None:
    points = [(NOW - timedelta(days=14 - k), 100.0 + 1.2 * k) for k in range(15)]
    text = summarise_points("tonnes", points).describe()
    assert "+16.8 over 14 d (about +1.2 a day)" in text, text
    flat = summarise_points("tonnes", [(NOW - timedelta(days=k), 5.0) for k in range(5)]).describe()
    assert "a day" not in flat
    short = [(NOW - timedelta(minutes=5 * k), float(k)) for k in range(10)]
    assert "a day" not in summarise_points("tonnes", short).describe()  # less than a day: no daily rate


def test_top_n_is_a_count_and_biggest_is_no_name() -> None:
    outcome = _plan("top 3 biggest vessels by tonnes", steps=8)
    assert not any(r.reason is AnswerReason.ENTITY_UNKNOWN for r in outcome.not_covered), _reasons(outcome)
    assert all("days" not in s.arguments for s in outcome.plan.steps)
    assert "vessels" in {s.tool for s in outcome.plan.steps}
    assert not any("budget" in r.detail for r in outcome.not_covered), _reasons(outcome)


def test_did_any_x_fail_filters_on_the_failure() -> None:
    outcome = _plan("did any loading jobs fail in the last 2 days?")
    args = [s.arguments for s in outcome.plan.steps if s.tool == "loading_jobs"]
    assert args and args[0].get("status") == "failed"
    yes_no = _plan("did the loading job of aurora fail?")
    assert all("status" not in s.arguments for s in yes_no.plan.steps if s.tool == "loading_jobs")


def test_how_much_notice_do_we_need_asks_for_a_practice() -> None:
    assert asks_how_to("how much notice do we need to unload something from the cold store?")
    assert not asks_how_to("how many vessels do we have?")
    outcome = _plan("how much notice do we need to unload something from the cold store?")
    assert outcome.plan.steps and outcome.plan.steps[0].tool == "harbour_docs"
