"""`make bench`: runs every scripts/bench_*.py in turn and prints their figures.

Each benchmark prints ratios or times measured in one run; none of them is a test (machines are noisy).
Extra arguments are passed to every script (e.g. `python scripts/bench.py --quick`).
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
    failed = 0
    for script in scripts:
        print(f"\n=== {script.name}", flush=True)
        result = subprocess.run([sys.executable, str(script), *sys.argv[1:]], cwd=ROOT)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
