"""ops I/O: the api_manager tool catalogue (gRPC) and the OpenAI-compatible LLM client (HTTP)."""

from opsuite_ops.adapters.api_manager import ApiManagerCatalogue, result_to_tool_result, tool_from_api
from opsuite_ops.adapters.llm import LlmClient, LlmSettings

__all__ = ["ApiManagerCatalogue", "LlmClient", "LlmSettings", "result_to_tool_result", "tool_from_api"]
