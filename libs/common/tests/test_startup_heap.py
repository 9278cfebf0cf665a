"""A serving process freezes what it holds once its server is built out of the garbage collector's reach
(``freeze_startup_heap``; bench/noisy_neighbour measured the pauses it removes). Run in a child process: a
freeze in the test process would keep every earlier test's objects for good."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CHILD = textwrap.dedent(
    """
    import asyncio, gc, os, signal

    from opsuite_common.server.bootstrap import build_server, serve
    from opsuite_common.testing.echo import EchoServicer, echo_registration
    from opsuite_common.testing.servers import EchoSettings, auth_settings_for_tests

    async def create():
        assert gc.get_freeze_count() == 0
        settings = EchoSettings(port=0, auth=auth_settings_for_tests())
        return await build_server(service="echo", settings=settings, registrations=[echo_registration(EchoServicer())])

    def ready(handle):
        frozen = gc.get_freeze_count()
        young = sum(gc.get_count())
        print("frozen", frozen, "young", young, flush=True)
        # serve's own stop path ends the process (its signal handlers are installed after ready)
        asyncio.get_running_loop().call_later(0.2, os.kill, os.getpid(), signal.SIGTERM)

    asyncio.run(serve(create, grace_s=0, ready=ready))
    """
)


def test_serve_freezes_the_objects_alive_once_the_server_is_built() -> None:
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("frozen"))
    _, frozen, _, young = line.split()
    # The modules, classes and the server itself: tens of thousands of objects no collection walks again.
    assert int(frozen) > 20_000
    assert int(young) < 1_000  # collected just before the freeze: the young generations start empty
