"""What the LLM planner and composer need from a chat model: one chat-completions call.

The client that speaks to a real endpoint (breaker, retries, typed errors) is
:class:`opsuite_ops.adapters.llm.LlmClient`; the domain only sees this protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # openai is imported only when an LLM is configured (adapters/llm.py)
    from openai.types.chat import ChatCompletion

__all__ = ["ChatModel"]


class ChatModel(Protocol):
    """An OpenAI-compatible chat-completions call that raises typed opsuite errors."""

    async def chat(
        self,
        messages: Sequence[dict[str, Any]],
        *,
        tools: Sequence[dict[str, Any]] | None = None,
        tool_choice: Any = None,
    ) -> ChatCompletion:
        """One chat completion."""
        ...
