"""A realistic synthetic county for the benchmark: N units (default 300) of one year, about 40,000 files.

Each unit starts from one of the example town's units (examples/huayuankou, taken in turn) — plans, monthly or
quarterly finance statements, standing items, events and their immediate records, projects with their phases,
feedback, the yearly board inspection, evidence photos — and is made larger the way real villages are:

- every finance statement gets many more lines (balanced pairs of income and expense, so it still balances);
- more feedback (inquiries answered in time, about the unit's own records);
- a second, distinct photo behind every record;
- photos of a realistic few kilobytes, each with its own bytes (no accidental `evidence-reused`);
- the county is the root of a (bare) git repository, as a town's repository is: a village checked on its own
  still reads the county's gongkai.yaml.

Deterministic: the same arguments build the same bytes. Run on its own:
    python tests/bench/county.py DIR [--units 300]
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOWN = ROOT / "examples" / "huayuankou"

FINANCE_PAIRS = 12  # extra income lines and as many expense lines per statement
FEEDBACK = 24  # extra feedback files per unit
PHOTO_BYTES = 6 * 1024

_LIST_KEY = re.compile(r"^(\s*)(income|expense):\s*$")
_EVIDENCE = re.compile(r"^evidence: \[(.*)\]\s*$", re.M)
_NAME = re.compile(r"^name: (.*?)(\s+#.*)?$", re.M)
_CODE = re.compile(r'^code: "(\d+)"', re.M)


def photo(seed: str, size: int = PHOTO_BYTES) -> bytes:
    """A JPEG-looking blob of `size` bytes, unique to `seed`."""
    out = bytearray(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    block = hashlib.sha256(seed.encode()).digest()
    while len(out) < size - 2:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[: size - 2]) + b"\xff\xd9"


def _grow_finance(text: str, tag: str) -> str:
    """Insert balanced income/expense pairs after the `income:` and `expense:` keys (flow or block items)."""
    lines = text.split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        m = _LIST_KEY.match(line)
        if not m or i + 1 >= len(lines) or not lines[i + 1].lstrip().startswith("- "):
            continue
        indent = lines[i + 1][: len(lines[i + 1]) - len(lines[i + 1].lstrip())]
        side = m.group(2)
        for k in range(FINANCE_PAIRS):
            amount = f"{(k + 1) * 137 + len(tag) % 7}.{(k * 13) % 100:02d}"
            name = f"代收代付{'款' if side == 'income' else '支出'}（{tag}第{k + 1}笔）"
            out.append(f"{indent}- {{name: {name}, amount: {amount}}}")
    return "\n".join(out)


def _second_photo(text: str) -> tuple[str, str | None]:
    m = _EVIDENCE.search(text)
    if not m or not m.group(1).strip():
        return text, None
    first = m.group(1).split(",")[0].strip()
    extra = first[: -len(".jpg")] + "-2.jpg" if first.endswith(".jpg") else first + "-2.jpg"
    return text[: m.end(1)] + ", " + extra + text[m.end(1):], extra


def _feedback(n: int, k: int, about: str) -> str:
    month = 1 + k % 11
    day = 1 + (k * 7 + n) % 20
    return (
        f"# 村民意见（合成数据 {n:03d}-{k:02d}）\n"
        "type: inquiry\n"
        f"received: 2024-{month:02d}-{day:02d}\n"
        f"from: 村民{k}号\n"
        f"about: {about}\n"
        f"summary: 对第{k}项公开内容的询问：金额与上期相比有变化，请说明原因\n"
        f"answered: 2024-{month:02d}-{day + 3:02d}\n"
        "answer: |\n"
        "  经村务监督委员会核对原始凭证，公开内容无误，变化原因为本期新增支出项目，已在公开栏补充说明。感谢您的监督。\n"
        "by: 村务监督委员会\n"
    )


def build_unit(src: Path, dst: Path, n: int) -> int:
    """Copy one example unit to `dst`, grown as the module says; returns the number of files written."""
    shutil.copytree(src, dst)
    count = 0
    records: list[str] = []
    for path in sorted(dst.rglob("*")):
        if not path.is_file():
            continue
        count += 1
        rel = path.relative_to(dst).as_posix()
        if path.suffix == ".jpg":
            path.write_bytes(photo(f"{n}:{rel}"))
            continue
        if path.suffix != ".yaml":
            continue
        text = path.read_text("utf-8")
        if rel == "unit.yaml":
            text = _NAME.sub(lambda m: f"name: {m.group(1)}{n:03d}{m.group(2) or ''}", text, count=1)
            text = _CODE.sub(lambda m: f'code: "{int(m.group(1)) + n * 1000:012d}"', text, count=1)
        elif rel.startswith("records/"):
            records.append(rel[: -len(".yaml")])
            if "finance:" in text:
                text = _grow_finance(text, f"{n:03d}{path.stem}")
            text, extra = _second_photo(text)
            if extra is not None and (dst / extra).parent.is_dir() and not (dst / extra).exists():
                (dst / extra).write_bytes(photo(f"{n}:{extra}"))
                count += 1
        path.write_text(text, "utf-8")
    fb = dst / "feedback" / "2024"
    fb.mkdir(parents=True, exist_ok=True)
    for k in range(FEEDBACK):
        about = records[(k * 5 + n) % len(records)] if records else "unit"
        (fb / f"2024-synthetic-{k:02d}.yaml").write_text(_feedback(n, k, about), "utf-8")
        count += 1
    return count


def build_county(target: Path, units: int) -> int:
    """Write a county of `units` units under `target` (created); returns the number of files."""
    target.mkdir(parents=True, exist_ok=True)
    (target / ".git").mkdir(exist_ok=True)  # a county is a git repository: a unit checked alone reads gongkai.yaml
    templates = [p.parent for p in sorted(TOWN.glob("*/unit.yaml"))]
    shutil.copy(TOWN / "gongkai.yaml", target / "gongkai.yaml")
    files = 1
    for n in range(units):
        src = templates[n % len(templates)]
        files += build_unit(src, target / f"{src.name}-{n:03d}", n)
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("target", type=Path)
    ap.add_argument("--units", type=int, default=300)
    args = ap.parse_args()
    print(build_county(args.target, args.units), "files")


if __name__ == "__main__":
    main()
