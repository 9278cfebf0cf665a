"""Ask every question of the sets through real servers and score the answers.

:func:`run_evaluation` starts a real api_manager and a real ops server in this process (gRPC on
127.0.0.1, port 0, SQLite stores in ``workdir``), seeds each set's estate into its own tenant (the demo
exactly as ``./dev up`` applies ``demo/10-apis.yaml``, the second estate through api_manager's gRPC API),
asks each question with ops's ``Ask`` and scores it (:mod:`tests.ops_eval.scoring`). Both estates are
asked through the same ops server, so the same planner and configuration serve both: ops is given no
host or service names.

With ``llm=True`` a second ops server plans through the OpenAI-compatible path against the loopback
:class:`~opsuite_common.testing.llm.FakeLlm`. The fake cannot read a question, so for each question it
submits the plan the deterministic planner made for it (the main plan's calls, with their concrete
arguments) and ops writes the text with its deterministic composer: this run checks that the LLM path
(plan parsing, validation, execution, status) gives the same answers, not how good a model would be.

``./dev bench ops_answers [--llm] [--set=demo]`` runs it and writes ``bench/results/ops_answers.json``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
from cryptography.fernet import Fernet
from google.protobuf import json_format

from opsuite.apimanager.v1 import api_manager_pb2_grpc as am_grpc
from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
from opsuite_common.server import ServerHandle
from opsuite_common.settings import OutboundSettings
from opsuite_common.testing.llm import FakeLlm
from opsuite_common.testing.servers import TokenFactory, auth_settings_for_tests
from tests.ops_eval import (
    eighteenth_estate,
    eighth_estate,
    eleventh_estate,
    fifteenth_estate,
    fifth_estate,
    fortieth_estate,
    fortyfirst_estate,
    fortysecond_estate,
    fourteenth_estate,
    fourth_estate,
    nineteenth_estate,
    ninth_estate,
    second_estate,
    seventeenth_estate,
    seventh_estate,
    sixteenth_estate,
    sixth_estate,
    tenth_estate,
    third_estate,
    thirteenth_estate,
    thirtieth_estate,
    thirtyeighth_estate,
    thirtyfifth_estate,
    thirtyfirst_estate,
    thirtyfourth_estate,
    thirtyninth_estate,
    thirtysecond_estate,
    thirtyseventh_estate,
    thirtysixth_estate,
    thirtythird_estate,
    twelfth_estate,
    twentieth_estate,
    twentyeighth_estate,
    twentyfifth_estate,
    twentyfirst_estate,
    twentyfourth_estate,
    twentyninth_estate,
    twentysecond_estate,
    twentyseventh_estate,
    twentysixth_estate,
    twentythird_estate,
)
from tests.ops_eval.questions import EvalContext, QuestionSet, load_set
from tests.ops_eval.scoring import GOALS, AskOutcome, score_question, set_totals

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.ops.v1.ops_pb2_grpc import OpsServiceAsyncStub

__all__ = ["SETS_DIR", "run_evaluation", "write_results"]

SETS_DIR = Path(__file__).resolve().parent
REPO = SETS_DIR.parents[1]
TENANTS = {"demo": "demo", "second": "ledgerco", "third": "clusterco", "fourth": "streamco", "fifth": "edgeco",
           "sixth": "quillco", "seventh": "dbfleetco", "eighth": "sendwaveco", "ninth": "haldenidco",
           "tenth": "tarnvaultco", "eleventh": "ostrelcallco", "twelfth": "wrenfieldmlco",
           "thirteenth": "harlowvanedcco", "fourteenth": "vellmerewaterco", "fifteenth": "kestrelfibreco",
           "sixteenth": "fenmarshrailco", "seventeenth": "harthillwindco", "eighteenth": "ashcombeebmeco",
           "nineteenth": "kingsmerebhsco", "twentieth": "brackenmoordcco",
           "twentyfirst": "callowayportco", "twentysecond": "dunsfordutcco", "twentythird": "halvardgsnco",
           "twentyfourth": "aurenfelsliftco", "twentyfifth": "carrowmerebcco",
           "twentysixth": "pellmoorparcelco", "twentyseventh": "hollinsfordheatco",
           "twentyeighth": "tallowmerechargeco", "twentyninth": "vantmoorfabco",
           "thirtieth": "cradleighwasteco", "thirtyfirst": "brakenholmedairyco",
           "thirtysecond": "orrinvalemobileco", "thirtythird": "tarnhollowairco",
           "thirtyfourth": "tessalinegamesco", "thirtyfifth": "tarranalphaco",
           "thirtysixth": "skellanstoreco", "thirtyseventh": "harrowdenhealthco",
           "thirtyeighth": "halcomberetailco", "thirtyninth": "askerdalednoco",
           "fortieth": "larkhavenpayco", "fortyfirst": "harrowgatexchco",
           "fortysecond": "fellgatecoreco"}  # fmt: skip
#: Questions in flight at once (ops runs them concurrently; each is one run).
CONCURRENCY = 4
ASK_TIMEOUT_S = 60.0
#: api_manager's per-tenant fair-sharing limits lifted (bench.harness.UNLIMITED): the runner is one busy tenant.
_UNLIMITED: dict[str, Any] = {"rate_limit_per_s": 0, "tenant_max_executions": 0, "tenant_max_streams": 0}


@dataclass
class _Servers:
    api_manager: ServerHandle
    ops: dict[str, ServerHandle]
    am_channel: grpc.aio.Channel
    ops_channels: dict[str, grpc.aio.Channel]

    @property
    def am_target(self) -> str:
        return f"127.0.0.1:{self.api_manager.port}"

    def ops_stub(self, path: str) -> OpsServiceAsyncStub:
        return ops_pb2_grpc.OpsServiceStub(self.ops_channels[path])


@contextlib.asynccontextmanager
async def _servers(workdir: Path, fake_llm: FakeLlm | None) -> AsyncIterator[_Servers]:
    from opsuite_api_manager.config import Settings as AmSettings
    from opsuite_api_manager.server import create_server as create_am
    from opsuite_ops.config import Settings as OpsSettings
    from opsuite_ops.server import create_server as create_ops

    am_settings = AmSettings(
        port=0,
        database_url=f"sqlite:///{workdir / 'api_manager.db'}",
        auth=auth_settings_for_tests(),
        secret_key=Fernet.generate_key().decode(),
        sqlite_roots=[str(workdir / "data_sources" / "{tenant}")],
        instance_id="ops-eval",
        outbound=OutboundSettings(allow=("127.0.0.1",)),  # the demo's status page API (as ./dev up opens it)
        **_UNLIMITED,
    )
    am = await create_am(am_settings)
    ops: dict[str, ServerHandle] = {}
    channels: dict[str, grpc.aio.Channel] = {}
    am_channel = grpc.aio.insecure_channel(f"127.0.0.1:{am.port}")
    try:
        common: dict[str, Any] = {
            "port": 0,
            "auth": auth_settings_for_tests(),
            "api_manager_target": f"127.0.0.1:{am.port}",
            "instance_id": "ops-eval",
        }
        ops["deterministic"] = await create_ops(OpsSettings(database_url=f"sqlite:///{workdir / 'ops.db'}", **common))
        if fake_llm is not None:
            ops["llm"] = await create_ops(
                OpsSettings(
                    database_url=f"sqlite:///{workdir / 'ops_llm.db'}",
                    llm_base_url=fake_llm.base_url,
                    llm_model="fake",
                    llm_max_attempts=1,
                    llm_compose=False,
                    **common,
                )
            )
        for path, handle in ops.items():
            channels[path] = grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}")
        yield _Servers(am, ops, am_channel, channels)
    finally:
        for ch in channels.values():
            await ch.close()
        await am_channel.close()
        for handle in ops.values():
            await handle.stop(0)
        await am.stop(0)


@contextlib.contextmanager
def _env(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for ``${...}`` expansion in demo/*.yaml, restoring them afterwards."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


async def _seed_demo(servers: _Servers, workdir: Path, tokens: TokenFactory) -> datetime:
    """Build the demo estate and apply demo/10-apis.yaml as ``opsuite apply`` does; returns the estate's now."""
    from demo.estate import build
    from demo.seed import StatusPage
    from opsuite_cli.context import CliContext
    from opsuite_cli.documents import load_documents
    from opsuite_cli.kinds import KINDS

    tenant = TENANTS["demo"]
    data_dir = workdir / "data_sources" / tenant
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    build(data_dir / "estate.db", now=now)
    status = StatusPage()
    ctx = CliContext(api_manager=servers.am_target, token=tokens.mint(tenant=tenant, roles=["admin"], subject="seeder"))
    try:
        with _env({"OPSUITE_DEMO_DIR": str(data_dir), "OPSUITE_DEMO_STATUS_URL": status.url}):
            docs = load_documents(REPO / "demo" / "10-apis.yaml")
        for doc in docs:
            await KINDS[doc.kind].apply(ctx, doc)
    finally:
        await ctx.close()
        status.close()
    return now


