"""The register of `gongkai export register` as csv (Excel: BOM, CRLF, Chinese intact) or json.

Pure functions of the rows and the language; `is_register` recognises a file written here, the only kind
of file `--out` may replace.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from gongkai.export import CATEGORY_ZH, CHANNEL_ZH, EVIDENCE_MISSING, EVIDENCE_OUTSIDE, Evidence, RegisterRow
from gongkai.problem import Msg
from gongkai.report.safe import shown
from gongkai.report.tabular import excel_csv

FORMATS = ("csv", "json")
GENERATOR = "gongkai export register"
HEAD: tuple[tuple[str, Msg], ...] = (
    ("unit", Msg("单位编号", "unit")),
    ("unit_name", Msg("单位", "unit name")),
    ("record", Msg("记录", "record")),
    ("item", Msg("事项编号", "item")),
    ("title", Msg("标题", "title")),
    ("category", Msg("类别", "category")),
    ("period", Msg("期间", "period")),
    ("published", Msg("公开日期", "published")),
    ("channels", Msg("公开方式", "channels")),
    ("boards", Msg("公开栏", "boards")),
    ("reviewed_by", Msg("审核人", "reviewed by")),
    ("reviewed_date", Msg("审核日期", "reviewed on")),
    ("evidence", Msg("证据文件", "evidence")),
    ("sha256", Msg("SHA-256", "SHA-256")),
    ("supersedes", Msg("更正的记录", "supersedes")),
    ("path", Msg("来源文件", "source file")),
)


# what the SHA-256 cell says instead of a hash: a file outside the repository was never read, so it is neither
# "missing" nor hashed
NO_HASH = {
    EVIDENCE_MISSING: Msg("（缺失）", "(missing)"),
    EVIDENCE_OUTSIDE: Msg("（在仓库外，未读取）", "(outside the repository, not read)"),
}
NOT_READ = Msg("（未读取）", "(not read)")


def digest_cell(e: Evidence, lang: str) -> str:
    return e.sha256 if e.sha256 is not None else NO_HASH.get(e.status, NOT_READ).get(lang)


def header(lang: str) -> list[str]:
    return [h.get(lang) for _, h in HEAD]


def _cells(r: RegisterRow, lang: str) -> dict[str, str]:
    zh = lang != "en"
    return {
        "unit": r.unit, "unit_name": r.unit_name, "record": r.record, "item": r.item, "title": r.title,
        "category": (CATEGORY_ZH.get(r.category, r.category) if zh else r.category) if r.category else "",
        "period": r.period, "published": r.published.isoformat() if r.published else "",
        "channels": ("、" if zh else ", ").join(CHANNEL_ZH.get(c, c) if zh else c for c in r.channels),
        "boards": ("、" if zh else ", ").join(r.boards),
        "reviewed_by": r.reviewed_by or "", "reviewed_date": r.reviewed_date.isoformat() if r.reviewed_date else "",
        "evidence": "; ".join(e.path for e in r.evidence),
        "sha256": "; ".join(digest_cell(e, lang) for e in r.evidence),
        "supersedes": r.supersedes or "", "path": r.path,
    }


def csv_text(rows: list[RegisterRow], lang: str) -> str:
    # masked, control characters shown escaped
    return excel_csv(header(lang), ([shown(_cells(r, lang)[k]) for k, _ in HEAD] for r in rows))


def json_text(rows: list[RegisterRow], as_of: dt.date, year: int | None) -> str:
    data = {"generator": GENERATOR, "as_of": as_of.isoformat(), "year": year, "records": [r.as_json() for r in rows]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render(rows: list[RegisterRow], fmt: str, lang: str, as_of: dt.date, year: int | None) -> str:
    if fmt == "csv":
        return csv_text(rows, lang)
    if fmt == "json":
        return json_text(rows, as_of, year)
    raise ValueError(fmt)


def is_register(path: Path) -> bool:
    """A register written earlier (CSV in either language, or JSON), which `--out` may replace."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    first = text.split("\r\n", 1)[0]
    if first in (",".join(header("zh")), ",".join(header("en"))):
        return True
    return text.startswith("{") and f'"generator": "{GENERATOR}"' in text
