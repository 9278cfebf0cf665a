"""The three services as real processes: grpcurl lists them, health works, auth errors carry reasons,
and SIGTERM stops a service cleanly within its grace period."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from opsuite_common.testing.servers import TEST_SECRET, TokenFactory

ROOT = Path(__file__).resolve().parent.parent
GRPCURL = str(Path(sys.executable).parent / "grpcurl")
SERVICES = {
    "api_manager": ("opsuite_api_manager.main", "OPSUITE_API_MANAGER_", "opsuite.apimanager.v1.ApiManagerService"),
    "cep": ("opsuite_cep.main", "OPSUITE_CEP_", "opsuite.cep.v1.CepService"),
    "ops": ("opsuite_ops.main", "OPSUITE_OPS_", "opsuite.ops.v1.OpsService"),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _grpcurl(*args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [GRPCURL, "-plaintext", "-max-time", "10"]
    if token:
        cmd += ["-H", f"authorization: Bearer {token}"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=30)


def _wait_port(port: int, proc: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited early: {proc.stdout.read() if proc.stdout else ''}")
        r = _grpcurl(f"127.0.0.1:{port}", "grpc.health.v1.Health/Check")
        if r.returncode == 0 and "SERVING" in r.stdout:
            return
        time.sleep(0.2)
    raise AssertionError(f"port {port} never became healthy")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stack")
    procs, ports = {}, {}
    env = dict(os.environ, OPSUITE_AUTH_JWT_SECRET=TEST_SECRET)
    for name, (module, prefix, _) in SERVICES.items():
        ports[name] = _free_port()
        env[f"{prefix}PORT"] = str(ports[name])
        env[f"{prefix}DATABASE_URL"] = f"sqlite:///{tmp / name}.db"
        env[f"{prefix}LOG_FORMAT"] = "json"
        env[f"{prefix}GRACE_S"] = "5"
    for name, (module, _, _) in SERVICES.items():
        procs[name] = subprocess.Popen(
            [sys.executable, "-m", module], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
    try:
        for name in SERVICES:
            _wait_port(ports[name], procs[name])
        yield ports, procs
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
            p.wait()


@pytest.mark.parametrize("name", list(SERVICES))
def test_grpcurl_lists_every_service_through_reflection(stack, name):
    ports, _ = stack
    r = _grpcurl(f"127.0.0.1:{ports[name]}", "list")
    assert r.returncode == 0, r.stderr
    listed = set(r.stdout.split())
    assert {SERVICES[name][2], "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"} <= listed


@pytest.mark.parametrize("name", list(SERVICES))
def test_health_check_per_service_and_overall(stack, name):
    ports, _ = stack
    for svc in ("", SERVICES[name][2]):
        r = _grpcurl("-d", json.dumps({"service": svc}), f"127.0.0.1:{ports[name]}", "grpc.health.v1.Health/Check")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["status"] == "SERVING"


@pytest.mark.parametrize("name", list(SERVICES))
def test_call_without_token_is_unauthenticated_with_reason(stack, name):
    ports, _ = stack
    method = f"{SERVICES[name][2]}/GetServerInfo"
    r = _grpcurl("-format-error", f"127.0.0.1:{ports[name]}", method)
    assert r.returncode != 0
    status = json.loads(r.stderr)
    assert status["code"] == 16  # UNAUTHENTICATED
    info = next(d for d in status["details"] if d["@type"].endswith("google.rpc.ErrorInfo"))
    assert (info["reason"], info["domain"]) == ("MISSING_TOKEN", "opsuite.dev")


@pytest.mark.parametrize("name", list(SERVICES))
def test_call_with_token_sees_the_callers_tenant(stack, name):
    ports, _ = stack
    token = TokenFactory().mint(tenant="acme", roles=["viewer"], subject="carol")
    r = _grpcurl(f"127.0.0.1:{ports[name]}", f"{SERVICES[name][2]}/GetServerInfo", token=token)
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["caller"] == {"subject": "carol", "tenant": "acme", "roles": ["viewer"]}
    assert token not in r.stderr


def test_sigterm_stops_cleanly_within_grace(tmp_path):
    port = _free_port()
    env = dict(
        os.environ,
        OPSUITE_AUTH_JWT_SECRET=TEST_SECRET,
        OPSUITE_CEP_PORT=str(port),
        OPSUITE_CEP_DATABASE_URL=f"sqlite:///{tmp_path}/cep.db",
        OPSUITE_CEP_GRACE_S="3",
        OPSUITE_CEP_LOG_FORMAT="json",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "opsuite_cep.main"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    _wait_port(port, proc)
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=15)
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, out
    assert elapsed < 3 + 5, f"took {elapsed:.1f}s"  # the grace period plus process start-up slack
    events = [json.loads(line).get("event") for line in out.splitlines() if line.startswith("{")]
    assert "shutting down" in events and events[-1] == "stopped"
