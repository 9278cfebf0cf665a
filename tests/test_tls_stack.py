"""TLS and mTLS with real processes: ``./dev up --tls`` (the CLI, grpcurl and ops -> api_manager over mTLS),
``--workers`` (each worker serves TLS), and a TLS file that cannot be used (one line at start-up, exit 2)."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from opsuite_common.testing.certs import write_dev_pki
from opsuite_common.testing.eventually import eventually_sync
from opsuite_common.testing.processes import free_base_port
from opsuite_common.testing.servers import TEST_SECRET
from opsuite_common.tls import sync_channel

from .conftest import GRPCURL, SERVICES, banner_exports

ROOT = Path(__file__).resolve().parent.parent
DEVSTACK = [sys.executable, str(ROOT / "tools" / "devstack.py")]
OPSUITE = str(Path(sys.executable).parent / "opsuite")
#: The environment of this test run without any TLS or target setting of its own.
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("OPSUITE_CLIENT_", "OPSUITE_TOKEN"))}


def _run(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def _one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    """The CLI's stderr when it failed: exactly one line, no traceback."""
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def test_dev_up_tls_check_passes(tmp_path):
    base = free_base_port(28000, 30000)
    env = {**CLEAN_ENV, "OPSUITE_BASE_PORT": str(base), "OPSUITE_AUTH_JWT_SECRET": TEST_SECRET}
    done = _run([*DEVSTACK, "--tls", "--check", "--run-dir", str(tmp_path / "run")], env, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "demo seeding failed" not in done.stderr
    assert "TLS with client certificates required" in done.stdout
    tls = tmp_path / "run" / "tls"
    assert f"grpcurl -cacert {tls}/ca.pem -cert {tls}/client.pem -key {tls}/client-key.pem 127.0.0.1:{base} list" in (
        done.stdout
    )
    for name in SERVICES:
        assert "over TLS, client certificates required" in (tmp_path / "run" / f"{name}.log").read_text()
    assert (tls / "server-key.pem").stat().st_mode & 0o077 == 0  # keys are the owner's only


def test_dev_up_tls_serves_the_cli_grpcurl_and_ops_calls_api_manager_over_mtls(tmp_path):
    base = free_base_port(28000, 30000)
    run = tmp_path / "run"
    env = {**CLEAN_ENV, "OPSUITE_BASE_PORT": str(base), "OPSUITE_AUTH_JWT_SECRET": TEST_SECRET}
    log = tmp_path / "dev-up.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [*DEVSTACK, "--tls", "--run-dir", str(run)], stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env
        )
    try:

        def banner() -> str:
            assert proc.poll() is None, log.read_text()
            return log.read_text() if "Ctrl-C stops everything." in log.read_text() else ""

        text = eventually_sync(banner, timeout=240, interval=0.5, what="the dev stack's banner")
        assert "demo seeding failed" not in text
        exports = banner_exports(text)
        assert exports["OPSUITE_CLIENT_TLS_CERT_FILE"] == str(run / "tls" / "client.pem")
        cli_env = {**CLEAN_ENV, **exports}

        # CLI -> ops -> api_manager, every hop over mTLS: a complete answer whose references are executions.
        asked = _run([OPSUITE, "ask", "what is the cpu on web-02 over the last 2 hours"], cli_env)
        assert asked.returncode == 0, asked.stdout + asked.stderr
        assert "cpu_by_host" in asked.stdout and "COMPLETE" in asked.stdout

        # The same options as flags; without a client certificate, or without TLS, the CLI is refused in a line.
        no_tls = {k: v for k, v in cli_env.items() if not k.startswith("OPSUITE_CLIENT_TLS_")}
        tls = run / "tls"
        flags = ["--tls-ca", str(tls / "ca.pem"), "--tls-cert", str(tls / "client.pem")]
        listed = _run([OPSUITE, *flags, "--tls-key", str(tls / "client-key.pem"), "get", "api"], no_tls)
        assert listed.returncode == 0 and "cpu_by_host" in listed.stdout, listed.stdout + listed.stderr
        plaintext = _one_line_error(_run([OPSUITE, "get", "api"], no_tls))
        assert "api_manager unreachable: " in plaintext, plaintext
        refused = _one_line_error(_run([OPSUITE, "--tls-ca", str(tls / "ca.pem"), "get", "api"], no_tls))
        assert "api_manager unreachable: " in refused, refused
        missing = _one_line_error(_run([OPSUITE, "--tls-ca", str(tmp_path / "nope.pem"), "get", "api"], no_tls))
        assert f"--tls-ca: cannot read {tmp_path / 'nope.pem'}: No such file or directory" in missing, missing

        # The banner's grpcurl line works as printed (reflection over mTLS); plaintext does not.
        line = next(x.strip() for x in text.splitlines() if x.strip().endswith(f"127.0.0.1:{base} list"))
        listed_services = _run([GRPCURL, *shlex.split(line)[1:]], CLEAN_ENV)
        assert listed_services.returncode == 0, listed_services.stderr
        assert "opsuite.apimanager.v1.ApiManagerService" in listed_services.stdout.split()
        assert _run([GRPCURL, "-plaintext", f"127.0.0.1:{base}", "list"], CLEAN_ENV).returncode != 0

        # The container probe, with the services' client settings.
        probe = [sys.executable, "-m", "opsuite_common.probe", f"127.0.0.1:{base + 2}"]
        assert _run(probe, cli_env).returncode == 0
        assert _run(probe, no_tls).returncode == 1
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=90)
    assert code == 0, log.read_text()[-3000:]


