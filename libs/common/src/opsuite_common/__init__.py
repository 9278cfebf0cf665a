"""opsuite_common: what every opsuite service shares.

Submodules are imported explicitly (``from opsuite_common.errors import NotFoundError``) so that
pure domain code can use ``errors`` without pulling in grpc.
"""

from opsuite_common._lean_imports import UNUSED_EXTRAS as _UNUSED_EXTRAS
from opsuite_common._lean_imports import without as _without

# First imported here, without their optional extras (see _lean_imports).
with _without(*_UNUSED_EXTRAS):
    import httpx as _httpx  # noqa: F401
    import structlog as _structlog  # noqa: F401

__all__: list[str] = []