async def _seed_estate(
    estate: Any, db_name: str, set_name: str, servers: _Servers, workdir: Path, tokens: TokenFactory
) -> datetime:
    """Build one of the tests' own estates (a module with ``build`` and ``register``) and register its APIs."""
    tenant = TENANTS[set_name]
    path = workdir / "data_sources" / tenant / db_name
    now: datetime = estate.build(path)
    admin = tokens.metadata(tenant=tenant, roles=["admin"], subject="seeder")
    await estate.register(am_grpc.ApiManagerServiceStub(servers.am_channel), admin, path)
    return now


_SEEDERS: dict[str, Callable[[_Servers, Path, TokenFactory], Awaitable[datetime]]] = {
    "demo": _seed_demo,
    "second": functools.partial(_seed_estate, second_estate, "ledgerops.db", "second"),
    "third": functools.partial(_seed_estate, third_estate, "clusterops.db", "third"),
    "fourth": functools.partial(_seed_estate, fourth_estate, "dataplatform.db", "fourth"),
    "fifth": functools.partial(_seed_estate, fifth_estate, "edgeops.db", "fifth"),
    "sixth": functools.partial(_seed_estate, sixth_estate, "quillci.db", "sixth"),
    "seventh": functools.partial(_seed_estate, seventh_estate, "dbfleet.db", "seventh"),
    "eighth": functools.partial(_seed_estate, eighth_estate, "mailops.db", "eighth"),
    "ninth": functools.partial(_seed_estate, ninth_estate, "iamops.db", "ninth"),
    "tenth": functools.partial(_seed_estate, tenth_estate, "vaultops.db", "tenth"),
    "eleventh": functools.partial(_seed_estate, eleventh_estate, "contactops.db", "eleventh"),
    "twelfth": functools.partial(_seed_estate, twelfth_estate, "inferops.db", "twelfth"),
    "thirteenth": functools.partial(_seed_estate, thirteenth_estate, "dcrobotics.db", "thirteenth"),
    "fourteenth": functools.partial(_seed_estate, fourteenth_estate, "waterscada.db", "fourteenth"),
    "fifteenth": functools.partial(_seed_estate, fifteenth_estate, "fibreaccess.db", "fifteenth"),
    "sixteenth": functools.partial(_seed_estate, sixteenth_estate, "signalling.db", "sixteenth"),
    "seventeenth": functools.partial(_seed_estate, seventeenth_estate, "windfarm.db", "seventeenth"),
    "eighteenth": functools.partial(_seed_estate, eighteenth_estate, "clineng.db", "eighteenth"),
    "nineteenth": functools.partial(_seed_estate, nineteenth_estate, "baggage.db", "nineteenth"),
    "twentieth": functools.partial(_seed_estate, twentieth_estate, "dcfacility.db", "twentieth"),
    "twentyfirst": functools.partial(_seed_estate, twentyfirst_estate, "terminalops.db", "twentyfirst"),
    "twentysecond": functools.partial(_seed_estate, twentysecond_estate, "trafficsignals.db", "twentysecond"),
    "twentythird": functools.partial(_seed_estate, twentythird_estate, "groundstations.db", "twentythird"),
    "twentyfourth": functools.partial(_seed_estate, twentyfourth_estate, "liftops.db", "twentyfourth"),
    "twentyfifth": functools.partial(_seed_estate, twentyfifth_estate, "broadcastnoc.db", "twentyfifth"),
    "twentysixth": functools.partial(_seed_estate, twentysixth_estate, "parcelhubs.db", "twentysixth"),
    "twentyseventh": functools.partial(_seed_estate, twentyseventh_estate, "districtheat.db", "twentyseventh"),
    "twentyeighth": functools.partial(_seed_estate, twentyeighth_estate, "chargenet.db", "twentyeighth"),
    "twentyninth": functools.partial(_seed_estate, twentyninth_estate, "fabops.db", "twentyninth"),
    "thirtieth": functools.partial(_seed_estate, thirtieth_estate, "wasteops.db", "thirtieth"),
    "thirtyfirst": functools.partial(_seed_estate, thirtyfirst_estate, "dairyops.db", "thirtyfirst"),
    "thirtysecond": functools.partial(_seed_estate, thirtysecond_estate, "ranops.db", "thirtysecond"),
    "thirtythird": functools.partial(_seed_estate, thirtythird_estate, "lineops.db", "thirtythird"),
    "thirtyfourth": functools.partial(_seed_estate, thirtyfourth_estate, "gameliveops.db", "thirtyfourth"),
    "thirtyfifth": functools.partial(_seed_estate, thirtyfifth_estate, "platformops.db", "thirtyfifth"),
    "thirtysixth": functools.partial(_seed_estate, thirtysixth_estate, "objstore.db", "thirtysixth"),
    "thirtyseventh": functools.partial(_seed_estate, thirtyseventh_estate, "clinicalit.db", "thirtyseventh"),
    "thirtyeighth": functools.partial(_seed_estate, thirtyeighth_estate, "shopops.db", "thirtyeighth"),
    "thirtyninth": functools.partial(_seed_estate, thirtyninth_estate, "gridops.db", "thirtyninth"),
    "fortieth": functools.partial(_seed_estate, fortieth_estate, "cardops.db", "fortieth"),
    "fortyfirst": functools.partial(_seed_estate, fortyfirst_estate, "exchangeops.db", "fortyfirst"),
    "fortysecond": functools.partial(_seed_estate, fortysecond_estate, "coreops.db", "fortysecond"),
}


