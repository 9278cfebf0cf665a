"""Run the whole opsuite stack locally on SQLite: ``./dev up``.

Starts api_manager, cep and ops as separate processes (their real ``main``), waits until each
reports SERVING on grpc.health.v1, prints ports, a development token and grpcurl examples, and
stops everything cleanly on Ctrl-C / SIGTERM. State lives in ``.run/`` (SQLite files, JWT secret).

``./dev up --check`` starts the stack, verifies health, and stops it (used by the tests).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / ".run"
GRPCURL = Path(sys.executable).parent / "grpcurl"


@dataclass
class Svc:
    name: str
    module: str
    prefix: str
    port: int
    proto_service: str


SERVICES = [
    Svc(
        "api_manager",
        "opsuite_api_manager.main",
        "OPSUITE_API_MANAGER_",
        50051,
        "opsuite.apimanager.v1.ApiManagerService",
    ),
    Svc("cep", "opsuite_cep.main", "OPSUITE_CEP_", 50052, "opsuite.cep.v1.CepService"),
    Svc("ops", "opsuite_ops.main", "OPSUITE_OPS_", 50053, "opsuite.ops.v1.OpsService"),
]


def _secret(run_dir: Path) -> str:
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / "jwt-secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _env(secret: str, run_dir: Path, ports: dict[str, int]) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("OPSUITE_AUTH_JWT_SECRET", secret)
    for s in SERVICES:
        env.setdefault(f"{s.prefix}PORT", str(ports[s.name]))
        env.setdefault(f"{s.prefix}DATABASE_URL", f"sqlite:///{run_dir / (s.name + '.db')}")
        env.setdefault(f"{s.prefix}LOG_FORMAT", "json")
    env.setdefault("OPSUITE_OPS_API_MANAGER_TARGET", f"127.0.0.1:{ports['api_manager']}")
    env.setdefault("OPSUITE_CEP_API_MANAGER_TARGET", f"127.0.0.1:{ports['api_manager']}")
    env.setdefault("OPSUITE_CEP_OPS_TARGET", f"127.0.0.1:{ports['ops']}")
    return env


async def _wait_serving(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while True:
            try:
                resp = await stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=1)
                if resp.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.aio.AioRpcError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"port {port} not SERVING after {timeout}s")
            await asyncio.sleep(0.1)


def _print_banner(ports: dict[str, int], secret: str, run_dir: Path) -> None:
    from opsuite_common.auth import TokenIssuer

    token = TokenIssuer(key=secret).mint(subject="dev", tenant="demo", roles=["admin"], ttl_s=24 * 3600)
    g = GRPCURL.relative_to(ROOT) if GRPCURL.exists() and GRPCURL.is_relative_to(ROOT) else "grpcurl"
    am, cep, ops = ports["api_manager"], ports["cep"], ports["ops"]
    print(
        f"""
opsuite is up (SQLite data in {_show(run_dir)}/):
  api_manager  127.0.0.1:{am}
  cep          127.0.0.1:{cep}
  ops          127.0.0.1:{ops}

Development token (tenant "demo", role admin, valid 24h; mint others with ./dev token --help):
  export TOKEN={token}

Try:
  {g} -plaintext 127.0.0.1:{am} list
  {g} -plaintext 127.0.0.1:{am} grpc.health.v1.Health/Check
  {g} -plaintext -H "authorization: Bearer $TOKEN" 127.0.0.1:{am} opsuite.apimanager.v1.ApiManagerService/GetServerInfo
  {g} -plaintext -H "authorization: Bearer $TOKEN" 127.0.0.1:{cep} opsuite.cep.v1.CepService/GetServerInfo
  {g} -plaintext -H "authorization: Bearer $TOKEN" 127.0.0.1:{ops} opsuite.ops.v1.OpsService/GetServerInfo

Ctrl-C stops everything.""",
        flush=True,
    )


def _show(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main() -> int:
    """Start the stack; wait for Ctrl-C/SIGTERM (or, with --check, stop right after it is healthy)."""
    parser = argparse.ArgumentParser(prog="./dev up", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="start, verify health, stop")
    parser.add_argument("--run-dir", type=Path, default=RUN)
    parser.add_argument("--base-port", type=int, default=int(os.environ.get("OPSUITE_BASE_PORT", "50051")))
    args = parser.parse_args()
    run_dir: Path = args.run_dir
    run_dir.mkdir(parents=True, exist_ok=True)
    secret = _secret(run_dir)
    ports = {s.name: args.base_port + i for i, s in enumerate(SERVICES)}
    env = _env(secret, run_dir, ports)
    procs: list[subprocess.Popen[bytes]] = []
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logs = {s.name: open(run_dir / f"{s.name}.log", "ab") for s in SERVICES}  # noqa: SIM115
    try:
        for s in SERVICES:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", s.module], env=env, cwd=ROOT, stdout=logs[s.name], stderr=subprocess.STDOUT
                )
            )
        try:
            for s in SERVICES:
                asyncio.run(_wait_serving(ports[s.name], timeout=30))
        except TimeoutError as exc:
            print(f"stack did not come up: {exc}; see {run_dir}/*.log", file=sys.stderr)
            return 1
        _print_banner(ports, secret, run_dir)
        print(f"logs: {run_dir}/<service>.log", flush=True)
        if args.check:
            return 0
        while not stopping:
            for p, s in zip(procs, SERVICES, strict=True):
                if p.poll() is not None:
                    print(f"{s.name} exited with {p.returncode}; see {run_dir / (s.name + '.log')}", file=sys.stderr)
                    return 1
            time.sleep(0.3)
        return 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        for f in logs.values():
            f.close()
        print("stopped.", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
