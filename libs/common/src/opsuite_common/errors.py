"""One exception hierarchy for every opsuite service, mapped to gRPC status codes.

This module is pure Python (no grpc import) so that domain code can raise these errors.
``opsuite_common.rpc_status`` turns them into ``google.rpc.Status`` on the server and back
into the same typed exception on the client.

::

    OpsuiteError                      INTERNAL            500  INTERNAL
    ├── ValidationError               INVALID_ARGUMENT    400  VALIDATION_FAILED   (+ BadRequest field violations)
    ├── AuthenticationError           UNAUTHENTICATED     401  UNAUTHENTICATED
    ├── PermissionDeniedError         PERMISSION_DENIED   403  PERMISSION_DENIED
    ├── NotFoundError                 NOT_FOUND           404  NOT_FOUND
    ├── ConflictError                 ALREADY_EXISTS      409  ALREADY_EXISTS
    │   └── StaleEtagError            ABORTED             409  ETAG_MISMATCH
    ├── FailedPreconditionError       FAILED_PRECONDITION 400  FAILED_PRECONDITION
    ├── ResourceLimitError            RESOURCE_EXHAUSTED  413  RESOURCE_LIMIT
    │   ├── ResultTooLargeError       RESOURCE_EXHAUSTED  413  RESULT_TOO_LARGE
    │   └── QuotaExceededError        RESOURCE_EXHAUSTED  429  QUOTA_EXCEEDED      (+ QuotaFailure)
    ├── RateLimitedError              RESOURCE_EXHAUSTED  429  RATE_LIMITED        (+ RetryInfo)
    ├── ServiceUnavailableError       UNAVAILABLE         503  SERVICE_UNAVAILABLE (+ RetryInfo when known)
    │   ├── CircuitOpenError          UNAVAILABLE         503  CIRCUIT_OPEN
    │   └── DatabaseUnavailableError  UNAVAILABLE         503  DATABASE_UNAVAILABLE
    ├── DeadlineExceededError         DEADLINE_EXCEEDED   504  DEADLINE_EXCEEDED
    ├── CancelledError                CANCELLED           499  CANCELLED
    ├── CursorPurgedError             OUT_OF_RANGE        400  CURSOR_PURGED
    ├── UnimplementedError            UNIMPLEMENTED       501  UNIMPLEMENTED
    └── InternalError                 INTERNAL            500  INTERNAL

Every class carries its gRPC ``code``, the ``http_status`` equivalent (for logs and future
gateways), an UPPER_SNAKE ``reason`` and a ``default_message``. Instances carry a message,
string ``metadata`` (sent as ``ErrorInfo.metadata``), optional field violations and an optional
``retry_after`` in seconds. A subclass may override ``reason`` per instance.

**Whose fault.** A server that fails because something it called *on the caller's behalf* failed (a
tenant's data source, an HTTP upstream, a script that ran out of time) is itself healthy. It says so
with :meth:`OpsuiteError.blame_dependency`, which puts ``dependency=<what failed>`` in the metadata.
Client-side circuit breakers (``opsuite_common.resilience.is_server_fault``) do not count such errors,
so one tenant's broken API cannot open the breaker that every tenant's calls to that server share.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "DEPENDENCY_KEY",
    "ERROR_DOMAIN",
    "AuthenticationError",
    "CancelledError",
    "CircuitOpenError",
    "Code",
    "ConflictError",
    "CursorPurgedError",
    "DatabaseUnavailableError",
    "DeadlineExceededError",
    "FailedPreconditionError",
    "FieldViolation",
    "InternalError",
    "NotFoundError",
    "OpsuiteError",
    "PermissionDeniedError",
    "QuotaExceededError",
    "RateLimitedError",
    "ResourceLimitError",
    "ResultTooLargeError",
    "ServiceUnavailableError",
    "StaleEtagError",
    "UnimplementedError",
    "ValidationError",
    "error_class_for",
]

#: The ``ErrorInfo.domain`` every opsuite service reports.
ERROR_DOMAIN = "opsuite.dev"
#: ``ErrorInfo.metadata`` key naming the dependency that failed when the server itself did not.
DEPENDENCY_KEY = "dependency"

_REASON_RE = re.compile(r"^[A-Z][A-Z0-9_]*[A-Z0-9]$")


class Code(enum.IntEnum):
    """The canonical gRPC / google.rpc status codes (mirrors ``grpc.StatusCode`` without importing grpc)."""

    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16


@dataclass(frozen=True, slots=True)
class FieldViolation:
    """One problem with one request field: ``field`` is a dotted path, ``description`` says what to fix."""

    field: str
    description: str


#: The class a status code maps back to when its reason names no class: the first class that declares
#: the code (classes listed in ``also_for`` count too). Filled by ``OpsuiteError.__init_subclass__``.
_BY_CODE: dict[Code, type[OpsuiteError]] = {}
#: The class each reason maps back to: the class that declares it.
_BY_REASON: dict[str, type[OpsuiteError]] = {}


class OpsuiteError(Exception):
    """Base of every error an opsuite service raises on purpose.

    Defining a subclass registers it: its own ``reason`` maps back to it, and the first class to declare
    a ``code`` (or list it in ``also_for``) is what that code maps back to when the reason is unknown.
    """

    code: Code = Code.INTERNAL
    http_status: int = 500
    reason: str = "INTERNAL"
    default_message: str = "internal error"
    #: Other codes that map back to this class when received with no known reason.
    also_for: tuple[Code, ...] = ()
    #: Reasons that instances set (``reason=`` at raise) and that map back to this class.
    also_reasons: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.code == Code.OK:
            raise TypeError(f"{cls.__name__}: an error class cannot carry the OK code")
        if not _REASON_RE.match(cls.reason):
            raise TypeError(f"{cls.__name__}: reason {cls.reason!r} must be UPPER_SNAKE")
        own = cls.__dict__
        reasons = ([cls.reason] if "reason" in own or cls.reason not in _BY_REASON else []) + list(
            own.get("also_reasons", ())
        )
        for reason in reasons:
            if _BY_REASON.get(reason, cls) is not cls:
                raise TypeError(f"{cls.__name__}: reason {reason} already belongs to {_BY_REASON[reason].__name__}")
            _BY_REASON[reason] = cls
        codes = ([own["code"]] if "code" in own else []) + list(own.get("also_for", ()))
        for code in codes:
            _BY_CODE.setdefault(code, cls)

    def __init__(
        self,
        message: str | None = None,
        *,
        reason: str | None = None,
        metadata: Mapping[str, object] | None = None,
        field_violations: Iterable[FieldViolation] = (),
        retry_after: float | None = None,
    ) -> None:
        self.message = message or self.default_message
        if reason is not None:
            if not _REASON_RE.match(reason):
                raise ValueError(f"reason {reason!r} must be UPPER_SNAKE")
            self.reason = reason
        self.metadata: dict[str, str] = {str(k): str(v) for k, v in (metadata or {}).items()}
        self.field_violations: list[FieldViolation] = list(field_violations)
        self.retry_after = retry_after
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, reason={self.reason!r})"

    @property
    def dependency(self) -> str | None:
        """What failed when it was not the server that answered (see :meth:`blame_dependency`)."""
        return self.metadata.get(DEPENDENCY_KEY) or None

    def blame_dependency(self, name: str) -> OpsuiteError:
        """Mark this error as caused by ``name``, something the server called for the caller; returns self.

        Only UNAVAILABLE and DEADLINE_EXCEEDED are marked (the other codes never count against a breaker
        anyway). The first blame sticks: a nested call that already named the failing dependency keeps it.
        """
        if self.code in (Code.UNAVAILABLE, Code.DEADLINE_EXCEEDED):
            self.metadata.setdefault(DEPENDENCY_KEY, name)
        return self


class ValidationError(OpsuiteError):
    """The request is malformed; ``field_violations`` says which fields and why."""

    also_for = (Code.OUT_OF_RANGE,)
    code = Code.INVALID_ARGUMENT
    http_status = 400
    reason = "VALIDATION_FAILED"
    default_message = "the request is invalid"

    @classmethod
    def for_field(cls, field: str, description: str, message: str | None = None) -> ValidationError:
        """Build a validation error about a single field."""
        return cls(message or f"{field}: {description}", field_violations=[FieldViolation(field, description)])


class AuthenticationError(OpsuiteError):
    """No valid credentials: missing, malformed, expired or wrongly signed token."""

    code = Code.UNAUTHENTICATED
    http_status = 401
    reason = "UNAUTHENTICATED"
    default_message = "authentication required: send 'authorization: Bearer <token>'"


class PermissionDeniedError(OpsuiteError):
    """The caller is known but its role does not allow this operation."""

    code = Code.PERMISSION_DENIED
    http_status = 403
    reason = "PERMISSION_DENIED"
    default_message = "permission denied"


class NotFoundError(OpsuiteError):
    """The resource does not exist for this tenant (another tenant's resource is also 'not found')."""

    code = Code.NOT_FOUND
    http_status = 404
    reason = "NOT_FOUND"
    default_message = "not found"


class ConflictError(OpsuiteError):
    """The resource already exists (e.g. a unique name is taken)."""

    code = Code.ALREADY_EXISTS
    http_status = 409
    reason = "ALREADY_EXISTS"
    default_message = "already exists"


class StaleEtagError(ConflictError):
    """The caller's etag no longer matches: re-read the resource and retry the update."""

    code = Code.ABORTED
    http_status = 409
    reason = "ETAG_MISMATCH"
    default_message = "the resource was changed by someone else; re-read it and retry with the new etag"


class FailedPreconditionError(OpsuiteError):
    """The system is not in a state that allows the operation (e.g. the API is disabled)."""

    code = Code.FAILED_PRECONDITION
    http_status = 400
    reason = "FAILED_PRECONDITION"
    default_message = "failed precondition"


class ResourceLimitError(OpsuiteError):
    """A bounded resource was exhausted by this request (output cap, memory, state bound).

    Declared before :class:`RateLimitedError`, so RESOURCE_EXHAUSTED without a known reason (grpc's own
    "message larger than max", for one) maps back to this class and never reads as a rate limit.
    """

    code = Code.RESOURCE_EXHAUSTED
    http_status = 413
    reason = "RESOURCE_LIMIT"
    default_message = "a resource limit was exceeded"


class ResultTooLargeError(ResourceLimitError):
    """The result is bigger than one message the caller can receive; nothing was returned."""

    reason = "RESULT_TOO_LARGE"
    default_message = "the result is larger than the maximum message size"


class QuotaExceededError(ResourceLimitError):
    """The tenant already holds as many objects of a kind as the operator allows; nothing was created.

    ``metadata`` carries ``quota`` (what is counted, e.g. ``rules per tenant``) and ``limit``; the status
    also carries a ``google.rpc.QuotaFailure`` naming it. Not retryable as is: delete some, or ask the
    operator to raise the limit.
    """

    http_status = 429
    reason = "QUOTA_EXCEEDED"
    default_message = "a quota was exceeded"


class RateLimitedError(OpsuiteError):
    """Too many requests; retry after ``retry_after`` seconds."""

    code = Code.RESOURCE_EXHAUSTED
    http_status = 429
    reason = "RATE_LIMITED"
    also_reasons = ("CONCURRENCY_LIMITED", "SCRIPT_RUNNER_BUSY", "WATCHER_TOO_SLOW", "ENGINE_BUDGET")
    default_message = "rate limit exceeded"


class ServiceUnavailableError(OpsuiteError):
    """A dependency is down or overloaded; transient, may be retried."""

    code = Code.UNAVAILABLE
    http_status = 503
    reason = "SERVICE_UNAVAILABLE"
    default_message = "service unavailable, try again later"


class CircuitOpenError(ServiceUnavailableError):
    """The client-side circuit breaker is open: the call failed fast without touching the network."""

    reason = "CIRCUIT_OPEN"
    default_message = "circuit breaker is open; the dependency is failing, try again later"


class DatabaseUnavailableError(ServiceUnavailableError):
    """The database could not be reached; nothing was written."""

    reason = "DATABASE_UNAVAILABLE"
    default_message = "the database is unavailable; nothing was written, try again later"


class DeadlineExceededError(OpsuiteError):
    """The operation did not finish before its deadline or timeout."""

    code = Code.DEADLINE_EXCEEDED
    http_status = 504
    reason = "DEADLINE_EXCEEDED"
    default_message = "deadline exceeded"


class CancelledError(OpsuiteError):
    """The caller cancelled the operation."""

    code = Code.CANCELLED
    http_status = 499
    reason = "CANCELLED"
    default_message = "cancelled"


class CursorPurgedError(OpsuiteError):
    """A replay was asked from a cursor whose following changes the retention has deleted (cep WatchAlerts);
    declared here so that every client maps the reason back to this class."""

    code = Code.OUT_OF_RANGE
    http_status = 400
    reason = "CURSOR_PURGED"
    default_message = "the alert changes after this cursor were deleted by the retention"


class UnimplementedError(OpsuiteError):
    """The operation is not implemented by this server."""

    code = Code.UNIMPLEMENTED
    http_status = 501
    reason = "UNIMPLEMENTED"
    default_message = "not implemented"


class InternalError(OpsuiteError):
    """A bug or an unexpected failure; details are in the server log, never on the wire."""


def error_class_for(code: Code, reason: str | None) -> type[OpsuiteError]:
    """The most specific class for a status code and reason: the reason's own class when its code matches."""
    by_reason = _BY_REASON.get(reason or "")
    if by_reason is not None and by_reason.code == code:
        return by_reason
    return _BY_CODE.get(code, InternalError)
