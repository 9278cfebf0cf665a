"""Results must fit in one message the caller can receive: one check for every API kind, before the reply.

The gRPC server refuses to send a message larger than ``max_message_bytes``; the caller then sees a
transport error while the execution log says SUCCEEDED. Instead, ``Executor.run`` measures the finished
outcome (SQL rows, script output, HTTP body, workflow output, with its logs and steps) as the response
it would become, and ``Executor.stream`` measures each row batch, before anything is sent. Too big is
:class:`ResultTooLargeError` (RESOURCE_EXHAUSTED, reason RESULT_TOO_LARGE) and the execution is
recorded FAILED. A streamed batch that is too big is split first; only a single row over the limit fails.

The measuring is the servicer layer's (it owns the wire format): it hands in a :class:`ResultSizer`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from opsuite_common.errors import ResultTooLargeError

from .outcomes import Outcome

__all__ = ["RESULT_HEADROOM_BYTES", "ResultLimit", "ResultSizer", "max_result_bytes"]

#: Kept free below the message size for the envelope around a result (stream chunk wrapper, framing).
RESULT_HEADROOM_BYTES = 64 * 1024


def max_result_bytes(max_message_bytes: int) -> int:
    """The largest result for a server whose messages are at most ``max_message_bytes``."""
    return max_message_bytes - min(RESULT_HEADROOM_BYTES, max_message_bytes // 4)


class ResultSizer(Protocol):
    """What would be sent, built once: the message and its encoded size in bytes."""

    def outcome(self, outcome: Outcome) -> tuple[Any, int]:
        """The response that carries ``outcome`` (ExecuteApi, DryRunApi, stream summary) and its size."""
        ...

    def rows(self, rows: list[list[Any]]) -> tuple[Any, int]:
        """One streamed row batch and its size."""
        ...


@dataclass(frozen=True, slots=True)
class ResultLimit:
    """A byte limit and the sizer that measures against it."""

    sizer: ResultSizer
    max_bytes: int

    def check(self, outcome: Outcome, api: str) -> None:
        """Raise ResultTooLargeError when ``outcome`` does not fit in one response; else keep the response
        that was built to measure it on ``outcome.wire``."""
        wire, size = self.sizer.outcome(outcome)
        if size > self.max_bytes:
            raise _too_large(api, size, self.max_bytes, _hint(outcome))
        outcome.wire = wire

    def batches(self, rows: list[list[Any]], api: str) -> Iterator[tuple[list[list[Any]], Any]]:
        """``rows`` as one or more batches that each fit, with the message built for each; a single row
        that cannot fit raises."""
        wire, size = self.sizer.rows(rows)
        if size <= self.max_bytes:
            yield rows, wire
            return
        if len(rows) == 1:
            raise _too_large(api, size, self.max_bytes, "one row is larger than a message; lower max_cell_bytes")
        half = len(rows) // 2
        yield from self.batches(rows[:half], api)
        yield from self.batches(rows[half:], api)


def _hint(outcome: Outcome) -> str:
    if outcome.sql is not None:
        return "lower the API's row limit, select fewer columns or use ExecuteApiStream"
    return "return less output (the API's output cap bounds script output and HTTP bodies)"


def _too_large(api: str, size: int, limit: int, hint: str) -> ResultTooLargeError:
    return ResultTooLargeError(
        f"the result of API '{api}' is {size} bytes, more than the {limit} bytes one message may carry; {hint}",
        metadata={"result_bytes": str(size), "limit_bytes": str(limit)},
    )
