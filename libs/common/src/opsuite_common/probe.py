"""Health probe for containers: ``python -m opsuite_common.probe HOST:PORT [SERVICE]``.

Exits 0 when grpc.health.v1 reports SERVING, 1 otherwise (no grpcurl needed in the image). It calls like the
services' own clients: over TLS, with a client certificate, when the ``OPSUITE_CLIENT_TLS_*`` settings say so
(see :mod:`opsuite_common.tls`); a TLS setting that cannot be used is one line and exit 2.
"""

from __future__ import annotations

import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from opsuite_common.settings import ClientSettings
from opsuite_common.tls import TlsConfigError, sync_channel

__all__ = ["check", "main"]


def check(target: str, service: str = "", timeout: float = 2.0, settings: ClientSettings | None = None) -> bool:
    """Whether ``target`` reports SERVING for ``service`` ('' = the whole server); ``settings``: TLS."""
    with sync_channel(target, settings) as channel:
        try:
            resp = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=service), timeout=timeout
            )
        except grpc.RpcError as exc:
            print(f"{target}: {exc.code().name}", file=sys.stderr)
            return False
    ok: bool = resp.status == health_pb2.HealthCheckResponse.SERVING
    print(f"{target}: {health_pb2.HealthCheckResponse.ServingStatus.Name(resp.status)}")
    return ok


def main() -> None:
    """CLI entry point."""
    if len(sys.argv) < 2:
        raise SystemExit("usage: python -m opsuite_common.probe HOST:PORT [SERVICE]")
    try:
        ok = check(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "", settings=ClientSettings())
    except TlsConfigError as exc:
        print(f"probe: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
