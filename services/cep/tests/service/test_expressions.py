"""One-line conditions over real channels: a rule saved with one fires on published events, a bad one is
INVALID_ARGUMENT naming the field and the position, and TestRule shows the parsed form and the rendered
annotations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from google.protobuf import json_format

from opsuite.cep.v1 import cep_pb2
from opsuite_common.testing.rpc import invalid_argument

from .conftest import Cep, ev, struct

pytestmark = pytest.mark.asyncio


def rule(condition: Any, **extra: Any) -> dict[str, Any]:
    return {
        "name": "web-errors",
        "kind": "THRESHOLD",
        "event_type": "metric",
        "spec": {"condition": condition, "group_by": ["host"]},
        "annotations": {"summary": '{{ $labels.host }} at {{ $value | printf "%.1f" }} errors/s'},
        **extra,
    }


async def test_a_one_line_rule_fires_on_published_events(cep: Cep) -> None:
    await cep.rule(rule('rate(errors_total[1m]) > 1 and host =~ "web-.*"'))
    quiet = await cep.publish(
        [
            ev("a1", "metric", 0, host="web-1", errors_total=0),
            ev("a2", "metric", 30, host="web-1", errors_total=20),
            ev("d1", "metric", 0, host="db-1", errors_total=0),
            ev("d2", "metric", 30, host="db-1", errors_total=500),  # fast, but not a web host
        ]
    )
    assert list(quiet.alerts) == []
    fired = await cep.publish([ev("a3", "metric", 60, host="web-1", errors_total=200)])
    [alert] = fired.alerts
    assert alert.state == cep_pb2.FIRING and alert.labels["host"] == "web-1"
    values = json_format.MessageToDict(alert.values)
    assert values["rate(errors_total[1m])"] == pytest.approx(200 / 60)
    assert alert.annotations["summary"] == "web-1 at 3.3 errors/s"
    [stored] = await cep.alerts()
    assert stored.fingerprint == alert.fingerprint


@pytest.mark.parametrize(
    ("condition", "field", "message"),
    [
        ("cpu > 90 and", "definition.spec.condition", "invalid expression at line 1, column 13: the expression ends"),
        ('host = "web-1"', "definition.spec.condition", "invalid expression at line 1, column 6: unexpected character"),
        ("cpu and mem > 1", "definition.spec.condition", "invalid expression at line 1, column 1: 'and' joins"),
        (
            'x =~ "' + "a" * 600 + '"',
            "definition.spec.condition",
            "invalid expression at line 1, column 6: the pattern",
        ),
        # errors raised inside the builder (not its own refusals) were lark's VisitError: INTERNAL
        (
            "rate(x[" + "9" * 400 + "s]) > 1",
            "definition.spec.condition",
            "invalid expression at line 1, column 8: the window 999",
        ),
        (
            'host =~ "\\ud800"',
            "definition.spec.condition",
            "invalid expression at line 1, column 10: '\\ud800' is half",
        ),
        # accepted before, and TestRule then failed building its reply (a lone surrogate is not UTF-8)
        (
            'host == "\\ud800"',
            "definition.spec.condition",
            "invalid expression at line 1, column 10: '\\ud800' is half",
        ),
    ],
)
async def test_a_bad_expression_is_invalid_argument_with_the_field(
    cep_sqlite: Cep, condition: str, field: str, message: str
) -> None:
    err = await invalid_argument(cep_sqlite.rule(rule(condition)))
    [violation] = err.field_violations
    assert violation.field == field
    assert violation.description.startswith(message)
    check = await cep_sqlite.stub.ValidateRule(
        cep_pb2.ValidateRuleRequest(definition=struct(rule(condition))), metadata=cep_sqlite.md()
    )
    assert not check.valid and [v.field for v in check.violations] == [field]


async def test_a_window_in_a_filter_is_refused_with_its_field(cep_sqlite: Cep) -> None:
    definition = rule("cpu > 90")
    definition["spec"]["where"] = "rate(cpu[5m]) > 0"
    err = await invalid_argument(cep_sqlite.rule(definition))
    assert [v.field for v in err.field_violations] == ["definition.spec.where"]
    assert "only a THRESHOLD rule's spec.condition has one" in err.field_violations[0].description


async def test_test_rule_shows_the_parsed_form_and_the_rendered_annotations(cep_sqlite: Cep) -> None:
    events = [
        ev("e1", "metric", 0, host="web-1", errors_total=0),
        ev("e2", "metric", 30, host="web-1", errors_total=90),
    ]
    definition = rule('increase(errors_total[1m]) / 30 > 1 and not host in ["web-9"]')
    reply = await cep_sqlite.stub.TestRule(
        cep_pb2.TestRuleRequest(definition=struct(definition), events=events), metadata=cep_sqlite.md()
    )
    assert dict(reply.parsed_conditions) == {
        "spec.condition": '(((increase(errors_total[1m]) / 30) > 1) and (not (host in ["web-9"])))'
    }
    [firing] = reply.transitions
    assert firing.state == "firing"
    # the increase over [−30, 30] extrapolated to the window's start is limited by the counter's zero point: 90
    assert dict(firing.annotations) == {"summary": "web-1 at 3.0 errors/s"}

    # a saved rule written as a JSON tree shows the same one-line form
    saved = await cep_sqlite.rule(rule({"field": "cpu", "op": ">", "value": 90}, name="cpu-high"))
    reply = await cep_sqlite.stub.TestRule(
        cep_pb2.TestRuleRequest(rule_id=saved.meta.id, events=[ev("c1", "metric", 0, host="h", cpu=95)]),
        metadata=cep_sqlite.md(),
    )
    assert dict(reply.parsed_conditions) == {"spec.condition": "(cpu > 90)"}
    [firing] = reply.transitions
    assert firing.annotations["summary"] == "h at 95.0 errors/s"


async def test_a_saved_one_line_rule_reads_back_as_written(cep_sqlite: Cep) -> None:
    saved = await cep_sqlite.rule(rule("cpu*2>90"))
    got = await cep_sqlite.stub.GetRule(cep_pb2.GetRuleRequest(id=saved.meta.id), metadata=cep_sqlite.md())
    assert got.definition["spec"]["condition"] == "cpu*2>90"


async def test_a_lone_surrogate_is_refused_by_test_rule_too(cep_sqlite: Cep) -> None:
    err = await invalid_argument(
        cep_sqlite.stub.TestRule(
            cep_pb2.TestRuleRequest(definition=struct(rule('host == "\\ud800"')), events=[]),
            metadata=cep_sqlite.md(),
        )
    )
    assert [v.field for v in err.field_violations] == ["definition.spec.condition"]


async def test_a_surrogate_pair_escape_is_the_character_as_in_json(cep_sqlite: Cep) -> None:
    definition = rule('host == "\\ud83d\\ude00" and errors_total > 1')
    reply = await cep_sqlite.stub.TestRule(
        cep_pb2.TestRuleRequest(
            definition=struct(definition), events=[ev("e1", "metric", 0, host="\U0001f600", errors_total=5)]
        ),
        metadata=cep_sqlite.md(),
    )
    assert dict(reply.parsed_conditions) == {"spec.condition": '((host == "\U0001f600") and (errors_total > 1))'}
    [firing] = reply.transitions
    assert firing.state == "firing" and firing.labels["host"] == "\U0001f600"


async def test_the_operator_s_window_sample_budget_evicts_groups_visibly(
    sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    cep = await start_cep(sqlite_url, max_window_samples_per_rule=4)
    saved = await cep.rule(rule("count_over_time(errors_total[1h]) >= 3"))
    hosts = ["web-1", "web-2", "web-3"]
    reply = await cep.publish([ev(f"{h}-{t}", "metric", t, host=h, errors_total=1) for t in range(3) for h in hosts])
    # 9 samples wanted, 4 kept: a sample beyond them evicts the least recently updated group, so only web-2
    # (at t=1 and t=2 the second in line) reaches 3 samples; with the default budget all three fire
    assert [a.labels["host"] for a in reply.alerts] == ["web-2"]
    stats = await cep.stub.GetRuleStats(cep_pb2.GetRuleStatsRequest(rule_id=saved.meta.id), metadata=cep.md())
    assert (stats.evicted, stats.keys) == (4, 2)
