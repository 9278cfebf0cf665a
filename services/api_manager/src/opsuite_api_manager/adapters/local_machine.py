"""The machine the data source policy runs on: real paths, same-file checks, this host's addresses, DNS.

:class:`LocalMachine` is the I/O behind ``domain.source_policy.Machine``; the policy's judging stays pure.
"""

from __future__ import annotations

import os
import socket

from opsuite_common.netguard import IPAddress, system_resolver

__all__ = ["LocalMachine"]


class LocalMachine:
    """The operating system's answers (``os.path``, a bind probe, ``getaddrinfo``)."""

    def realpath(self, path: str) -> str:
        """``path`` with symlinks and ``..`` followed."""
        return os.path.realpath(path)

    def same_file(self, a: str, b: str) -> bool:
        """Whether ``a`` and ``b`` are the same existing file (same inode); False when either is missing."""
        try:
            return os.path.samefile(a, b)
        except OSError:
            return False

    def is_local_address(self, ip: IPAddress) -> bool:
        """Whether ``ip`` is an address of this machine (binding to it succeeds only then)."""
        family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as probe:
                probe.bind((str(ip), 0))
            return True
        except OSError:
            return False

    async def resolve(self, host: str, port: int) -> list[str]:
        """The addresses ``host`` resolves to, through the system resolver."""
        return await system_resolver(host, port)
