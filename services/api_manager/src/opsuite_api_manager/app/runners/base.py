"""What every per-kind runner offers the executor: run one admitted execution, return its outcome."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from ..admission import Prepared
from ..outcomes import Outcome
from ..recording import RunState

__all__ = ["CallNested", "KindRunner"]

#: ``call_nested(parent, name, params, deadline, depth)``: run another API of the parent's tenant (a workflow
#: step or ``ctx.call_api``), recorded like any execution; returns its JSON.
CallNested = Callable[[RunState, str, dict[str, Any], float, int], Awaitable[Any]]


class KindRunner(Protocol):
    """Runs an admitted execution of one API kind (SQL, SCRIPT, HTTP, WORKFLOW)."""

    async def run(self, run: RunState, prepared: Prepared, params: dict[str, Any], input: Any) -> Outcome:
        """Do the work of ``run`` with validated ``params``; its outcome, or raise its error."""
        ...