def _main_plan(resp: ops_pb2.AskResponse) -> dict[str, Any]:
    """The deterministic run's main-plan calls as a plan document with concrete arguments (for the fake LLM)."""
    steps: list[dict[str, Any]] = []
    for call in resp.trace.calls:
        if call.recovery:
            continue
        steps.append({"id": call.step_id or f"s{len(steps) + 1}", "tool": call.tool,
                      "arguments": json_format.MessageToDict(call.arguments)})  # fmt: skip
    return {"rationale": "replay of the deterministic plan", "steps": steps}


async def _ask(stub: OpsServiceAsyncStub, question: str, mode: str, md: tuple[tuple[str, str], ...]) -> AskOutcome:
    started = time.perf_counter()
    asked_at = datetime.now(UTC)
    request = ops_pb2.AskRequest(question=question, mode=ops_pb2.Mode.Value(f"MODE_{mode.upper()}"))
    try:
        resp = await stub.Ask(request, metadata=md, timeout=ASK_TIMEOUT_S)
    except grpc.RpcError as exc:
        return AskOutcome(asked_at=asked_at, seconds=time.perf_counter() - started,
                          error=f"{exc.code().name}: {exc.details()}")  # fmt: skip
    return AskOutcome(asked_at=asked_at, seconds=time.perf_counter() - started, response=resp)


