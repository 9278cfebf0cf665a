"""Count the PostgreSQL statements one ExecuteApi (SQL point query) costs with the metadata store on PostgreSQL.

api_manager runs in this process on a fresh PostgreSQL database (execution log and API definitions there; the
data source is the bench's 1,000-row SQLite file, as in ``bench/api_manager_sql.py``). The database is
created with ``log_statement = all``, so the server logs every statement sent to it; a second process calls
``ExecuteApi(item_by_id)`` a fixed number of times at concurrency 1, then at concurrency 8, and the server
log between marks is read back and grouped by statement. Each logged statement is one round trip (the
extended protocol's parse/bind/execute/sync goes out at once). The server's CPU time per call (all threads of
this process; the client is the other process) is printed too.

``python -m bench._pg_statements_api_manager_sql [calls] [log file]`` (run as a user that can read the
PostgreSQL server log; default /var/log/postgresql/postgresql-15-main.log)
"""

from __future__ import annotations

import asyncio
import collections
import multiprocessing as mp
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from bench._item_api import call_item_api, items_source, seed_item_api
from bench.harness import UNLIMITED

DEFAULT_LOG = "/var/log/postgresql/postgresql-15-main.log"
_LINE = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] \S*@(\S+) LOG:  (?:statement|execute [^:]*): (.*)$")


def _normalize(sql: str) -> str:
    sql = re.sub(r"\s+", " ", sql).strip()
    sql = re.sub(r"\(\$\d+[^)]*\)(, \(\$\d+[^)]*\))+", "(...), (...)", sql)  # multi-row VALUES
    sql = re.sub(r"SET (\w+) = .*", r"SET \1 = ...", sql) if sql.startswith("UPDATE") else sql
    return sql if len(sql) <= 110 else sql[:107] + "..."


def _statements(log: Path, offset: int, database: str) -> list[tuple[int, str]]:
    with log.open("rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", "replace")
    out = []
    for line in text.splitlines():
        m = _LINE.match(line)
        if m and m.group(2) == database:
            out.append((int(m.group(1)), m.group(3)))
    return out


async def _main(calls: int, log: Path) -> None:
    import psycopg
    from cryptography.fernet import Fernet
    from sqlalchemy import make_url

    from opsuite_api_manager.config import Settings
    from opsuite_api_manager.server import create_server
    from opsuite_common.logging import configure_logging
    from opsuite_common.testing.db import fresh_pg_database
    from opsuite_common.testing.servers import auth_settings_for_tests

    workdir = Path(tempfile.mkdtemp(prefix="pgstmt-am-"))
    configure_logging("bench", fmt="json", stream=open(os.devnull, "w"))  # noqa: SIM115
    source = items_source(workdir)
    with fresh_pg_database() as url:
        name = make_url(url).database or ""
        libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(libpq, autocommit=True) as admin:
            admin.execute(f"ALTER DATABASE \"{name}\" SET log_statement = 'all'")
        settings = Settings(
            port=0,
            database_url=url,
            auth=auth_settings_for_tests(),
            secret_key=Fernet.generate_key().decode(),
            sqlite_roots=[str(workdir)],
            **UNLIMITED,
        )
        handle = await create_server(settings)
        try:
            await seed_item_api(handle, source)
            ctx = mp.get_context("spawn")

            async def phase(n: int, concurrency: int) -> float:
                proc = ctx.Process(target=call_item_api, args=(handle.port, concurrency), kwargs={"calls": n})
                cpu0 = time.process_time()
                proc.start()
                while proc.is_alive():
                    await asyncio.sleep(0.02)
                assert proc.exitcode == 0, proc.exitcode
                return time.process_time() - cpu0

            await phase(200, 8)  # warm-up: pools filled, caches loaded
            for concurrency in (1, 8):
                await asyncio.sleep(0.3)
                offset = log.stat().st_size
                cpu = await phase(calls, concurrency)
                await asyncio.sleep(0.5)  # the server log is written asynchronously
                rows = _statements(log, offset, name)
                counts = collections.Counter(_normalize(sql) for _, sql in rows)
                pids = collections.Counter(pid for pid, _ in rows)
                print(
                    f"\n== concurrency {concurrency}: {calls} calls, {len(rows)} statements, "
                    f"{len(rows) / calls:.2f} per call, {len(pids)} connections; "
                    f"server CPU {cpu / calls * 1000:.2f} ms per call (this process, all threads)"
                )
                for sql, n in counts.most_common():
                    print(f"{n / calls:7.2f}  {sql}")
        finally:
            await handle.stop(0)


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(_main(int(args[0]) if args else 500, Path(args[1]) if len(args) > 1 else Path(DEFAULT_LOG)))
