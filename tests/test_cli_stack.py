"""The opsuite CLI against the three services as processes: apply is idempotent, the demo's events
fire its rules, execute and ask work, and errors are shown for people."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from demo import scenario
from demo.estate import build as build_estate
from demo.seed import StatusPage
from opsuite_cli.main import app
from opsuite_common.testing.processes import Stack
from opsuite_common.testing.servers import TokenFactory

ROOT = Path(__file__).resolve().parent.parent
TOKEN = TokenFactory().mint(tenant="cli-demo", roles=["admin"], subject="cli")


@pytest.fixture(scope="module")
def cli_stack(stack: Stack, status_page: StatusPage) -> tuple[Stack, StatusPage]:
    """The shared stack (its outbound policy allows the loopback status page), with the demo estate built
    for the tenant ``cli-demo``."""
    estate = stack.data_source_dir("cli-demo") / "estate.db"
    if not estate.exists():
        build_estate(estate)
    return stack, status_page


def _cli(stack: Stack, *args: str, token: str = TOKEN) -> tuple[int, str]:
    base = ["--api-manager", stack.target("api_manager"), "--cep", stack.target("cep"), "--ops", stack.target("ops")]
    result = CliRunner().invoke(app, [*base, "--token", token, *args])
    return result.exit_code, result.output


@pytest.fixture
def demo_env(cli_stack, monkeypatch):
    stack, status = cli_stack
    monkeypatch.setenv("OPSUITE_DEMO_DIR", str(stack.data_source_dir("cli-demo")))
    monkeypatch.setenv("OPSUITE_DEMO_STATUS_URL", status.url)
    return stack


def test_apply_demo_twice_second_run_changes_nothing(demo_env):
    code, out = _cli(demo_env, "apply", "-f", str(ROOT / "demo"))
    assert code == 0, out
    assert (
        "datasource/estate created" in out
        and "rule/cpu-high created" in out
        and "channel/status-webhook created" in out
    )
    code, out = _cli(demo_env, "apply", "-f", str(ROOT / "demo"))
    assert code == 0, out
    assert "0 changed" in out and "created" not in out and "configured" not in out


def test_publishing_the_scenario_fires_every_demo_rule(demo_env, tmp_path):
    _cli(demo_env, "apply", "-f", str(ROOT / "demo"))
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in scenario.events()))
    code, out = _cli(demo_env, "publish", str(events))
    assert code == 0, out
    assert "0 duplicates, 0 late" in out
    for line in (
        "cpu-high [host=web-02, service=checkout, team=web] FIRING",
        "error-burst [service=checkout] FIRING",
        "heartbeat-missing [host=web-03] FIRING",
    ):
        assert line in out
    assert "deploy-then-errors [service=checkout]" in out and "latency-anomaly [service=checkout]" in out


def test_execute_and_get(demo_env):
    _cli(demo_env, "apply", "-f", str(ROOT / "demo"))
    code, out = _cli(demo_env, "execute", "error_rate", "-p", "service=checkout")
    assert code == 0, out
    assert "checkout" in out and "1 row(s)" in out
    code, out = _cli(demo_env, "get", "rule")
    assert code == 0 and "heartbeat-missing" in out and "THRESHOLD" in out
    code, out = _cli(demo_env, "get", "routing")  # one routing per tenant: its root receiver, not an empty row
    assert code == 0 and "config.route.receiver" in out and "status" in out, out


def test_ask_shows_phases_then_the_answer_and_references(demo_env):
    _cli(demo_env, "apply", "-f", str(ROOT / "demo"))
    code, out = _cli(demo_env, "ask", "what is the error rate of checkout")
    assert code == 0, out
    assert "execute" in out and "answer" in out and "error_rate" in out and "references" in out


def test_errors_are_shown_for_people(demo_env):
    _cli(demo_env, "apply", "-f", str(ROOT / "demo"))
    code, out = _cli(demo_env, "get", "api", "does-not-exist")
    assert code == 1
    assert "Error: NOT_FOUND (NOT_FOUND)" in out and "Traceback" not in out
    code, out = _cli(demo_env, "execute", "error_rate")
    assert code == 1
    assert "INVALID_ARGUMENT (VALIDATION_FAILED)" in out and "params.service" in out and "is required" in out
    viewer = TokenFactory().mint(tenant="cli-demo", roles=["viewer"])
    code, out = _cli(demo_env, "delete", "api", "error_rate", token=viewer)
    assert code == 1 and "PERMISSION_DENIED" in out and "editor" in out
    code, out = _cli(demo_env, "get", "api", token="not-a-token")
    assert code == 1 and "UNAUTHENTICATED (INVALID_TOKEN)" in out
