"""The CLI's daily commands against the three services as processes: alerts (list, ack, resolve, silence,
silences, unsilence), ops runs and api_manager executions (list, get), with tables for people and JSON for
scripts."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from demo.estate import build as build_estate
from demo.seed import StatusPage
from opsuite_cli.main import app
from opsuite_common.testing.processes import Stack
from opsuite_common.testing.servers import TokenFactory

ROOT = Path(__file__).resolve().parent.parent
TENANT = "cli-ops"
TOKEN = TokenFactory().mint(tenant=TENANT, roles=["admin"], subject="cli-tester")

RULE = """
kind: Rule
name: ops-cpu-high
spec:
  kind: THRESHOLD
  description: CPU above 90 on a host
  event_type: metric
  severity: critical
  spec:
    where: {field: metric, op: "==", value: cpu}
    condition: {field: value, op: ">", value: 90}
    group_by: [host]
"""


def _cli(stack: Stack, *args: str) -> tuple[int, str, str]:
    base = ["--api-manager", stack.target("api_manager"), "--cep", stack.target("cep"), "--ops", stack.target("ops")]
    result = CliRunner().invoke(app, [*base, "--token", TOKEN, *args], prog_name="opsuite")
    return result.exit_code, result.stdout, result.stderr


def _ok(stack: Stack, *args: str) -> str:
    code, out, err = _cli(stack, *args)
    assert code == 0 and err == "", (code, out, err)
    return out


def _json(stack: Stack, *args: str) -> Any:
    return json.loads(_ok(stack, *args, "-o", "json"))


def _publish(stack: Stack, tmp_path: Path, name: str, hosts: dict[str, float]) -> None:
    now = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    events = [
        {"id": f"{name}-{h}", "type": "metric", "source": "test", "key": h, "time": now,
         "attributes": {"metric": "cpu", "host": h, "value": v}}
        for h, v in hosts.items()
    ]  # fmt: skip
    path = tmp_path / f"{name}.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    _ok(stack, "publish", str(path))


@pytest.fixture(scope="module")
def ops_stack(stack: Stack, status_page: StatusPage, tmp_path_factory: pytest.TempPathFactory) -> Stack:
    """The shared stack with the demo applied for the tenant ``cli-ops`` and one rule of its own."""
    estate = stack.data_source_dir(TENANT) / "estate.db"
    if not estate.exists():
        build_estate(estate)
    mp = pytest.MonkeyPatch()
    mp.setenv("OPSUITE_DEMO_DIR", str(stack.data_source_dir(TENANT)))
    mp.setenv("OPSUITE_DEMO_STATUS_URL", status_page.url)
    try:
        _ok(stack, "apply", "-f", str(ROOT / "demo"))
    finally:
        mp.undo()
    rule = tmp_path_factory.mktemp("cli-ops") / "rule.yaml"
    rule.write_text(RULE)
    _ok(stack, "apply", "-f", str(rule))
    return stack


def test_alerts_list_ack_resolve_round_trip(ops_stack, tmp_path):
    _publish(ops_stack, tmp_path, "hot", {"rt-1": 95, "rt-2": 97})
    table = _ok(ops_stack, "alerts", "list", "--rule", "ops-cpu-high")
    assert "host=rt-1" in table and "host=rt-2" in table and "FIRING" in table
    alerts = {a["labels"]["host"]: a for a in _json(ops_stack, "alerts", "list", "--rule", "ops-cpu-high")}
    one, two = alerts["rt-1"]["id"], alerts["rt-2"]["id"]

    out = _ok(ops_stack, "alerts", "ack", one, "-c", "looking")
    assert out.strip() == f"alert {one} acknowledged: ops-cpu-high [host=rt-1] FIRING (critical)"
    (acked,) = _json(ops_stack, "alerts", "list", "--rule", "ops-cpu-high", "--label", "host=rt-1")
    assert acked["acknowledged"] is True and acked["acknowledgedBy"] == "cli-tester" and acked["state"] == "FIRING"

    out = _ok(ops_stack, "alerts", "resolve", two)
    assert out.strip() == f"alert {two} resolved: ops-cpu-high [host=rt-2] RESOLVED (critical)"
    firing = _json(ops_stack, "alerts", "list", "--rule", "ops-cpu-high", "--state", "firing")
    assert [a["id"] for a in firing] == [one]
    assert _json(ops_stack, "alerts", "list", "--rule", "ops-cpu-high", "--limit", "1") == [
        a for a in _json(ops_stack, "alerts", "list", "--rule", "ops-cpu-high")[:1]
    ]

    code, out, err = _cli(ops_stack, "alerts", "ack", "no-such-alert")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith("Error: NOT_FOUND (NOT_FOUND): ")


def test_silence_mutes_matching_alerts_then_unsilence(ops_stack, tmp_path):
    # From a minute ago: the events below are stamped with the current second, before a silence started "now".
    args = ['host=~"sil-.*"', "host!=sil-9", "-c", "maintenance", "--start", "1m", "-d", "2h"]
    out = _ok(ops_stack, "alerts", "silence", *args)
    match = re.fullmatch(r"silence (\S+) created: host=~sil-\.\*, host!=sil-9 until \S+Z\n", out)
    assert match, out
    silence_id = match.group(1)
    listed = _ok(ops_stack, "alerts", "silences")
    assert silence_id in listed and "maintenance" in listed and "host=~sil-.*" in listed
    (created,) = [s for s in _json(ops_stack, "alerts", "silences") if s["meta"]["id"] == silence_id]
    assert created["matchers"] == [
        {"name": "host", "op": "=~", "value": "sil-.*"},
        {"name": "host", "op": "!=", "value": "sil-9"},
    ]
    assert created["comment"] == "maintenance" and created["meta"]["createdBy"] == "cli-tester"

    _publish(ops_stack, tmp_path, "silenced", {"sil-1": 99, "sil-9": 99})
    alerts = {a["labels"]["host"]: a for a in _json(ops_stack, "alerts", "list", "--rule", "ops-cpu-high")}
    assert alerts["sil-1"].get("silenced") is True  # matches both matchers
    assert "silenced" not in alerts["sil-9"]  # excluded by host!=sil-9
    assert "yes" in _ok(ops_stack, "alerts", "list", "--label", "host=sil-1")

    assert _ok(ops_stack, "alerts", "unsilence", silence_id).strip() == f"silence {silence_id} deleted"
    assert silence_id not in _ok(ops_stack, "alerts", "silences")
    code, _, err = _cli(ops_stack, "alerts", "unsilence", silence_id)
    assert code == 1 and err.startswith("Error: NOT_FOUND (NOT_FOUND): ") and err.count("\n") == 1


def test_a_silence_the_server_refuses_is_one_line(ops_stack):
    code, out, err = _cli(ops_stack, "alerts", "silence", "host=~(", "-c", "bad regex", "-d", "1h")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith("Error: INVALID_ARGUMENT (VALIDATION_FAILED): ") and "matchers[0].value" in err


def test_executions_list_and_get(ops_stack):
    out = _ok(ops_stack, "execute", "error_rate", "-p", "service=checkout")
    (execution_id,) = re.findall(r"execution (\S+)", out)
    table = _ok(ops_stack, "executions", "list", "--api", "error_rate")
    assert execution_id in table and "SUCCEEDED" in table
    listed = _json(ops_stack, "executions", "list", "--api", "error_rate", "--status", "succeeded", "--since", "1h")
    assert execution_id in [e["id"] for e in listed] and {e["apiName"] for e in listed} == {"error_rate"}
    shown = _ok(ops_stack, "executions", "get", execution_id)
    assert f"id: {execution_id}" in shown and "status: SUCCEEDED" in shown
    assert 'params: {"service":"checkout"}' in shown and "caller: cli-tester" in shown
    assert _json(ops_stack, "executions", "get", execution_id)["params"] == {"service": "checkout"}
    code, _, err = _cli(ops_stack, "executions", "get", "no-such-execution")
    assert code == 1 and err.startswith("Error: NOT_FOUND (NOT_FOUND): ") and err.count("\n") == 1
    code, _, err = _cli(ops_stack, "executions", "list", "--api", "no-such-api")
    assert code == 1 and err.startswith("Error: NOT_FOUND (NOT_FOUND): ") and err.count("\n") == 1


def test_runs_list_and_get(ops_stack):
    question = "what is the error rate of checkout"
    out = _ok(ops_stack, "ask", question)
    (run_id,) = re.findall(r"^run (\S+)$", out, re.MULTILINE)
    table = _ok(ops_stack, "runs", "list")
    assert run_id in table and "SUCCEEDED" in table
    (listed,) = [r for r in _json(ops_stack, "runs", "list", "--status", "succeeded") if r["runId"] == run_id]
    assert listed["question"] == question and listed["answerStatus"] == "ANSWER_STATUS_COMPLETE"
    shown = _ok(ops_stack, "runs", "get", run_id)
    assert f"run_id: {run_id}" in shown and f"question: {question}" in shown and "answer_status: COMPLETE" in shown
    assert "references" in shown and "error_rate" in shown
    assert _json(ops_stack, "runs", "get", run_id)["trace"]["calls"]  # JSON adds the whole trace
    code, _, err = _cli(ops_stack, "runs", "get", "no-such-run")
    assert code == 1 and err.startswith("Error: NOT_FOUND (NOT_FOUND): ") and err.count("\n") == 1


def test_publish_counts_late_and_refused_events_apart_from_late_rule_pairs(ops_stack, tmp_path):
    now = datetime.now(UTC).replace(microsecond=0)

    def event(eid: str, seconds: int) -> str:
        time = datetime.fromtimestamp(now.timestamp() + seconds, UTC).isoformat().replace("+00:00", "Z")
        attributes = {"metric": "cpu", "host": "late-1", "value": 50}
        return json.dumps({"id": eid, "type": "metric", "source": "test", "key": "late-1", "time": time,
                           "attributes": attributes}) + "\n"  # fmt: skip

    path = tmp_path / "late.jsonl"
    path.write_text(event("on-time", 0) + event("an-hour-old", -3600) + event("tomorrow", 86400))
    out = _ok(ops_stack, "publish", str(path), "--batch", "1")
    summary = re.search(r"3 events: (\d+) accepted, 0 duplicates, (\d+) late, 1 refused", out)
    assert summary, out
    assert int(summary.group(1)) + int(summary.group(2)) == 2
    pairs = re.search(r"(\d+) \(event, rule\) pair\(s\) late", out)
    assert pairs and int(pairs.group(1)) >= 1, out  # the hour-old event, for ops-cpu-high at least
    assert "refused tomorrow: FUTURE_TIME: " in out
