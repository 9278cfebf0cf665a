"""Entry point: ``python -m opsuite_ops.main`` (or the ``opsuite-ops`` script)."""

from __future__ import annotations

from opsuite_common.server import run_service
from opsuite_ops.config import Settings
from opsuite_ops.server import create_server

__all__ = ["main"]


def main() -> None:
    """Settings from the environment, logging, serve until SIGTERM/SIGINT."""
    run_service("ops", Settings, create_server)


if __name__ == "__main__":
    main()
