"""Honest answers (issue 13), on a made-up estate (a hydro scheme's turbines and pumps): a series of energy per
interval says what it adds up to over the window the question asks about ("heat output over the last 24 hrs"
is the sum of the hourly MWh, not their mean), a level or a rate (``power_kw``) never; a unit's "output" is its
power, production or throughput, and "kit" is the plant's equipment.
"""

from typing import Any

from opsuite_ops.domain.call_facts import analyse_call
from opsuite_ops.domain.coverage import CoverageCheck, vocabulary
from opsuite_ops.domain.model import CallRecord, CallStatus, Tool
from opsuite_ops.domain.ranking import DEFAULT_SYNONYMS, rank_tools


def _obj(props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": []}


def _hourly(unit: str) -> list[dict[str, Any]]:
    return [
        {"unit": unit, "hour_start": f"2026-05-14T{h:02d}:00:00Z", "energy_mwh": 2.0 + (h % 3) * 0.25,
         "power_kw": 2100.0 + h, "head_m": 41.5}
        for h in range(24)
    ]  # fmt: skip


def test_an_energy_series_says_its_total_over_the_asked_window_and_a_rate_or_level_never() -> None:
    call = CallRecord("c1", "s1", "unit_output", {"unit": "TG-1"}, CallStatus.OK, output={"rows": _hourly("TG-1")})
    asked = analyse_call(call, None, None, "TG-1 vs TG-2 energy over the last 24 hrs?").fact
    total = sum(r["energy_mwh"] for r in _hourly("TG-1"))  # 8 x (2 + 2.25 + 2.5) = 54
    assert f"{total:g} in all over those 24 points" in asked
    assert asked.count("in all") == 1  # not the power (kW, a rate) nor the head (a level)
    assert "in all" not in analyse_call(call, None, None, "TG-1 energy?").fact  # no window asked: no sum
    # a price per MWh, an intensity, a meter's register that only counts up: never added up
    odd = [{"unit": "TG-1", "hour_start": r["hour_start"], "price_eur_mwh": 80.0 + h % 3, "kwh_per_tonne": 9.0 + h % 2,
            "meter_kwh": 1000.0 + 10 * h} for h, r in enumerate(_hourly("TG-1"))]  # fmt: skip
    call = CallRecord("c2", "s1", "unit_prices", {}, CallStatus.OK, output={"rows": odd})
    assert "in all" not in analyse_call(call, None, None, "TG-1 over the last 24 hrs?").fact


def test_output_is_power_production_or_throughput_and_kit_is_equipment() -> None:
    units = Tool(
        "unit_status",
        "Every turbine and pump now: state, active power (kW), head (m), since",
        frozenset({"state", "power"}),
        input_schema=_obj({}),
        idempotent=True,
    )
    gauges = Tool(
        "river_gauges",
        "River levels at the gauging stations (m), every 15 minutes",
        frozenset({"metric", "river"}),
        input_schema=_obj({}),
        idempotent=True,
    )
    register = Tool(
        "asset_register",
        "Plant equipment: asset, kind, make, model, installed",
        frozenset({"inventory"}),
        input_schema=_obj({}),
        idempotent=True,
    )
    tools = [units, gauges, register]
    vocab = vocabulary(tools)
    assert CoverageCheck.of(("output",), tools, DEFAULT_SYNONYMS, vocab).uncovered == ()
    assert rank_tools("output", tools)[0][0] is units
    assert CoverageCheck.of(("kit",), tools, DEFAULT_SYNONYMS, vocab).uncovered == ()
    assert rank_tools("kit", tools)[0][0] is register
    without = {k: v for k, v in DEFAULT_SYNONYMS.items() if k not in ("output", "kit")}
    assert CoverageCheck.of(("output", "kit"), tools, without, vocab).uncovered == ("output", "kit")
