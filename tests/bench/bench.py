"""Benchmark: gongkai on a synthetic county, every figure a ratio to PyYAML reading the same files in the same run.

Run (a few minutes on 2 cores; --units scales it down):

    python tests/bench/bench.py [--units 300] [--keep DIR] [--repeat 1] [--json]

The county is built by tests/bench/county.py (300 units ≈ 39,000 files: ≈ 19,000 YAML files and their photos).
Each command runs in a fresh interpreter (`python -m gongkai ...`) under a small watcher process that reports the
command's wall time and peak memory (getrusage(RUSAGE_CHILDREN).ru_maxrss: the largest of the command and its
worker processes). The baseline the targets are judged against is the floor of any PyYAML-based tool: composing
every YAML file's node tree with `yaml.compose(f, Loader=yaml.CSafeLoader)` in one process (a tool that keeps line
numbers needs at least the nodes). `yaml.load(f, Loader=yaml.CSafeLoader)` over the same files (about 1.8x slower:
it also builds the Python objects) is measured in the same process and every figure is printed as a ratio to it
too, so that both can be quoted. Both are taken --repeat times at the start, and the compose baseline once more
right before each measured step (a shared machine's speed drifts during a run; the ratios use the median of all
its runs), in wall and in CPU time; the start-up of
a bare interpreter (`python -c pass`) is printed for reference, as every command pays it and the baseline does not.

Measured: `check` cold (an empty cache, which it fills), warm (nothing changed), after one changed file, and with
--no-cache; `overdue --format json`; `render`; and `check` of one village (≈150 files) including interpreter
start-up. The cold, warm, changed and --no-cache runs must print byte-identical JSON (exit 1 otherwise). With
--repeat N each check, overdue and render runs N times (each cold run with its own empty cache, each changed run
after a new change, each render into a new folder of its own) and the medians are printed, with the CPU time (user + system) next to the wall time: on a shared machine a run
whose second core is busy elsewhere is slower in wall time only. The part of the CPU time spent in the kernel
("of it sys") is printed too: `render` creates ≈ 14,000 files and folders, and what a new file costs depends on the
file system (on an ext4 without a journal, such as this development VM's, a file created within minutes of many
deletions costs about a millisecond: run the benchmark a few minutes after a test run, not right after one).
Targets (issue 11) are printed next to each figure; --strict exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from county import build_county  # noqa: E402

AS_OF = "2024-12-31"

READER = r"""
import sys, time, resource, yaml
files = [l for l in sys.stdin.read().split("\n") if l]
out = []
for how in (yaml.compose, yaml.load)[:int(sys.argv[1])]:
    t, c = time.perf_counter(), time.process_time()
    for f in files:
        with open(f, "rb") as fh:
            how(fh, Loader=yaml.CSafeLoader)
    out += [time.perf_counter() - t, time.process_time() - c]
