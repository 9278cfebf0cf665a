"""Health probe for containers: ``python -m opsuite_common.probe HOST:PORT [SERVICE]``.

Exits 0 when grpc.health.v1 reports SERVING, 1 otherwise (no grpcurl needed in the image).
"""

from __future__ import annotations

import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

__all__ = ["check", "main"]


def check(target: str, service: str = "", timeout: float = 2.0) -> bool:
    """Whether ``target`` reports SERVING for ``service`` ('' = the whole server)."""
    with grpc.insecure_channel(target) as channel:
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
    raise SystemExit(0 if check(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "") else 1)


if __name__ == "__main__":
    main()
