"""CPU time of turning node trees into model objects (gongkai.load.schema.convert), against yaml.compose.

    PYTHONPATH=$PWD python tests/bench/conversion.py /tmp/gk30 [--repeat 5]
    PYTHONPATH=$PWD python tests/bench/conversion.py /tmp/gk30 --dump out.txt   # every object and problem

Every YAML file of each unit is read and parsed once (gongkai.load.nodes.parse); then, in the same process,
`yaml.compose` over the same texts (the reference) and the conversion alone over the pre-parsed trees are timed
(process CPU time, best of --repeat, with the cyclic GC off as in a check run, and the objects kept). `--dump` writes each converted object (every field, the position of every
value, the lists' positions) and each problem, so that two versions of the converter can be compared with diff.

Figures on /tmp/gk30 (30 units, 1650 files), 2-core machine under load (load average ~7), best of 7, alternated runs:
before the quick paths and key tables, conversion 0.70-0.91 x yaml.compose; after, 0.45-0.50 x. Instruction counts
(valgrind callgrind, the conversion alone, objects kept): 536 M before, 335 M after.
With the conversion in C (gongkai/load/_cnodes.c: convert, for mappings without problems), same machine, best of
5: 0.13-0.16 x yaml.compose (0.25-0.33 x for the Python conversion in the same session).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from gongkai.load.nodes import decode, parse
from gongkai.load.schema import INVALID, Ctx, convert
from gongkai.model import Unit
from gongkai.repo import SECTIONS


def files(root: Path) -> list[tuple[Path, type]]:
    """(file, model) for every unit.yaml and every YAML file under a unit's known folders, sorted."""
    out: list[tuple[Path, type]] = []
    for unit in sorted(p.parent for p in root.rglob("unit.yaml")):
        out.append((unit / "unit.yaml", Unit))
        for section, (cls, _) in SECTIONS.items():
            out.extend((p, cls) for p in sorted((unit / section).rglob("*.yaml")))
    if not out:  # a folder of loose files: try each as a record
        out = [(p, SECTIONS["records"][0]) for p in sorted(root.rglob("*.yaml"))]
    return out


def dump(value: Any, indent: str = "") -> str:
    """A deterministic text of a converted value: objects with every attribute, lists with their positions."""
    if value is INVALID:
        return "INVALID"
    if hasattr(value, "__dataclass_fields__") and hasattr(value, "__dict__"):
        inner = indent + "  "
        parts = [f"{inner}{k} = {dump(v, inner)}" for k, v in sorted(vars(value).items())]
        return f"{type(value).__name__}(\n" + "\n".join(parts) + f"\n{indent})"
    if isinstance(value, list):
        extra = {k: getattr(value, k) for k in ("locs", "idx", "complete") if hasattr(value, k)}
        return f"{type(value).__name__}[{', '.join(dump(v, indent) for v in value)}]{extra or ''}"
    if isinstance(value, dict):
        extra = {k: getattr(value, k) for k in ("locs",) if hasattr(value, k)}
        return f"{type(value).__name__}{{{', '.join(f'{k!r}: {dump(v, indent)}' for k, v in value.items())}}}{extra or ''}"
    if isinstance(value, set):
        return repr(sorted(value))
    return f"{type(value).__name__}:{value!r}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("root", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dump", type=Path)
    args = ap.parse_args()
    texts: list[tuple[str, str, type]] = []
    for path, cls in files(args.root):
        text, _ = decode(path.read_bytes())
        if text is not None:
            texts.append((str(path.relative_to(args.root)), text, cls))
    trees = [(shown, parse(text)[0], cls) for shown, text, cls in texts]
    trees = [t for t in trees if t[1] is not None]

    if args.dump:
        with args.dump.open("w", encoding="utf-8") as out:
            for shown, root, cls in trees:
                ctx = Ctx(shown)
                obj = convert(cls, root, ctx)
                out.write(f"== {shown}\n{dump(obj)}\n")
                for p in ctx.problems:
                    out.write(f"  ! {p!r}\n")
        print(f"{len(trees)} files dumped to {args.dump}")
        return

    gc.collect()
    gc.freeze()
    gc.disable()
    compose = convert_t = float("inf")
    for _ in range(args.repeat):
        t0 = time.process_time()
        for _shown, text, _cls in texts:
            try:
                yaml.compose(text, Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
                pass
        compose = min(compose, time.process_time() - t0)
        kept = []  # the tool keeps what it loads: freeing it is not part of the conversion
        t0 = time.process_time()
        for shown, root, cls in trees:
            kept.append(convert(cls, root, Ctx(shown)))
        convert_t = min(convert_t, time.process_time() - t0)
        del kept
    print(f"{len(trees)} files; best of {args.repeat} (CPU s): yaml.compose {compose:.3f}  conversion {convert_t:.3f}"
          f"  ratio {convert_t / compose:.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()
