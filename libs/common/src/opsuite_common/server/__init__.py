"""Server bootstrap: the interceptor pipeline, its standard stages and the server lifecycle."""

from opsuite_common.server.bootstrap import ServerHandle, ServiceRegistration, build_server, serve
from opsuite_common.server.pipeline import (
    CLIENT_NOT_READING,
    Call,
    Pipeline,
    Proceed,
    Stage,
    limit_stream,
    stream_ended_by,
)
from opsuite_common.server.stages import (
    PUBLIC_METHOD_PREFIXES,
    AccessLogStage,
    AuthStage,
    ConcurrencyStage,
    ErrorMappingStage,
    RateLimitStage,
    RequestContextStage,
    default_stages,
)

__all__ = [
    "CLIENT_NOT_READING",
    "PUBLIC_METHOD_PREFIXES",
    "AccessLogStage",
    "AuthStage",
    "Call",
    "ConcurrencyStage",
    "ErrorMappingStage",
    "Pipeline",
    "Proceed",
    "RateLimitStage",
    "RequestContextStage",
    "ServerHandle",
    "ServiceRegistration",
    "Stage",
    "build_server",
    "default_stages",
    "limit_stream",
    "serve",
    "stream_ended_by",
]
