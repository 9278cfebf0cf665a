"""Entry point: ``python -m opsuite_cep.main`` (or the ``opsuite-cep`` script)."""

from __future__ import annotations

import asyncio

from opsuite_cep.config import Settings
from opsuite_cep.server import create_server
from opsuite_common.logging import configure_logging
from opsuite_common.server import ServerHandle, serve

__all__ = ["main"]


def main() -> None:
    """Load settings once, configure logging, serve until SIGTERM/SIGINT."""
    settings = Settings()
    configure_logging("cep", level=settings.log_level, fmt=settings.log_format)

    def ready(handle: ServerHandle) -> None:
        print(f"cep listening on {settings.host}:{handle.port}", flush=True)

    asyncio.run(serve(lambda: create_server(settings), grace_s=settings.grace_s, ready=ready))


if __name__ == "__main__":
    main()
