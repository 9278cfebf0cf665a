"""Entry point: ``python -m opsuite_ops.main`` (or the ``opsuite-ops`` script)."""

from __future__ import annotations

import asyncio

from opsuite_common.logging import configure_logging
from opsuite_common.server import ServerHandle, serve
from opsuite_ops.config import Settings
from opsuite_ops.server import create_server

__all__ = ["main"]


def main() -> None:
    """Load settings once, configure logging, serve until SIGTERM/SIGINT."""
    settings = Settings()
    configure_logging("ops", level=settings.log_level, fmt=settings.log_format)

    def ready(handle: ServerHandle) -> None:
        print(f"ops listening on {settings.host}:{handle.port}", flush=True)

    asyncio.run(serve(lambda: create_server(settings), grace_s=settings.grace_s, ready=ready))


if __name__ == "__main__":
    main()
