"""The ``webhook`` channel kind: the notification as JSON, signed with the channel's secret when it has one.

A channel with a ``template`` adds its rendered text to the payload as ``text``. With ``format:
alertmanager`` the body is Alertmanager's webhook payload, version 4 (:mod:`.alertmanager`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from opsuite_cep.adapters.senders.alertmanager import alertmanager_payload
from opsuite_cep.adapters.senders.base import Post, render_text
from opsuite_common.netguard import FORBIDDEN_REQUEST_HEADERS

__all__ = ["SIGNATURE_HEADER", "send_webhook"]

SIGNATURE_HEADER = "X-Opsuite-Signature"


async def send_webhook(post: Post, config: Mapping[str, Any], payload: Mapping[str, Any]) -> None:
    """POST ``payload`` with the configured headers, the notification id and the HMAC-SHA256 signature."""
    if config.get("format") == "alertmanager":
        body = json.dumps(alertmanager_payload(config, payload)).encode()
    else:
        text = render_text(config, payload)
        body = json.dumps(payload if text is None else {**payload, "text": text}, default=str).encode()
    configured = {**dict(config.get("headers") or {}), **dict(config.get("secret_headers") or {})}
    headers = {
        "Content-Type": "application/json",
        # Refused at save since they were checked; a config stored before still never sets them.
        **{k: v for k, v in configured.items() if str(k).lower() not in FORBIDDEN_REQUEST_HEADERS},
    }
    if payload.get("notification_id"):
        headers["X-Opsuite-Notification-Id"] = str(payload["notification_id"])
    if config.get("secret"):
        digest = hmac.new(str(config["secret"]).encode(), body, hashlib.sha256).hexdigest()
        headers[SIGNATURE_HEADER] = f"sha256={digest}"
    await post(str(config["url"]), body, headers)