async def _run_set(
    qset: QuestionSet, stub: OpsServiceAsyncStub, md: tuple[tuple[str, str], ...], estate_now: datetime,
    *, fake_llm: FakeLlm | None = None, plans: dict[str, dict[str, Any]] | None = None,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:  # fmt: skip
    """Ask and score every question; returns the set's results and each question's main plan."""
    outcomes: dict[str, AskOutcome] = {}
    sem = asyncio.Semaphore(1 if fake_llm is not None else CONCURRENCY)  # the fake serves one plan at a time

    async def one(qid: str, question: str, mode: str) -> None:
        async with sem:
            if fake_llm is not None and plans is not None:
                fake_llm.plan = plans.get(qid) or {"rationale": "no deterministic plan", "steps": []}
            outcomes[qid] = await _ask(stub, question, mode, md)

    await asyncio.gather(*(one(q.id, q.question, q.mode) for q in qset.questions))
    scored = [
        score_question(q, outcomes[q.id], EvalContext(estate_now, outcomes[q.id].asked_at)) for q in qset.questions
    ]
    made = {q.id: _main_plan(o.response) for q in qset.questions if (o := outcomes[q.id]).response is not None}
    return {"estate": qset.estate, "tenant": qset.tenant, "estate_now": estate_now.isoformat(),
            "totals": set_totals(scored), "questions": scored}, made  # fmt: skip


async def run_evaluation(
    workdir: Path, *, sets: Sequence[str] = ("demo", "second", "third"), llm: bool = False
) -> dict[str, Any]:
    """Start the servers, seed the sets' estates, ask and score every question; returns the results."""
    workdir.mkdir(parents=True, exist_ok=True)
    tokens = TokenFactory()
    fake = FakeLlm() if llm else None
    started = time.perf_counter()
    try:
        async with _servers(workdir, fake) as servers:
            runs: dict[str, dict[str, Any]] = {"deterministic": {}}
            if fake is not None:
                runs["llm_fake"] = {}
            for name in sets:
                seeder = _SEEDERS[name]
                estate_now = await seeder(servers, workdir, tokens)
                qset = load_set(SETS_DIR / f"{name}.yaml", estate_now)
                md = tokens.metadata(tenant=qset.tenant, roles=["viewer"], subject="operator")
                result, plans = await _run_set(qset, servers.ops_stub("deterministic"), md, estate_now)
                runs["deterministic"][name] = result
                if fake is not None:
                    llm_result, _ = await _run_set(qset, servers.ops_stub("llm"), md, estate_now, fake_llm=fake,
                                                   plans=plans)  # fmt: skip
                    runs["llm_fake"][name] = llm_result
    finally:
        if fake is not None:
            fake.stop()
    met = all(r["totals"]["goals_met"] for run in runs.values() for r in run.values())
    return {
        "goals": GOALS,
        "all_goals_met": met,
        "seconds": round(time.perf_counter() - started, 2),
        "summary": {path: {name: _headline(r["totals"]) for name, r in run.items()} for path, run in runs.items()},
        "runs": runs,
    }


def _headline(totals: dict[str, Any]) -> dict[str, Any]:
    keys = ("questions", "facts_pct", "complete_but_wrong", "unanswerable", "unanswerable_marked", "status_ok",
            "errors", "goals_met")  # fmt: skip
    return {k: totals[k] for k in keys}


def write_results(payload: dict[str, Any], path: Path) -> Path:
    """Write the results as JSON (with the same envelope as the other benchmarks' results)."""
    import platform

    doc = {
        "benchmark": "ops_answers",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count() or 1, "platform": platform.platform()},
        **payload,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, default=str) + "\n")
    return path
