"""ops use cases (between servicers and db/domain): runs and tools (``runs``), the run records (``run_log``), and
the wiring of one server (``wiring``: :class:`App`, :func:`build_app`)."""

from opsuite_ops.app.runs import RunFilter, RunService, jsonable
from opsuite_ops.app.wiring import App, build_app

__all__ = ["App", "RunFilter", "RunService", "build_app", "jsonable"]
