"""Typed, frozen settings read from environment variables (pydantic-settings).

Each service defines one settings class deriving from :class:`ServiceSettings` with its own
``env_prefix`` (``OPSUITE_API_MANAGER_``, ``OPSUITE_CEP_``, ``OPSUITE_OPS_``), loads it once in
``main`` and passes it down. Authentication settings are shared by all services under
``OPSUITE_AUTH_``. No module reads ``os.environ`` elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, Self

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from opsuite_common.auth import TokenIssuer, TokenVerifier
from opsuite_common.netguard import OPERATOR_ALLOW_SETTING, NetworkPolicy, allow_entry_problem
from opsuite_common.ratelimit import EXECUTION, STREAM, RateLimit, check_redis_url
from opsuite_common.resilience import BreakerRegistry, RetryPolicy
from opsuite_common.secretfiles import FileSecretSettings

__all__ = ["AuthSettings", "ClientSettings", "OutboundSettings", "ServiceSettings"]


class AuthSettings(FileSecretSettings):
    """How tokens are verified (and, for development tools, minted). Env prefix ``OPSUITE_AUTH_``."""

    model_config = SettingsConfigDict(env_prefix="OPSUITE_AUTH_", frozen=True, extra="ignore")

    jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    #: HS256 shared secret (all services and the token minter must share it).
    jwt_secret: SecretStr | None = None
    #: RS256 public key (PEM) used to verify tokens.
    jwt_public_key: str | None = None
    #: RS256 private key (PEM), only for development token minting.
    jwt_private_key: SecretStr | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None

    def verifier(self) -> TokenVerifier:
        """A verifier; raises ValueError with an actionable message when no key is configured."""
        if self.jwt_algorithm == "HS256" and self.jwt_secret is None:
            raise ValueError("set OPSUITE_AUTH_JWT_SECRET (HS256) or OPSUITE_AUTH_JWT_PUBLIC_KEY with RS256")
        return TokenVerifier(
            algorithm=self.jwt_algorithm,
            secret=self.jwt_secret.get_secret_value() if self.jwt_secret else None,
            public_key=self.jwt_public_key,
            issuer=self.jwt_issuer,
            audience=self.jwt_audience,
        )

    def issuer(self) -> TokenIssuer:
        """A token issuer for development tools."""
        if self.jwt_algorithm == "HS256":
            if self.jwt_secret is None:
                raise ValueError("set OPSUITE_AUTH_JWT_SECRET to mint HS256 tokens")
            key = self.jwt_secret.get_secret_value()
        else:
            if self.jwt_private_key is None:
                raise ValueError("set OPSUITE_AUTH_JWT_PRIVATE_KEY to mint RS256 tokens")
            key = self.jwt_private_key.get_secret_value()
        return TokenIssuer(algorithm=self.jwt_algorithm, key=key, issuer=self.jwt_issuer)


class ClientSettings(FileSecretSettings):
    """How a :class:`~opsuite_common.client.ServiceClient` calls its target. Env prefix ``OPSUITE_CLIENT_``.

    The one client settings class: services read it as ``ServiceSettings.client``, the CLI and tests build
    it directly. The token a client sends when it does not act for a caller is not a setting here; it is
    passed to the client itself.
    """

    model_config = SettingsConfigDict(env_prefix="OPSUITE_CLIENT_", frozen=True, extra="ignore")

    #: Default deadline of every call, streams included (a stream passes ``timeout=None`` to stay open).
    timeout_s: float = Field(10.0, gt=0)
    retry_attempts: int = Field(3, ge=1, le=10)
    retry_initial_backoff_s: float = Field(0.05, ge=0)
    retry_max_backoff_s: float = Field(2.0, ge=0)
    breaker_fail_max: int = Field(5, ge=1)
    breaker_reset_timeout_s: float = Field(30.0, gt=0)
    breaker_success_threshold: int = Field(1, ge=1)
    breaker_half_open_max_calls: int = Field(1, ge=1)
    #: Largest message the client sends or accepts.
    max_message_bytes: int = Field(16 * 1024 * 1024, ge=1024)
    #: TLS (see ``opsuite_common.tls``): on when ``tls`` or any file below is set. PEM files, read when a channel
    #: opens: the CA bundle to trust (unset with ``tls``: the system's), and a client certificate and key (mTLS).
    tls: bool = False
    tls_ca_file: str = ""
    tls_cert_file: str = ""
    tls_key_file: str = ""
    #: The name the server's certificate must carry instead of the target's host (``grpc.ssl_target_name_override``).
    tls_server_name: str = ""

    def retry_policy(self) -> RetryPolicy:
        """The :class:`RetryPolicy` for idempotent calls."""
        return RetryPolicy(
            max_attempts=self.retry_attempts,
            initial_backoff_s=self.retry_initial_backoff_s,
            max_backoff_s=self.retry_max_backoff_s,
        )

    def breaker_registry(
        self,
        *,
        on_state_change: list[Callable[[str, str, str], None]] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> BreakerRegistry:
        """A new :class:`BreakerRegistry` whose breakers follow these settings."""
        extra: dict[str, Any] = {} if clock is None else {"clock": clock}
        return BreakerRegistry(
            fail_max=self.breaker_fail_max,
            reset_timeout=self.breaker_reset_timeout_s,
            success_threshold=self.breaker_success_threshold,
            half_open_max_calls=self.breaker_half_open_max_calls,
            on_state_change=on_state_change,
            **extra,
        )


class OutboundSettings(FileSecretSettings):
    """The operator's outbound policy (HTTP APIs, script ``ctx.http``, cep channels). Env prefix ``OPSUITE_OUTBOUND_``.

    Tenants' allow-lists only narrow it (see ``opsuite_common.netguard``).
    """

    model_config = SettingsConfigDict(env_prefix="OPSUITE_OUTBOUND_", frozen=True, extra="ignore")

    #: Hosts, addresses or CIDRs (JSON list) that may be reached; only an address/CIDR entry opens a
    #: non-public address (loopback, private, link-local, CGNAT...), a metadata address only by itself.
    allow: tuple[str, ...] = ()
    #: Refuse every destination that ``allow`` does not list, public ones included.
    allowlist_only: bool = False

    @field_validator("allow")
    @classmethod
    def _check_allow(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for entry in v:
            if (problem := allow_entry_problem(entry)) is not None:
                raise ValueError(f"{OPERATOR_ALLOW_SETTING} entry {entry!r}: {problem}")
        return tuple(e.strip() for e in v)

    def policy(self, *extra: str, allow_list_name: str = OPERATOR_ALLOW_SETTING) -> NetworkPolicy:
        """The operator's :class:`NetworkPolicy`; ``extra`` entries are added (a deprecated per-service alias)."""
        return NetworkPolicy(
            allow=(*self.allow, *extra), allowlist_only=self.allowlist_only, allow_list_name=allow_list_name
        )


