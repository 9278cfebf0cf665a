"""The ``api`` channel kind: run an api_manager API with the channel's params and the alert."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from opsuite_common.errors import ServiceUnavailableError

__all__ = ["ExecuteApi", "send_api"]

#: ``(tenant, api name, params)`` -> run the API (``ApiManagerCaller.execute``).
ExecuteApi = Callable[[str, str, Mapping[str, Any]], Any]


async def send_api(
    execute_api: ExecuteApi | None, tenant: str, config: Mapping[str, Any], payload: Mapping[str, Any]
) -> None:
    """Execute ``config["api"]`` with ``config["params"]`` plus ``alert``; UNAVAILABLE without a client."""
    if execute_api is None:
        raise ServiceUnavailableError("no api_manager client is configured", reason="API_MANAGER_NOT_CONFIGURED")
    params = {**dict(config.get("params") or {}), "alert": dict(payload)}
    await execute_api(tenant, str(config["api"]), params)
