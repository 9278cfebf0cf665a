"""Authentication and tenancy: bearer JWTs, roles, and the caller's identity for the current RPC.

Tokens are JWTs in the ``authorization: Bearer <jwt>`` metadata, signed HS256 (shared secret) or
RS256 (private key at the issuer, public key here). Claims: ``sub`` (subject), ``tenant``,
``roles`` (list of viewer / editor / admin), ``exp`` (required), optional ``iss`` / ``aud``.

Each RPC declares the role it needs next to its handler with :func:`requires`; the auth
interceptor refuses undeclared methods (fail closed). Roles are ordered: admin > editor > viewer.
The verified :class:`Identity` is available to handlers via :func:`current_identity` and is
forwarded (the original token) on service-to-service calls, so downstream services see the same
tenant.

Tenant names are checked once, here at the auth boundary, against :data:`TENANT_PATTERN`: 1 to 63
characters of lower-case letters, digits, ``-`` and ``_``, starting with a letter or digit (a DNS label,
so a tenant is safe as a path segment, a metrics label and a database value on every engine). A token
whose tenant breaks it is UNAUTHENTICATED with reason ``INVALID_TENANT``. The subject must be 1 to 256
printable characters (reason ``INVALID_TOKEN`` otherwise).
"""

from __future__ import annotations

import contextvars
import enum
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import jwt
from cachetools import TLRUCache

from opsuite_common.errors import AuthenticationError, PermissionDeniedError

__all__ = [
    "PUBLIC",
    "TENANT_PATTERN",
    "Identity",
    "Role",
    "TokenIssuer",
    "TokenVerifier",
    "current_identity",
    "identity_var",
    "required_role",
    "requires",
    "validate_tenant",
]

F = TypeVar("F", bound=Callable[..., Any])


class Role(enum.IntEnum):
    """Caller roles, ordered so that a higher role includes the lower ones."""

    VIEWER = 1
    EDITOR = 2
    ADMIN = 3

    @classmethod
    def parse(cls, name: str) -> Role:
        """Role from its lower-case claim name."""
        try:
            return cls[name.upper()]
        except KeyError:
            raise AuthenticationError(f"unknown role {name!r} in token", reason="INVALID_TOKEN") from None


#: What a tenant name must look like (documented in the README and ARCHITECTURE.md "Trust boundaries").
TENANT_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
_MAX_SUBJECT = 256


def validate_tenant(tenant: object) -> str:
    """``tenant`` if it matches :data:`TENANT_PATTERN`, else AuthenticationError(INVALID_TENANT)."""
    if not isinstance(tenant, str) or TENANT_PATTERN.fullmatch(tenant) is None:
        raise AuthenticationError(
            "the token's tenant must be 1-63 lower-case letters, digits, '-' or '_', starting with a letter or digit",
            reason="INVALID_TENANT",
        )
    return tenant


#: Marker for RPCs that need no authentication (only health and reflection use it).
PUBLIC: Literal["public"] = "public"

_ROLE_ATTR = "__opsuite_required_role__"


def requires(role: Role | Literal["public"]) -> Callable[[F], F]:
    """Declare the role an RPC handler needs (put it right above the servicer method)."""

    def mark(fn: F) -> F:
        setattr(fn, _ROLE_ATTR, role)
        return fn

    return mark


def required_role(handler: object) -> Role | Literal["public"] | None:
    """The role declared on a handler with :func:`requires`, or None when undeclared."""
    return getattr(handler, _ROLE_ATTR, None)


@dataclass(frozen=True, slots=True)
class Identity:
    """A verified caller. ``token`` is kept only to forward it downstream; it is never logged."""

    subject: str
    tenant: str
    roles: frozenset[Role]
    token: str = field(default="", repr=False, compare=False)

    @property
    def top_role(self) -> Role:
        """The highest role the caller holds."""
        return max(self.roles)

    def has(self, role: Role) -> bool:
        """Whether the caller holds ``role`` or a higher one."""
        return bool(self.roles) and self.top_role >= role

    def require(self, role: Role) -> None:
        """Raise PermissionDeniedError unless the caller holds ``role``."""
        if not self.has(role):
            raise PermissionDeniedError(
                f"this operation needs the {role.name.lower()} role; "
                f"the caller has {self.top_role.name.lower() if self.roles else 'no role'}",
                metadata={"required_role": role.name.lower()},
            )


identity_var: contextvars.ContextVar[Identity | None] = contextvars.ContextVar("opsuite_identity", default=None)


def current_identity() -> Identity:
    """The authenticated caller of the current RPC (raises if the RPC was not authenticated)."""
    ident = identity_var.get()
    if ident is None:
        raise AuthenticationError("no authenticated caller in this context")
    return ident


