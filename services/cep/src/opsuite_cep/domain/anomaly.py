"""ANOMALY rules: an online baseline per group key, EWMA z-score or median/MAD (docs/cep-semantics.md, Anomaly #23).

* EWMA: mean ``m`` and exponentially weighted variance ``v`` with smoothing ``alpha``. The first sample
  sets ``m = x, v = 0``; later ones ``d = x - m; m += alpha*d; v = (1 - alpha) * (v + alpha*d*d)``.
  ``z = (x - m) / sqrt(v)``.
* MAD: the last ``window`` samples; ``z = 0.6745 * (x - median) / MAD`` (the modified z-score).
* A sample is scored against the baseline **before** it is added. Samples ``1..min_samples`` are
  warm-up only, so the first scored sample is number ``min_samples + 1``.
* A zero spread gives ``z = 0`` for a value equal to the baseline and ``+/-inf`` otherwise (any
  deviation from a perfectly flat baseline is anomalous).
* The rule fires when ``abs(z) >= threshold``; the alert is a signal alert (#22).
"""

from __future__ import annotations

import math
import statistics
from collections import OrderedDict, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from opsuite_cep.domain.evaluator import Evaluator, GroupKey
from opsuite_cep.domain.events import Event, compile_path
from opsuite_cep.domain.results import IngestResult
from opsuite_cep.domain.rules import AnomalyMethod, AnomalySpec
from opsuite_cep.domain.stats import StateSize
from opsuite_cep.domain.timers import Timer

__all__ = ["AnomalyEvaluator", "Baseline"]

_MAD_SCALE = 0.6745


def _z(deviation: float, spread: float) -> float:
    if spread > 0:
        return deviation / spread
    return 0.0 if deviation == 0 else math.copysign(math.inf, deviation)


@dataclass(slots=True)
class Baseline:
    """One key's baseline: sample count, EWMA mean/variance and (for MAD) recent samples."""

    count: int = 0
    mean: float = 0.0
    var: float = 0.0
    recent: deque[float] = field(default_factory=deque)

    def score(self, x: float, method: AnomalyMethod) -> tuple[float, dict[str, float]]:
        """The z-score of ``x`` against the current baseline, plus the baseline values reported."""
        if method is AnomalyMethod.EWMA:
            std = math.sqrt(self.var)
            return _z(x - self.mean, std), {"mean": self.mean, "stddev": std}
        median = statistics.median(self.recent)
        mad = statistics.median(abs(v - median) for v in self.recent)
        return _z(_MAD_SCALE * (x - median), mad), {"median": median, "mad": mad}

    def update(self, x: float, spec: AnomalySpec) -> None:
        """Add ``x`` to the baseline."""
        self.count += 1
        if spec.method is AnomalyMethod.MAD:
            self.recent.append(x)
            while len(self.recent) > spec.window:
                self.recent.popleft()
        elif self.count == 1:
            self.mean, self.var = x, 0.0
        else:
            diff = x - self.mean
            incr = spec.alpha * diff
            self.mean += incr
            self.var = (1 - spec.alpha) * (self.var + diff * incr)


class AnomalyEvaluator(Evaluator):
    """Scores each sample of a group against its own baseline."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        spec = self.rule.spec
        assert isinstance(spec, AnomalySpec)
        self.spec = spec
        self._value = compile_path(spec.field)
        self._groups = GroupKey(spec.group_by)
        self._baselines: OrderedDict[str, tuple[dict[str, str], Baseline]] = OrderedDict()

    def on_event(self, event: Event, out: IngestResult) -> None:
        """Score (after warm-up), maybe signal, then update the baseline."""
        raw = self._value(event)
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            self.stats.dropped += 1
            return
        x = float(raw)
        labels = self._groups.labels(event)
        key = GroupKey.key(labels)
        entry = self._baselines.get(key)
        if entry is None:
            if len(self._baselines) >= self.limits.max_keys_per_rule:
                self._baselines.popitem(last=False)
                self.stats.evicted += 1
            entry = self._baselines[key] = (labels, Baseline())
        else:
            self._baselines.move_to_end(key)
        baseline = entry[1]
        if baseline.count >= self.spec.min_samples:
            z, reference = baseline.score(x, self.spec.method)
            if abs(z) >= self.spec.threshold:
                values = {"value": x, "z": z, "sample": baseline.count + 1, **reference}
                self.report_match(labels, event.time, (event.id,), values, out)
                self.alerts.signal(labels, event.time, values, out)
        baseline.update(x, self.spec)

    def on_timer(self, timer: Timer, out: IngestResult) -> None:
        """Anomaly rules own no timers of their own."""

    def state_size(self) -> StateSize:
        """Keys with a baseline."""
        return StateSize(keys=len(self._baselines))

    def snapshot(self) -> dict[str, Any]:
        """JSON-serialisable baselines."""
        return {
            "baselines": [
                [k, labels, b.count, b.mean, b.var, list(b.recent)] for k, (labels, b) in self._baselines.items()
            ]
        }

    def restore(self, data: Mapping[str, Any]) -> None:
        """Replace baselines from :meth:`snapshot`."""
        self._baselines = OrderedDict(
            (k, (dict(labels), Baseline(int(n), float(m), float(v), deque(float(x) for x in recent))))
            for k, labels, n, m, v, recent in data["baselines"]
        )
