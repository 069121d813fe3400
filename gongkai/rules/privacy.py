"""Personal data in what is published: record titles, content, table cells, finance line names.

Passing: 张三 110101********1234, 联系电话 138****5678.
Failing: an 18-digit resident ID with a valid ISO 7064 MOD 11-2 check digit, or an 11-digit
mobile number (1[3-9]…, optionally +86, full-width digits too), unmasked → privacy (error).
The message shows only the masked form. The patterns are `gongkai.personal`'s, which render masks with.
"""

from __future__ import annotations

from collections.abc import Iterator

from gongkai import basis as B
from gongkai.personal import candidate, find
from gongkai.problem import Problem, msg
from gongkai.rules.base import RuleContext


def _locate(text: str, offset: int, loc: tuple[int, int]) -> tuple[int, int]:
    line = text.count("\n", 0, offset)
    if line == 0:
        return (loc[0], loc[1] + offset)
    return (loc[0] + line, loc[1] + offset - text.rfind("\n", 0, offset) - 1)


def _texts(rec) -> Iterator[tuple[str, tuple[int, int], str]]:  # type: ignore[no-untyped-def]
    if rec.title:
        yield rec.title, rec.at("title"), "title"
    if rec.content:
        yield rec.content, rec.at("content"), "content"
    for table in rec.tables:
        if table.title:
            yield table.title, table.at("title"), "table"
        for cell, loc in zip(table.columns, getattr(table.columns, "locs", [])):
            yield cell, loc, "table"
        for row in table.rows:
            for cell, loc in zip(row, getattr(row, "locs", [])):
                yield cell, loc, "table"
    if rec.finance:
        for line in list(rec.finance.income) + list(rec.finance.expense):
            if line.name:
                yield line.name, line.at("name"), "finance"


WHERE_ZH = {"title": "标题", "content": "正文", "table": "表格", "finance": "收支名目"}
WHERE_EN = {"title": "title", "content": "content", "table": "table", "finance": "finance line name"}


def _strings(rec) -> list[str]:  # type: ignore[no-untyped-def]
    """The texts of `_texts`, without their places: for a first look at the whole record."""
    out = []
    if rec.title:
        out.append(rec.title)
    if rec.content:
        out.append(rec.content)
    for table in rec.tables:
        if table.title:
            out.append(table.title)
        out += table.columns
        for row in table.rows:
            out += row
    if rec.finance:
        for line in rec.finance.income:
            if line.name:
                out.append(line.name)
        for line in rec.finance.expense:
            if line.name:
                out.append(line.name)
    return out


def check(ctx: RuleContext) -> Iterator[Problem]:
    for _rid, rec in sorted(ctx.unit.records.items()):
        with ctx.guard(rec.src.path, rec.at()):
            # one look at all of a record's texts (a number never spans two of them: a line break is no separator
            # of its digit groups), and each text on its own only when something there looks like a number
            try:
                skip = not candidate("\n".join(_strings(rec)))
            except TypeError:  # a text that is no string: looked at one by one, as ever
                skip = False
            if not skip:
                yield from _record(ctx, rec)


def _record(ctx: RuleContext, rec) -> Iterator[Problem]:  # type: ignore[no-untyped-def]
    for text, loc, where in _texts(rec):
        # block scalars may be indented beyond our estimate; precise enough to find the line
        for offset, kind, masked in find(text):
            if kind == "id":
                m = msg("{w}里有未遮盖的身份证号码（{x}）：公开时只保留前 6 位和后 4 位，如 {x}",
                        "unmasked resident ID ({x}) in the {we}: publish only the first 6 and last 4 digits, as {x}",
                        w=WHERE_ZH[where], we=WHERE_EN[where], x=masked)
            else:
                m = msg("{w}里有未遮盖的手机号码（{x}）：公开时把中间四位换成 ****，如 {x}",
                        "unmasked mobile number ({x}) in the {we}: hide the middle four digits, as {x}",
                        w=WHERE_ZH[where], we=WHERE_EN[where], x=masked)
            yield ctx.problem("privacy", "error", rec.src.path, _locate(text, offset, loc), m, B.PRIVACY)
