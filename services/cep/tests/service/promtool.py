"""Prometheus' ``promtool test rules`` as a judge: write one alerting rule, its input series and the alerts
expected at each evaluation time, run promtool, and return its verdict (it prints a diff on any mismatch).

The expectations are written as promtool checks them at an ``eval_time``:

- ``alert_rule_test``: the firing alerts and their labels (promtool compares only firing alerts there);
- ``promql_expr_test`` on ``ALERTS``: pending and firing alerts, by ``alertstate``;
- ``promql_expr_test`` on ``ALERTS_FOR_STATE``: each active alert's ``ActiveAt``, in seconds from the start
  of the test (promtool's input series start at the Unix epoch).

Debian's ``prometheus`` package (2.42) ships promtool; without it the callers skip (:data:`SKIP_REASON`).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["PROMTOOL", "SKIP_REASON", "PromAlert", "Verdict", "judge"]

PROMTOOL = shutil.which("promtool")
SKIP_REASON = (
    "promtool is not installed (no promtool on PATH); install it with `apt-get install prometheus` "
    "to compare cep's threshold alerts with Prometheus' alerting rules"
)


@dataclass(frozen=True, order=True)
class PromAlert:
    """One alert as ``ALERTS`` shows it at an evaluation time."""

    labels: tuple[tuple[str, str], ...]  # without alertname and alertstate, sorted
    state: str  # pending or firing
    active_at: float  # seconds from the start of the test (ALERTS_FOR_STATE)

    def describe(self) -> str:
        """``h1 firing since 60s``: for messages."""
        names = ",".join(v for _, v in self.labels if v)
        return f"{names} {self.state} since {self.active_at:g}s"


@dataclass(frozen=True)
class Verdict:
    """promtool's exit status and what it printed (its diff when the expectations are wrong)."""

    passed: bool
    output: str


def _label_text(name: str, labels: Mapping[str, str]) -> str:
    inner = ", ".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    return f"{name}{{{inner}}}"


def judge(
    workdir: Path,
    *,
    alertname: str,
    expr: str,
    for_s: int,
    keep_firing_for_s: int,
    rule_labels: Mapping[str, str],
    metric: str,
    label: str,
    series: Mapping[str, Sequence[float | None]],
    interval_s: int,
    evaluation_interval_s: int,
    expected: Mapping[int, Sequence[PromAlert]],
) -> Verdict:
    """Write the rule file and the test file into ``workdir``, run ``promtool test rules``.

    ``series`` maps a label value (``h1``) to its samples, one per ``interval_s`` from 0; ``expected`` maps an
    evaluation time (seconds) to the alerts Prometheus should show there.
    """
    rule: dict[str, Any] = {"alert": alertname, "expr": expr, "for": f"{for_s}s", "labels": dict(rule_labels)}
    if keep_firing_for_s:
        rule["keep_firing_for"] = f"{keep_firing_for_s}s"
    (workdir / "rules.yml").write_text(yaml.safe_dump({"groups": [{"name": "cep-diff", "rules": [rule]}]}))
    alert_tests, expr_tests = [], []
    for at, alerts in sorted(expected.items()):
        firing = [a for a in alerts if a.state == "firing"]
        alert_tests.append(
            {
                "eval_time": f"{at}s",
                "alertname": alertname,
                "exp_alerts": [{"exp_labels": dict(a.labels)} for a in firing],
            }
        )
        expr_tests.append(
            {
                "expr": "ALERTS",
                "eval_time": f"{at}s",
                "exp_samples": [
                    {
                        "labels": _label_text(
                            "ALERTS", {"alertname": alertname, "alertstate": a.state, **dict(a.labels)}
                        ),
                        "value": 1,
                    }
                    for a in alerts
                ],
            }
        )
        expr_tests.append(
            {
                "expr": "ALERTS_FOR_STATE",
                "eval_time": f"{at}s",
                "exp_samples": [
                    {
                        "labels": _label_text("ALERTS_FOR_STATE", {"alertname": alertname, **dict(a.labels)}),
                        "value": a.active_at,
                    }
                    for a in alerts
                ],
            }
        )
    inputs = [
        {
            "series": _label_text(metric, {label: value}),
            "values": " ".join("_" if v is None else f"{v:g}" for v in samples),
        }
        for value, samples in series.items()
    ]
    test = {
        "rule_files": ["rules.yml"],
        "evaluation_interval": f"{evaluation_interval_s}s",
        "tests": [
            {
                "interval": f"{interval_s}s",
                "input_series": inputs,
                "alert_rule_test": alert_tests,
                "promql_expr_test": expr_tests,
            }
        ],
    }
    (workdir / "test.yml").write_text(yaml.safe_dump(test, sort_keys=False))
    assert PROMTOOL is not None, SKIP_REASON
    done = subprocess.run(
        [PROMTOOL, "test", "rules", "test.yml"], cwd=workdir, capture_output=True, text=True, timeout=60, check=False
    )
    return Verdict(done.returncode == 0, done.stdout + done.stderr)
