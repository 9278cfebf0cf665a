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

The values of a window ``quantile_over_time`` reads are also kept in order as they come and go (an insert
and a removal by bisection), so a quantile costs no sort per event; NaN orders before every number, as
Prometheus' ``quantile`` sorts them.

Bounds, counted in the rule's stats (GetRuleStats): ``Limits.max_window_values`` samples per window and group
(the oldest dropped, counted as dropped); ``Limits.max_keys_per_rule`` groups (the least recently updated
evicted, counted as evicted); and ``Limits.max_window_samples`` samples in all the rule's windows of all its
groups together (``OPSUITE_CEP_MAX_WINDOW_SAMPLES_PER_RULE``), which bounds the rule's memory and its part
of the checkpoint: a sample that would pass it evicts the least recently updated groups first, whole, as a
new group beyond ``max_keys_per_rule`` does (counted as evicted; such a group starts again from no samples,
so its ``rate`` has no value until it has two); only when the event's own group holds the whole budget is
its window's oldest sample dropped instead (counted as dropped). A group with no event for the longest window
is forgotten (its samples could not be read again).
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections import OrderedDict, deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from opsuite_cep.domain.events import Event, compile_path
from opsuite_cep.domain.expr_ast import is_number
from opsuite_cep.domain.rules import Limits
from opsuite_cep.domain.stats import RuleStats

__all__ = ["WINDOW_EVALUATORS", "Sample", "SeriesStore", "Window", "WindowFn", "extrapolated_rate", "number"]

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
    if isinstance(samples, Window) and samples.ordered is not None:
        nans, ordered = samples.nans, samples.ordered
    else:
        values = _values(samples)
        ordered = sorted(v for v in values if not math.isnan(v))
        nans = len(values) - len(ordered)
    n = nans + len(ordered)
    rank = q * (n - 1)
    lower = max(0, math.floor(rank))
    upper = min(n - 1, lower + 1)
    weight = rank - math.floor(rank)

    def at(i: int) -> float:  # NaN first, as Prometheus sorts
        return math.nan if i < nans else ordered[i - nans]

    return at(lower) * (1 - weight) + at(upper) * weight


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


class Window(deque[Sample]):
    """The samples of one window of one group, oldest first; for a window a quantile reads, also its values in
    order (``ordered``, NaN left out and counted in ``nans``), kept by :class:`SeriesStore` as samples come
    and go."""

    __slots__ = ("nans", "ordered")

    def __init__(self, samples: Iterable[Sample] = (), *, ordered: bool = False) -> None:
        super().__init__(samples)
        self.nans = 0
        self.ordered: list[float] | None = None
        if ordered:
            values = [v for _, v in self]
            self.ordered = sorted(v for v in values if not math.isnan(v))
            self.nans = len(values) - len(self.ordered)

    def add(self, sample: Sample) -> None:
        """Append the newest sample."""
        self.append(sample)
        if self.ordered is not None:
            self._insert(sample[1])

    def replace_last(self, sample: Sample) -> None:
        """Replace the newest sample (one sample per instant)."""
        old = self[-1]
        self[-1] = sample
        if self.ordered is not None:
            self._remove(old[1])
            self._insert(sample[1])

    def drop_oldest(self) -> None:
        """Remove the oldest sample."""
        old = self.popleft()
        if self.ordered is not None:
            self._remove(old[1])

    def _insert(self, value: float) -> None:
        ordered = self.ordered
        assert ordered is not None
        if math.isnan(value):
            self.nans += 1
        else:
            insort(ordered, value)

    def _remove(self, value: float) -> None:
        if math.isnan(value):
            self.nans -= 1
            return
        ordered = self.ordered
        assert ordered is not None
        del ordered[bisect_left(ordered, value)]


@dataclass(slots=True)
class _Group:
    last: float
    series: list[Window]

    def samples(self) -> int:
        return sum(len(w) for w in self.series)


