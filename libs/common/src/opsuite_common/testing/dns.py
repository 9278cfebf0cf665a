"""A DNS of a test's own, for the ``resolver`` hook of ``opsuite_common.netguard`` and its users."""

from __future__ import annotations

import socket

__all__ = ["TableResolver"]


class TableResolver:
    """Each name answers its list of replies in turn (the last one repeats); other names do not resolve.

    Names the system cannot resolve (``api.test``) make a useful probe: reaching a server proves the
    connection went to this resolver's answer. ``lookups`` records every name asked for.
    """

    def __init__(self, table: dict[str, list[list[str]]]) -> None:
        self.table = table
        self.lookups: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        replies = self.table[host]
        return replies.pop(0) if len(replies) > 1 else replies[0]
