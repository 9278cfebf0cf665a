"""Translate opsuite errors to ``google.rpc.Status`` (server side) and back (client side).

Server: :func:`to_status` builds a ``grpc.Status`` carrying ``ErrorInfo(reason, domain, metadata)``
and, where they apply, ``BadRequest`` field violations and ``RetryInfo``; the error interceptor sends
it with ``context.abort_with_status``.

Client: :func:`from_grpc_error` rebuilds the same typed exception (same class, reason, metadata,
field violations and retry-after) from a failed call, so application code never handles a bare
``grpc.RpcError``.
"""

from __future__ import annotations

import grpc
from google.protobuf import duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from opsuite_common.errors import (
    ERROR_DOMAIN,
    Code,
    FieldViolation,
    OpsuiteError,
    QuotaExceededError,
    error_class_for,
)

__all__ = ["from_grpc_error", "grpc_code", "to_status"]

_GRPC_BY_VALUE: dict[int, grpc.StatusCode] = {sc.value[0]: sc for sc in grpc.StatusCode}


def grpc_code(code: Code) -> grpc.StatusCode:
    """The ``grpc.StatusCode`` for an opsuite :class:`Code`."""
    return _GRPC_BY_VALUE[int(code)]


#: Bounds on what an error puts on the wire. Status details travel in trailing metadata, which grpc
#: limits (16 KiB by default); an error that quotes a huge input would otherwise be replaced by a bare
#: RESOURCE_EXHAUSTED on the client, losing its reason and field violations.
MAX_MESSAGE_CHARS = 1024
MAX_FIELD_CHARS = 256
MAX_VIOLATIONS = 20
MAX_METADATA_VALUE_CHARS = 256


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 15] + f"... ({len(text)} chars)"


def to_status(exc: OpsuiteError) -> grpc.Status:
    """Build the rich status for ``exc`` (ErrorInfo always; BadRequest / RetryInfo when present), size-bounded."""
    status = status_pb2.Status(code=int(exc.code), message=_clip(exc.message, MAX_MESSAGE_CHARS))
    metadata = {
        _clip(k, MAX_FIELD_CHARS): _clip(v, MAX_METADATA_VALUE_CHARS) for k, v in list(exc.metadata.items())[:20]
    }
    info = error_details_pb2.ErrorInfo(reason=exc.reason, domain=ERROR_DOMAIN, metadata=metadata)
    status.details.add().Pack(info)
    if exc.field_violations:
        shown = exc.field_violations[:MAX_VIOLATIONS]
        violations = [
            error_details_pb2.BadRequest.FieldViolation(
                field=_clip(v.field, MAX_FIELD_CHARS), description=_clip(v.description, MAX_FIELD_CHARS)
            )
            for v in shown
        ]
        if len(exc.field_violations) > len(shown):
            violations.append(
                error_details_pb2.BadRequest.FieldViolation(
                    field="...", description=f"{len(exc.field_violations) - len(shown)} more problems not shown"
                )
            )
        status.details.add().Pack(error_details_pb2.BadRequest(field_violations=violations))
    if isinstance(exc, QuotaExceededError):
        violation = error_details_pb2.QuotaFailure.Violation(
            subject=_clip(exc.metadata.get("quota", ""), MAX_FIELD_CHARS),
            description=_clip(exc.message, MAX_FIELD_CHARS),
        )
        status.details.add().Pack(error_details_pb2.QuotaFailure(violations=[violation]))
    if exc.retry_after is not None:
        delay = duration_pb2.Duration()
        delay.FromNanoseconds(int(max(exc.retry_after, 0.0) * 1e9))
        status.details.add().Pack(error_details_pb2.RetryInfo(retry_delay=delay))
    wire: grpc.Status = rpc_status.to_status(status)  # grpc_status ships no types
    return wire


def from_grpc_error(exc: grpc.RpcError) -> OpsuiteError:
    """Rebuild the typed opsuite error a server sent (or the closest class for a plain status)."""
    code_value = exc.code().value[0] if callable(getattr(exc, "code", None)) else code_pb2.UNKNOWN
    message = exc.details() if callable(getattr(exc, "details", None)) else str(exc)
    code = Code(code_value) if code_value in Code._value2member_map_ else Code.UNKNOWN
    reason: str | None = None
    metadata: dict[str, str] = {}
    violations: list[FieldViolation] = []
    retry_after: float | None = None
    status: status_pb2.Status | None = None
    try:
        status = rpc_status.from_call(exc)
    except ValueError:
        status = None  # code/message mismatch between trailers and status: trust the call's code
    except Exception:
        status = None
    if status is not None:
        for detail in status.details:
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                reason, metadata = info.reason, dict(info.metadata)
            elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                violations = [FieldViolation(v.field, v.description) for v in bad.field_violations]
            elif detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
                info_retry = error_details_pb2.RetryInfo()
                detail.Unpack(info_retry)
                retry_after = info_retry.retry_delay.ToNanoseconds() / 1e9
    if code == Code.UNKNOWN and reason is None:
        cls: type[OpsuiteError] = error_class_for(Code.INTERNAL, None)
    else:
        cls = error_class_for(code, reason)
    err = cls(
        message or None,
        metadata=metadata,
        field_violations=violations,
        retry_after=retry_after,
    )
    if reason and reason != err.reason:
        err.reason = reason
    # Keep the transport code even where the class is generic (e.g. OUT_OF_RANGE -> ValidationError).
    if err.code != code and code != Code.UNKNOWN:
        err.code = code
    return err
