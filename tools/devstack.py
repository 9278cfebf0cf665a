"""Run the whole opsuite stack locally on SQLite, with demo data: ``./dev up``.

Starts api_manager, cep and ops as separate processes (their real ``main``), waits until each reports
SERVING on grpc.health.v1, seeds the demo tenant (``demo/``: an estate database, APIs, rules) with the
same code as ``opsuite apply -f demo/``, prints ports, a development token, grpcurl and CLI examples,
and stops everything cleanly on Ctrl-C / SIGTERM. State lives in ``.run/`` (SQLite files, JWT secret,
logs). Tokens are signed with ``OPSUITE_AUTH_JWT_SECRET`` when it is exported (the services verify with
it), else with the secret kept in ``.run/jwt-secret``.

A service that exits while the stack runs is reported (exit code or signal, next attempt) and started
again after 1 s, 2 s, 4 s ... up to 30 s (1 s again once it had run 30 s); the others keep serving.
``--workers N`` runs N worker processes of api_manager and ops on each port (and of cep when
``OPSUITE_CEP_PARTITIONS`` is set, which cep needs for more than one; see ``opsuite_common.server.workers``).

``--tls`` serves every port over TLS with client certificates required (mTLS), from a development CA made
with ``cryptography`` in ``.run/tls/`` (``opsuite_common.testing.certs``); the services call each other, and
the banner's grpcurl and CLI commands call them, with its client certificate.

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
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pydantic import SecretStr  # noqa: E402

from demo.seed import StatusPage, seed  # noqa: E402
from opsuite_common.server.workers import describe_exit  # noqa: E402
from opsuite_common.settings import AuthSettings, ClientSettings  # noqa: E402
from opsuite_common.testing.certs import DevPki, write_dev_pki  # noqa: E402
from opsuite_common.testing.processes import Stack, start_stack, stop_stack  # noqa: E402
from opsuite_common.tls import sync_channel  # noqa: E402
from tests.service_table import SERVICES  # noqa: E402

RUN = ROOT / ".run"
GRPCURL = Path(sys.executable).parent / "grpcurl"
#: Where the CLI looks when no target is given (opsuite_cli.main).
CLI_DEFAULT_PORTS = {"api_manager": 50051, "cep": 50052, "ops": 50053}
#: First and longest wait before a service that exited is started again.
RESTART_INITIAL_S = 1.0
RESTART_MAX_S = 30.0


def _secret(run_dir: Path) -> str:
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / "jwt-secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _auth(run_dir: Path) -> tuple[AuthSettings, bool]:
    """How the services verify tokens, and whether that came from the environment: the exported
    ``OPSUITE_AUTH_*`` settings when they name a key (the services read the same), else ``.run/jwt-secret``."""
    exported = AuthSettings()
    if exported.jwt_algorithm != "HS256" or exported.jwt_secret is not None:
        return exported, True
    return exported.model_copy(update={"jwt_secret": SecretStr(_secret(run_dir))}), False


def _workers_env(workers: int | None) -> dict[str, str]:
    """``<P>WORKERS`` for the services that can run ``workers`` processes (cep only with partitions)."""
    if workers is None:
        return {}
    cep_partitioned = os.environ.get("OPSUITE_CEP_PARTITIONS", "0").strip() not in ("", "0")
    names = [n for n in SERVICES if n != "cep" or cep_partitioned]
    return {f"{SERVICES[n].prefix}WORKERS": str(workers) for n in names}


def _show(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _banner(
    ports: dict[str, int],
    token: str,
    run_dir: Path,
    *,
    workers: dict[str, int],
    cli_env: list[str],
    pki: DevPki | None = None,
) -> str:
    # grpcurl's connection flags: the banner's commands are run from the repository's root.
    connection = (
        "-plaintext"
        if pki is None
        else f"-cacert {_show(pki.ca)} -cert {_show(pki.client_cert)} -key {_show(pki.client_key)}"
    )
    g = f"{_show(GRPCURL) if GRPCURL.exists() else 'grpcurl'} {connection}"
    am, cep, ops = ports["api_manager"], ports["cep"], ports["ops"]
    auth = '-H "authorization: Bearer $TOKEN"'
    transport = (
        "" if pki is None else f"; TLS with client certificates required, development CA in {_show(pki.ca.parent)}/"
    )
    several = any(n > 1 for n in workers.values())
    notes = {name: f"  ({n} workers)" for name, n in workers.items() if n > 1}
    if several and "cep" not in notes:
        notes["cep"] = "  (one process: more need OPSUITE_CEP_PARTITIONS, see README)"
    rows = "\n".join(f"  {name:<12} 127.0.0.1:{port}{notes.get(name, '')}" for name, port in ports.items())
    if not several:
        rows += "\n  (one process each; ./dev up --workers N runs N worker processes per service on one port)"
    exports = "".join(f"\n  export {line}" for line in cli_env)
    return f"""