class TokenVerifier:
    """Verifies bearer JWTs and turns them into :class:`Identity` objects."""

    def __init__(
        self,
        *,
        algorithm: str = "HS256",
        secret: str | None = None,
        public_key: str | None = None,
        issuer: str | None = None,
        audience: str | None = None,
        leeway_s: float = 5.0,
        cache_size: int = 4096,
    ) -> None:
        if algorithm not in {"HS256", "RS256"}:
            raise ValueError("algorithm must be HS256 or RS256")
        key = secret if algorithm == "HS256" else public_key
        if not key:
            what = "a secret" if algorithm == "HS256" else "a public key"
            raise ValueError(f"{algorithm} token verification needs {what}")
        self._algorithm = algorithm
        self._key = key
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway_s
        # Verified tokens by their exact bytes: callers reuse a token for many calls, and a
        # signature check plus claim parsing costs more than the rest of the server pipeline. An
        # entry lives until its token expires (plus the leeway), the least recently used goes first.
        self._cache: TLRUCache[str, tuple[Identity, float]] = TLRUCache(
            maxsize=cache_size, ttu=lambda _token, hit, now: hit[1] + leeway_s, timer=time.time
        )

    def verify_header(self, authorization: str | None) -> Identity:
        """Verify an ``authorization`` metadata value (``Bearer <jwt>``)."""
        if not authorization:
            raise AuthenticationError(reason="MISSING_TOKEN")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError("the authorization metadata must be 'Bearer <token>'", reason="MALFORMED_TOKEN")
        return self.verify(token.strip())

    def verify(self, token: str) -> Identity:
        """Verify a raw JWT; any defect raises AuthenticationError with a specific reason."""
        hit = self._cache.get(token)
        if hit is not None:
            return hit[0]
        ident, exp = self._verify_uncached(token)
        self._cache[token] = (ident, exp)
        return ident

    def _verify_uncached(self, token: str) -> tuple[Identity, float]:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[self._algorithm],
                issuer=self._issuer,
                audience=self._audience,
                leeway=self._leeway,
                options={"require": ["exp", "sub", "tenant"], "verify_aud": self._audience is not None},
            )
        except jwt.ExpiredSignatureError:
            raise AuthenticationError("the token has expired; mint a new one", reason="TOKEN_EXPIRED") from None
        except jwt.InvalidSignatureError:
            raise AuthenticationError("the token signature is invalid", reason="INVALID_TOKEN") from None
        except jwt.MissingRequiredClaimError as exc:
            raise AuthenticationError(f"the token lacks the {exc.claim!r} claim", reason="INVALID_TOKEN") from None
        except jwt.InvalidTokenError:
            raise AuthenticationError("the token is malformed or not valid here", reason="INVALID_TOKEN") from None
        roles_claim = claims.get("roles") or []
        if isinstance(roles_claim, str):
            roles_claim = [roles_claim]
        if not isinstance(roles_claim, list) or not all(isinstance(r, str) for r in roles_claim):
            raise AuthenticationError("the 'roles' claim must be a list of strings", reason="INVALID_TOKEN")
        tenant, subject = validate_tenant(claims.get("tenant")), claims.get("sub")
        if not isinstance(subject, str) or not subject or len(subject) > _MAX_SUBJECT or not subject.isprintable():
            raise AuthenticationError(
                f"the token's subject must be 1-{_MAX_SUBJECT} printable characters", reason="INVALID_TOKEN"
            )
        ident = Identity(
            subject=subject,
            tenant=tenant,
            roles=frozenset(Role.parse(r) for r in roles_claim),
            token=token,
        )
        return ident, float(claims["exp"])


class TokenIssuer:
    """Mints tokens (development CLI, tests and the demo stack)."""

    def __init__(self, *, algorithm: str = "HS256", key: str, issuer: str | None = None) -> None:
        self._algorithm = algorithm
        self._key = key
        self._issuer = issuer

    def mint(
        self,
        *,
        subject: str,
        tenant: str,
        roles: Iterable[str | Role] = ("viewer",),
        ttl_s: float = 3600.0,
        audience: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> str:
        """A signed JWT for ``subject`` in ``tenant`` with ``roles``, expiring after ``ttl_s``."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": subject,
            "tenant": tenant,
            "roles": [r.name.lower() if isinstance(r, Role) else r for r in roles],
            "iat": now,
            "exp": now + int(ttl_s),
            "jti": uuid.uuid4().hex,
        }
        if self._issuer:
            claims["iss"] = self._issuer
        if audience:
            claims["aud"] = audience
        claims.update(extra or {})
        return jwt.encode(claims, self._key, algorithm=self._algorithm)
