"""Short-lived service tokens for cep's background calls to other services (api_manager, ops).

The scheduler and the dispatcher run without a caller whose token could be forwarded, so each call
carries a token minted with the shared JWT secret: subject ``cep-service``, the alert's or rule's
tenant, role ``viewer`` (executing an API and asking ops both need viewer), valid five minutes.
"""

from __future__ import annotations

from opsuite_cep.config import Settings
from opsuite_common.errors import FailedPreconditionError

__all__ = ["SERVICE_SUBJECT", "ServiceTokens"]

#: The subject every cep service token carries (api_manager's execution log shows it as the caller).
SERVICE_SUBJECT = "cep-service"
_TTL_S = 300


class ServiceTokens:
    """Mints per-tenant service tokens from the settings' signing key."""

    def __init__(self, settings: Settings) -> None:
        auth = settings.auth
        self._issuer = auth.issuer() if auth.jwt_secret or auth.jwt_private_key else None

    def mint(self, tenant: str, target: str) -> str:
        """A five-minute viewer token for ``tenant``; ``target`` names the service in the error."""
        if self._issuer is None:
            raise FailedPreconditionError(
                f"cep has no JWT signing key to call {target} with; set OPSUITE_AUTH_JWT_SECRET",
                reason="NO_SERVICE_TOKEN",
            )
        return self._issuer.mint(subject=SERVICE_SUBJECT, tenant=tenant, roles=["viewer"], ttl_s=_TTL_S)

    def metadata(self, tenant: str, target: str) -> list[tuple[str, str]]:
        """The ``authorization`` metadata carrying a fresh token for ``tenant``."""
        return [("authorization", f"Bearer {self.mint(tenant, target)}")]