opsuite is up (SQLite data in {_show(run_dir)}/, logs in {_show(run_dir)}/<service>.log{transport}):
{rows}

Development token (tenant "demo", role admin, valid 24h; mint others with ./dev token --help):
  export TOKEN={token}

Try:
  {g} 127.0.0.1:{am} list
  {g} 127.0.0.1:{am} grpc.health.v1.Health/Check
  {g} {auth} 127.0.0.1:{am} opsuite.apimanager.v1.ApiManagerService/ListApis
  {g} {auth} -d '{{"name": "error_rate", "params": {{"service": "checkout"}}}}' \\
      127.0.0.1:{am} opsuite.apimanager.v1.ApiManagerService/ExecuteApi
  {g} {auth} 127.0.0.1:{cep} opsuite.cep.v1.CepService/GetServerInfo
  {g} {auth} 127.0.0.1:{ops} opsuite.ops.v1.OpsService/GetServerInfo

CLI (installed in the virtualenv: .venv/bin/opsuite; first, in the shell you run it from):{exports}
  .venv/bin/opsuite ask "what changed on checkout before the error spike"
  .venv/bin/python demo/scenario.py > {_show(run_dir)}/events.jsonl
  .venv/bin/opsuite publish {_show(run_dir)}/events.jsonl
  .venv/bin/opsuite alerts watch          # in another terminal (with the exports): alert changes as they happen
  .venv/bin/opsuite get api
  .venv/bin/opsuite execute cpu_by_host -p host=web-02 -p since=2020-01-01T00:00:00Z
  .venv/bin/opsuite apply -f demo/        # a second apply reports no changes