print(*out, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

WATCH = r"""
import resource, subprocess, sys, time
t = time.perf_counter()
with open(sys.argv[1], "wb") as out:
    rc = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL).returncode
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(time.perf_counter() - t, ru.ru_maxrss, rc, ru.ru_utime + ru.ru_stime, ru.ru_stime)
"""

# name: target ratio to the baseline (yaml.compose), or None
TARGETS = {"check cold": 0.8, "check warm": 0.1, "check one changed": 0.15, "check --no-cache": 0.8,
           "overdue --format json": None, "render": 1.5}
MEMORY_MIB = 1024
VILLAGE_S = 0.3


Row = tuple[float, float, int, float, float]  # median wall s, peak MiB, exit code, median CPU s, of it in the kernel


def measure(cmd: list[str] | Callable[[int], list[str]], env: dict[str, str], out: Path, repeat: int = 1,
            before: Callable[[int], dict[str, str]] | None = None, seen: set[bytes] | None = None) -> Row:
    """Median wall seconds, peak RSS in MiB, exit code and median CPU seconds (user + system, of the command and its
    workers) of `cmd` (or of `cmd(i)` for run i) run `repeat` times, each in a fresh process; `before(i)` (if given)
    runs before run i and
    returns the environment for it; `seen` (if given) collects the stdout of every run. CPU time is printed because
    the machine may be shared: a run whose second core is busy elsewhere takes longer in wall time, not in CPU
    time."""
    walls, cpus, syss, rss, rc = [], [], [], 0, 0
    for i in range(repeat):
        run_env = before(i) if before is not None else env
        args = cmd(i) if callable(cmd) else cmd
        res = subprocess.run([sys.executable, "-c", WATCH, str(out), *args], env=run_env, capture_output=True,
                             text=True, check=True)
        wall, peak, rc_s, cpu, sys_s = res.stdout.split()
        walls.append(float(wall))
        cpus.append(float(cpu))
        syss.append(float(sys_s))
        rss = max(rss, int(peak))
        rc = int(rc_s)
        if seen is not None:
            seen.add(out.read_bytes())
    return statistics.median(walls), rss / 1024, rc, statistics.median(cpus), statistics.median(syss)


def yaml_files(county: Path) -> list[str]:
    return sorted(str(p) for p in county.rglob("*.yaml"))


def run(units: int, keep: Path | None, repeat: int, village_repeat: int) -> dict:
    work = keep or Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    scratch = Path(tempfile.mkdtemp(prefix="gongkai-bench-out-"))
    try:
        county = work / "county"
        if not (county / "gongkai.yaml").is_file():
            shutil.rmtree(county, ignore_errors=True)
            build_county(county, units)
        files = yaml_files(county)
        for path in county.rglob("*"):  # every file in the page cache first: no command pays the disk for the others
            if path.is_file():
                path.read_bytes()
        py = sys.executable
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               "GONGKAI_CACHE_DIR": str(scratch / "cache"), "PYTHONHASHSEED": "0"}
        env.pop("GONGKAI_NO_CACHE", None)
        env.pop("CI", None)
        # compiled bytecode, as a pip install has it (PYTHONDONTWRITEBYTECODE would recompile every module per run)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
        subprocess.run([py, "-c", "import gongkai.lean, gongkai.check, gongkai.results, gongkai.obligations, "
                        "gongkai.rules, gongkai.report.check, gongkai.cli, gongkai.render, gongkai.overdue, "
                        "gongkai.report.overdue_formats"], env=env, check=True)
        def baseline(both: bool) -> list[float]:
            how = "2" if both else "1"
            return [float(x) for x in subprocess.run([py, "-c", READER, how], input="\n".join(files), env=env,
                                                     capture_output=True, text=True, check=True).stdout.split()]

        bases = [baseline(True) for _ in range(repeat)]
        composes = [b[:2] for b in bases]  # and one more before each measured step (see step)
        start_s, _, _, start_cpu, _ = measure([py, "-c", "pass"], env, scratch / "pass.out", village_repeat)
        gk = [py, "-m", "gongkai"]
        check = [*gk, "check", str(county), "--as-of", AS_OF, "--format", "json"]
        rows: dict[str, Row] = {}
        outs: dict[str, set[bytes]] = {}

        def step(name: str, cmd: list[str] | Callable[[int], list[str]], n: int = 1,
             before: Callable[[int], dict[str, str]] | None = None) -> None:
            # the machine may be shared and its speed drift during the run: the compose baseline is taken again
            # right before each step, and the ratios use the median of all its runs
            composes.append(baseline(False)[:2])
            out = scratch / (name.replace(" ", "_") + ".out")
            outs[name] = set()
            rows[name] = measure(cmd, env, out, n, before, outs[name])

        def empty_cache(i: int) -> dict[str, str]:  # each cold run its own empty cache; the last one is kept
            return env if i == repeat - 1 else {**env, "GONGKAI_CACHE_DIR": str(scratch / f"cold-{i}")}

        step("check cold", check, repeat, empty_cache)
        step("check warm", check, repeat)
        changed = next(p for p in sorted(county.rglob("finance-1.yaml")))
        original = changed.read_bytes()

        def change(i: int) -> dict[str, str]:  # a different change each run: each run finds one changed file
            changed.write_bytes(original + f"# changed by the benchmark ({i + 1})\n".encode())
            return env

        try:
            step("check one changed", check, repeat, change)
        finally:
            changed.write_bytes(original)
        step("check --no-cache", [*check, "--no-cache"], repeat)
        step("overdue --format json", [*gk, "overdue", str(county), "--as-of", AS_OF, "--format", "json"], repeat)
        # each run a first render, into a folder of its own (nothing deleted in between: see the docstring)
        step("render", lambda i: [*gk, "render", str(county), "--as-of", AS_OF, "--out", str(scratch / f"site-{i}")],
             repeat)
        compose_s, compose_cpu = (statistics.median(c[i] for c in composes) for i in range(2))
        load_s, load_cpu = (statistics.median(b[i] for b in bases) for i in (2, 3))
        base_rss = max(b[4] for b in bases) / 1024
        village = next(p for p in sorted(county.iterdir()) if (p / "unit.yaml").is_file() and "shequ" not in p.name)
        village_files = sum(1 for p in village.rglob("*") if p.is_file())
        village_s, _, _, _, _ = measure([*gk, "check", str(village), "--as-of", AS_OF], env, scratch / "village.out",
                                  village_repeat)
        # every run of each, not only the last: N cold, N warm, N changed and N --no-cache outputs, one text
        identical = len(set().union(*(outs[k] for k in ("check cold", "check warm", "check one changed",
                                                         "check --no-cache")))) == 1
        report = {
            "units": units, "files": sum(1 for p in county.rglob("*") if p.is_file()), "yaml_files": len(files),
            "machine": {"nproc": os.cpu_count(), "python": sys.version.split()[0], "platform": sys.platform},
            "baseline": "yaml.compose (CSafeLoader), one process",
            "baseline_yaml_compose_s": round(compose_s, 3), "baseline_cpu_s": round(compose_cpu, 3),
            "baseline_runs": len(composes),
            "baseline_range_s": [round(min(c[0] for c in composes), 3), round(max(c[0] for c in composes), 3)],
            "yaml_load_s": round(load_s, 3), "yaml_load_cpu_s": round(load_cpu, 3),
            "load_over_compose": round(load_s / compose_s, 2), "baseline_peak_mib": round(base_rss, 1),
            "python_startup": {"seconds": round(start_s, 3), "cpu_seconds": round(start_cpu, 3)},
            "commands": {name: {"seconds": round(s, 3), "ratio": round(s / compose_s, 3),
                                "ratio_load": round(s / load_s, 3), "cpu_seconds": round(cpu, 3),
                                "cpu_ratio": round(cpu / compose_cpu, 3), "sys_seconds": round(sys_s, 3),
                                "target": TARGETS.get(name),
                                "peak_mib": round(m, 1), "exit": rc}
                         for name, (s, m, rc, cpu, sys_s) in rows.items()},
            "village": {"files": village_files, "seconds": round(village_s, 3), "target_s": VILLAGE_S},
            "json_identical": identical,
        }
        return report
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


