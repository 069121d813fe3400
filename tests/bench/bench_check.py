"""Benchmark: `gongkai check` on a synthetic county against PyYAML's C loader reading the same files.

Run:  python tests/bench/bench_check.py [--villages 300] [--keep DIR]

The county is the bundled example town replicated until it holds the requested number of units
(~70 YAML files each, so 300 units ≈ 20,000–40,000 files). Times are reported as ratios against baselines
measured in the same run on the same files, never as absolute targets:

- read:    PyYAML's C loader (yaml.load, CSafeLoader) on every YAML file — the target is check/read < 1,
           reported for a cold check (--no-cache) and a warm one (the cache filled by a previous run);
- startup: `python -c "import yaml"` — one village's `gongkai check` as a multiple of a bare interpreter,
           the pre-commit-hook budget.

Peak memory (ru_maxrss) of the check process is reported alongside the reader's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOWN = ROOT / "examples" / "huayuankou"

READER = """
import sys, yaml, pathlib, resource, time
files = sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml'))
t = time.perf_counter()
for f in files:
    yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader)
print(time.perf_counter() - t, len(files), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def build_county(target: Path, villages: int) -> None:
    units = [p.parent for p in sorted(TOWN.glob("*/unit.yaml"))]
    shutil.copy(TOWN / "gongkai.yaml", target / "gongkai.yaml")
    for n in range(villages):
        src = units[n % len(units)]
        shutil.copytree(src, target / f"{src.name}-{n:03d}")


def timed(cmd: list[str], repeat: int) -> tuple[float, int]:
    runs, rss = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        runs.append(time.perf_counter() - t)
        rss = max(rss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return statistics.median(runs), rss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--villages", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None, help="build the county here and keep it")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if not any(work.iterdir()):
            build_county(work, args.villages)
        py = sys.executable
        reads = [subprocess.run([py, "-c", READER, str(work)], capture_output=True, text=True, check=True).stdout.split()
                 for _ in range(args.repeat)]
        read_s = statistics.median(float(r[0]) for r in reads)
        files, read_rss = int(reads[0][1]), int(reads[0][2])
        env_cache = tempfile.mkdtemp(prefix="gongkai-bench-cache-")
        os.environ["GONGKAI_CACHE_DIR"] = env_cache  # a cache of our own: the first run fills it
        cmd = [py, "-m", "gongkai", "check", str(work), "--as-of", "2024-12-31"]
        cold_s, cold_rss = timed(cmd + ["--no-cache"], args.repeat)
        timed(cmd, 1)
        check_s, check_rss = timed(cmd, args.repeat)
        shutil.rmtree(env_cache, ignore_errors=True)
        one = next(p for p in sorted(work.iterdir()) if p.is_dir())
        start_s, _ = timed([py, "-c", "import yaml"], args.repeat)
        village_s, _ = timed([py, "-m", "gongkai", "check", str(one), "--as-of", "2024-12-31"], args.repeat)
        report = {
            "units": args.villages, "yaml_files": files,
            "read_seconds": round(read_s, 3),
            "cold_check_seconds": round(cold_s, 3), "cold_check_over_read": round(cold_s / read_s, 2),
            "warm_check_seconds": round(check_s, 3), "warm_check_over_read": round(check_s / read_s, 2),
            "startup_seconds": round(start_s, 3), "village_check_seconds": round(village_s, 3),
            "village_check_over_startup": round(village_s / start_s, 2),
            "check_peak_rss_mib": round(max(check_rss, cold_rss) / 1024, 1),
            "read_peak_rss_mib": round(read_rss / 1024, 1),
        }
        print(json.dumps(report, indent=2))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
