"""An OpenAI-compatible chat-completions client behind a circuit breaker ("llm") and tenacity retries: the
domain's :class:`~opsuite_ops.domain.chat.ChatModel`.

Works with any OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp, OpenAI) through the ``openai``
SDK. SDK errors become typed opsuite errors, so the breaker counts only server-side faults
(unreachable, timeout, 5xx) and retries happen only on transient ones; the SDK's own retries are
turned off so that there is exactly one retry policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import openai
from openai.types.chat import ChatCompletion

from opsuite_common.errors import (
    DeadlineExceededError,
    FailedPreconditionError,
    OpsuiteError,
    ServiceUnavailableError,
)
from opsuite_common.fairness import waiting_elsewhere
from opsuite_common.resilience import AsyncCircuitBreaker, RetryPolicy

__all__ = ["LlmClient", "LlmSettings"]


@dataclass(frozen=True, slots=True)
class LlmSettings:
    """Where the LLM is and how patient to be with it (from the service settings)."""

    base_url: str
    model: str
    api_key: str = "not-needed"
    timeout_s: float = 20.0
    max_attempts: int = 2
    temperature: float = 0.0
    breaker_fail_max: int = 3
    breaker_reset_s: float = 30.0


def _typed(exc: openai.OpenAIError) -> OpsuiteError:
    if isinstance(exc, openai.APITimeoutError):
        return DeadlineExceededError("the LLM did not answer within its timeout", reason="LLM_TIMEOUT")
    if isinstance(exc, openai.APIConnectionError):
        return ServiceUnavailableError(f"the LLM endpoint is unreachable: {exc}", reason="LLM_UNAVAILABLE")
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code >= 500 or exc.status_code == 429:
            return ServiceUnavailableError(
                f"the LLM endpoint answered HTTP {exc.status_code}", reason="LLM_UNAVAILABLE"
            )
        # 4xx: our request or configuration is wrong (model name, key); retrying will not help.
        return FailedPreconditionError(
            f"the LLM endpoint rejected the request with HTTP {exc.status_code}; check the model and key settings",
            reason="LLM_REJECTED",
        )
    return ServiceUnavailableError(f"LLM call failed: {exc}", reason="LLM_UNAVAILABLE")


class LlmClient:
    """Chat completions with one breaker and one retry policy; share one instance per server."""

    def __init__(
        self,
        settings: LlmSettings,
        *,
        breaker: AsyncCircuitBreaker | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.breaker = breaker or AsyncCircuitBreaker(
            "llm", fail_max=settings.breaker_fail_max, reset_timeout=settings.breaker_reset_s
        )
        self.retry = retry or RetryPolicy(max_attempts=settings.max_attempts, initial_backoff_s=0.05)
        self._client = openai.AsyncOpenAI(
            base_url=settings.base_url,
            api_key=settings.api_key,
            timeout=settings.timeout_s,
            max_retries=0,
        )

    async def chat(
        self,
        messages: Sequence[dict[str, Any]],
        *,
        tools: Sequence[dict[str, Any]] | None = None,
        tool_choice: Any = None,
    ) -> ChatCompletion:
        """One chat completion through the breaker and retries; raises typed opsuite errors."""

        async def once() -> ChatCompletion:
            kwargs: dict[str, Any] = {}
            if tools:
                kwargs["tools"] = list(tools)
            if tool_choice is not None:
                kwargs["tool_choice"] = tool_choice
            try:
                return await self._client.chat.completions.create(
                    model=self.settings.model,
                    messages=list(messages),  # type: ignore[arg-type]
                    temperature=self.settings.temperature,
                    **kwargs,
                )
            except openai.OpenAIError as exc:
                raise _typed(exc) from exc

        # An ``async def`` on purpose: tenacity only awaits coroutine *functions*, not lambdas returning one.
        async def guarded() -> ChatCompletion:
            return await self.breaker.call(once)

        # The vendor's answer (and the retries' backoff) is a wait elsewhere: the Ask's fair-share place goes back,
        # taken back once the whole call is over (outside its timeout, breaker and retries).
        async with waiting_elsewhere():
            return await self.retry.run(guarded)

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._client.close()
