"""Answers over the demo estate's own data: its SQL APIs (demo/10-apis.yaml) run on its database (demo/estate.py).

The catalogue runs each exposed SQL API's statement on a freshly built estate with sqlite3 and returns what
api_manager returns (``columns``, ``rows``, ``row_count``, ``truncated``), so the composer sees the real
shapes: 288 five-minute samples per metric over 24 hours, a checkout deploy 40 minutes before the estate's
"now" with the spike starting at that sample, and a config change 5 minutes before the deploy.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from demo.estate import HOSTS, SERVICES, build
from opsuite_common.auth import Identity
from opsuite_ops.domain.catalogue import CachedCatalogue
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner, PlannerConfig
from opsuite_ops.domain.in_memory import Handler, InMemoryCatalogue
from opsuite_ops.domain.model import AnswerStatus, BlockKind, Tool
from opsuite_ops.domain.orchestrator import Orchestrator

APIS = Path(__file__).resolve().parents[4] / "demo" / "10-apis.yaml"


def sql_handler(db: Path, statement: str, schema: dict[str, Any]) -> Handler:
    async def run(params: dict[str, Any]) -> Any:
        values = {k: p.get("default", "") for k, p in (schema.get("properties") or {}).items()}
        values.update(params)
        with sqlite3.connect(db) as con:
            cur = con.execute(statement, values)
            columns = [d[0] for d in cur.description]
            rows = [dict(zip(columns, r, strict=True)) for r in cur.fetchall()]
        return {"columns": columns, "rows": rows, "row_count": len(rows), "truncated": False}

    return run


@pytest.fixture
def estate(tmp_path: Path) -> tuple[InMemoryCatalogue, datetime]:
    """The demo estate's exposed SQL APIs over a database built now, and that "now"."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    db = build(tmp_path / "estate.db", now=now)
    cat = InMemoryCatalogue()
    for doc in yaml.safe_load_all(APIS.read_text()):
        spec = doc["spec"]
        if doc["kind"] != "Api" or spec["kind"] != "SQL" or not spec.get("exposeAsTool"):
            continue
        tool = Tool(doc["name"], spec["description"], frozenset(spec["tags"]), input_schema=spec["paramSchema"],
                    idempotent=True)  # fmt: skip
        cat.add(tool, sql_handler(db, spec["sql"]["statement"], spec["paramSchema"]))
    return cat, now


def orchestrator(cat: InMemoryCatalogue) -> Orchestrator:
    planner = DeterministicPlanner(
        PlannerConfig(known_services=frozenset(s[0] for s in SERVICES), known_hosts=frozenset(h[0] for h in HOSTS))
    )
    return Orchestrator(CachedCatalogue(cat), planner, retry_backoff_s=0.01)


def clock(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%MZ")


async def test_a_day_of_cpu_is_summarised_with_the_hot_last_40_minutes(
    estate: tuple[InMemoryCatalogue, datetime], identity: Identity
) -> None:
    cat, now = estate
    result = await orchestrator(cat).run("cpu on web-02 over the last 24 hours", "", None, identity)
    assert result.completeness is not None and result.completeness.status is AnswerStatus.COMPLETE
    assert f"onset of a rise at {clock(now - timedelta(minutes=40))}" in result.answer
    assert "latest 9" in result.answer and "rows, newest first: the newest 20" in result.answer
    table = next(b for b in result.blocks if b.kind is BlockKind.TABLE)
    assert len(table.rows) == 20 and table.rows[0][0] == now.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert all(v > 90 for _, v in table.rows[:9])  # the hot samples are shown, newest first


async def test_what_changed_before_a_spike_names_the_deploy_at_its_onset(
    estate: tuple[InMemoryCatalogue, datetime], identity: Identity
) -> None:
    cat, now = estate
    result = await orchestrator(cat).run("what changed on checkout before the latency spike", "", None, identity)
    onset, deploy = clock(now - timedelta(minutes=40)), now - timedelta(minutes=40)
    # (an investigation reads every series of checkout: its error rate rose at the same time as its latency)
    assert f"Last change before the onset: the deploy of checkout version 2026.11.3 (new payment retry policy) " \
           f"by ci at {clock(deploy)}, at the same time as the onset of the rise in " in result.answer  # fmt: skip
    assert f"- {onset} onset of a rise in latency_by_service(service=checkout)" in result.answer
    assert f"Before it: the config change of checkout payments.timeout_ms 2000 → 500 by alice at " \
           f"{clock(deploy - timedelta(minutes=5))}" in result.answer  # fmt: skip
    assert any(b.title == "Timeline" for b in result.blocks)


async def test_an_alert_investigation_names_the_onset(
    estate: tuple[InMemoryCatalogue, datetime], identity: Identity
) -> None:
    # The question cep's ops_investigation channel asks by default ("investigate alert {rule} on {labels}").
    cat, now = estate
    result = await orchestrator(cat).run("investigate alert cpu-high on host=web-02", "", None, identity)
    assert f"onset of a rise at {clock(now - timedelta(minutes=40))}" in result.answer
    # The alert's own labels (how urgent it is) are no part of the question: no "no tool reports critical".
    labelled = await orchestrator(cat).run("investigate alert cpu-high on host=web-02, severity=critical", "", None,
                                           identity)  # fmt: skip
    assert labelled.completeness is not None
    assert not any("critical" in r.detail for r in labelled.completeness.reasons)
    assert labelled.completeness.status is result.completeness.status  # type: ignore[union-attr]
