"""Shared fixtures for cross-service tests: the three services as real processes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from opsuite_common.testing.processes import SERVICE_PROCESSES, Stack, start_stack, stop_stack
from opsuite_common.testing.servers import TEST_SECRET

GRPCURL = str(Path(sys.executable).parent / "grpcurl")
SERVICES = SERVICE_PROCESSES


def start_test_stack(tmp: Path, names: list[str] | None = None, extra_env: dict[str, str] | None = None) -> Stack:
    """Start services as processes with the test secret and short grace periods."""
    env = {f"{s.prefix}GRACE_S": "5" for s in SERVICES.values()}
    # Network data sources the tests use: the local PostgreSQL, and port 1 (nothing listens) for error paths.
    env["OPSUITE_API_MANAGER_DATA_SOURCE_ALLOW"] = json.dumps(["127.0.0.1:5432", "127.0.0.1:1"])
    return start_stack(tmp, TEST_SECRET, names, extra_env={**env, **(extra_env or {})})


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The three services as real processes for the whole test session."""
    s = start_test_stack(tmp_path_factory.mktemp("stack"))
    yield s
    stop_stack(s)
