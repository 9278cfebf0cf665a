"""Supplier case references a look-up describes as templates, unknown names that are such references, and the
operators' "tx" (issue 13, the twenty-fifth estate written blind; docs/architecture/ops.md).

The estate is made up (a ferry operator: vessels, their radios and the suppliers' cases); no estate's names.
"""

from datetime import UTC, datetime

from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import inventory_from_outputs
from opsuite_ops.domain.model import Budget, Tool
from opsuite_ops.domain.planning import PlanRequest

NOW = datetime(2025, 6, 3, 7, 0, tzinfo=UTC)


def _obj(props: dict[str, object], required: tuple[str, ...] = ()) -> dict[str, object]:
    return {"type": "object", "properties": props, "required": list(required)}


CASES = Tool(
    "supplier_case",
    "Look up a supplier case by reference (Marlin Radio MRL-SR-nnnnn, Halyard Engines HYE/yyyy/nnn). Returns the "
    "supplier, status and the supplier's latest advice.",
    frozenset({"lookup", "vendor"}),
    input_schema=_obj({"ref": {"type": "string", "description": "case reference, e.g. MRL-SR-40112"}}, ("ref",)),
    idempotent=True,
)
VESSELS = Tool(
    "vessel_list",
    "Every vessel and host of the fleet: name, berth, radio",
    frozenset({"inventory"}),
    input_schema=_obj({}),
    idempotent=True,
)
RADIOS = Tool(
    "radio_status",
    "Live status of each VHF transmitter: state (on_air, off_air, fault), forward power, VSWR",
    frozenset({"status"}),
    input_schema=_obj({}),
    idempotent=True,
)
MANUALS = Tool(
    "manuals_search",
    "Search the manuals for a word or phrase",
    frozenset({"document"}),
    input_schema=_obj({"q": {"type": "string"}}, ("q",)),
    idempotent=True,
)


def _plan(question: str, tools: list[Tool], with_inventory: bool = True) -> object:
    inventory = inventory_from_outputs({"vessel_list": {"rows": [{"name": "mv-corrib", "berth": "B2"}]}})
    request = PlanRequest(question, tools, Budget(), NOW, inventory=inventory if with_inventory else None)
    return DeterministicPlanner().plan_sync(request)


def test_an_unknown_name_spelt_like_an_id_example_or_a_template_is_a_case_reference() -> None:
    # The listings know the vessels, not the suppliers' cases: a case reference is no unknown host or service.
    for question, ref in (
        ("whats marlin saying on MRL-SR-51230, what do they want us to do?", "MRL-SR-51230"),
        ("HYE/2026/118 - when does the new injector get here?", "HYE/2026/118"),
    ):
        outcome = _plan(question, [CASES, VESSELS, MANUALS])
        assert [(s.tool, dict(s.arguments)) for s in outcome.plan.steps][:1] == [("supplier_case", {"ref": ref})]
        assert not any(r.reason.value == "entity_unknown" for r in outcome.not_covered)
    # "saying" and "want" are the question's form: nothing is left uncovered by them.
    outcome = _plan("whats marlin saying on MRL-SR-51230, what do they want us to do?", [CASES, VESSELS, MANUALS])
    assert not outcome.not_covered
    # A name of another shape is no case reference ("mv-shannon": the vessels' listing is asked, not the cases).
    outcome = _plan("where is mv-shannon berthed?", [CASES, VESSELS, MANUALS])
    assert [s.tool for s in outcome.plan.steps] == ["vessel_list"]


def test_a_reference_template_alone_makes_an_unknown_name_a_case() -> None:
    # No "e.g." anywhere: only the description's templates say what a reference looks like, and the listings'
    # names leave "MRL-SR-51230" an unknown name before the templates are read.
    cases = Tool(
        "supplier_case",
        "Look up a supplier case by reference (Marlin Radio MRL-SR-nnnnn, Halyard Engines HYE/yyyy/nnn)",
        frozenset({"lookup", "vendor"}),
        input_schema=_obj({"ref": {"type": "string", "description": "the case reference"}}, ("ref",)),
        idempotent=True,
    )
    outcome = _plan("whats marlin saying on MRL-SR-51230?", [cases, VESSELS, MANUALS])
    assert [(s.tool, dict(s.arguments)) for s in outcome.plan.steps][:1] == [("supplier_case", {"ref": "MRL-SR-51230"})]
    assert not any(r.reason.value == "entity_unknown" for r in outcome.not_covered)
    # A description of thousands of parts is read in linear time (the templates' pattern does not restart).
    long = Tool("supplier_case", "A-" * 20_000 + "A", frozenset(), input_schema=cases.input_schema, idempotent=True)
    assert _plan("whats marlin saying on MRL-SR-51230?", [long, VESSELS]).plan is not None


def test_tx_and_txs_are_transmitters() -> None:
    outcome = _plan("any txs down rn?", [RADIOS, MANUALS], with_inventory=False)
    assert [s.tool for s in outcome.plan.steps] == ["radio_status"] and not outcome.not_covered


def test_day_words_name_nothing_and_thru_sets_a_word_apart() -> None:
    from opsuite_ops.domain.extract import extract_entities

    for question in (
        "whats the load forecast for tomorrow?",
        "whats the load forecast for tmrw?",
        "whos on for tonight",
    ):
        entities = extract_entities(question, now=NOW)
        assert not entities.services and not entities.hosts and not entities.guessed  # no service "tomorrow"
    # "forecast thru X": the word before "thru" is a part of its own, not a qualifier of X (no tool forecasts)
    volumes = Tool(
        "hub_volumes",
        "Parcels inducted per hub per hour",
        frozenset({"metric"}),
        input_schema=_obj({"hub": {"type": "string", "default": ""}}),
        idempotent=True,
    )
    outcome = _plan("whats the volume forecast thru hub for tmrw?", [volumes], with_inventory=False)
    assert any("forecast" in r.detail for r in outcome.not_covered)


def test_through_stays_a_value_a_question_can_choose() -> None:
    queues = Tool(
        "approach_queues",
        "Queue length per approach and movement",
        frozenset({"metric"}),
        input_schema=_obj(
            {"movement": {"type": "string", "enum": ["all", "left", "through", "right"], "default": "all"}}
        ),
        idempotent=True,
    )
    outcome = _plan("whats the queue for the through movement", [queues], with_inventory=False)
    assert [dict(s.arguments) for s in outcome.plan.steps] == [{"movement": "through"}]
