"""A tenant's regexes (conditions, silences, routes) run on RE2, over real channels.

With Python's ``re``, ``^(a+)+$`` against 40 ``a`` and a ``!`` backtracks for hours on the event loop
that every tenant's ingestion shares, so the first test would not end (pytest-timeout fails it). Patterns
RE2 refuses (lookaround, backreferences) are INVALID_ARGUMENT at save, naming the field.
"""

from __future__ import annotations

from typing import Any

import pytest

from opsuite.cep.v1 import cep_pb2
from opsuite_common.testing.rpc import invalid_argument

from .conftest import T0, Cep, ev, struct

pytestmark = pytest.mark.asyncio

HOSTILE = "a" * 40 + "!"


def _rule(condition: Any, name: str = "odd-hosts") -> dict[str, Any]:
    return {"name": name, "kind": "THRESHOLD", "event_type": "metric", "spec": {"condition": condition}}


@pytest.mark.parametrize(
    ("condition", "fires_for"),
    [
        ('host =~ "^(a+)+$"', "aaaa"),  # one line
        ({"field": "host", "op": "regex", "value": "^(a+)+$"}, "aaaa"),  # the JSON tree
        ({"field": "host", "op": "not_regex", "value": "(a|aa)+"}, HOSTILE),  # fully anchored: "aaaa" matches
    ],
    ids=["one-line", "json", "json-not-regex"],
)
async def test_a_backtracking_condition_on_a_hostile_attribute_is_evaluated_at_once(
    cep: Cep, condition: Any, fires_for: str
) -> None:
    await cep.rule({**_rule(condition), "spec": {"condition": condition, "group_by": ["host"]}})
    reply = await cep.publish([ev("e1", "metric", 0, host=HOSTILE), ev("e2", "metric", 1, host="aaaa")])
    assert {a.labels["host"]: a.state for a in reply.alerts} == {fires_for: cep_pb2.FIRING}


@pytest.mark.parametrize("pattern", ["(?<=a)b", r"(\w)\1"])
async def test_patterns_re2_refuses_are_invalid_argument_everywhere(cep: Cep, pattern: str) -> None:
    err = await invalid_argument(cep.rule(_rule(f'host =~ "{pattern}"'.replace("\\", "\\\\"))))
    assert err.field_violations[0].field.startswith("definition.spec.condition")
    err = await invalid_argument(cep.rule(_rule({"field": "host", "op": "regex", "value": pattern}, "json-rule")))
    assert err.field_violations[0].field.startswith("definition.spec.condition")
    silence = cep_pb2.CreateSilenceRequest(matchers=[cep_pb2.Matcher(name="host", op="=~", value=pattern)])
    silence.duration.FromSeconds(60)
    err = await invalid_argument(cep.stub.CreateSilence(silence, metadata=cep.md()))
    assert err.field_violations[0].field == "matchers[0].value"
    routing = {"route": {"receiver": "none", "routes": [{"matchers": [f"host=~{pattern}"], "receiver": "none"}]},
               "receivers": [{"name": "none"}]}  # fmt: skip
    request = cep_pb2.SetRoutingRequest(config=struct(routing))
    err = await invalid_argument(cep.stub.SetRouting(request, metadata=cep.md()))
    assert any("matchers" in v.field for v in err.field_violations), err.field_violations


async def test_a_regex_silence_on_a_hostile_label_is_decided_at_once(cep: Cep) -> None:
    silence = cep_pb2.CreateSilenceRequest(
        matchers=[cep_pb2.Matcher(name="host", op="=~", value="^(a+)+$")], comment="crafted"
    )
    silence.starts_at.FromSeconds(int(T0))
    silence.duration.FromSeconds(3600)
    await cep.stub.CreateSilence(silence, metadata=cep.md())
    await cep.rule({**_rule({"field": "cpu", "op": ">", "value": 90}), "spec": {"condition": {"field": "cpu",
                    "op": ">", "value": 90}, "group_by": ["host"]}})  # fmt: skip
    reply = await cep.publish([ev("e1", "metric", 10, cpu=95, host=HOSTILE), ev("e2", "metric", 11, cpu=95, host="aa")])
    silenced = {a.labels["host"]: a.silenced for a in reply.alerts}
    assert silenced == {HOSTILE: False, "aa": True}, reply.alerts
