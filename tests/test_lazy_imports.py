"""Idle memory: a service imports the libraries of optional features only when they are configured.

``bench/idle_memory.py`` measures the resident size of each service (goal <= 120 MB); this test keeps the
cheap part of that from regressing: each service, started with its defaults in a fresh interpreter,
has not imported openai (ops's LLM), nats-py (cep's JetStream log), redis (shared rate limits), the
OpenTelemetry SDK (tracing off without an endpoint), psycopg (a PostgreSQL store), or rich and pygments
(installed with the CLI; structlog, httpx and alembic import them when present: opsuite_common._lean_imports).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

OPTIONAL = ("openai", "nats", "redis", "opentelemetry.sdk", "psycopg", "rich", "pygments")

_PROGRAM = """
import asyncio, sys, tempfile
from opsuite_common.testing.servers import auth_settings_for_tests

async def main(name):
    d = tempfile.mkdtemp()
    if name == "api_manager":
        from cryptography.fernet import Fernet
        from opsuite_api_manager.config import Settings
        from opsuite_api_manager.server import create_server
        settings = Settings(port=0, database_url=f"sqlite:///{d}/a.db", auth=auth_settings_for_tests(),
                            secret_key=Fernet.generate_key().decode())
    elif name == "cep":
        from opsuite_cep.config import Settings
        from opsuite_cep.server import create_server
        settings = Settings(port=0, database_url=f"sqlite:///{d}/c.db", auth=auth_settings_for_tests())
    else:
        from opsuite_ops.config import Settings
        from opsuite_ops.server import create_server
        settings = Settings(port=0, database_url=f"sqlite:///{d}/o.db", auth=auth_settings_for_tests())
    handle = await create_server(settings)
    await handle.stop(0)
    print("IMPORTED:" + ",".join(m for m in sys.argv[2].split(",") if m in sys.modules))

asyncio.run(main(sys.argv[1]))
"""


@pytest.mark.parametrize("service", ["api_manager", "cep", "ops"])
def test_a_service_with_its_defaults_imports_no_optional_library(service: str, tmp_path: Path) -> None:
    env_free = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}  # no OTEL_* or OPSUITE_* from the caller
    out = subprocess.run(
        [sys.executable, "-c", _PROGRAM, service, ",".join(OPTIONAL)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env_free,
        check=True,
    )
    [line] = [line for line in out.stdout.splitlines() if line.startswith("IMPORTED:")]
    assert line == "IMPORTED:", f"{service} imported {line.removeprefix('IMPORTED:')} with its defaults"
