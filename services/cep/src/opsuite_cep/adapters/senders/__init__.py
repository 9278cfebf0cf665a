"""Channel kinds and how each one delivers a notification; outbound addresses are guarded.

One module per kind (:mod:`.webhook`, :mod:`.slack`, :mod:`.smtp` for ``email``, :mod:`.api`,
:mod:`.ops_investigation`), the config shapes in :mod:`.config`, and what they share in :mod:`.base`;
:class:`Sender` picks the kind's sender for one notification.

Outbound guard: ``opsuite_common.netguard`` with the operator's :class:`NetworkPolicy`, shared with
api_manager (``OPSUITE_OUTBOUND_ALLOW``/``OPSUITE_OUTBOUND_ALLOWLIST_ONLY``, plus the deprecated
``OPSUITE_CEP_OUTBOUND_ALLOW``; :func:`outbound_policy`). A channel URL is parsed once
(``netguard.parse_url``; ambiguous URLs are refused at save on ``config.url``) and that parse is the one
posted to. Webhook and Slack posts go through the guarded httpx client (no redirects followed) and e-mail
through an SMTP connection opened to an address it checked, so the address that was checked is the one
connected to (no second DNS lookup to rebind). A refused destination is PERMISSION_DENIED
``SSRF_BLOCKED``; a host that does not resolve is UNAVAILABLE ``CHANNEL_UNREACHABLE``.

Errors are typed so that the dispatcher's retry policy and breaker can tell them apart: a channel
that is down or answers 5xx/429 is UNAVAILABLE (transient: retried, counted by the breaker); a channel
that rejects the message (4xx, refused recipient) or a blocked address is not transient.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opsuite_cep.adapters.senders.api import ExecuteApi, send_api
from opsuite_cep.adapters.senders.base import (
    OUTBOUND_ALLOW_SETTING,
    guarded_post,
    is_opsuite_error,
    outbound_policy,
)
from opsuite_cep.adapters.senders.config import CHANNEL_KINDS, SECRET_KEYS, redact, validate_config
from opsuite_cep.adapters.senders.ops_investigation import (
    DEFAULT_QUESTION,
    Investigate,
    render_question,
    send_investigation,
)
from opsuite_cep.adapters.senders.slack import send_slack
from opsuite_cep.adapters.senders.smtp import send_email
from opsuite_cep.adapters.senders.webhook import SIGNATURE_HEADER, send_webhook
from opsuite_common.errors import FailedPreconditionError
from opsuite_common.netguard import NetworkPolicy, Resolver, guarded_client, system_resolver

__all__ = [
    "CHANNEL_KINDS",
    "DEFAULT_QUESTION",
    "OUTBOUND_ALLOW_SETTING",
    "SECRET_KEYS",
    "SIGNATURE_HEADER",
    "ExecuteApi",
    "Investigate",
    "Sender",
    "is_opsuite_error",
    "outbound_policy",
    "redact",
    "render_question",
    "validate_config",
]


class Sender:
    """Delivers one notification payload to one channel (no retries here: the dispatcher owns them)."""

    def __init__(
        self,
        policy: NetworkPolicy,
        timeout_s: float,
        execute_api: ExecuteApi | None = None,
        investigate: Investigate | None = None,
        *,
        resolver: Resolver | None = None,
    ) -> None:
        """``policy`` guards webhook, Slack and SMTP destinations; ``resolver`` replaces getaddrinfo (tests)."""
        self.policy, self.timeout_s = policy, timeout_s
        self._execute_api = execute_api
        self._investigate = investigate
        self._resolver = resolver or system_resolver
        self._http = guarded_client(policy, resolver=self._resolver, timeout=timeout_s, follow_redirects=False)

    async def close(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()

    async def send(self, tenant: str, kind: str, config: Mapping[str, Any], payload: Mapping[str, Any]) -> None:
        """Deliver ``payload``; raise a typed error on failure."""
        if kind == "webhook":
            await send_webhook(self._post, config, payload)
        elif kind == "slack":
            await send_slack(self._post, config, payload)
        elif kind == "email":
            await send_email(config, payload, policy=self.policy, resolver=self._resolver, timeout_s=self.timeout_s)
        elif kind == "api":
            await send_api(self._execute_api, tenant, config, payload)
        elif kind == "ops_investigation":
            await send_investigation(self._investigate, tenant, config, payload)
        else:
            raise FailedPreconditionError(f"unknown channel kind {kind!r}", reason="CHANNEL_KIND_UNKNOWN")

    async def _post(self, text: str, body: bytes, headers: Mapping[str, str]) -> None:
        await guarded_post(self._http, self.policy, text, body, headers)