class ServiceSettings(FileSecretSettings):
    """Settings every service has; subclasses set ``env_prefix`` and add their own fields."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(0, ge=0, le=65535)
    #: Seconds in-flight calls get to finish after SIGTERM before they are cancelled.
    grace_s: float = Field(10.0, ge=0)
    max_message_bytes: int = Field(16 * 1024 * 1024, ge=1024)
    #: Seconds one streamed message may wait for the client to take it before the stream is ended.
    stream_write_timeout_s: float = Field(30.0, gt=0)
    log_level: str = "INFO"
    log_format: Literal["auto", "json", "console"] = "auto"
    #: SQLAlchemy URL of the service's own metadata store (sqlite file or postgresql://).
    database_url: str = "sqlite:///./.run/opsuite.db"
    #: Default per-tenant rate limit of each RPC method, in calls per second (0 disables).
    rate_limit_per_s: float = Field(100.0, ge=0)
    rate_limit_burst: float = Field(200.0, ge=1)
    #: Per-method overrides: ``{"ExecuteApi": "20:40"}`` (rate:burst), as JSON in the env var.
    rate_limits: dict[str, str] = Field(default_factory=dict)
    #: ``redis://`` or ``rediss://`` URL: the token buckets and the per-tenant caps' slots live there, shared
    #: by every replica that points at it (see ``opsuite_common.ratelimit_redis`` and
    #: ``opsuite_common.concurrency_redis``). Empty: in this process's memory.
    rate_limit_redis_url: str = ""
    #: Longest a refused call (rate limit or per-tenant cap) is held before it is answered; the hold is
    #: taken off its RetryInfo delay. Keeps a client that ignores RetryInfo from flooding the server
    #: with refusals (see ``opsuite_common.ratelimit.RefusalPause``). 0: answer at once.
    rate_limit_refusal_hold_s: float = Field(0.25, ge=0, le=5)
    #: Per-tenant cap on calls in progress that execute work (ExecuteApi, DryRunApi, Ask...); 0: no cap.
    tenant_max_executions: int = Field(32, ge=0)
    #: Per-tenant cap on open server streams (ExecuteApiStream, WatchAlerts, AskStream); 0: no cap.
    tenant_max_streams: int = Field(100, ge=0)
    #: With ``rate_limit_redis_url``: seconds a shared slot's lease lasts in Redis. A call renews its leases
    #: every third of this while it runs; a replica that dies gives its slots back this long after its last
    #: renewal.
    tenant_slot_lease_s: float = Field(30.0, ge=1, le=3600)
    #: Calls in progress (unary calls, not streams) a tenant may have running on this process's event loop
    #: while other tenants are present; beyond it its calls wait their turn, handed out round robin (see
    #: ``opsuite_common.fairness``). A call waiting on something else (an HTTP upstream, a database server,
    #: another service, an LLM) gives its place back for the wait, so a fan-out of such calls is not held back.
    #: A tenant alone is not limited. 0: no fair admission. 1 (the default since 2026-12-07) is the value
    #: bench/noisy_neighbour measures: a quiet tenant's p99 beside a CPU-heavy tenant, over its p99 alone, was
    #: 2.25x, 1.80x, 1.45x at 4, 2, 1 (an A/B before waits gave places back), and 2.52x / 2.41x at 2 against
    #: 2.05x / 1.64x at 1 (api_manager, the neighbour ignoring / honouring RetryInfo; one run, 5 rounds a row).
    tenant_fair_share: int = Field(1, ge=0)
    #: The interpreter's thread switch interval (``sys.setswitchinterval``), in ms, set when the server is built.
    #: A thread holding the GIL keeps it this long before another may run: at CPython's 5 ms a quiet tenant's
    #: call waits up to a whole slice behind a busy tenant's thread; 1 ms is the value bench/noisy_neighbour
    #: measured (it is process-wide).
    gil_switch_interval_ms: float = Field(1.0, ge=0.1, le=100)
    #: HTTP port for Prometheus metrics at /metrics (0 disables; -1 picks a free port, for tests).
    metrics_port: int = Field(0, ge=-1, le=65535)
    #: Server processes sharing the port through SO_REUSEPORT (``--workers`` overrides it); see
    #: ``opsuite_common.server.workers``. Each worker is a replica on the same database.
    workers: int = Field(1, ge=1, le=64)
    #: TLS on the gRPC port (see ``opsuite_common.tls``): PEM paths, read when the server is built. The chain
    #: and its key turn TLS on; the client CA bundle with ``tls_require_client_cert`` turns on mTLS.
    tls_cert_file: str = ""
    tls_key_file: str = ""
    tls_client_ca_file: str = ""
    tls_require_client_cert: bool = False
    auth: AuthSettings = Field(default_factory=AuthSettings)
    client: ClientSettings = Field(default_factory=ClientSettings)
    outbound: OutboundSettings = Field(default_factory=OutboundSettings)

    @field_validator("rate_limits")
    @classmethod
    def _check_rate_limits(cls, v: dict[str, str]) -> dict[str, str]:
        for method, spec in v.items():
            parse_rate_limit(spec, method)
        return v

    @field_validator("rate_limit_redis_url")
    @classmethod
    def _check_rate_limit_redis_url(cls, v: str) -> str:
        v = v.strip()
        return check_redis_url(v) if v else v

    def for_worker(self, index: int) -> Self:
        """The settings of worker ``index`` (0-based) of ``workers``: worker k serves metrics on
        ``metrics_port + k``; a service adds what must differ per process (its instance id)."""
        if index and self.metrics_port > 0:
            return self.model_copy(update={"metrics_port": self.metrics_port + index})
        return self

    def method_rate_limits(self) -> dict[str, RateLimit]:
        """Per-method limits parsed from ``rate_limits``."""
        return {m: parse_rate_limit(spec, m) for m, spec in self.rate_limits.items()}

    def tenant_slot_caps(self) -> dict[str, int]:
        """Per-tenant caps by slot kind (see :func:`opsuite_common.ratelimit.holds_slots`)."""
        return {EXECUTION: self.tenant_max_executions, STREAM: self.tenant_max_streams}

    def default_rate_limit(self) -> RateLimit | None:
        """The default limit, or None when disabled."""
        if self.rate_limit_per_s <= 0:
            return None
        return RateLimit(self.rate_limit_per_s, self.rate_limit_burst)


def parse_rate_limit(spec: str, method: str = "") -> RateLimit:
    """Parse ``"rate:burst"`` (or ``"rate"``, burst = max(rate, 1))."""
    rate_s, _, burst_s = spec.partition(":")
    try:
        rate = float(rate_s)
        burst = float(burst_s) if burst_s else max(rate, 1.0)
    except ValueError:
        raise ValueError(f"rate limit for {method or 'method'} must be 'rate:burst', got {spec!r}") from None
    if rate < 0 or burst < 1:
        raise ValueError(f"rate limit for {method or 'method'}: rate >= 0 and burst >= 1 required")
    return RateLimit(rate, burst)
