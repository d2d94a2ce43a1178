"""`make bench`: runs every scripts/bench_*.py in turn, prints their figures, then every goal ratio in one summary.

Each benchmark prints ratios or times measured in one run; none of them is a test (machines are noisy). A line a
benchmark starts with "RATIO" states one of issue 16's goals as measured in that run (the pages: wrk req/s
against the health route; validation: time against lxml XSD-only and peak memory 1,000 vs 10,000 files; the
chain: p95 of the first view after a write and of the cold roll-up, computed, never a cache hit); the summary at
the end repeats them all. Extra arguments are passed to every script (e.g. `python scripts/bench.py --quick`).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    scripts = sorted((ROOT / "scripts").glob("bench_*.py"))
    if not scripts:
        print("no benchmarks found")
        return 1
    failed: list[str] = []
    ratios: list[str] = []
    for script in scripts:
        print(f"\n=== {script.name}", flush=True)
        process = subprocess.Popen(
            [sys.executable, str(script), *sys.argv[1:]], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            if line.startswith("RATIO"):
                ratios.append(line.rstrip())
        if process.wait() != 0:
            failed.append(script.name)
    print("\n=== issue 16 goals, as measured in this run")
    for line in ratios or ["(no benchmark reported a goal ratio)"]:
        print(line)
    for name in failed:
        print(f"{name} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
