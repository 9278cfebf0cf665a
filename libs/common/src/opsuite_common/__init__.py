"""opsuite_common: what every opsuite service shares.

Submodules are imported explicitly (``from opsuite_common.errors import NotFoundError``) so that
pure domain code can use ``errors`` without pulling in grpc.
"""

__all__: list[str] = []
