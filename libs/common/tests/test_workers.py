"""The worker runner's parts that need no service: instance ids per worker, the port reservation, exit
statuses in words, and ``for_worker`` settings. The services run with ``--workers`` in tests/test_workers.py."""

from __future__ import annotations

import signal
import socket

import pytest

from opsuite_common.db import instance_owner, worker_instance_id
from opsuite_common.server.workers import describe_exit, reserve_port
from opsuite_common.testing.servers import EchoSettings


def test_worker_zero_keeps_the_instance_id_and_the_others_get_their_own():
    assert worker_instance_id("am-1", 0) == "am-1"
    assert worker_instance_id("", 0) == ""  # still the host name, as with one process
    assert worker_instance_id("am-1", 3) == "am-1/worker-3"
    assert worker_instance_id("", 1) == f"{instance_owner('')}/worker-1"


def test_long_instance_ids_stay_within_the_column_and_distinct():
    a, b = "x" * 127 + "a", "x" * 127 + "b"
    ids = {worker_instance_id(a, 12), worker_instance_id(b, 12), worker_instance_id(a, 13)}
    assert len(ids) == 3
    assert all(len(i) <= 128 and i.endswith(("/worker-12", "/worker-13")) for i in ids)


def test_the_reserved_port_admits_reuseport_servers_only():
    reservation = reserve_port("127.0.0.1", 0)
    port = reservation.getsockname()[1]
    try:
        with socket.socket() as plain, pytest.raises(OSError):
            plain.bind(("127.0.0.1", port))  # another program cannot take it
        with socket.socket() as worker:
            worker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            worker.bind(("127.0.0.1", port))
            worker.listen()
    finally:
        reservation.close()


def test_a_port_another_program_listens_on_is_refused():
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        with pytest.raises(OSError, match="could not reserve"):
            reserve_port("127.0.0.1", other.getsockname()[1])


def test_a_port_another_reuseport_program_holds_is_refused():
    # Another --workers instance (or any SO_REUSEPORT listener): sharing would split connections between them.
    first = reserve_port("127.0.0.1", 0)
    port = first.getsockname()[1]
    try:
        with pytest.raises(OSError, match="could not reserve"):
            reserve_port("127.0.0.1", port)
        with socket.socket() as listener:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            first.close()
            listener.bind(("127.0.0.1", port))
            listener.listen()
            with pytest.raises(OSError, match="could not reserve"):
                reserve_port("127.0.0.1", port)
        reserve_port("127.0.0.1", port).close()  # free again once they are gone
    finally:
        first.close()


def test_exit_statuses_in_words():
    assert describe_exit(0) == "exit code 0"
    assert describe_exit(3) == "exit code 3"
    assert describe_exit(-signal.SIGKILL) == "killed by SIGKILL"
    assert describe_exit(None) == "still running"


def test_for_worker_moves_the_metrics_port_only_when_one_is_set():
    settings = EchoSettings(workers=3, metrics_port=9100)
    assert [settings.for_worker(i).metrics_port for i in range(3)] == [9100, 9101, 9102]
    assert EchoSettings(workers=3, metrics_port=-1).for_worker(2).metrics_port == -1
    assert EchoSettings(workers=3).for_worker(2).metrics_port == 0
