"""Entry point: ``python -m opsuite_api_manager.main`` (or the ``opsuite-api-manager`` script)."""

from __future__ import annotations

import asyncio

from opsuite_api_manager.config import Settings
from opsuite_api_manager.server import create_server
from opsuite_common.logging import configure_logging
from opsuite_common.server import ServerHandle, serve

__all__ = ["main"]


def main() -> None:
    """Load settings once, configure logging, serve until SIGTERM/SIGINT."""
    settings = Settings()
    configure_logging("api_manager", level=settings.log_level, fmt=settings.log_format)

    def ready(handle: ServerHandle) -> None:
        print(f"api_manager listening on {settings.host}:{handle.port}", flush=True)

    asyncio.run(serve(lambda: create_server(settings), grace_s=settings.grace_s, ready=ready))


if __name__ == "__main__":
    main()
