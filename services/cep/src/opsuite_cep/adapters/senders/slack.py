"""The ``slack`` channel kind: the notification's summary line posted to an incoming-webhook URL."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from opsuite_cep.adapters.senders.base import Post, summary

__all__ = ["send_slack"]


async def send_slack(post: Post, config: Mapping[str, Any], payload: Mapping[str, Any]) -> None:
    """POST ``{"text": <summary>}`` to the channel's URL."""
    body = json.dumps({"text": summary(payload)}).encode()
    await post(str(config["url"]), body, {"Content-Type": "application/json"})
