"""``./dev bench [name ...] [--quick]``: run benchmarks (all by default) and write bench/results/*.json."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

# Every module in bench/ with a main(flags) is a scenario, except the shared harness.
SCENARIOS = sorted(
    p.stem for p in Path(__file__).parent.glob("*.py") if not p.stem.startswith("_") and p.stem != "harness"
)


def main() -> None:
    """Run the named scenarios (or all)."""
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    flags = [a for a in sys.argv[1:] if a.startswith("-")]
    for name in args or SCENARIOS:
        if name not in SCENARIOS:
            raise SystemExit(f"unknown benchmark {name!r}; choose from {', '.join(SCENARIOS)}")
        print(f"== {name}")
        importlib.import_module(f"bench.{name}").main(flags)


if __name__ == "__main__":
    main()
