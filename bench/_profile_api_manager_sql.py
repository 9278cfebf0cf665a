"""Profile api_manager's ExecuteApi SQL path (bench/results/profile_api_manager_sql.md).

api_manager runs in this process (SQLite metadata store, execution log on, a 1,000-row SQLite data
source); a second process calls ``ExecuteApi(item_by_id)`` back to back at the given concurrency. With
py-spy installed (``pip install py-spy``; not a project dependency), the thread holding the GIL is
sampled while the load runs and a raw collapsed-stack file is written; without it, the server's CPU time
per call is printed only.

``python -m bench._profile_api_manager_sql [seconds] [concurrency] [out.txt]``
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing as mp
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import UNLIMITED


def _load(port: int, seconds: float, concurrency: int) -> None:
    import grpc
    from google.protobuf import struct_pb2

    from opsuite.apimanager.v1 import api_manager_pb2 as pb
    from opsuite.apimanager.v1 import api_manager_pb2_grpc
    from opsuite_common.testing.servers import TokenFactory

    md = TokenFactory().metadata(roles=["viewer"])
    ids = itertools.cycle(range(1, 1001))

    async def main() -> None:
        calls = 0
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
            stub = api_manager_pb2_grpc.ApiManagerServiceStub(ch)
            end = time.perf_counter() + seconds

            async def worker() -> None:
                nonlocal calls
                while time.perf_counter() < end:
                    params = struct_pb2.Struct()
                    params.update({"id": next(ids)})
                    await stub.ExecuteApi(pb.ExecuteApiRequest(name="item_by_id", params=params), metadata=md)
                    calls += 1

            await asyncio.gather(*(worker() for _ in range(concurrency)))
        print(f"calls {calls} qps {calls / seconds:.0f}", flush=True)

    asyncio.run(main())


async def _serve(seconds: float, concurrency: int, out: Path) -> None:
    from cryptography.fernet import Fernet

    from opsuite_api_manager.app import ApiDefinition, Caller, DataSourceInput
    from opsuite_api_manager.config import Settings
    from opsuite_api_manager.server import create_server
    from opsuite_common.auth import Identity, Role, identity_var
    from opsuite_common.logging import configure_logging
    from opsuite_common.testing.servers import auth_settings_for_tests

    workdir = Path(tempfile.mkdtemp(prefix="prof-am-"))
    configure_logging("bench", fmt="json", stream=open(os.devnull, "w"))  # noqa: SIM115
    source = workdir / "reports.db"
    db = sqlite3.connect(source)
    db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price NUMERIC)")
    db.executemany("INSERT INTO items VALUES (?, ?, ?)", [(i, f"item-{i}", i * 1.5) for i in range(1, 1001)])
    db.commit()
    db.close()
    settings = Settings(
        port=0,
        database_url=f"sqlite:///{workdir}/am.db",
        auth=auth_settings_for_tests(),
        secret_key=Fernet.generate_key().decode(),
        sqlite_roots=[str(workdir)],
        **UNLIMITED,
    )
    handle = await create_server(settings)
    caller = Caller("tenant-a", "bench")
    identity_var.set(Identity("bench", "tenant-a", frozenset({Role.ADMIN})))
    await handle.app.data_sources.create(caller, DataSourceInput(name="reports", url=f"sqlite:///{source}"))
    await handle.app.apis.create(
        caller,
        ApiDefinition(
            name="item_by_id",
            kind="SQL",
            spec={"data_source": "reports", "statement": "SELECT id, name, price FROM items WHERE id = :id"},
            param_schema={"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]},
        ),
    )
    ctx = mp.get_context("spawn")
    warm = ctx.Process(target=_load, args=(handle.port, 1.0, concurrency))
    warm.start()
    while warm.is_alive():
        await asyncio.sleep(0.05)
    load = ctx.Process(target=_load, args=(handle.port, seconds, concurrency))
    load.start()
    cpu0 = time.process_time()
    spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    sampler = None
    if spy:
        cmd = [spy, "record", "--gil", "-r", "300", "-d", str(max(1, int(seconds) - 1)), "-f", "raw"]
        sampler = subprocess.Popen([*cmd, "-o", str(out), "-p", str(os.getpid())], stdout=subprocess.DEVNULL)
    while load.is_alive():
        await asyncio.sleep(0.05)
    print(f"server CPU {time.process_time() - cpu0:.2f} s (all threads)")
    if sampler is not None:
        await asyncio.get_running_loop().run_in_executor(None, sampler.wait)
        print(f"GIL-holder stacks written to {out}")
    await handle.stop(0)


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(
        _serve(
            float(args[0]) if args else 5.0,
            int(args[1]) if len(args) > 1 else 8,
            Path(args[2]) if len(args) > 2 else Path("profile_api_manager_sql.txt"),
        )
    )
