"""One partitioning default for every rule kind (docs/cep-semantics.md, Threshold alerts #11): a new THRESHOLD
rule without ``group_by`` raises one alert per event key; one stored before the default changed keeps its one
tenant-wide alert (migration 0008 writes ``group_by: []`` into it) and keeps its engine state across the
upgrade (the checkpoint follows the rule's new revision)."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from google.protobuf import json_format

from opsuite.cep.v1 import cep_pb2
from opsuite_cep.db import MIGRATIONS_DIR, VERSION_TABLE
from opsuite_cep.db.models import RuleRow
from opsuite_cep.db.repositories import CheckpointRepository
from opsuite_cep.domain import Engine, Event, parse_rule
from opsuite_common.db import Database, run_migrations

from .conftest import T0, Cep, ev

pytestmark = pytest.mark.asyncio

OLD = {  # as stored before the default: no group_by, one tenant-wide alert
    "name": "cpu-high",
    "kind": "THRESHOLD",
    "event_type": "metric",
    "for": "1m",
    "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}},
}


async def test_a_stored_rule_keeps_its_tenant_wide_alert_and_its_state_a_new_one_groups_by_key(
    db_url: str, start_cep: Callable[..., Any]
) -> None:
    db = Database.from_url(db_url)
    try:
        await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE, revision="0007_cep_routing")
        # the engine before the upgrade: the rule (tenant-wide) pending since T0 + 0 on key k1
        before = parse_rule({**OLD, "spec": {**OLD["spec"], "group_by": []}, "enabled": True})
        before = dataclasses.replace(before, revision=parse_rule({**OLD, "enabled": True}).revision)
        engine = Engine([before])
        pending = engine.ingest([Event(id="e1", type="metric", time=T0, key="k1", attributes={"cpu": 95})])
        assert [str(t.state) for t in pending.transitions] == ["pending"]
        async with db.session() as s:
            s.add(
                RuleRow(
                    id=uuid.uuid4().hex,
                    tenant="tenant-a",
                    name="cpu-high",
                    kind="THRESHOLD",
                    definition=json.dumps(OLD),
                )
            )
            await CheckpointRepository(s, "tenant-a").save(engine.snapshot())
        await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
    finally:
        await db.dispose()

    cep: Cep = await start_cep(db_url, background_tasks=False)
    (stored,) = (await cep.stub.ListRules(cep_pb2.ListRulesRequest(), metadata=cep.md())).rules
    assert json_format.MessageToDict(stored.definition)["spec"]["group_by"] == []
    # the pending alert of the checkpoint fires at T0 + 60 when another key's event moves time past it:
    # its state survived the upgrade, and it is still the one tenant-wide alert (no key label)
    reply = await cep.publish([ev("e2", "metric", 70, key="k2", cpu=95)])
    assert [(a.state, a.fired_at.seconds, "key" in a.labels) for a in reply.alerts] == [
        (cep_pb2.FIRING, T0 + 60, False)
    ]

    # a rule saved now without group_by raises one alert per key, like every other kind
    await cep.rule({**OLD, "name": "cpu-new", "for": "0s"})
    reply = await cep.publish([ev("e3", "metric", 80, key="k1", cpu=99), ev("e4", "metric", 81, key="k2", cpu=99)])
    new = sorted((a.labels["key"], a.state) for a in reply.alerts if a.rule == "cpu-new")
    assert new == [("k1", cep_pb2.FIRING), ("k2", cep_pb2.FIRING)]