def verdicts(report: dict) -> list[tuple[str, bool]]:
    out = []
    for name, row in report["commands"].items():
        if row["target"] is not None:
            out.append((f"{name} ≤ {row['target']}× the yaml.compose baseline", row["ratio"] <= row["target"]))
    peak = max(row["peak_mib"] for row in report["commands"].values())
    out.append((f"peak memory < {MEMORY_MIB} MiB", peak < MEMORY_MIB))
    out.append((f"one village < {VILLAGE_S} s", report["village"]["seconds"] < VILLAGE_S))
    out.append(("cold, warm, changed and --no-cache JSON byte-identical", report["json_identical"]))
    return out


def text(report: dict) -> str:
    m = report["machine"]
    lines = [f"county: {report['units']} units, {report['files']} files ({report['yaml_files']} YAML); "
             f"{m['nproc']} CPUs, Python {m['python']}",
             f"baseline yaml.compose (CSafeLoader): {report['baseline_yaml_compose_s']:.2f} s "
             f"(median of {report.get('baseline_runs', 1)} runs, "
             f"{'–'.join(f'{x:.2f}' for x in report.get('baseline_range_s', []))} s; "
             f"CPU {report['baseline_cpu_s']:.2f} s), peak {report['baseline_peak_mib']:.0f} MiB; "
             f"yaml.load: {report['yaml_load_s']:.2f} s (CPU {report['yaml_load_cpu_s']:.2f} s), "
             f"{report['load_over_compose']}× compose",
             f"interpreter start-up (python -c pass, paid by every command, not by the baseline): "
             f"{report['python_startup']['seconds']:.3f} s (CPU {report['python_startup']['cpu_seconds']:.3f} s)",
             f"{'command':<24}{'seconds':>9}{'×compose':>9}{'× load':>8}{'target':>8}{'CPU s':>8}{'CPU ×c':>8}"
             f"{'of it sys':>10}{'peak MiB':>10}{'exit':>6}"]
    for name, row in report["commands"].items():
        target = f"{row['target']}" if row["target"] is not None else "-"
        lines.append(f"{name:<24}{row['seconds']:>9.2f}{row['ratio']:>9.3f}{row['ratio_load']:>8.3f}{target:>8}"
                     f"{row['cpu_seconds']:>8.2f}{row['cpu_ratio']:>8.3f}{row.get('sys_seconds', 0):>10.2f}"
                     f"{row['peak_mib']:>10.0f}{row['exit']:>6}")
    v = report["village"]
    lines.append(f"one village ({v['files']} files), with interpreter start-up: {v['seconds']:.3f} s "
                 f"(target < {v['target_s']} s)")
    for what, ok in verdicts(report):
        lines.append(f"{'met ' if ok else 'MISS'}  {what}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=300, help="units in the county (default 300, ≈ 39,000 files)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs of the baseline, of each check (cold, warm, one changed, --no-cache), of "
                         "overdue and of render: medians")
    ap.add_argument("--village-repeat", type=int, default=5, help="runs of the one-village check (median)")
    ap.add_argument("--keep", type=Path, default=None, help="build the county under DIR/county and keep it")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)
    report = run(args.units, args.keep, args.repeat, args.village_repeat)
    sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n" if args.json else text(report))
    if not report["json_identical"]:
        return 1
    if args.strict and not all(ok for _, ok in verdicts(report)):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
