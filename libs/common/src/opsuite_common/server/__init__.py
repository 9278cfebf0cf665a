"""Server bootstrap: the interceptor pipeline, its standard stages and the server lifecycle."""

from opsuite_common.server.bootstrap import ServerHandle, ServiceRegistration, build_server, serve
from opsuite_common.server.pipeline import Call, Pipeline, Proceed, Stage
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
    "serve",
]
