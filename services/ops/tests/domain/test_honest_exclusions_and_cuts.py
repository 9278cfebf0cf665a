"""Honesty first: an answer never claims to be complete when it misses or contradicts what was asked.

A step the budget cuts stays a part not covered; a negator before the subject negates no value ("why aren't the
failed loads retried?"); a negation no call can express (no other value, a sentinel, an "or" of wanted and
unwanted) is said, and so is a complement cut by the budget; "who did X" needs a tool knowing the act and who
did it; a fix needs a runbook search; a "rate" is a percent only of a trouble the same tool knows; "500 GB" is
no HTTP error; "top 3" is a count that leaves the other numbers free; growth follows the least-squares trend.

The estate is made up (a harbour's vessels, gates and loading jobs); no estate's names.
"""

from datetime import timedelta

from opsuite_ops.domain.coverage import CoverageCheck, asks_how_to
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import inventory_from_outputs
from opsuite_ops.domain.fill import fill_variants
from opsuite_ops.domain.fill_words import choose_enum, enum_choices
from opsuite_ops.domain.model import AnswerReason, Budget, Tool
from opsuite_ops.domain.negation import mixed_or, negated_words
from opsuite_ops.domain.planning import PlanOutcome, PlanRequest
from opsuite_ops.domain.series import summarise_points
from opsuite_ops.domain.timeline import asks_for_cause, asks_for_remedy

from .harbour import CARGO, LOADS, NOW, obj

STATES = ["sailing", "docked", "repair", "anchored", "towed", "laid-up", "scrapped", "chartered"]
VESSELS = Tool(
    "vessels",
    "Vessels of the fleet: home port, state, engine firmware version, tonnes aboard",
    frozenset({"config", "inventory"}),
    input_schema=obj({"state": {"type": "string", "enum": ["all", *STATES], "default": "all"}}),
    idempotent=True,
)
GATES = Tool(
    "gate_stats",
    "Gate API traffic of a port in 5-minute buckets: requests, 4xx and 5xx responses (count and percent)",
    frozenset({"metric", "http", "errors"}),
    input_schema=obj({"port": {"type": "string", "enum": ["north-pier", "south-pier"]}}, ("port",)),
)
CRANES = Tool(
    "crane_usage",
    "Crane usage of a berth: lifts per hour, and the berths above a share of their quota",
    frozenset({"metric", "crane"}),
    input_schema=obj({"threshold_pct": {"type": "integer", "minimum": 0, "maximum": 100}}),
)
DELETIONS = Tool(
    "manifest_deletions",
    "Manifest entries deleted from a vessel's store: entry key, size, time",
    frozenset({"audit"}),
    input_schema=obj({"vessel": {"type": "string"}}, ("vessel",)),
)
DOCS = Tool(
    "harbour_docs",
    "Search the harbour team's knowledge base (runbooks, procedures) for words",
    frozenset({"document"}),
    input_schema=obj({"terms": {"type": "string", "description": "a word or phrase to look for"}}, ("terms",)),
)
TOOLS = [VESSELS, CARGO, GATES, LOADS, CRANES, DELETIONS]
INVENTORY = inventory_from_outputs({"vessels": {"rows": [{"vessel": n} for n in ("aurora", "borealis", "cygnus")]}})


def _plan(question: str, steps: int = 6, tools: list[Tool] | None = None) -> PlanOutcome:
    request = PlanRequest(question, tools or TOOLS, Budget(max_steps=steps), NOW, inventory=INVENTORY)
    return DeterministicPlanner().plan_sync(request)


def _gaps(outcome: PlanOutcome) -> list[str]:
    return [r.detail for r in outcome.not_covered if r.reason in (AnswerReason.NOT_COVERED, AnswerReason.NO_TOOL)]


def test_a_step_the_budget_cuts_stays_not_covered() -> None:
    # The listing of vessels and the loading jobs share words with the planned cargo histories: the budget still
    # cut them, so the answer is partial.
    outcome = _plan("list the vessels and the cargo history of aurora and borealis", steps=2)
    assert len(outcome.plan.steps) == 2
    assert any("budget" in d for d in _gaps(outcome)), _gaps(outcome)
    ranking = _plan("which vessel's cargo tonnes grew the most across all vessels?", steps=3)
    assert any("budget" in d for d in _gaps(ranking)), _gaps(ranking)


def test_a_negator_before_the_subject_negates_no_value() -> None:
    assert negated_words("why aren't the failed loading jobs retried?") == frozenset()
    assert negated_words("isn't the primary berth almost full?") == frozenset()
    assert negated_words("what isn't running") == {"running"}  # after "what" the negator negates the next word
    assert negated_words("vessels that aren't currently docked") == {"docked"}
    outcome = _plan("why aren't the failed loading jobs retried?")
    statuses = {s.arguments.get("status") for s in outcome.plan.steps if s.tool == "loading_jobs"}
    assert not statuses & {"success", "warning"}, statuses


def test_a_negation_carries_across_or_nor_and_commas_and_an_or_of_both_filters_nothing() -> None:
    assert negated_words("vessels not in repair or towed") == {"repair", "towed"}
    assert negated_words("vessels neither docked nor anchored") == {"docked", "anchored"}
    assert negated_words("vessels not docked, anchored or towed") == {"docked", "anchored", "towed"}
    assert mixed_or("vessels that are sailing or not in repair") and not mixed_or("vessels not in repair or towed")
    options = ["", "success", "warning", "failed"]
    words = ["jobs", "failed", "warning"]
    assert enum_choices(options, words, negated={"warning"}, mixed=True) == []
    assert enum_choices(options, words, negated={"warning"}) == ["failed"]  # "failed and not warning"


