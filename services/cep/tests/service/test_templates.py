"""Templates over real channels: rendered annotations and channel texts delivered, bad templates refused at save."""

from __future__ import annotations

import json
from typing import Any

import pytest

from opsuite.cep.v1 import cep_pb2
from opsuite_common.testing.eventually import eventually
from opsuite_common.testing.rpc import invalid_argument

from .conftest import Cep, ev, struct
from .fakes import FakeWebhook

pytestmark = pytest.mark.asyncio

SUMMARY = '{{ $labels.host }} CPU at {{ $value | printf "%.1f" }}%'
TEAM = '{{ $labels.team | default "ops" }}'
RUNBOOK = "https://runbooks.example/{{ $labels.alertname | urlquery }}?host={{ $labels.host | urlquery }}"


def rule(*channels: str, **annotations: str) -> dict[str, Any]:
    return {
        "name": "cpu-high",
        "kind": "THRESHOLD",
        "event_type": "metric",
        "channels": list(channels),
        "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
        "annotations": annotations or {"summary": SUMMARY, "runbook": RUNBOOK, "team": TEAM},
    }


async def test_rendered_annotations_and_channel_texts_are_delivered(cep: Cep) -> None:
    hook, slack = FakeWebhook(), FakeWebhook()
    hook_url, slack_url = await hook.start(), await slack.start()
    try:
        channels = [
            ("hook", "webhook", {"url": hook_url, "template": "{{ $kind | toUpper }}: {{ $annotations.summary }}"}),
            ("chat", "slack", {"url": slack_url, "template": "[{{ $labels.severity }}] {{ $annotations.summary }}"}),
        ]
        for name, kind, config in channels:
            await cep.stub.CreateChannel(
                cep_pb2.CreateChannelRequest(name=name, kind=kind, config=struct(config)), metadata=cep.md()
            )
        await cep.rule(rule("hook", "chat"))
        fired = await cep.publish([ev("e1", "metric", 0, cpu=97.26, host="web-1")])
        expected = {
            "summary": "web-1 CPU at 97.3%",
            "runbook": "https://runbooks.example/cpu-high?host=web-1",
            "team": "ops",
        }
        assert dict(fired.alerts[0].annotations) == expected
        [stored] = await cep.alerts()
        assert dict(stored.annotations) == expected

        await eventually(lambda: len(hook.received) == 1 and len(slack.received) == 1, what="both deliveries")
        payload = json.loads(hook.received[0][1])
        assert payload["annotations"] == expected
        assert payload["text"] == "FIRING: web-1 CPU at 97.3%"
        assert json.loads(slack.received[0][1]) == {"text": "[warning] web-1 CPU at 97.3%"}

        # A resolution renders with the evaluation that resolved it.
        await cep.publish([ev("e2", "metric", 1, cpu=12, host="web-1")])
        await eventually(lambda: len(hook.received) == 2, what="the resolved delivery")
        resolved = json.loads(hook.received[1][1])
        assert resolved["annotations"]["summary"] == "web-1 CPU at 12.0%"
        assert resolved["text"] == "RESOLVED: web-1 CPU at 12.0%"
    finally:
        await hook.stop()
        await slack.stop()


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ $labels.host.name }}", "line 1, column 4: attribute access is not supported"),
        ("ok\n{{ range $labels }}x{{ end }}", "line 2, column 4: 'range' is not supported"),
        ("{{ $value | shell }}", "line 1, column 13: unknown function 'shell'"),
        ("{{ $value", "line 1, column 1: unclosed action"),
    ],
)
async def test_a_bad_annotation_template_is_invalid_argument_with_the_field(
    cep_sqlite: Cep, template: str, message: str
) -> None:
    definition = rule(summary=template, description="fine: {{ $value }}")
    err = await invalid_argument(cep_sqlite.rule(definition))
    [violation] = err.field_violations
    assert violation.field == "definition.annotations.summary"
    assert violation.description.startswith(f"invalid template at {message}")
    check = await cep_sqlite.stub.ValidateRule(
        cep_pb2.ValidateRuleRequest(definition=struct(definition)), metadata=cep_sqlite.md()
    )
    assert [v.field for v in check.violations] == ["definition.annotations.summary"]
    tested = cep_pb2.TestRuleRequest(definition=struct(definition), events=[ev("e", "metric", 0, cpu=95, host="h")])
    err = await invalid_argument(cep_sqlite.stub.TestRule(tested, metadata=cep_sqlite.md()))
    assert [v.field for v in err.field_violations] == ["definition.annotations.summary"]


async def test_update_rule_refuses_a_bad_template_and_keeps_the_old_definition(cep_sqlite: Cep) -> None:
    saved = await cep_sqlite.rule(rule(summary="{{ $labels.host }}"))
    update = cep_pb2.UpdateRuleRequest(
        id=saved.meta.id, definition=struct(rule(summary="{{ .Host }}")), etag=saved.meta.etag
    )
    err = await invalid_argument(cep_sqlite.stub.UpdateRule(update, metadata=cep_sqlite.md()))
    assert [v.field for v in err.field_violations] == ["definition.annotations.summary"]
    got = await cep_sqlite.stub.GetRule(cep_pb2.GetRuleRequest(id=saved.meta.id), metadata=cep_sqlite.md())
    assert got.definition["annotations"]["summary"] == "{{ $labels.host }}"


async def test_a_bad_channel_template_is_invalid_argument_at_create_and_update(cep_sqlite: Cep) -> None:
    hook = FakeWebhook()
    url = await hook.start()
    try:
        bad = {"url": url, "template": "{{ $annotations.summary | exec }}"}
        err = await invalid_argument(
            cep_sqlite.stub.CreateChannel(
                cep_pb2.CreateChannelRequest(name="chat", kind="slack", config=struct(bad)), metadata=cep_sqlite.md()
            )
        )
        [violation] = err.field_violations
        assert violation.field == "config.template"
        assert "line 1, column 27: unknown function 'exec'" in violation.description
        created = await cep_sqlite.stub.CreateChannel(
            cep_pb2.CreateChannelRequest(name="hook", kind="webhook", config=struct({"url": url})),
            metadata=cep_sqlite.md(),
        )
        update = cep_pb2.UpdateChannelRequest(
            id=created.meta.id, config=struct({"url": url, "template": "{{ range }}"}), etag=created.meta.etag
        )
        err = await invalid_argument(cep_sqlite.stub.UpdateChannel(update, metadata=cep_sqlite.md()))
        assert [v.field for v in err.field_violations] == ["config.template"]
    finally:
        await hook.stop()
