"""Shared helpers for the script sandbox tests: a secret in the service's environment, a normal script."""

from __future__ import annotations

import os

from opsuite_api_manager.adapters.script import ScriptRunner

SECRET_NAME = "OPSUITE_SCRIPT_TEST_SECRET"
SECRET_VALUE = "s3cr3t-4a7f-only-the-service-knows"

NORMAL_SOURCE = """
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def main(params, input, ctx):
    ctx.log("computing", n=params["n"])
    return {"fib": fib(params["n"]), "input": input}
"""


def put_secret_in_service_env() -> None:
    """Make the service process hold a secret that no script may ever see."""
    os.environ[SECRET_NAME] = SECRET_VALUE


async def assert_still_serves(runner: ScriptRunner) -> None:
    """The runner still runs a normal script correctly after whatever happened before."""
    result = await runner.run(NORMAL_SOURCE, {"n": 10}, "after")
    assert result.output == {"fib": 55, "input": "after"}
    assert [line.message for line in result.logs] == ["computing"]
