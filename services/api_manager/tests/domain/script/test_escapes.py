"""The escape corpus (escapes.yaml): every technique is contained with a clear error, and the runner
keeps serving normal scripts afterwards."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import yaml

import opsuite_api_manager.adapters.script.runner as runner_module
from opsuite_api_manager.adapters.script import ScriptRunner
from opsuite_api_manager.domain.script import ScriptPolicy
from opsuite_common.errors import OpsuiteError

from .conftest import SECRET_NAME, SECRET_VALUE, assert_still_serves, put_secret_in_service_env

pytestmark = pytest.mark.asyncio(loop_scope="module")

_CORPUS = yaml.safe_load((Path(__file__).with_name("escapes.yaml")).read_text())["escapes"]


def _source(entry: dict[str, Any]) -> str:
    return entry["source"].replace("{SERVICE_FILE}", runner_module.__file__).replace("{SECRET_NAME}", SECRET_NAME)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def runner():
    put_secret_in_service_env()
    async with ScriptRunner(max_concurrency=4) as script_runner:
        yield script_runner


async def test_corpus_is_large_and_covers_every_category() -> None:
    assert len(_CORPUS) >= 30
    assert len({e["name"] for e in _CORPUS}) == len(_CORPUS)
    categories = {e["category"] for e in _CORPUS}
    assert {"process", "file", "network", "introspection", "resource", "ctypes", "signal", "environment"} <= categories


@pytest.mark.parametrize("entry", _CORPUS, ids=[e["name"] for e in _CORPUS])
async def test_escape_is_contained(runner: ScriptRunner, entry: dict[str, Any]) -> None:
    server_before = runner.server_pid
    policy = ScriptPolicy(**{"timeout_s": 5.0, "memory_mb": 64, **(entry.get("policy") or {})})
    if entry["expect"] == "OK_WITHOUT_SECRET":
        result = await runner.run(_source(entry), {}, None, policy)
        assert SECRET_VALUE not in json.dumps(result.output)
        assert result.output["get"] is None
    elif entry["expect"] == "OK_WITH_VIOLATION":
        result = await runner.run(_source(entry), {}, None, policy)
        assert result.violations, "the refused operation was not recorded"
    else:
        with pytest.raises(OpsuiteError) as caught:
            await runner.run(_source(entry), {}, None, policy)
        error = caught.value
        assert error.reason == entry["expect"], f"{entry['name']}: {error!r}"
        assert error.message and "Traceback" not in error.message and "_sandbox" not in error.message
        assert SECRET_VALUE not in error.message
    await assert_still_serves(runner)
    assert runner.server_pid == server_before, "the escape took the fork server down"
    assert os.getppid() > 1  # and the service (this test process) is alive and unharmed


async def test_violation_messages_name_the_operation(runner: ScriptRunner) -> None:
    cases = {
        "import socket\ndef main(p, i, c):\n    return 1\n": "socket",
        "import os\ndef main(p, i, c):\n    os.system('id')\n": "os.system",
        "def main(p, i, c):\n    return open('/etc/passwd').read()\n": "/etc/passwd",
        "def main(p, i, c):\n    open('x', 'w')\n": "write",
    }
    for source, fragment in cases.items():
        with pytest.raises(OpsuiteError) as caught:
            await runner.run(source, {}, None)
        assert fragment in caught.value.message
    with pytest.raises(OpsuiteError) as caught:
        await runner.run("import socket\ndef main(p, i, c):\n    return 1\n", {}, None)
    assert "use ctx.http" in caught.value.message
    assert caught.value.metadata["line"] == "1"


async def test_no_file_was_written_by_the_corpus(runner: ScriptRunner) -> None:
    assert not Path("/tmp/opsuite-pwned").exists()
    assert not Path("/tmp/pwned").exists()
    assert not Path("/tmp/x.db").exists()
