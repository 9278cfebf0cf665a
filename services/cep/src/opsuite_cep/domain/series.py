"""The samples behind the window functions of a THRESHOLD condition, and the functions, with PromQL's meanings.

**The window is on event time.** Evaluating the condition at an event of time ``t``, ``x[5m]`` holds the
samples of attribute ``x`` from the rule's events of the same group (after ``where``) with a time in
``[t - 5m, t]``: both ends included, as Prometheus 2.x (Prometheus 3 leaves the start out), and the event
being evaluated included. A sample is the attribute's value when it is a number (a bool is not); an event
without one adds none. One sample per instant: a later event with the same time replaces its value.

**Evaluated at events, not on a clock.** Prometheus evaluates a rule every interval; cep evaluates a group's
condition at each of its events, so a window function's value is that of the group's last event until the
next one (``for`` and ``keep_firing_for`` still fire on the watermark).

**rate and increase** are Prometheus 2.42's ``extrapolatedRate``: with ``n >= 2`` samples ``(t1, v1) ...
(tn, vn)`` in the window, ``increase = vn - v1`` plus, for each counter reset (a sample below the one before
it), the value before the reset; then extrapolated towards the window's ends: each end by the gap to it when
that gap is under 1.1 times the average spacing of the samples, else by half the average spacing, and the
start never past the point where the counter would have been zero (``t1 - (tn - t1) * v1 / increase``, when
``v1 >= 0``); the increase is scaled by that interval over ``tn - t1``. ``rate = increase / window``. Later
Prometheus versions (prometheus/prometheus#13725) apply the zero-point limit after the half-spacing rule.
Fewer than two samples: no value.

**\\*_over_time** (``avg min max sum count stddev last``, ``quantile_over_time(φ, x[w])``) work on the window's
values: ``avg`` the mean, ``stddev`` the population standard deviation, ``quantile`` interpolates between
the closest ranks (``φ·(n-1)``), as Prometheus. An empty window has no value (so no comparison holds: like
PromQL, ``count_over_time(x[5m]) < 1`` never fires).

Bounds: ``Limits.max_window_values`` samples per window and group (the oldest dropped, counted as dropped),
``Limits.max_keys_per_rule`` groups (the least recently updated evicted, counted as evicted); a group with no
event for the longest window is forgotten (its samples could not be read again).
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from opsuite_cep.domain.events import Event, compile_path
from opsuite_cep.domain.expr_ast import is_number
from opsuite_cep.domain.rules import Limits
from opsuite_cep.domain.stats import RuleStats

__all__ = ["WINDOW_EVALUATORS", "Sample", "SeriesStore", "WindowFn", "extrapolated_rate", "number"]

Sample: TypeAlias = tuple[float, float]
#: ``(samples, start, end, window seconds, parameter) -> value or None``.
WindowFn: TypeAlias = Callable[[Sequence[Sample], float, float, float, float], float | None]


def number(value: object) -> float | None:
    """``value`` as a float when it is a number (not a bool); a huge integer becomes ±Inf."""
    if isinstance(value, float):
        return value
    if not is_number(value):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except OverflowError:
        return math.inf if value > 0 else -math.inf  # type: ignore[operator]


def extrapolated_rate(
    samples: Sequence[Sample], start: float, end: float, seconds: float, *, counter: bool, rate: bool
) -> float | None:
    """Prometheus 2.42's ``extrapolatedRate`` over samples in ``[start, end]`` (see the module docstring)."""
    n = len(samples)
    if n < 2:
        return None
    (t1, v1), (tn, vn) = samples[0], samples[-1]
    result = vn - v1
    if counter:
        last = 0.0
        for _, value in samples:
            if value < last:
                result += last
            last = value
    to_start, to_end = t1 - start, end - tn
    sampled = tn - t1
    average = sampled / (n - 1)
    if counter and result > 0 and v1 >= 0:
        to_start = min(to_start, sampled * (v1 / result))
    threshold = average * 1.1
    interval = sampled
    interval += to_start if to_start < threshold else average / 2
    interval += to_end if to_end < threshold else average / 2
    result *= interval / sampled
    return result / seconds if rate else result


