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
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._item_api import call_item_api, items_source, seed_item_api
from bench.harness import UNLIMITED


async def _serve(seconds: float, concurrency: int, out: Path) -> None:
    from cryptography.fernet import Fernet

    from opsuite_api_manager.config import Settings
    from opsuite_api_manager.server import create_server
    from opsuite_common.logging import configure_logging
    from opsuite_common.testing.servers import auth_settings_for_tests

    workdir = Path(tempfile.mkdtemp(prefix="prof-am-"))
    configure_logging("bench", fmt="json", stream=open(os.devnull, "w"))  # noqa: SIM115
    source = items_source(workdir)
    settings = Settings(
        port=0,
        database_url=f"sqlite:///{workdir}/am.db",
        auth=auth_settings_for_tests(),
        secret_key=Fernet.generate_key().decode(),
        sqlite_roots=[str(workdir)],
        **UNLIMITED,
    )
    handle = await create_server(settings)
    await seed_item_api(handle, source)
    ctx = mp.get_context("spawn")
    warm = ctx.Process(target=call_item_api, args=(handle.port, concurrency), kwargs={"seconds": 1.0})
    warm.start()
    while warm.is_alive():
        await asyncio.sleep(0.05)
    load = ctx.Process(target=call_item_api, args=(handle.port, concurrency), kwargs={"seconds": seconds})
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
