"""Shared fixtures for the process tests: the three services as real processes.

``stack`` is one stack for the whole session, seeded with the demo tenant (``demo/``), with the settings
every test on it needs (``SHARED_ENV``). Tests on it keep to their own tenants and names, so they do not
see each other. Under pytest-xdist (``./dev test`` runs ``-n 2 --dist loadgroup``) every test that uses
it is put in one group, so one worker starts it and runs them one after another.

A test that kills, restarts or stops a process, or needs settings the shared stack cannot have, starts
its own with ``start_test_stack`` (or ``seeded_stack``) on its own free ports and folder.
"""

from __future__ import annotations

import contextlib
import json
import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from demo.seed import StatusPage, seed
from opsuite_common.testing.processes import Stack, start_stack, stop_stack
from opsuite_common.testing.servers import TEST_SECRET, TokenFactory

from .service_table import SERVICES

__all__ = ["GRPCURL", "SERVICES", "SHARED_ENV", "seeded_stack", "start_test_stack"]

GRPCURL = str(Path(sys.executable).parent / "grpcurl")

#: The xdist group of the tests on the shared ``stack``.
STACK_GROUP = "stack"

#: The shared stack's settings, each for the tests that need it.
SHARED_ENV = {
    # Loopback peers: the demo status page (API and alert webhook), the canary's receiver, the CLI's demo.
    "OPSUITE_OUTBOUND_ALLOW": json.dumps(["127.0.0.1"]),
    # test_cross_service: three failing calls of one tenant's API exceed the breaker's threshold.
    "OPSUITE_CLIENT_BREAKER_FAIL_MAX": "2",
    "OPSUITE_CLIENT_BREAKER_RESET_TIMEOUT_S": "1",
    # test_cross_service_flows: a new SCHEDULE rule runs at the next (short) tick, not one interval later.
    "OPSUITE_CEP_SCHEDULE_TICK_S": "0.5",
    "OPSUITE_CEP_SCHEDULE_FIRST_RUN_AT_ONCE": "true",
    # test_secret_canary: the most verbose logs are searched; failing deliveries are retried within the test.
    "OPSUITE_API_MANAGER_LOG_LEVEL": "DEBUG",
    "OPSUITE_CEP_LOG_LEVEL": "DEBUG",
    "OPSUITE_CEP_DISPATCH_POLL_S": "0.2",
    "OPSUITE_CEP_DELIVERY_BACKOFF_INITIAL_S": "0.2",
    "OPSUITE_CEP_DELIVERY_TIMEOUT_S": "2",
}


def banner_exports(banner: str) -> dict[str, str]:
    """The variables of ``./dev up``'s banner's CLI ``export`` lines ($TOKEN expanded)."""
    token = re.search(r"export TOKEN=(\S+)", banner)
    assert token is not None, banner
    env = {}
    for line in banner.split("CLI (", 1)[1].splitlines():
        if line.strip().startswith("export "):
            for item in shlex.split(line.strip()[len("export ") :]):
                key, _, value = item.partition("=")
                env[key] = value.replace("$TOKEN", token.group(1))
    return env


def start_test_stack(tmp: Path, names: list[str] | None = None, extra_env: dict[str, str] | None = None) -> Stack:
    """Start services as processes with the test secret and short grace periods."""
    env = {f"{s.prefix}GRACE_S": "5" for s in SERVICES.values()}
    # Network data sources the tests use: the local PostgreSQL, and port 1 (nothing listens) for error paths.
    env["OPSUITE_API_MANAGER_DATA_SOURCE_ALLOW"] = json.dumps(["127.0.0.1:5432", "127.0.0.1:1"])
    return start_stack(SERVICES, tmp, TEST_SECRET, names, extra_env={**env, **(extra_env or {})})


@contextlib.contextmanager
def seeded_stack(tmp: Path, extra_env: dict[str, str] | None = None) -> Iterator[tuple[Stack, StatusPage]]:
    """The three services with ``SHARED_ENV`` (and ``extra_env``), the demo tenant seeded, and the demo's
    status page; stopped on exit."""
    stack = start_test_stack(tmp, extra_env={**SHARED_ENV, **(extra_env or {})})
    status = StatusPage()
    try:
        admin = TokenFactory().mint(tenant="demo", roles=["admin"], subject="seeder")
        seed({n: stack.target(n) for n in stack.ports}, admin, tmp, status.url)
        yield stack, status
    finally:
        status.close()
        stop_stack(stack)


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, StatusPage]]:
    """The shared seeded stack and its status page (use ``stack`` and ``status_page``)."""
    with seeded_stack(tmp_path_factory.mktemp("stack")) as both:
        yield both


@pytest.fixture(scope="session")
def stack(shared: tuple[Stack, StatusPage]) -> Stack:
    """The three services as real processes for the whole session, the demo tenant seeded."""
    return shared[0]


@pytest.fixture(scope="session")
def status_page(shared: tuple[Stack, StatusPage]) -> StatusPage:
    """The demo status page the shared stack was seeded with."""
    return shared[1]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``--dist loadgroup``, send each xdist group to one worker: the tests on the shared stack form
    the group ``stack``; a module whose tests share a stack of their own marks itself with ``xdist_group``.

    pytest-xdist 3.8 groups by appending ``@<group>`` to the node ids a worker reports, but it writes
    ``Item._nodeid``, which pytest 9.2 no longer reads (node ids live in ``Item._id``), so its own
    ``xdist_group`` support is a no-op with this pytest. Until a fixed xdist is available we append the
    suffix ourselves. Without ``--dist loadgroup`` nothing changes.
    """
    if not config.getoption("loadgroup", default=False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        groups = {str(m.args[0]) for m in item.iter_markers("xdist_group") if m.args}
        if "shared" in getattr(item, "fixturenames", ()):
            groups.add(STACK_GROUP)
        if groups and "@" not in item.nodeid:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(sorted(groups))}")  # type: ignore[attr-defined]
