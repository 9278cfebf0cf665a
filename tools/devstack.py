"""Run the whole opsuite stack locally on SQLite, with demo data: ``./dev up``.

Starts api_manager, cep and ops as separate processes (their real ``main``), waits until each reports
SERVING on grpc.health.v1, seeds the demo tenant (``demo/``: an estate database, APIs, rules) with the
same code as ``opsuite apply -f demo/``, prints ports, a development token, grpcurl and CLI examples,
and stops everything cleanly on Ctrl-C / SIGTERM. State lives in ``.run/`` (SQLite files, JWT secret,
logs).

``./dev up --check`` starts the stack, seeds it, verifies health, and stops it (used by the tests).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo.seed import StatusPage, seed  # noqa: E402
from opsuite_common.auth import TokenIssuer  # noqa: E402
from opsuite_common.testing.processes import start_stack, stop_stack  # noqa: E402
from tests.service_table import SERVICES  # noqa: E402

RUN = ROOT / ".run"
GRPCURL = Path(sys.executable).parent / "grpcurl"


def _secret(run_dir: Path) -> str:
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / "jwt-secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _show(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _banner(ports: dict[str, int], token: str, run_dir: Path) -> str:
    g = _show(GRPCURL) if GRPCURL.exists() else "grpcurl"
    am, cep, ops = ports["api_manager"], ports["cep"], ports["ops"]
    auth = '-H "authorization: Bearer $TOKEN"'
    return f"""
opsuite is up (SQLite data in {_show(run_dir)}/, logs in {_show(run_dir)}/<service>.log):
  api_manager  127.0.0.1:{am}
  cep          127.0.0.1:{cep}
  ops          127.0.0.1:{ops}

Development token (tenant "demo", role admin, valid 24h; mint others with ./dev token --help):
  export TOKEN={token}

Try:
  {g} -plaintext 127.0.0.1:{am} list
  {g} -plaintext 127.0.0.1:{am} grpc.health.v1.Health/Check
  {g} -plaintext {auth} 127.0.0.1:{am} opsuite.apimanager.v1.ApiManagerService/ListApis
  {g} -plaintext {auth} -d '{{"name": "error_rate", "params": {{"service": "checkout"}}}}' \\
      127.0.0.1:{am} opsuite.apimanager.v1.ApiManagerService/ExecuteApi
  {g} -plaintext {auth} 127.0.0.1:{cep} opsuite.cep.v1.CepService/GetServerInfo
  {g} -plaintext {auth} 127.0.0.1:{ops} opsuite.ops.v1.OpsService/GetServerInfo

CLI (installed in the virtualenv: .venv/bin/opsuite):
  .venv/bin/opsuite ask "what changed on checkout before the error spike"
  .venv/bin/python demo/scenario.py > {_show(run_dir)}/events.jsonl
  .venv/bin/opsuite publish {_show(run_dir)}/events.jsonl
  .venv/bin/opsuite alerts watch          # in another terminal: alert changes as they happen
  .venv/bin/opsuite get api
  .venv/bin/opsuite execute cpu_by_host -p host=web-02 -p since=2020-01-01T00:00:00Z
  .venv/bin/opsuite apply -f demo/        # a second apply reports no changes

Ctrl-C stops everything."""


def main() -> int:
    """Start and seed the stack; wait for Ctrl-C/SIGTERM (or, with --check, stop right away)."""
    parser = argparse.ArgumentParser(prog="./dev up", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="start, seed, verify health, stop")
    parser.add_argument("--no-demo", action="store_true", help="do not seed the demo tenant")
    parser.add_argument("--run-dir", type=Path, default=RUN)
    parser.add_argument("--base-port", type=int, default=int(os.environ.get("OPSUITE_BASE_PORT", "50051")))
    args = parser.parse_args()
    run_dir: Path = args.run_dir.resolve()
    secret = _secret(run_dir)
    ports = {name: args.base_port + i for i, name in enumerate(SERVICES)}
    token = TokenIssuer(key=secret).mint(subject="dev", tenant="demo", roles=["admin"], ttl_s=24 * 3600)

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())

    # A stable port keeps the demo's status_page API unchanged between runs (apply stays idempotent).
    status_page = StatusPage(args.base_port + len(SERVICES))
    try:
        # ops is told no estate's names (with or without the demo): it reads them from the tools at run time.
        hints = {
            # The demo's alert webhook is the local status page.
            "OPSUITE_OUTBOUND_ALLOW": json.dumps(["127.0.0.1"]),
        }
        stack = start_stack(SERVICES, run_dir, secret, ports=ports, extra_env=hints)
    except (RuntimeError, TimeoutError) as exc:
        print(f"the stack did not come up: {exc}\nsee {_show(run_dir)}/<service>.log", file=sys.stderr)
        return 1
    try:
        if not args.no_demo:
            try:
                targets = {name: f"127.0.0.1:{port}" for name, port in ports.items()}
                for line in seed(targets, token, run_dir, status_page.url):
                    print(f"  seeded {line}")
            except Exception as exc:  # the stack still runs; say why the demo is missing
                print(f"demo seeding failed: {exc}", file=sys.stderr)
                if args.check:
                    return 1
        print(_banner(ports, token, run_dir), flush=True)
        if args.check:
            return 0
        while not stopping.is_set():
            for name, proc in stack.procs.items():
                if proc.poll() is not None:
                    print(f"{name} exited with {proc.returncode}; see {_show(stack.log(name))}", file=sys.stderr)
                    return 1
            stopping.wait(0.3)
        return 0
    finally:
        codes = stop_stack(stack, graceful=True)
        status_page.close()
        print(f"stopped ({', '.join(f'{n}={c}' for n, c in codes.items())}).", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
