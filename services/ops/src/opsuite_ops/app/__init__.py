"""ops use cases (between servicers and db/domain) and the api_manager tool catalogue adapter."""

from opsuite_ops.app.api_manager import ApiManagerCatalogue, result_to_tool_result, tool_from_api
from opsuite_ops.app.service import OpsApp, build_app, jsonable

__all__ = ["ApiManagerCatalogue", "OpsApp", "build_app", "jsonable", "result_to_tool_result", "tool_from_api"]
