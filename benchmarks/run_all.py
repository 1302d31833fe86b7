"""Run every benchmark and print each figure beside its target.

``python -m benchmarks.run_all`` (from the project folder) runs the full set (several minutes);
``--quick`` runs the quick variants (under 45 s in all), as ``make bench-quick``
does. Each benchmark runs in its own interpreter so that start-up, memory and
imports of one do not colour another. Benchmarks never fail the build: a MISS
is reported, not raised. The exit code is non-zero only if a benchmark crashed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["bench_quotes", "bench_stance", "bench_framing", "bench_compare"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="quick variants only")
    parser.add_argument("names", nargs="*", default=BENCHMARKS)
    args = parser.parse_args(argv)
    crashed = []
    for name in args.names:
        script = HERE / f"{name}.py"
        print(f"== {name}{' (quick)' if args.quick else ''}", flush=True)
        if not script.exists():
            print(f"{name}: script not found, skipped", flush=True)
            continue
        t0 = time.perf_counter()
        cmd = [sys.executable, "-m", f"benchmarks.{name}"] + (["--quick"] if args.quick else [])
        code = subprocess.call(cmd, cwd=HERE.parent)
        print(f"({name} took {time.perf_counter() - t0:.1f} s)", flush=True)
        if code:
            crashed.append(name)
    if crashed:
        print(f"crashed: {', '.join(crashed)}", flush=True)
    return 1 if crashed else 0


if __name__ == "__main__":
    raise SystemExit(main())
