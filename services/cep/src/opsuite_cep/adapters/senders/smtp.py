"""The ``email`` channel kind: the notification sent over SMTP to addresses the guard checked.

The host is resolved and every address checked against the policy first; the connection is then opened to
one of those addresses (no second DNS lookup to rebind), while STARTTLS still verifies the host's name.
"""

from __future__ import annotations

import asyncio
import json
import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from typing import Any

from opsuite_cep.adapters.senders.base import summary, unreachable
from opsuite_cep.adapters.senders.config import email_host_problem
from opsuite_common.errors import FailedPreconditionError, ServiceUnavailableError
from opsuite_common.netguard import NetworkPolicy, Resolver, resolve_checked

__all__ = ["send_email"]


class _PinnedSMTP(smtplib.SMTP):
    """SMTP over a connection to addresses the guard checked; ``host`` stays the name STARTTLS verifies."""

    def __init__(self, host: str, port: int, addresses: Sequence[str], timeout: float) -> None:
        self._addresses = list(addresses)
        super().__init__(host, port, timeout=timeout)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        # smtplib's connect() keeps ``host`` for STARTTLS and asks this hook for the socket (SMTP_SSL overrides it too).
        last: OSError | None = None
        for address in self._addresses:
            try:
                return socket.create_connection((address, port), timeout, self.source_address)
            except OSError as exc:
                last = exc
        raise last or OSError(f"no checked address for {host}")


async def send_email(
    config: Mapping[str, Any],
    payload: Mapping[str, Any],
    *,
    policy: NetworkPolicy,
    resolver: Resolver,
    timeout_s: float,
) -> None:
    """Send ``payload`` as a message to ``config["to"]``; typed errors on failure."""
    host, port = str(config["host"]), int(config.get("port", 25))
    if (problem := email_host_problem(host)) is not None:  # stored before it was checked
        raise FailedPreconditionError(
            f"the channel's SMTP host cannot be used: {problem}; update the channel", reason="CHANNEL_REJECTED"
        )
    try:
        addresses = [str(ip) for ip in await resolve_checked(host, port, policy, resolver)]
    except ServiceUnavailableError as exc:
        raise unreachable(exc) from exc
    msg = EmailMessage()
    msg["Subject"] = summary(payload)
    msg["From"] = str(config["from"])
    msg["To"] = ", ".join(config["to"])
    msg.set_content(json.dumps(payload, indent=2, default=str))

    def deliver() -> None:
        with _PinnedSMTP(host, port, addresses, timeout_s) as smtp:
            if config.get("starttls"):
                # A verifying context: 3.11's default for starttls() checks neither chain nor name.
                smtp.starttls(context=ssl.create_default_context())
            if config.get("username"):
                smtp.login(str(config["username"]), str(config.get("password", "")))
            smtp.send_message(msg)

    try:
        await asyncio.to_thread(deliver)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError) as exc:
        raise FailedPreconditionError(f"the SMTP server refused the message: {exc}", reason="CHANNEL_REJECTED") from exc
    except ssl.SSLCertVerificationError as exc:  # an OSError, but retrying will not fix a certificate
        raise FailedPreconditionError(
            f"STARTTLS with {host}:{port} failed: its certificate does not verify ({exc.verify_message})",
            reason="CHANNEL_REJECTED",
        ) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise ServiceUnavailableError(
            f"SMTP delivery to {host}:{port} failed: {exc!r}", reason="CHANNEL_UNREACHABLE"
        ) from exc