class SeriesStore:
    """Per group, the samples of each window a THRESHOLD condition reads (``windows``: ``(path, seconds)``;
    ``ordered``: the indexes of the windows whose values a quantile reads in order)."""

    def __init__(
        self,
        windows: Sequence[tuple[str, float]],
        limits: Limits,
        stats: RuleStats,
        ordered: Collection[int] = (),
    ) -> None:
        self._windows = [(compile_path(path), seconds) for path, seconds in windows]
        self._ordered = [i in ordered for i in range(len(windows))]
        self._horizon = max(seconds for _, seconds in windows)
        self._max_keys, self._max_values, self._stats = limits.max_keys_per_rule, limits.max_window_values, stats
        self._budget = limits.max_window_samples
        self._groups: OrderedDict[str, _Group] = OrderedDict()
        #: Samples held in all windows of all groups (bounded by ``max_window_samples``).
        self.samples = 0

    def __len__(self) -> int:
        return len(self._groups)

    def _new_group(self, t: float, series: Iterable[Iterable[Sample]] | None = None) -> _Group:
        windows = series if series is not None else ((),) * len(self._windows)
        return _Group(t, [Window(s, ordered=o) for s, o in zip(windows, self._ordered, strict=True)])

    def _forget_oldest(self) -> _Group:
        _, group = self._groups.popitem(last=False)
        self.samples -= group.samples()
        return group

    def update(self, key: str, event: Event) -> list[Window]:
        """Add the event's samples to its group's windows, drop those the windows left; the group's series."""
        t = event.time
        groups = self._groups
        while groups:  # forget groups whose every sample is out of every window (least recently updated first)
            first = next(iter(groups.values()))
            if first.last >= t - self._horizon:
                break
            self._forget_oldest()
        group = groups.get(key)
        if group is None:
            if len(groups) >= self._max_keys:
                self._forget_oldest()
                self._stats.evicted += 1
            group = groups[key] = self._new_group(t)
        else:
            groups.move_to_end(key)
            group.last = t
        for (get, seconds), samples in zip(self._windows, group.series, strict=True):
            start = t - seconds
            while samples and samples[0][0] < start:
                samples.drop_oldest()
                self.samples -= 1
            value = number(get(event))
            if value is None:
                continue
            if samples and samples[-1][0] == t:
                samples.replace_last((t, value))
                continue
            if len(samples) >= self._max_values:
                samples.drop_oldest()
                self.samples -= 1
                self._stats.dropped += 1
            elif self.samples >= self._budget:
                self._make_room(group, samples)
            samples.add((t, value))
            self.samples += 1
        return group.series

    def _make_room(self, group: _Group, samples: Window) -> None:
        """Free one sample of the rule's budget: the least recently updated other groups go first, whole (as
        a group beyond ``max_keys_per_rule``); the event's own group only when it holds the whole budget."""
        groups = self._groups
        while self.samples >= self._budget and next(iter(groups.values())) is not group:
            self._forget_oldest()
            self._stats.evicted += 1
        if self.samples >= self._budget:  # only this group is left: its oldest sample goes (of this window)
            victim = samples if samples else max(group.series, key=len)
            victim.drop_oldest()
            self.samples -= 1
            self._stats.dropped += 1

    def snapshot(self) -> list[Any]:
        """JSON-serialisable groups, least recently updated first."""
        return [[key, g.last, [[list(s) for s in samples] for samples in g.series]] for key, g in self._groups.items()]

    def restore(self, data: Sequence[Any]) -> None:
        """Replace the groups from :meth:`snapshot`; a snapshot over today's budget keeps its most recent groups,
        and the most recent alone over it its newest samples (as :meth:`_make_room` does)."""
        self._groups = OrderedDict(
            (str(key), self._new_group(float(last), [((float(t), float(v)) for t, v in s) for s in series]))
            for key, last, series in data
            if len(series) == len(self._windows)
        )
        self.samples = sum(g.samples() for g in self._groups.values())
        while self.samples > self._budget and len(self._groups) > 1:  # a lowered budget (stats are restored after)
            self._forget_oldest()
        if self.samples > self._budget:  # the newest group alone is over it: its oldest samples go
            group = next(iter(self._groups.values()))
            while self.samples > self._budget:
                max(group.series, key=len).drop_oldest()
                self.samples -= 1
