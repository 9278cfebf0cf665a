"""The script fork server: pre-imports the script runtime once and forks one sandboxed child per execution.

Started by ``ScriptRunner`` as ``python -I -S -B _forkserver.py <control fd> <layers json>`` with a scrubbed
environment, so it inherits nothing from the service but that one descriptor. Standard library only.

Control protocol (a SOCK_SEQPACKET socketpair; each message is a 4-byte big-endian length + JSON):

- service -> server ``{"op": "fork", "id": n, "limits": {...}}`` with one descriptor attached (SCM_RIGHTS):
  the child's end of that execution's channel; answered by ``{"t": "forked", "id": n, "pid": p}``;
- service -> server ``{"op": "kill", "pid": p}``: SIGKILL the child's process group if it is still ours;
- server -> service ``{"t": "exit", "pid": p, "status": s}`` when a child is reaped (raw wait status);
- server -> service ``{"t": "ready", "pid": p, "netns": bool}`` once, at start.

The server leaves its own network namespace for an empty one at start, so even a child whose own
``unshare`` fails has no network. It exits when the service closes the control socket; its children then
die through their parent-death signal.
"""

from __future__ import annotations

import errno
import importlib.util
import json
import os
import select
import signal
import socket
import sys
import tempfile

_HERE = os.path.dirname(os.path.abspath(__file__))


def _load(name: str, filename: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, os.path.join(_HERE, filename))
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {filename} next to the fork server")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _send(ctrl: socket.socket, obj: object) -> None:
    data = json.dumps(obj).encode()
    ctrl.sendall(len(data).to_bytes(4, "big") + data)


def main() -> None:
    """Serve fork requests until the service closes the control socket."""
    ctrl = socket.socket(fileno=int(sys.argv[1]))
    layers = frozenset(json.loads(sys.argv[2]))
    sandbox = _load("_opsuite_sandbox", "_sandbox.py")
    childrun = _load("_opsuite_childrun", "_childrun.py")
    sandbox.prewarm()
    workdir = tempfile.mkdtemp(prefix="opsuite-script-")
    os.chmod(workdir, 0o555)  # noqa: S103 - read-only and empty: the children's working directory
    netns = "namespace" in layers and sandbox.unshare_network()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C aimed at the service's terminal is its business
    me = os.getpid()
    live: set[int] = set()
    _send(ctrl, {"t": "ready", "pid": me, "netns": bool(netns), "workdir": workdir})
    try:
        while True:
            readable, _, _ = select.select([ctrl.fileno(), wake_r], [], [])
            if wake_r in readable:
                try:
                    while os.read(wake_r, 512):
                        pass
                except BlockingIOError:
                    pass
                _reap(ctrl, live)
            if ctrl.fileno() in readable:
                try:
                    data, fds, _flags, _addr = socket.recv_fds(ctrl, 65536, 4)
                except InterruptedError:
                    continue
                if not data:
                    return
                try:
                    request = json.loads(data[4:])
                except ValueError:
                    request = {}
                op = request.get("op")
                if op == "fork" and len(fds) == 1:
                    pid = os.fork()
                    if pid == 0:
                        sandbox.run_child(fds[0], request["limits"], layers, workdir, me, childrun.run_job)
                    live.add(pid)
                    _send(ctrl, {"t": "forked", "id": request.get("id"), "pid": pid})
                elif op == "kill" and request.get("pid") in live:
                    _kill(int(request["pid"]))
                for fd in fds:
                    os.close(fd)
    except (BrokenPipeError, ConnectionResetError):
        return  # the service went away: our children die with us (parent-death signal)
    finally:
        for pid in live:
            _kill(pid)
        try:
            os.rmdir(workdir)
        except OSError:
            pass


def _kill(pid: int) -> None:
    for kill in (os.killpg, os.kill):  # killpg fails until the child has called setsid
        try:
            kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _reap(ctrl: socket.socket, live: set[int]) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        except OSError as exc:
            if exc.errno == errno.EINTR:
                continue
            raise
        if pid == 0:
            return
        live.discard(pid)
        _send(ctrl, {"t": "exit", "pid": pid, "status": status})


if __name__ == "__main__":
    main()
