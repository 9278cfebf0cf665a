"""The ``slack`` channel kind: the channel's ``template`` (or the summary line) posted to an incoming-webhook URL."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from opsuite_cep.adapters.senders.base import Post, render_text, summary

__all__ = ["send_slack"]


async def send_slack(post: Post, config: Mapping[str, Any], payload: Mapping[str, Any]) -> None:
    """POST ``{"text": ...}`` to the channel's URL: its rendered ``template``, or the summary line."""
    text = render_text(config, payload)
    body = json.dumps({"text": summary(payload) if text is None else text}).encode()
    await post(str(config["url"]), body, {"Content-Type": "application/json"})
