"""The three services as real processes: grpcurl lists them, health works, auth errors carry reasons,
and SIGTERM stops a service cleanly within its grace period."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from opsuite_common.testing.processes import free_base_port, free_port, wait_serving
from opsuite_common.testing.servers import TEST_SECRET, TokenFactory

from .conftest import GRPCURL, SERVICES


def _grpcurl(*args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [GRPCURL, "-plaintext", "-max-time", "10"]
    if token:
        cmd += ["-H", f"authorization: Bearer {token}"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("name", list(SERVICES))
def test_grpcurl_lists_every_service_through_reflection(stack, name):
    r = _grpcurl(stack.target(name), "list")
    assert r.returncode == 0, r.stderr
    listed = set(r.stdout.split())
    reflection = {"grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"}
    assert {SERVICES[name].proto_service, "grpc.health.v1.Health", *reflection} <= listed


@pytest.mark.parametrize("name", list(SERVICES))
def test_health_check_per_service_and_overall(stack, name):
    for svc in ("", SERVICES[name].proto_service):
        r = _grpcurl("-d", json.dumps({"service": svc}), stack.target(name), "grpc.health.v1.Health/Check")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["status"] == "SERVING"


@pytest.mark.parametrize("name", list(SERVICES))
def test_call_without_token_is_unauthenticated_with_reason(stack, name):
    r = _grpcurl("-format-error", stack.target(name), f"{SERVICES[name].proto_service}/GetServerInfo")
    assert r.returncode != 0
    status = json.loads(r.stderr)
    assert status["code"] == 16  # UNAUTHENTICATED
    info = next(d for d in status["details"] if d["@type"].endswith("google.rpc.ErrorInfo"))
    assert (info["reason"], info["domain"]) == ("MISSING_TOKEN", "opsuite.dev")


@pytest.mark.parametrize("name", list(SERVICES))
def test_call_with_token_sees_the_callers_tenant(stack, name):
    token = TokenFactory().mint(tenant="acme", roles=["viewer"], subject="carol")
    r = _grpcurl(stack.target(name), f"{SERVICES[name].proto_service}/GetServerInfo", token=token)
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["caller"] == {"subject": "carol", "tenant": "acme", "roles": ["viewer"]}


def test_sigterm_stops_cleanly_within_grace(tmp_path):
    port = free_port()
    env = dict(
        os.environ,
        OPSUITE_AUTH_JWT_SECRET=TEST_SECRET,
        OPSUITE_CEP_PORT=str(port),
        OPSUITE_CEP_DATABASE_URL=f"sqlite:///{tmp_path}/cep.db",
        OPSUITE_CEP_GRACE_S="3",
        OPSUITE_CEP_LOG_FORMAT="json",
    )
    log = tmp_path / "cep.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "opsuite_cep.main"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
        wait_serving(port, proc, log)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
    elapsed = time.monotonic() - started
    text = log.read_text()
    assert proc.returncode == 0, text
    assert elapsed < 3 + 5, f"took {elapsed:.1f}s"  # the grace period plus process start-up slack
    events = [json.loads(line).get("event") for line in text.splitlines() if line.startswith("{")]
    assert "shutting down" in events and events[-1] == "stopped"


def test_dev_up_check_starts_and_stops_the_stack(tmp_path):
    """The README's run command, in check mode, on free ports and a temporary state folder."""

    root = Path(__file__).resolve().parent.parent
    base = free_base_port(24000, 26000)  # a range no other process test uses, below the ephemeral ports
    env = dict(os.environ, OPSUITE_BASE_PORT=str(base))
    r = subprocess.run(
        [sys.executable, str(root / "tools" / "devstack.py"), "--check", "--run-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=root,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"api_manager  127.0.0.1:{base}" in r.stdout
    assert f"api_manager http://127.0.0.1:{base + 100}/metrics" in r.stdout  # metrics are on by default
    assert "export TOKEN=" in r.stdout
    assert "stopped (api_manager=0, cep=0, ops=0)" in r.stdout
