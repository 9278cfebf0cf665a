"""A first-class fake of a tenant's API registry, and a helper that validates and runs a workflow."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from opsuite_api_manager.domain.workflow import WorkflowEngine, WorkflowResult, validate_workflow
from opsuite_common.errors import NotFoundError, ServiceUnavailableError, ValidationError

Handler = Callable[[dict[str, Any], int], Awaitable[Any]]


@dataclass
class Call:
    """One call the fake received."""

    api: str
    params: dict[str, Any]
    deadline: float
    depth: int


@dataclass
class FakeApis:
    """Async handlers keyed by API name that sleep or fail on command, recording what happened in order.

    ``events`` is the sequence of ("start" | "end", label) pairs, where label is the input's ``label``
    (or the API name): tests assert ordering and overlap from it, never from wall-clock time.
    """

    handlers: dict[str, Handler] = field(default_factory=dict)
    events: list[tuple[str, str]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.add("echo", self._echo)
        self.add("sleep", self._sleep)
        self.add("flaky", self._flaky)
        self.add("bad", self._bad)
        self.add("missing", self._missing)
        self.add("hang", self._hang)
        self.add("boom", self._boom)

    def add(self, name: str, handler: Handler) -> None:
        """Register an API."""
        self.handlers[name] = handler

    def exists(self, name: str) -> bool:
        """The ``api_exists`` callback for validation."""
        return name in self.handlers

    async def call(self, api: str, params: dict[str, Any], deadline: float, depth: int) -> Any:
        """The ``call_api`` callback for the engine."""
        self.calls.append(Call(api, params, deadline, depth))
        label = str(params.get("label", api))
        self.events.append(("start", label))
        try:
            handler = self.handlers.get(api)
            if handler is None:
                raise NotFoundError(f"API {api!r} not found")
            return await handler(params, depth)
        finally:
            self.events.append(("end", label))

    def index(self, kind: str, label: str) -> int:
        """Position of the first ``kind`` event for ``label``."""
        return self.events.index((kind, label))

    def count(self, api: str) -> int:
        """How many times ``api`` was called."""
        return sum(1 for c in self.calls if c.api == api)

    async def _echo(self, params: dict[str, Any], depth: int) -> Any:
        return dict(params)

    async def _sleep(self, params: dict[str, Any], depth: int) -> Any:
        await asyncio.sleep(float(params.get("s", 0.05)))
        return {"slept": params.get("label")}

    async def _flaky(self, params: dict[str, Any], depth: int) -> Any:
        """Fails with a transient error the first ``fail_times`` calls per label, then succeeds."""
        label = str(params.get("label", "flaky"))
        self.failures[label] = self.failures.get(label, 0) + 1
        if self.failures[label] <= int(params.get("fail_times", 0)):
            if params.get("error") == "validation":
                raise ValidationError("bad input for flaky")
            raise ServiceUnavailableError("flaky is down")
        return {"ok": True, "calls": self.failures[label]}

    async def _bad(self, params: dict[str, Any], depth: int) -> Any:
        raise ValidationError("param 'x' is required")

    async def _missing(self, params: dict[str, Any], depth: int) -> Any:
        raise NotFoundError("row 7 not found")

    async def _hang(self, params: dict[str, Any], depth: int) -> Any:
        await asyncio.sleep(3600)

    async def _boom(self, params: dict[str, Any], depth: int) -> Any:
        raise RuntimeError("secret internals")


@pytest.fixture
def apis() -> FakeApis:
    return FakeApis()


RunWorkflow = Callable[..., Awaitable[WorkflowResult]]


@pytest.fixture
def run_workflow(apis: FakeApis) -> RunWorkflow:
    """Validate a spec dict against the fake registry and run it (deadline 10 s unless given)."""

    async def run(
        spec: dict[str, Any],
        params: dict[str, Any] | None = None,
        *,
        timeout: float = 10.0,
        depth: int = 0,
        max_depth: int = 5,
        engine: WorkflowEngine | None = None,
    ) -> WorkflowResult:
        parsed = validate_workflow(spec, apis.exists, max_steps=100, max_depth=100)
        return await (engine or WorkflowEngine()).run(
            parsed,
            params or {},
            call_api=apis.call,
            depth=depth,
            max_depth=max_depth,
            deadline=time.monotonic() + timeout,
        )

    return run
