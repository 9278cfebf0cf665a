"""Entry point: ``python -m opsuite_cep.main`` (or the ``opsuite-cep`` script)."""

from __future__ import annotations

from opsuite_cep.config import Settings
from opsuite_cep.server import create_server
from opsuite_common.server import run_service

__all__ = ["main"]


def main() -> None:
    """Settings from the environment, logging, serve until SIGTERM/SIGINT."""
    run_service("cep", Settings, create_server)


if __name__ == "__main__":
    main()