def _values(samples: Sequence[Sample]) -> list[float]:
    return [v for _, v in samples]


def _avg(samples: Sequence[Sample]) -> float | None:
    return math.fsum(_values(samples)) / len(samples) if samples else None


def _stddev(samples: Sequence[Sample]) -> float | None:
    if not samples:
        return None
    values = _values(samples)
    mean = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))


def _quantile(samples: Sequence[Sample], q: float) -> float | None:
    if not samples:
        return None
    values = sorted(_values(samples))
    rank = q * (len(values) - 1)
    lower = max(0, math.floor(rank))
    upper = min(len(values) - 1, lower + 1)
    weight = rank - math.floor(rank)
    return values[lower] * (1 - weight) + values[upper] * weight


WINDOW_EVALUATORS: Mapping[str, WindowFn] = {
    "rate": lambda s, a, b, w, _q: extrapolated_rate(s, a, b, w, counter=True, rate=True),
    "increase": lambda s, a, b, w, _q: extrapolated_rate(s, a, b, w, counter=True, rate=False),
    "avg_over_time": lambda s, *_: _avg(s),
    "min_over_time": lambda s, *_: min(_values(s)) if s else None,
    "max_over_time": lambda s, *_: max(_values(s)) if s else None,
    "sum_over_time": lambda s, *_: math.fsum(_values(s)) if s else None,
    "count_over_time": lambda s, *_: float(len(s)) if s else None,
    "stddev_over_time": lambda s, *_: _stddev(s),
    "last_over_time": lambda s, *_: s[-1][1] if s else None,
    "quantile_over_time": lambda s, _a, _b, _w, q: _quantile(s, q),
}


@dataclass(slots=True)
class _Group:
    last: float
    series: list[deque[Sample]]


class SeriesStore:
    """Per group, the samples of each window a THRESHOLD condition reads (``windows``: ``(path, seconds)``)."""

    def __init__(self, windows: Sequence[tuple[str, float]], limits: Limits, stats: RuleStats) -> None:
        self._windows = [(compile_path(path), seconds) for path, seconds in windows]
        self._horizon = max(seconds for _, seconds in windows)
        self._max_keys, self._max_values, self._stats = limits.max_keys_per_rule, limits.max_window_values, stats
        self._groups: OrderedDict[str, _Group] = OrderedDict()

    def __len__(self) -> int:
        return len(self._groups)

    def update(self, key: str, event: Event) -> list[deque[Sample]]:
        """Add the event's samples to its group's windows, drop those the windows left; the group's series."""
        t = event.time
        groups = self._groups
        while groups:  # forget groups whose every sample is out of every window (least recently updated first)
            first = next(iter(groups.values()))
            if first.last >= t - self._horizon:
                break
            groups.popitem(last=False)
        group = groups.get(key)
        if group is None:
            if len(groups) >= self._max_keys:
                groups.popitem(last=False)
                self._stats.evicted += 1
            group = groups[key] = _Group(t, [deque() for _ in self._windows])
        else:
            groups.move_to_end(key)
            group.last = t
        for (get, seconds), samples in zip(self._windows, group.series, strict=True):
            value = number(get(event))
            if value is not None:
                if samples and samples[-1][0] == t:
                    samples[-1] = (t, value)
                else:
                    if len(samples) >= self._max_values:
                        samples.popleft()
                        self._stats.dropped += 1
                    samples.append((t, value))
            start = t - seconds
            while samples and samples[0][0] < start:
                samples.popleft()
        return group.series

    def snapshot(self) -> list[Any]:
        """JSON-serialisable groups, least recently updated first."""
        return [[key, g.last, [[list(s) for s in samples] for samples in g.series]] for key, g in self._groups.items()]

    def restore(self, data: Sequence[Any]) -> None:
        """Replace the groups from :meth:`snapshot`."""
        self._groups = OrderedDict(
            (str(key), _Group(float(last), [deque((float(t), float(v)) for t, v in s) for s in series]))
            for key, last, series in data
            if len(series) == len(self._windows)
        )
