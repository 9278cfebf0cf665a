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
from opsuite_common.server.service import (
    App,
    ServerInfoRpc,
    create_service_server,
    package_version,
    run_service,
)
from opsuite_common.server.stages import (
    PUBLIC_METHOD_PREFIXES,
    STAGE_SLOTS,
    AccessLogStage,
    AuthStage,
    ConcurrencyStage,
    ErrorMappingStage,
    RateLimitStage,
    RequestContextStage,
    TracingStage,
    default_stages,
    in_slot_order,
)

__all__ = [
    "CLIENT_NOT_READING",
    "PUBLIC_METHOD_PREFIXES",
    "STAGE_SLOTS",
    "AccessLogStage",
    "App",
    "AuthStage",
    "Call",
    "ConcurrencyStage",
    "ErrorMappingStage",
    "Pipeline",
    "Proceed",
    "RateLimitStage",
    "RequestContextStage",
    "ServerHandle",
    "ServerInfoRpc",
    "ServiceRegistration",
    "Stage",
    "TracingStage",
    "build_server",
    "create_service_server",
    "default_stages",
    "in_slot_order",
    "limit_stream",
    "package_version",
    "run_service",
    "serve",
    "stream_ended_by",
]
