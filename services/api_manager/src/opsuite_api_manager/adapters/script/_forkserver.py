"""The script fork server: pre-imports the script runtime once and forks one sandboxed child per execution.

Started by ``ScriptRunner`` as ``python -I -S -B _forkserver.py <control fd> <layers json> [<options json>]``
with a scrubbed environment, so it inherits nothing from the service but that one descriptor. Standard
library only.

Control protocol (a SOCK_SEQPACKET socketpair; each message is a 4-byte big-endian length + JSON):

- service -> server ``{"op": "fork", "id": n, "limits": {...}}`` with one descriptor attached (SCM_RIGHTS):
  the child's end of that execution's channel; acknowledged by ``{"t": "forked", "id": n}`` *before* a
  child gets it (so no ack means nothing ran, and a woken child cannot delay the ack);
- service -> server ``{"op": "kill", "id": n}``: SIGKILL that execution's process group if it is still ours;
- server -> service ``{"t": "exit", "id": n, "status": s}`` when its child is reaped (raw wait status);
- server -> service ``{"t": "ready", "pid": p, "netns": bool}`` once, at start.

To keep forking and lock-down off the request path, the server keeps one *spare* child: forked and
locked down in advance, blocked on a private link until the server hands it an execution (its limits and
the channel descriptor). A fork request takes the spare (or forks one on the spot when there is none) and
a new spare is forked right after the reply. Every execution still gets a fresh, never-used process.

The server leaves its own network namespace for an empty one at start; its children inherit it and, with
their privileges dropped, cannot leave it. It exits when the service closes the control socket; its
children then die through their parent-death signal.
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


class _Spares:
    """Forks locked-down children ahead of need and hands each one exactly one execution."""

    def __init__(self, sandbox, childrun, layers: frozenset[str], workdir: str, own_netns: bool) -> None:  # type: ignore[no-untyped-def]
        self._sandbox, self._childrun = sandbox, childrun
        self._layers, self._workdir, self._own_netns = layers, workdir, own_netns
        self.me = os.getpid()
        self.live: set[int] = set()  # every child not yet reaped, spare or running
        self.spare: tuple[int, socket.socket] | None = None
        self.pid_of: dict[int, int] = {}  # execution id -> pid, for the children handed an execution
        self.id_of: dict[int, int] = {}  # and back

    def _fork(self) -> tuple[int, socket.socket]:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:
            self._sandbox.run_child(
                theirs.fileno(), self._layers, self._workdir, self.me, self._childrun.run_job, self._own_netns
            )
        theirs.close()
        self.live.add(pid)
        return pid, ours

    def refill(self) -> None:
        """Fork the next spare if there is none."""
        if self.spare is None:
            self.spare = self._fork()

    def hand_over(self, execution: int, limits: object, channel: int) -> None:
        """Give the spare (or a fresh child) this execution."""
        payload = json.dumps(limits).encode()
        for _ in range(2):
            pid, link = self.spare if self.spare is not None else self._fork()
            self.spare = None
            try:
                socket.send_fds(link, [payload], [channel])
                self.pid_of[execution], self.id_of[pid] = pid, execution
                return
            except OSError:  # the spare died (killed from outside): kill it for sure, use a fresh one
                _kill(pid)
            finally:
                link.close()
        raise OSError("could not hand an execution to a fresh child")

    def reaped(self, pid: int) -> int | None:
        """Forget a reaped child (a dead spare is replaced on the next request); returns its execution id."""
        self.live.discard(pid)
        if self.spare is not None and self.spare[0] == pid:
            self.spare[1].close()
            self.spare = None
        execution = self.id_of.pop(pid, None)
        if execution is not None:
            self.pid_of.pop(execution, None)
        return execution


def main() -> None:
    """Serve fork requests until the service closes the control socket."""
    ctrl = socket.socket(fileno=int(sys.argv[1]))
    layers = frozenset(json.loads(sys.argv[2]))
    options = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    sandbox = _load("_opsuite_sandbox", "_sandbox.py")
    childrun = _load("_opsuite_childrun", "_childrun.py")
    workdir = tempfile.mkdtemp(prefix="opsuite-script-")
    os.chmod(workdir, 0o555)  # noqa: S103 - read-only and empty: the children's working directory
    sandbox.prepare_server()
    netns = "namespace" in layers and sandbox.unshare_network()
    # Without an empty namespace of the server's to inherit, each child still tries for its own.
    own_netns = "namespace" in layers and (bool(options.get("per_child_netns")) or not netns)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C aimed at the service's terminal is its business
    spares = _Spares(sandbox, childrun, layers, workdir, own_netns)
    _send(ctrl, {"t": "ready", "pid": spares.me, "netns": bool(netns), "workdir": workdir})
    try:
        spares.refill()
        while True:
            readable, _, _ = select.select([ctrl.fileno(), wake_r], [], [])
            if wake_r in readable:
                try:
                    while os.read(wake_r, 512):
                        pass
                except BlockingIOError:
                    pass
                _reap(ctrl, spares)
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
                try:
                    execution = request.get("id")
                    if op == "fork" and len(fds) == 1 and type(execution) is int and execution not in spares.pid_of:
                        _send(ctrl, {"t": "forked", "id": execution})
                        spares.hand_over(execution, request["limits"], fds[0])
                    elif op == "kill" and execution in spares.pid_of:
                        _kill(spares.pid_of[execution])
                finally:
                    for fd in fds:
                        os.close(fd)
                spares.refill()  # after the reply: the next execution finds a child ready
    except (BrokenPipeError, ConnectionResetError):
        return  # the service went away: our children die with us (parent-death signal)
    finally:
        for pid in spares.live:
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


def _reap(ctrl: socket.socket, spares: _Spares) -> None:
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
        execution = spares.reaped(pid)
        if execution is not None:  # the service never heard of spares
            _send(ctrl, {"t": "exit", "id": execution, "status": status})


if __name__ == "__main__":
    main()
