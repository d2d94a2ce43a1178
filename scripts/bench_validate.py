"""Benchmark: `mdsready validate` (streamed, several processes) vs plain lxml XSD-only validation, same files,
same run, at 1,000 and 10,000 records; and the command's peak memory at both sizes.

Corpus: reproducible (seeded) synthetic assessments from mds.testing, 400-900 items each (item subsets
NC/NQ/NP/SP), 10% with one injected error, written to a zip file on disk (the 10,000-record batch is ten times
the web upload's member cap: the command line has its own limits).

  ours: the command's own code path (mds.batch.validate_stream): members read from the zip on disk in each
        worker, safety checks, hardened parse, XSD gate, CMS edits, each result rendered as a JSON line and
        written out (to /dev/null), results in input order;
  lxml: the same zip read member by member in each worker, etree.fromstring + XMLSchema.validate with the same
        generated XSD, nothing written.

Both use --workers processes (default: every core) started inside the timed region, after the schemas were
built in the parent: building them is a start-up cost, timed once and labelled "cold start". The two
pipelines alternate and each keeps its best of --repeat runs (the box is shared).
Goals (issue 16): ours <= 1.3x lxml's time on 10,000 files (the work beyond the XSD gate at most a third of
it); peak memory flat from 1,000 to 10,000 files.  Usage: python scripts/bench_validate.py [--files N] [--quick]
Lines starting with "RATIO" are collected by scripts/bench.py into its summary.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from mds.record.batch import validate_stream  # noqa: E402
from mds.record.catalog import DEFAULT_VERSION, known_versions  # noqa: E402
from mds.record.testing import inject_error, random_assessment  # noqa: E402
from mds.record.validate import warm_up  # noqa: E402
from mds.record.xmlio import export_batch  # noqa: E402
from mds.record.xsd import get_lxml_schema  # noqa: E402

BENCH_ISCS = ("NC", "NQ", "NP", "SP")  # 449-644 items each


def build_corpus(n: int, seed: int = 20251001, error_rate: float = 0.1) -> bytes:
    rng = random.Random(seed)
    records = []
    for i in range(n):
        values = random_assessment(rng, isc=rng.choice(BENCH_ISCS))
        if rng.random() < error_rate:
            inject_error(values, rng)
        records.append((f"{i:05d}.xml", values))
    return export_batch(records)


def _lxml_span(args: tuple[str, int, int]) -> tuple[int, int]:
    path, lo, hi = args
    schema = get_lxml_schema(
        DEFAULT_VERSION
    )  # positional, as warm_up built it: the cached (inherited) schema
    parser = etree.XMLParser()  # a fresh parser: the module default parser is slow after fork here
    valid = invalid = 0
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist()[lo:hi]:
            if schema.validate(etree.fromstring(zf.read(info), parser)):
                valid += 1
            else:
                invalid += 1
    return valid, invalid


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the pool's workers, once it has shut down)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def lxml_only(path: str, n: int, workers: int) -> tuple[float, float, tuple[int, int]]:
    step = max(1, n // (workers * 8))
    spans = [(path, lo, min(n, lo + step)) for lo in range(0, n, step)]
    start, cpu = time.perf_counter(), _cpu()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        totals = list(pool.map(_lxml_span, spans))
    counts = (sum(t[0] for t in totals), sum(t[1] for t in totals))
    return time.perf_counter() - start, _cpu() - cpu, counts


def ours(path: str, workers: int) -> tuple[float, float, tuple[int, int]]:
    start, cpu = time.perf_counter(), _cpu()
    with open(os.devnull, "w") as sink:
        totals = validate_stream([path], sink, fmt="jsonl", jobs=workers)
    return time.perf_counter() - start, _cpu() - cpu, (totals.accepted, totals.rejected)


def peak_memory_kb(path: str, jobs: int) -> int:
    """Peak resident memory of `mdsready validate --format jsonl` on the file (the command's own process)."""
    mdsready = Path(sys.executable).parent / "mdsready"
    with open(os.devnull, "w") as sink:
        process = subprocess.Popen(
            [str(mdsready), "validate", path, "--format", "jsonl", "--jobs", str(jobs)],
            stdout=sink,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        _, _, usage = os.wait4(process.pid, 0)
    return int(usage.ru_maxrss)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="MDS validation benchmark")
    parser.add_argument("--files", type=int, nargs="*", default=[1_000, 10_000])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seed", type=int, default=20251001)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="1,000 and 3,000 files, one run each")
    args, _ = parser.parse_known_args(argv)
    sizes = [1_000, 3_000] if args.quick else args.files
    repeat = 1 if args.quick else args.repeat
    start = time.perf_counter()
    for version in known_versions():  # a corpus record may name an older item set (an injected MR-310)
        warm_up(version)  # schema builds: start-up costs, inherited by the forked workers
    print(
        f"cold start (schemas and edit tables of {len(known_versions())} item sets built once per process, "
        f"not in the figures below): {time.perf_counter() - start:.2f}s"
    )
    memory: dict[int, int] = {}
    with tempfile.TemporaryDirectory(prefix="mdsready-bench-validate-") as tmp:
        for n in sizes:
            t0 = time.perf_counter()
            path = str(Path(tmp) / f"batch_{n}.zip")
            Path(path).write_bytes(build_corpus(n, args.seed))
            print(
                f"\ncorpus: {n} files, {Path(path).stat().st_size / 1e6:.1f} MB zipped, built in "
                f"{time.perf_counter() - t0:.1f}s (seed {args.seed}, workers {args.workers}, warm: schemas built)"
            )
            lxml_s = ours_s = lxml_cpu = ours_cpu = float("inf")
            for _ in range(repeat):
                seconds, cpu, (valid, invalid) = lxml_only(path, n, args.workers)
                lxml_s, lxml_cpu = min(lxml_s, seconds), min(lxml_cpu, cpu)
                seconds, cpu, (accepted, rejected) = ours(path, args.workers)
                ours_s, ours_cpu = min(ours_s, seconds), min(ours_cpu, cpu)
            print(
                f"  lxml XSD-only   : {n / lxml_s:8.0f} files/s  ({lxml_s:.2f}s wall, {lxml_cpu:.2f}s CPU; "
                f"{valid} valid, {invalid} invalid)"
            )
            print(
                f"  mdsready (jsonl): {n / ours_s:8.0f} files/s  ({ours_s:.2f}s wall, {ours_cpu:.2f}s CPU; "
                f"{accepted} accepted, {rejected} rejected)"
            )
            # CPU seconds are the work done; wall time on a shared two-core box also counts others' work
            for what, ratio in (("CPU time", ours_cpu / lxml_cpu), ("wall time", ours_s / lxml_s)):
                verdict = "PASS" if ratio <= 1.3 else "FAIL"
                print(
                    f"RATIO validate: {n} files, mdsready / lxml XSD-only {what} = {ratio:.2f}x (goal <= 1.3) {verdict}"
                )
            memory[n] = peak_memory_kb(path, 1)
            print(f"  peak memory of `mdsready validate --jobs 1`: {memory[n] / 1024:.0f} MB")
    if len(memory) >= 2:
        small, large = min(memory), max(memory)
        ratio = memory[large] / memory[small]
        verdict = "PASS" if ratio <= 1.1 else "FAIL"
        print(
            f"RATIO validate: peak memory {large} / {small} files = {ratio:.2f} "
            f"({memory[large] / 1024:.0f} MB / {memory[small] / 1024:.0f} MB; goal flat, <= 1.1) {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
