"""Each isolation layer holds on its own: with the audit hook switched off, the OS layers (network
namespace, rlimits, dropped privileges, not-dumpable) still contain the escape; with only the audit hook,
the hook still refuses. Production always runs with every layer (``ALL_LAYERS``)."""

from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path

import pytest

from opsuite_api_manager.adapters.script import ScriptRunner
from opsuite_api_manager.domain.script import ALL_LAYERS
from opsuite_common.errors import PermissionDeniedError

from .conftest import SECRET_NAME, SECRET_VALUE, assert_still_serves, put_secret_in_service_env

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the OS layers need root (unshare, setuid)")

_FIND = """
def find(name, module):
    stack, seen = [object], set()
    while stack:
        cls = stack.pop()
        for sub in type.__subclasses__(cls):
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
                if sub.__name__ == name and sub.__module__ == module:
                    return sub
"""


@pytest.fixture
async def os_only():
    put_secret_in_service_env()
    async with ScriptRunner(layers=ALL_LAYERS - {"audit_hook"}) as runner:
        yield runner


async def _attempt(runner: ScriptRunner, body: str, params: dict | None = None) -> object:
    source = (
        _FIND
        + "\ndef main(params, input, ctx):\n    try:\n"
        + body
        + ("\n    except BaseException as exc:\n        return ['blocked', type(exc).__name__, str(exc)]\n")
    )
    return (await runner.run(source, params or {}, None)).output


async def test_network_namespace_leaves_no_network(os_only: ScriptRunner) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    try:
        port = listener.getsockname()[1]
        body = (
            "        s = find('socket', 'socket')(2, 1)\n"
            "        s.connect(('127.0.0.1', params['port']))\n        return 'connected'"
        )
        outcome = await _attempt(os_only, body, {"port": port})
        assert outcome[0] == "blocked" and "unreachable" in outcome[2].lower()
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing ever reached the service's loopback
    finally:
        listener.close()


async def test_no_new_processes(os_only: ScriptRunner) -> None:
    outcome = await _attempt(os_only, "        import os\n        return os.fork()")
    assert outcome[:2] == ["blocked", "BlockingIOError"]
    assert await _attempt(os_only, "        import os\n        return os.system('true')") != 0


async def test_ctypes_cannot_fork_either(os_only: ScriptRunner) -> None:
    body = "        return find('CDLL', 'ctypes')(None).fork()"
    assert await _attempt(os_only, body) == -1  # the libc fork(2) fails: RLIMIT_NPROC=0 as 'nobody'


async def test_unprivileged_user_cannot_read_root_files_or_kill_the_server(os_only: ScriptRunner) -> None:
    fd, path = tempfile.mkstemp(prefix="opsuite-root-only-")
    os.write(fd, SECRET_VALUE.encode())
    os.close(fd)
    try:
        outcome = await _attempt(os_only, f"        return open({path!r}).read()")
        assert outcome[:2] == ["blocked", "PermissionError"]
    finally:
        os.unlink(path)
    server = os_only.server_pid
    outcome = await _attempt(os_only, "        import os\n        os.kill(os.getppid(), 9)\n        return 'killed'")
    assert outcome[:2] == ["blocked", "PermissionError"]
    await assert_still_serves(os_only)
    assert os_only.server_pid == server


async def test_environment_and_proc_are_closed(os_only: ScriptRunner) -> None:
    body = f"        import os\n        return [dict(os.environ), os.getenv({SECRET_NAME!r})]"
    assert await _attempt(os_only, body) == [{}, None]
    outcome = await _attempt(os_only, "        return open('/proc/self/environ', 'rb').read().decode()")
    assert outcome[:2] == ["blocked", "PermissionError"]


async def test_files_cannot_be_written(os_only: ScriptRunner) -> None:
    outcome = await _attempt(os_only, "        open('here.txt', 'w').write('x')\n        return 'wrote'")
    assert outcome[:2] == ["blocked", "PermissionError"]  # the working directory is read-only
    target = Path(tempfile.gettempdir()) / f"opsuite-fsize-{os.getpid()}"
    try:
        body = f"        with open({str(target)!r}, 'w') as f:\n            f.write('x' * 10)\n        return 'wrote'"
        outcome = await _attempt(os_only, body)
        assert outcome[0] == "blocked" and "too large" in outcome[2].lower()  # RLIMIT_FSIZE=0: EFBIG
        assert not target.exists() or target.stat().st_size == 0
    finally:
        target.unlink(missing_ok=True)


async def test_audit_hook_alone_still_refuses() -> None:
    async with ScriptRunner(layers={"audit_hook"}) as runner:
        for source in (
            "import socket\ndef main(p, i, c):\n    return 1\n",
            "import os\ndef main(p, i, c):\n    return os.system('true')\n",
            "def main(p, i, c):\n    return open('/etc/passwd').read()\n",
            "import os\ndef main(p, i, c):\n    return os.fork()\n",
        ):
            with pytest.raises(PermissionDeniedError):
                await runner.run(source, {}, None)
        await assert_still_serves(runner)


_NETWORK_PROBE = """
import sys
def main(params, input, ctx):
    socket = sys.modules['__main__'].socket  # the fork server's module, reachable without an import
    try:
        s = socket.socket(2, 1)
        s.settimeout(2)
        s.connect(('127.0.0.1', params['port']))
        return 'connected'
    except OSError as exc:
        return ['blocked', type(exc).__name__, str(exc)]
"""


@pytest.mark.parametrize("per_child_netns", [False, True], ids=["inherited-netns", "own-netns"])
async def test_children_have_no_network_in_either_namespace_mode(per_child_netns: bool) -> None:
    """Children inherit the fork server's empty namespace (default) or get their own: no network either way."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    try:
        layers = ALL_LAYERS - {"audit_hook"}  # only the OS layers stand between the script and the network
        async with ScriptRunner(layers=layers, per_child_netns=per_child_netns) as runner:
            for _ in range(2):  # the pre-forked spare and a child forked after it
                outcome = await runner.run(_NETWORK_PROBE, {"port": listener.getsockname()[1]}, None)
                assert outcome.output[0] == "blocked" and "unreachable" in outcome.output[2].lower()
            body = "import os\ndef main(p, i, c):\n    return os.readlink('/proc/self/ns/net')\n"
            spaces = {(await runner.run(body, {}, None)).output for _ in range(2)}
        assert len(spaces) == (2 if per_child_netns else 1)
        assert os.readlink("/proc/self/ns/net") not in spaces  # never the service's namespace
        with pytest.raises(BlockingIOError):
            listener.accept()
    finally:
        listener.close()
