"""Entry point: ``python -m opsuite_api_manager.main`` (or the ``opsuite-api-manager`` script)."""

from __future__ import annotations

from opsuite_api_manager.config import Settings
from opsuite_api_manager.server import create_server
from opsuite_common.server import run_service

__all__ = ["main"]


def main() -> None:
    """Settings from the environment, logging, serve until SIGTERM/SIGINT."""
    run_service("api_manager", Settings, create_server)


if __name__ == "__main__":
    main()
