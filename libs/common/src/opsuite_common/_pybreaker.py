"""pybreaker, imported without its optional Redis storage.

pybreaker imports ``redis`` at import time when it is installed (for ``CircuitRedisStorage``, which
opsuite does not use), and redis-py in turn imports OpenTelemetry: about 24 MB of idle memory in every
service, including those that never talk to Redis. ``redis`` is hidden while pybreaker is imported and
put back at once, so ``opsuite_common.ratelimit_redis`` still imports it when Redis is configured.
"""

from __future__ import annotations

import sys

__all__ = ["pybreaker"]

if "pybreaker" in sys.modules or "redis" in sys.modules:
    import pybreaker
else:
    sys.modules["redis"] = None  # type: ignore[assignment]  # "import redis" raises ImportError
    try:
        import pybreaker
    finally:
        del sys.modules["redis"]