def test_a_negated_yes_no_verb_is_what_is_asked() -> None:
    # "did the load not succeed?": whether it did, no filter on the other values
    assert enum_choices(["succeeded", "failed"], ["load", "succeed"], asks_whether=True, negated={"succeed"}) == []


def test_a_negation_takes_no_sentinel_and_says_what_it_cannot_exclude() -> None:
    chosen, shunned = choose_enum(["all", "sailing", "docked"], ["sailing"], negated={"sailing"}, default="all")
    assert (chosen, shunned) == (["docked"], [])
    assert choose_enum(["any", "sailing"], ["sailing"], negated={"sailing"}) == ([], ["sailing"])
    single = Tool(
        "fleet",
        "Vessels of the fleet and their state",
        frozenset({"inventory"}),
        input_schema=obj({"state": {"type": "string", "enum": ["all", "sailing"], "default": "all"}}),
    )
    outcome = _plan("which vessels aren't sailing?", tools=[single])
    assert all("state" not in s.arguments for s in outcome.plan.steps)
    assert any("cannot exclude" in d and "sailing" in d for d in _gaps(outcome)), _gaps(outcome)


def test_a_complement_cut_by_the_budget_is_not_covered() -> None:
    outcome = _plan("which vessels aren't sailing?", steps=3)
    states = [s.arguments.get("state") for s in outcome.plan.steps if s.tool == "vessels"]
    assert "sailing" not in states and "all" not in states
    assert _gaps(outcome), states


def test_who_did_an_act_needs_a_tool_knowing_it_and_who() -> None:
    outcome = _plan("who deleted manifest entries from aurora yesterday?")
    assert "manifest_deletions" in {s.tool for s in outcome.plan.steps}
    assert any("who deleted" in d for d in _gaps(outcome)), _gaps(outcome)
    audited = Tool(
        "manifest_deletions",
        "Manifest entries deleted from a vessel's store: entry key, size, time, deleted_by",
        frozenset({"audit"}),
        input_schema=obj({"vessel": {"type": "string"}}, ("vessel",)),
    )
    outcome = _plan("who deleted manifest entries from aurora yesterday?", tools=[VESSELS, audited])
    assert not _gaps(outcome), _gaps(outcome)


def test_a_fix_is_a_remedy_phrase_and_needs_a_runbook() -> None:
    assert not asks_for_cause("show the alerts that were mitigated today")
    assert not asks_for_cause("which fix version is aurora on?")
    assert asks_for_remedy("aurora has not loaded anything in 2h, what do we need to do to fix it?")
    question = "aurora has not loaded anything in 2h, how do we fix this?"
    assert any("how to fix" in d for d in _gaps(_plan(question))), _gaps(_plan(question))
    with_docs = _plan(question, steps=8, tools=[*TOOLS, DOCS])
    assert "harbour_docs" in {s.tool for s in with_docs.plan.steps}
    assert not any("how to fix" in d for d in _gaps(with_docs))


def test_a_rate_is_a_percent_only_of_a_trouble_the_same_tool_knows() -> None:
    assert "rate" in CoverageCheck.of(["freight", "rate"], [GATES, LOADS], {}).uncovered
    assert "rate" in CoverageCheck.of(["load", "rate"], [GATES, LOADS], {}).uncovered
    assert not CoverageCheck.of(["5xx", "rate"], [GATES, LOADS], {}).uncovered


def test_a_quantity_is_no_http_error_and_a_metric_is_no_practice() -> None:
    assert not asks_for_cause("we stored 500 GB before the upgrade, how much now?")
    assert not asks_for_cause("what was the count at 400 before noon?")
    assert asks_for_cause("lots of 503s before noon, what was it?")
    assert asks_for_cause("gate returning 502 before noon, what was it?")
    assert not asks_how_to("how many alerts do we get a day?")
    assert asks_how_to("how much notice do we need to unload the cold store?")


def test_top_n_leaves_the_other_numbers_free() -> None:
    request = PlanRequest("top 3 berths over 80% of their crane quota", TOOLS, Budget(), NOW, inventory=INVENTORY)
    entities = DeterministicPlanner().entities(request)
    assert entities.counts == (3.0,)
    filled = fill_variants(CRANES, entities, now=NOW)
    assert filled[0].arguments.get("threshold_pct") == 80
    first = PlanRequest("loading jobs in the first 30 minutes after 9", TOOLS, Budget(), NOW, inventory=INVENTORY)
    assert DeterministicPlanner().entities(first).counts == ()


def test_growth_a_day_follows_the_least_squares_trend_and_a_percent_grows_in_points() -> None:
    # a steady rise with a low last point: the growth is the trend's, not last minus first
    values = [10.0 + 2.0 * k for k in range(11)]
    values[-1] = 20.0
    points = [(NOW - timedelta(days=10 - k), v) for k, v in enumerate(values)]
    text = summarise_points("used", points).describe("%")
    assert "+10 " not in text and "points over 10 d" in text, text
    assert "% a day" not in text
