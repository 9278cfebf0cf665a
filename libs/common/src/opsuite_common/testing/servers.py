"""Helpers to run real in-process servers on port 0 and mint tokens in tests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable
from typing import Any

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from opsuite_common.auth import Role, TokenIssuer
from opsuite_common.server import ServerHandle, Stage, build_server
from opsuite_common.settings import AuthSettings, ServiceSettings
from opsuite_common.testing.echo import EchoServicer, echo_registration

__all__ = ["TEST_SECRET", "EchoSettings", "TokenFactory", "auth_settings_for_tests", "running_echo_server"]

#: HS256 secret used by every test server and token factory.
TEST_SECRET = "opsuite-test-secret-0123456789abcdef"  # noqa: S105 (a test fixture, not a credential)


def auth_settings_for_tests(secret: str = TEST_SECRET) -> AuthSettings:
    """Auth settings for tests (HS256 with the test secret)."""
    return AuthSettings(jwt_algorithm="HS256", jwt_secret=SecretStr(secret))


class EchoSettings(ServiceSettings):
    """Settings for the test echo server."""

    model_config = SettingsConfigDict(env_prefix="OPSUITE_ECHO_", frozen=True, extra="ignore")


class TokenFactory:
    """Mints tokens for tests: ``tokens.for_(tenant="t1", roles=["editor"])``."""

    def __init__(self, secret: str = TEST_SECRET) -> None:
        self._issuer = TokenIssuer(key=secret)

    def mint(
        self,
        tenant: str = "tenant-a",
        roles: Iterable[str | Role] = ("admin",),
        subject: str = "alice",
        ttl_s: float = 3600,
        **extra: Any,
    ) -> str:
        """A signed token."""
        return self._issuer.mint(subject=subject, tenant=tenant, roles=roles, ttl_s=ttl_s, extra=extra or None)

    def metadata(
        self, tenant: str = "tenant-a", roles: Iterable[str | Role] = ("admin",), **kw: Any
    ) -> tuple[tuple[str, str], ...]:
        """``authorization`` metadata for a call."""
        return (("authorization", f"Bearer {self.mint(tenant, roles, **kw)}"),)


@contextlib.asynccontextmanager
async def running_echo_server(
    servicer: EchoServicer | None = None,
    *,
    extra_stages: Iterable[Stage] = (),
    **settings_overrides: Any,
) -> AsyncIterator[tuple[ServerHandle, EchoServicer]]:
    """An in-process echo server on 127.0.0.1, port 0, with the standard pipeline."""
    servicer = servicer or EchoServicer()
    settings = EchoSettings(port=0, auth=auth_settings_for_tests(), **settings_overrides)
    handle = await build_server(
        service="echo",
        settings=settings,
        registrations=[echo_registration(servicer)],
        extra_stages=extra_stages,
    )
    try:
        yield handle, servicer
    finally:
        await handle.stop(0)
