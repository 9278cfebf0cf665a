"""Window aggregates (docs/cep-semantics.md, Windows #18): avg is the arithmetic mean, p95/p99
nearest-rank, stddev population."""

from __future__ import annotations

import bisect
import math
import operator
from collections.abc import Callable
from typing import Any

from opsuite_cep.domain.rules import Aggregate

__all__ = ["COMPARE", "Accumulator", "nearest_rank"]

COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def nearest_rank(ordered: list[float], q: float) -> float:
    """The nearest-rank percentile: the value at rank ``ceil(q * n)`` (1-based) of sorted values."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


class Accumulator:
    """Running count, sum, min, max and Welford variance; sorted values only for percentiles."""

    __slots__ = ("count", "m2", "maximum", "mean", "minimum", "total", "values")

    def __init__(self, keep_values: bool) -> None:
        self.count = 0
        self.total = 0.0
        self.mean = 0.0
        self.m2 = 0.0
        self.minimum = math.inf
        self.maximum = -math.inf
        self.values: list[float] | None = [] if keep_values else None

    def add(self, x: float, max_values: int) -> bool:
        """Add a sample; return False if the percentile buffer is full and the sample was dropped."""
        if self.values is not None:
            if len(self.values) >= max_values:
                return False
            bisect.insort(self.values, x)
        self.count += 1
        self.total += x
        delta = x - self.mean
        self.mean += delta / self.count
        self.m2 += delta * (x - self.mean)
        self.minimum = min(self.minimum, x)
        self.maximum = max(self.maximum, x)
        return True

    def result(self, fn: Aggregate) -> float | None:
        """The aggregate value; None for an empty window (except count, which is 0)."""
        if fn is Aggregate.COUNT:
            return float(self.count)
        if self.count == 0:
            return None
        if fn is Aggregate.SUM:
            return self.total
        if fn is Aggregate.AVG:
            return self.total / self.count
        if fn is Aggregate.MIN:
            return self.minimum
        if fn is Aggregate.MAX:
            return self.maximum
        if fn is Aggregate.STDDEV:
            return math.sqrt(max(self.m2, 0.0) / self.count)
        assert self.values is not None
        return nearest_rank(self.values, 0.95 if fn is Aggregate.P95 else 0.99)

    def to_list(self) -> list[Any]:
        """JSON-serialisable state (infinities become None)."""
        finite = math.isfinite
        return [
            self.count,
            self.total,
            self.mean,
            self.m2,
            self.minimum if finite(self.minimum) else None,
            self.maximum if finite(self.maximum) else None,
            self.values,
        ]

    @classmethod
    def from_list(cls, data: list[Any]) -> Accumulator:
        """Inverse of :meth:`to_list`."""
        acc = cls(keep_values=data[6] is not None)
        acc.count, acc.total, acc.mean, acc.m2 = int(data[0]), data[1], data[2], data[3]
        acc.minimum = math.inf if data[4] is None else data[4]
        acc.maximum = -math.inf if data[5] is None else data[5]
        acc.values = None if data[6] is None else [float(x) for x in data[6]]
        return acc
