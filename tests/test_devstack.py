"""``./dev up`` as a user runs it (tools/devstack.py, not --check): a service killed under it comes back
while the others keep serving; ``--workers`` reaches the services; with ``OPSUITE_AUTH_JWT_SECRET``
exported the demo is seeded and the banner's CLI commands work on ports other than the defaults."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from opsuite_common.auth import TokenVerifier
from opsuite_common.testing.eventually import eventually_sync
from opsuite_common.testing.processes import free_base_port
from opsuite_common.testing.servers import TEST_SECRET

from .conftest import banner_exports

ROOT = Path(__file__).resolve().parent.parent


def _serving(port: int) -> bool:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)


def _children(pid: int) -> dict[str, int]:
    """The direct children of ``pid`` by the service module they run."""
    out = {}
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        cmdline = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        for name in ("api_manager", "cep", "ops"):
            if f"opsuite_{name}.main".encode() in cmdline:
                out[name] = int(child)
    return out


def test_a_killed_service_comes_back_while_the_others_keep_serving(tmp_path):
    base = free_base_port(26000, 28000)
    ports = {"api_manager": base, "cep": base + 1, "ops": base + 2}
    env = {**os.environ, "OPSUITE_BASE_PORT": str(base), "OPSUITE_AUTH_JWT_SECRET": TEST_SECRET}
    env.pop("OPSUITE_CEP_PARTITIONS", None)
    log = tmp_path / "dev-up.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tools" / "devstack.py"), "--run-dir", str(tmp_path / "run"), "--workers", "2"],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=env,
        )
    try:

        def banner() -> str:
            assert proc.poll() is None, log.read_text()
            return log.read_text() if "Ctrl-C stops everything." in log.read_text() else ""

        text = eventually_sync(banner, timeout=240, interval=0.5, what="the dev stack's banner")
        assert "demo seeding failed" not in text  # seeded with the exported secret
        assert f"api_manager  127.0.0.1:{base}  (2 workers)" in text
        assert f"ops          127.0.0.1:{base + 2}  (2 workers)" in text
        assert f"cep          127.0.0.1:{base + 1}  (one process: more need OPSUITE_CEP_PARTITIONS" in text
        token = re.search(r"export TOKEN=(\S+)", text)
        assert token is not None and TokenVerifier(secret=TEST_SECRET).verify(token.group(1)).tenant == "demo"

        # The banner's CLI commands, with its exports: a second apply of the demo changes nothing.
        cli = subprocess.run(
            [str(Path(sys.executable).parent / "opsuite"), "apply", "-f", "demo/"],
            env={**os.environ, **banner_exports(text)},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert cli.returncode == 0, cli.stdout + cli.stderr
        assert "unchanged" in cli.stdout and not re.search(r"\b(created|configured)\b", cli.stdout), cli.stdout

        before = _children(proc.pid)
        os.kill(before["cep"], signal.SIGKILL)
        eventually_sync(
            lambda: "cep exited (killed by SIGKILL); restarting in 1s (attempt 1)" in log.read_text(),
            what="the death of cep reported",
        )
        assert _serving(ports["api_manager"]) and _serving(ports["ops"])  # the others kept serving
        eventually_sync(
            lambda: f"cep is serving again on 127.0.0.1:{ports['cep']}" in log.read_text(),
            timeout=60,
            what="cep back",
        )
        assert _serving(ports["cep"])
        after = _children(proc.pid)
        assert after["cep"] != before["cep"]
        assert (after["api_manager"], after["ops"]) == (before["api_manager"], before["ops"])  # never restarted
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=90)
    assert code == 0, log.read_text()[-3000:]
    assert "stopped (api_manager=0, cep=0, ops=0)." in log.read_text()
