"""ops I/O: the api_manager tool catalogue (gRPC) and the OpenAI-compatible LLM client (HTTP).

The LLM client is imported from ``opsuite_ops.adapters.llm`` where it is used: ``openai`` costs about
40 MB of memory, which a service without an LLM configured never pays.
"""

from opsuite_ops.adapters.api_manager import ApiManagerCatalogue, result_to_tool_result, tool_from_api

__all__ = ["ApiManagerCatalogue", "result_to_tool_result", "tool_from_api"]