A service that exits is started again (after 1s, 2s, 4s ... up to 30s); the others keep serving.
Ctrl-C stops everything."""


def _cli_env(
    ports: dict[str, int], run_dir: Path, status_url: str, token_from_env: bool, pki: DevPki | None = None
) -> list[str]:
    """The variables the banner's CLI commands need: the targets when they are not the CLI's defaults, the
    token when the CLI cannot mint it from ./.run/jwt-secret, the TLS files with ``--tls``, and what
    demo/*.yaml expands (``apply``)."""
    lines = []
    if pki is not None:
        lines.append(" ".join(f"{k}={v}" for k, v in pki.client_env().items()))
    if ports != CLI_DEFAULT_PORTS:
        lines.append(" ".join(f"{SERVICES[n].prefix}TARGET=127.0.0.1:{port}" for n, port in ports.items()))
    if token_from_env or run_dir != RUN:
        lines.append("OPSUITE_TOKEN=$TOKEN")
    lines.append(f"OPSUITE_DEMO_DIR={run_dir / 'data_sources' / 'demo'} OPSUITE_DEMO_STATUS_URL={status_url}")
    return lines


def _serving(port: int, tls: ClientSettings | None = None) -> bool:
    """Whether the server on ``port`` answers SERVING right now (``tls``: how to reach it over TLS)."""
    with sync_channel(f"127.0.0.1:{port}", tls) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=0.5)
        except grpc.RpcError:
            return False
    return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)


class Supervisor:
    """Keeps every service of a stack running: one that exits is reported and started again with back-off."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        now = time.monotonic()
        self.started_at = {name: now for name in stack.procs}
        self.failures = {name: 0 for name in stack.procs}
        #: Services waiting for their next start, and when it is due.
        self.restart_at: dict[str, float] = {}
        #: Services started again and not serving yet.
        self.starting: set[str] = set()

    def poll(self) -> None:
        """Report exits, start what is due, announce what serves again."""
        now = time.monotonic()
        for name, proc in list(self.stack.procs.items()):
            if name in self.restart_at:
                if now >= self.restart_at[name]:
                    del self.restart_at[name]
                    self.stack.launch(name)
                    self.started_at[name] = now
                    self.starting.add(name)
                continue
            code = proc.poll()
            if code is not None:
                self._exited(name, code, now)
            elif name in self.starting and _serving(self.stack.ports[name], self.stack.tls):
                self.starting.discard(name)
                print(f"{name} is serving again on {self.stack.target(name)} (pid {proc.pid})", flush=True)

    def _exited(self, name: str, code: int, now: float) -> None:
        if name not in self.starting and now - self.started_at[name] >= RESTART_MAX_S:
            self.failures[name] = 0  # it had run a while: not a crash loop
        delay = min(RESTART_INITIAL_S * 2 ** self.failures[name], RESTART_MAX_S)
        self.failures[name] += 1
        self.restart_at[name] = now + delay
        self.starting.discard(name)
        print(
            f"{name} exited ({describe_exit(code)}); restarting in {delay:g}s (attempt {self.failures[name]}); "
            f"see {_show(self.stack.log(name))}",
            file=sys.stderr,
            flush=True,
        )


def main() -> int:
    """Start and seed the stack; keep it running until Ctrl-C/SIGTERM (or, with --check, stop right away)."""
    parser = argparse.ArgumentParser(prog="./dev up", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="start, seed, verify health, stop")
    parser.add_argument("--no-demo", action="store_true", help="do not seed the demo tenant")
    parser.add_argument("--run-dir", type=Path, default=RUN)
    parser.add_argument("--base-port", type=int, default=int(os.environ.get("OPSUITE_BASE_PORT", "50051")))
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="worker processes per service sharing its port (SO_REUSEPORT): api_manager and ops, and cep when "
        "OPSUITE_CEP_PARTITIONS is set; default: each service's <P>WORKERS, else 1",
    )
    parser.add_argument(
        "--tls",
        action="store_true",
        help="serve TLS and require client certificates (mTLS), from a development CA made in <run dir>/tls/",
    )
    args = parser.parse_args()
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    run_dir: Path = args.run_dir.resolve()
    auth, token_from_env = _auth(run_dir)
    ports = {name: args.base_port + i for i, name in enumerate(SERVICES)}
    # Metrics on by default, 10 ports apart (worker k of a service serves on its port + k): 50151, 50161, 50171.
    metrics = {name: args.base_port + 100 + 10 * i for i, name in enumerate(SERVICES)}
    try:
        token = auth.issuer().mint(subject="dev", tenant="demo", roles=["admin"], ttl_s=24 * 3600)
    except ValueError as exc:  # RS256 exported without the private key
        print(f"cannot mint the development token: {exc}", file=sys.stderr)
        return 2

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())

    # A stable port keeps the demo's status_page API unchanged between runs (apply stays idempotent).
    status_page = StatusPage(args.base_port + len(SERVICES))
    workers_env = _workers_env(args.workers)
    pki = write_dev_pki(run_dir / "tls") if args.tls else None
    tls_env = {} if pki is None else {k: v for n in SERVICES for k, v in pki.server_env(SERVICES[n].prefix).items()}
    if pki is not None:
        # The services' calls to each other, and the seeding below (the CLI's client), show the client certificate.
        os.environ.update(pki.client_env())
    client_tls = pki.client_settings() if pki is not None else None
    try:
        # ops is told no estate's names (with or without the demo): it reads them from the tools at run time.
        hints = {
            # The demo's alert webhook is the local status page.
            "OPSUITE_OUTBOUND_ALLOW": json.dumps(["127.0.0.1"]),
            **{f"{SERVICES[n].prefix}METRICS_PORT": str(port) for n, port in metrics.items()},
            **workers_env,
            **tls_env,
        }
        stack = start_stack(SERVICES, run_dir, _secret(run_dir), ports=ports, extra_env=hints, tls=client_tls)
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
        workers = {n: int(stack.env.get(f"{SERVICES[n].prefix}WORKERS", "1") or 1) for n in SERVICES}
        cli_env = _cli_env(ports, run_dir, status_page.url, token_from_env, pki)
        print(_banner(ports, token, run_dir, workers=workers, cli_env=cli_env, pki=pki), flush=True)
        scrape = "  ".join(f"{n} http://127.0.0.1:{p}/metrics" for n, p in metrics.items())
        print(f"Prometheus metrics (worker k of a service: its port + k): {scrape}", flush=True)
        if args.check:
            return 0
        supervisor = Supervisor(stack)
        while not stopping.is_set():
            supervisor.poll()
            stopping.wait(0.3)
        return 0
    finally:
        codes = stop_stack(stack, graceful=True)
        status_page.close()
        print(f"stopped ({', '.join(f'{n}={c}' for n, c in codes.items())}).", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