def test_each_worker_serves_tls(tmp_path):
    pki = write_dev_pki(tmp_path / "tls")
    prefix = SERVICES["api_manager"].prefix
    env = {
        **CLEAN_ENV,
        "OPSUITE_AUTH_JWT_SECRET": TEST_SECRET,
        f"{prefix}PORT": "0",
        f"{prefix}DATABASE_URL": f"sqlite:///{tmp_path / 'am.db'}",
        f"{prefix}INSTANCE_ID": "am-tls",
        f"{prefix}LOG_FORMAT": "json",
        f"{prefix}GRACE_S": "3",
        **pki.server_env(prefix),
    }
    log = tmp_path / "am.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", SERVICES["api_manager"].module, "--workers", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:

        def listening() -> str | None:
            assert proc.poll() is None, log.read_text()[-3000:]
            found = re.search(
                r"listening on 127\.0\.0\.1:(\d+) \(2 workers\) over TLS, client certificates required", log.read_text()
            )
            return found.group(1) if found else None

        port = int(eventually_sync(listening, timeout=90, what="api_manager listening with 2 TLS workers"))
        assert log.read_text().count('"transport": "TLS, client certificates required"') == 2  # each worker's server
        creds = pki.client_settings()
        # Fresh connections (a pool each) spread over both workers: every mTLS one is served, no plaintext one.
        own_pool = [("grpc.use_local_subchannel_pool", 1)]
        for _ in range(8):
            with sync_channel(f"127.0.0.1:{port}", creds, own_pool) as channel:
                reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
                assert reply.status == health_pb2.HealthCheckResponse.SERVING
            with grpc.insecure_channel(f"127.0.0.1:{port}", own_pool) as channel, pytest.raises(grpc.RpcError):
                health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    assert code == 0, log.read_text()[-3000:]


@pytest.mark.parametrize(
    ("variable", "expected"),
    [
        (
            "OPSUITE_OPS_TLS_CERT_FILE",
            "ops: OPSUITE_OPS_TLS_CERT_FILE: cannot read {missing}: No such file or directory",
        ),
        (
            "OPSUITE_CLIENT_TLS_CA_FILE",
            "ops: OPSUITE_CLIENT_TLS_CA_FILE: cannot read {missing}: No such file or directory",
        ),
    ],
)
def test_a_tls_file_that_cannot_be_read_stops_the_start_in_one_line(tmp_path, variable, expected):
    pki = write_dev_pki(tmp_path / "tls")
    missing = tmp_path / "missing.pem"
    env = {
        **CLEAN_ENV,
        "OPSUITE_AUTH_JWT_SECRET": TEST_SECRET,
        "OPSUITE_OPS_PORT": "0",
        "OPSUITE_OPS_DATABASE_URL": f"sqlite:///{tmp_path / 'ops.db'}",
        **pki.server_env("OPSUITE_OPS_"),
        **pki.client_env(),
        variable: str(missing),
    }
    done = _run([sys.executable, "-m", "opsuite_ops.main"], env, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip() == expected.format(missing=missing), done.stderr
