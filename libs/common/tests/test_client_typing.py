"""ServiceClient.rpc is typed as the service's async stub: mypy rejects a wrong request type or method name.

Runs mypy with the project's configuration and cache (warm after ``./dev lint``: under a second; about 5 s cold).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SNIPPET = """
from opsuite.testing.v1 import echo_pb2, echo_pb2_grpc
from opsuite_common.client import connect
from opsuite_common.testing.echo import ECHO_SERVICE


async def calls() -> None:
    client = connect("127.0.0.1:1", echo_pb2_grpc.EchoServiceStub, ECHO_SERVICE, token="t")
    reply = await client.rpc.Echo(echo_pb2.EchoRequest(message="ok"), timeout=2, metadata=[("k", "v")])
    reveal_type(reply)
    async for item in client.rpc.EchoStream(echo_pb2.EchoRequest(), timeout=None):
        reveal_type(item)
    await client.rpc.Echo(echo_pb2.WhoAmIRequest())  # wrong request type
    await client.rpc.Nope(echo_pb2.EchoRequest())  # no such method
"""


def test_mypy_checks_method_names_request_and_response_types(tmp_path: Path) -> None:
    snippet = tmp_path / "typed_client_snippet.py"
    snippet.write_text(SNIPPET)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--no-error-summary",
            str(snippet),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [line.split(": ", 1)[1] for line in result.stdout.splitlines() if ": " in line]
    assert lines == [
        'note: Revealed type is "opsuite.testing.v1.echo_pb2.EchoResponse"',
        'note: Revealed type is "opsuite.testing.v1.echo_pb2.EchoResponse"',
        'error: Argument 1 to "__call__" of "UnaryUnaryMultiCallable" has incompatible type "WhoAmIRequest"; '
        'expected "EchoRequest"  [arg-type]',
        'error: "EchoServiceAsyncStub" has no attribute "Nope"  [attr-defined]',
    ], result.stdout + result.stderr
