"""A Node client that has no .proto file reaches every service through server reflection (issue 16, item 5).

``tests/node_client/reflect_and_call.js`` uses ``grpc-js-reflection-client`` over ``@grpc/grpc-js``, the way a
Node operator's tool does: it lists the server's services, fetches the descriptor of the service (with every
file it imports) under ``grpc.reflection.v1`` or ``v1alpha``, builds a client from that descriptor alone and
calls a method with a bearer token. ``./dev test`` installs the pinned packages (``npm ci``) when Node is on the
machine; without them this test is skipped with the command that installs them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from opsuite_common.testing.servers import TokenFactory

from .conftest import SERVICES

CLIENT = Path(__file__).parent / "node_client"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(
    NODE is None or not (CLIENT / "node_modules" / "grpc-js-reflection-client").is_dir(),
    reason="the Node client is not installed: npm ci --prefix tests/node_client (./dev test does it when npm exists)",
)


def _node(target: str, version: str, service: str, method: str, token: str) -> subprocess.CompletedProcess[str]:
    assert NODE is not None
    args = [NODE, str(CLIENT / "reflect_and_call.js"), target, version, service, method, token]
    return subprocess.run(args, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("version", ["v1", "v1alpha"])
@pytest.mark.parametrize("name", list(SERVICES))
def test_a_node_client_built_from_reflection_alone_calls_the_service(stack, name, version):
    service = SERVICES[name].proto_service
    token = TokenFactory().mint(tenant="acme", roles=["viewer"], subject="node-operator")
    r = _node(stack.target(name), version, service, "GetServerInfo", token)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert {service, "grpc.health.v1.Health", f"grpc.reflection.{version}.ServerReflection"} <= set(out["services"])
    assert out["reply"]["caller"] == {"subject": "node-operator", "tenant": "acme", "roles": ["viewer"]}


def test_a_node_client_sees_the_services_own_status_codes(stack):
    # A call with a token of the wrong signature: the Node client gets UNAUTHENTICATED (16), not a transport error.
    r = _node(stack.target("api_manager"), "v1", SERVICES["api_manager"].proto_service, "GetServerInfo", "x.y.z")
    assert r.returncode == 1
    assert json.loads(r.stderr.strip().splitlines()[-1])["code"] == 16
