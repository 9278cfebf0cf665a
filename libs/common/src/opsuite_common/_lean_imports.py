"""Keep optional extras of our dependencies out of a service's memory.

structlog and httpx import rich (httpx also click and pygments, for its command line) when installed, and
alembic's template engine imports pygments: for tracebacks, a command line and error pages that no service
uses (our logging renders plain tracebacks). rich is installed wherever the opsuite CLI is, so a service in
the same environment paid about 8 MB of idle memory for them. ``without`` hides such modules while a
dependency is first imported; the dependency then takes the path it takes when they are absent, and they
stay importable for the CLI.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

#: What the services never use from their dependencies' optional imports.
UNUSED_EXTRAS = ("rich", "pygments", "click")


@contextlib.contextmanager
def without(*names: str) -> Iterator[None]:
    """Make ``names`` (not yet imported) unimportable while the block runs."""
    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # the import system's "not importable" marker
    try:
        yield
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
