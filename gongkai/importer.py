"""`gongkai import`: a spreadsheet (CSV or XLSX) becomes a record's `tables:` or a balanced `finance:` statement.

Amounts are read exactly: a CSV cell and an XLSX text cell from their text (Decimal, never a float); an XLSX
number through its shortest repr, rounded to fen, and refused when it really has more than two decimals. A sheet
that does not balance, or a cell that cannot be read, is refused with the cell named (`收支.xlsx:B7: …`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from gongkai import new
from gongkai.items import default_title
from gongkai.load import scalars
from gongkai.model import Record
from gongkai.problem import GongkaiError, Msg, msg
from gongkai.repo import UnitData

FEN = Decimal("0.01")
NOISE = Decimal("1e-9")  # what a float adds to an amount that had two decimals (0.1 + 0.2)
# header texts, after spaces and a trailing （元） are removed; the first that matches wins
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("摘要", "项目", "名称", "名目", "收支项目", "科目", "事项", "内容"),
    "income": ("收入", "收入金额", "本期收入", "收入额", "收"),
    "expense": ("支出", "支出金额", "本期支出", "支出额", "支"),
    "amount": ("金额", "发生额", "金额合计"),
    "type": ("收支类型", "收支", "类型", "收/支", "收支方向", "方向", "类别"),
    "note": ("备注", "说明", "附注"),
}
ROLES = tuple(HEADERS)
TOTAL_WORDS = ("合计", "小计", "总计", "本期合计", "收支合计", "累计")
OPENING_WORDS = ("期初余额", "上期结余", "上期余额", "上月结余", "上季度结余", "年初余额")
CLOSING_WORDS = ("期末余额", "本期结余", "本期余额", "本月结余", "本季度结余", "期末结余")
HEADING = re.compile(r"^([一二三四五六七八九十]+、|\(?[0-9]+\)|.*[：:]$)")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


class Refused(GongkaiError):
    """The sheet cannot be imported as it is: the message names the file and the cell."""


@dataclass(frozen=True)
class Cell:
    ref: str  # B7
    text: str  # as shown: '' when empty
    number: Decimal | None = None  # an XLSX number, exactly as far as it can be known
    excess: bool = False  # an XLSX number with more than two real decimals


@dataclass
class Sheet:
    name: str  # the file name, for messages
    rows: list[list[Cell]]


def column_letter(n: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def column_index(letters: str) -> int | None:
    if not re.fullmatch(r"[A-Za-z]{1,3}", letters):
        return None
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def refuse(sheet: Sheet, ref: str | None, zh: str, en: str, **kw: object) -> Refused:
    where = f"{sheet.name}:{ref}" if ref else sheet.name
    m = msg(zh, en, **kw)
    return Refused(Msg(f"{where}: {m.zh}", f"{where}: {m.en}"))


# ---------------------------------------------------------------- reading


def read(path: Path, sheet_name: str | None = None) -> Sheet:
    if not path.is_file():
        raise Refused(msg("找不到文件“{p}”", "file '{p}' does not exist", p=path))
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(path, sheet_name)
    if suffix == ".xls":
        raise Refused(msg("{p} 是旧的 .xls 格式：请在 Excel 或 WPS 里“另存为” .xlsx 或 CSV（UTF-8）后再导入",
                          "{p} is an old .xls workbook: save it as .xlsx or CSV first", p=path.name))
    return read_csv(path)


def decode_csv(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else GBK/GB18030 as Excel on Chinese Windows writes it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as e:
        raise Refused(msg("{n} 既不是 UTF-8 也不是 GBK 编码（第 {b} 个字节）：请另存为“CSV UTF-8”",
                          "{n} is neither UTF-8 nor GBK (byte {b}): save it as 'CSV UTF-8'", n=name, b=e.start + 1)) from None


def read_csv(path: Path) -> Sheet:
    text = decode_csv(path.read_bytes(), path.name)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ";" if ";" in first and "," not in first else ","
    rows = []
    for r, values in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1):
        rows.append([Cell(f"{column_letter(c)}{r}", v.strip()) for c, v in enumerate(values)])
    return Sheet(path.name, rows)


def read_xlsx(path: Path, sheet_name: str | None) -> Sheet:
    try:
        import openpyxl
    except ImportError:
        raise Refused(msg("读取 .xlsx 需要可选组件：pip install 'gongkai[xlsx]'（或者在 Excel/WPS 里另存为 CSV 后导入）",
                          "reading .xlsx needs the optional extra: pip install 'gongkai[xlsx]' (or save the sheet as CSV)")) \
            from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - a damaged or mislabelled file: say so, no traceback
        raise Refused(msg("无法打开 {n}（{e}）：它是 Excel 的 .xlsx 文件吗？", "cannot open {n} ({e}): is it an .xlsx workbook?",
                          n=path.name, e=type(e).__name__)) from None
    try:
        if sheet_name is not None:
            if sheet_name not in book.sheetnames:
                raise Refused(msg("{n} 里没有工作表“{s}”；有：{all}", "{n} has no sheet '{s}'; sheets: {all}", n=path.name,
                                  s=sheet_name, all=", ".join(book.sheetnames)))
            ws = book[sheet_name]
        else:
            ws = book.worksheets[0]
        rows = []
        for r, values in enumerate(ws.iter_rows(values_only=True), 1):
            rows.append([xlsx_cell(f"{column_letter(c)}{r}", v) for c, v in enumerate(values)])
    finally:
        book.close()
    label = path.name if sheet_name is None else f"{path.name}[{sheet_name}]"
    return Sheet(label, rows)


def xlsx_cell(ref: str, value: object) -> Cell:
    if value is None:
        return Cell(ref, "")
    if isinstance(value, bool):
        return Cell(ref, "是" if value else "否")
    if isinstance(value, int):
        return Cell(ref, str(value), Decimal(value))
    if isinstance(value, float):
        exact = Decimal(repr(value))  # the shortest text that reads back as this float: 0.1 → 0.1, not 0.1000…0555
        fen = exact.quantize(FEN)
        excess = abs(exact - fen) > NOISE
        if value.is_integer():
            text = str(int(value))
        elif len(exact.as_tuple().digits) >= 15:  # float noise (0.30000000000000004): shown rounded
            text = format(Decimal(repr(round(value, 9))).normalize(), "f")
        else:
            text = repr(value)
        return Cell(ref, text, fen if not excess else exact, excess)
    if isinstance(value, dt.datetime):
        return Cell(ref, value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" "))
    if isinstance(value, dt.date):
        return Cell(ref, value.isoformat())
    return Cell(ref, str(value).strip())


def amount(sheet: Sheet, cell: Cell) -> Decimal | None:
    """The exact amount in a cell, None when it is empty; refused when unreadable, negative or finer than fen."""
    if cell.number is not None:
        if cell.excess:
            raise refuse(sheet, cell.ref, "金额 {t} 超过两位小数：金额精确到分，请在表格里改正", "amount {t} has more than "
                         "two decimals: amounts are in fen at most", t=cell.number)
        value = cell.number
    else:
        text = cell.text.replace("元", "").replace("¥", "").replace("￥", "").replace(" ", "").replace("\u3000", "")
        if not text:
            return None
        value_or_none, reason = scalars.parse_money(text)
        if value_or_none is None:
            assert reason is not None
            raise refuse(sheet, cell.ref, "无法读取金额“{t}”：只写数字和小数点，如 12000.00", "cannot read the amount "
                         "'{t}': write digits and a decimal point, e.g. 12000.00", t=cell.text)
        value = value_or_none
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            raise refuse(sheet, cell.ref, "金额“{t}”超过两位小数：金额精确到分", "amount '{t}' has more than two decimals",
                         t=cell.text)
    if value < 0:
        raise refuse(sheet, cell.ref, "金额 {t} 是负数：收入和支出都写正数，分别记在收入、支出两列（或用收支类型列区分）",
                     "amount {t} is negative: write income and expense as positive amounts in their own columns",
                     t=cell.text or value)
    return value.quantize(FEN)


# ---------------------------------------------------------------- columns


def clean_header(text: str) -> str:
    t = re.sub(r"\s+", "", text)
    return re.sub(r"[（(](元|人民币|单位：?元)[)）]$", "", t)


def parse_map(text: str | None) -> dict[str, str]:
    """`name=摘要,income=收入,expense=支出` or `amount=C,type=D`: a role → a header text or a column letter."""
    out: dict[str, str] = {}
    if not text:
        return out
    for part in re.split(r"[,，;；]", text):
        if not part.strip():
            continue
        role, sep, col = part.partition("=")
        role = role.strip()
        if not sep or role not in ROLES or not col.strip():
            raise Refused(msg("--map 的“{p}”看不懂：写成 name=摘要,income=收入,expense=支出（可用：{r}；列可以写表头或列字母）",
                              "cannot read '{p}' in --map: write name=摘要,income=收入,expense=支出 (roles: {r}; a column "
                              "is a header or a letter)", p=part, r=", ".join(ROLES)))
        out[role] = col.strip()
    return out


def find_columns(sheet: Sheet, mapping: dict[str, str]) -> tuple[int, dict[str, int]]:
    """The header row (index) and each role's column, from --map first, then the common Chinese headers."""
    for i, row in enumerate(sheet.rows[:20]):
        heads = [clean_header(c.text) for c in row]
        cols: dict[str, int] = {}
        for role, wanted in mapping.items():
            index = column_index(wanted)
            if wanted in heads:
                cols[role] = heads.index(wanted)
            elif clean_header(wanted) in heads:
                cols[role] = heads.index(clean_header(wanted))
            elif index is not None:
                cols[role] = index
        for role, names in HEADERS.items():
            if role in cols:
                continue
            taken = set(cols.values())
            for name in names:
                hit = next((j for j, h in enumerate(heads) if h == name and j not in taken), None)
                if hit is not None:
                    cols[role] = hit
                    break
        has_amounts = "amount" in cols or "income" in cols or "expense" in cols
        if "name" in cols and has_amounts and (mapping.keys() <= cols.keys()):
            return i, cols
    found = next((r for r in sheet.rows if any(c.text for c in r)), [])
    raise refuse(sheet, None, "找不到收支表的表头：需要名目列（摘要/项目/名称）和金额列（收入、支出，或金额加收支类型）。"
                 "表头是：{h}。可用 --map 指定，如 --map name=摘要,income=收入,expense=支出",
                 "no income/expense header found: a name column (摘要/项目/名称) and amounts (收入 and 支出, or 金额 with "
                 "收支类型) are needed. Headers: {h}. Name them with --map, e.g. --map name=摘要,income=收入,expense=支出",
                 h=" | ".join(c.text for c in found if c.text) or "—")


# ---------------------------------------------------------------- finance


@dataclass
class Line:
    name: str
    amount: Decimal
    note: str = ""


@dataclass
class Statement:
    opening: Decimal
    income: list[Line] = field(default_factory=list)
    expense: list[Line] = field(default_factory=list)

    @property
    def closing(self) -> Decimal:
        return self.opening + sum((x.amount for x in self.income), Decimal(0)) - sum((x.amount for x in self.expense),
                                                                                       Decimal(0))


def _cell(row: list[Cell], index: int | None, r: int) -> Cell:
    if index is None:
        return Cell("", "")
    return row[index] if index < len(row) else Cell(f"{column_letter(index)}{r}", "")


def read_statement(sheet: Sheet, mapping: dict[str, str], opening: Decimal | None,
                   opening_source: str, unreadable: Record | None = None) -> Statement:
    """Income and expense lines from the sheet, checked against its own totals and balances."""
    head, cols = find_columns(sheet, mapping)
    lines_in: list[Line] = []
    lines_out: list[Line] = []
    sheet_opening: tuple[Decimal, Cell] | None = None
    sheet_closing: tuple[Decimal, Cell] | None = None
    for r, row in enumerate(sheet.rows[head + 1:], head + 2):
        name_cell = _cell(row, cols["name"], r)
        name = name_cell.text
        cells = {role: _cell(row, cols.get(role), r) for role in ("income", "expense", "amount")}
        label = re.sub(r"\s+", "", name)
        if any(w in label for w in OPENING_WORDS + CLOSING_WORDS):
            value_cell = next((c for c in cells.values() if c.text or c.number is not None), None)
            if value_cell is None:
                continue
            value = amount(sheet, value_cell)
            assert value is not None
            if any(w in label for w in OPENING_WORDS):
                sheet_opening = (value, value_cell)
            else:
                sheet_closing = (value, value_cell)
            continue
        if label in TOTAL_WORDS or label.endswith("合计"):
            _check_total(sheet, cells, lines_in, lines_out)
            continue
        values = {role: amount(sheet, c) for role, c in cells.items()}
        if all(v is None for v in values.values()):
            if name and not HEADING.match(label):
                ref = next((c.ref for c in cells.values() if c.ref), name_cell.ref)
                raise refuse(sheet, ref, "“{n}”这一行没有金额：填上金额，或删掉这一行", "the row '{n}' has no amount: "
                             "fill it in or delete the row", n=name)
            continue
        if not name:
            raise refuse(sheet, name_cell.ref or f"{column_letter(cols['name'])}{r}", "这一行有金额但没有名目（摘要）：请填写",
                         "this row has an amount but no name: fill it in")
        note = _cell(row, cols.get("note"), r).text
        if values["income"] is not None:
            lines_in.append(Line(name, values["income"], note))
        if values["expense"] is not None:
            lines_out.append(Line(name, values["expense"], note))
        if values["amount"] is not None:
            kind_cell = _cell(row, cols.get("type"), r)
            kind = kind_cell.text
            if "type" not in cols:
                raise refuse(sheet, cells["amount"].ref, "只有“金额”列时还需要“收支类型”列（收入或支出）：或用 --map type=列 指定",
                             "an amount column needs a type column (收入 or 支出): name it with --map type=COLUMN")
            if "收" in kind and "支" not in kind:
                lines_in.append(Line(name, values["amount"], note))
            elif "支" in kind and "收" not in kind:
                lines_out.append(Line(name, values["amount"], note))
            else:
                raise refuse(sheet, kind_cell.ref or f"{column_letter(cols['type'])}{r}", "收支类型“{k}”看不懂：写“收入”或“支出”",
                             "type '{k}' is neither 收入 (income) nor 支出 (expense)", k=kind)
    if opening is None:
        bad = unreadable if sheet_opening is None else None  # the previous statement's closing cannot be read
        if bad is not None:
            raise refuse(sheet, None, "上期（{p}，{r}）的期末余额读不出来（运行 gongkai check 查看）：改正它再导入，"
                         "或用 --opening 写明期初余额",
                         "the closing balance of the previous period ({p}, {r}) cannot be read (run gongkai check): "
                         "fix it and import again, or give the opening balance with --opening", p=bad.period, r=bad.id)
        if sheet_opening is None:
            raise refuse(sheet, None, "没有上一期的收支记录，表里也没有“期初余额”一行：用 --opening 写明期初余额",
                         "no previous statement and no 期初余额 row in the sheet: give the opening balance with --opening")
        opening = sheet_opening[0]
    elif sheet_opening is not None and sheet_opening[0] != opening:
        raise refuse(sheet, sheet_opening[1].ref, "表里的期初余额 {s} 与{src}的期末余额 {o} 不一致：期初余额应等于上期期末余额，请核对",
                     "the sheet's opening balance {s} differs from {src_en}'s closing balance {o}: they must agree",
                     s=sheet_opening[0], o=opening, src=opening_source, src_en=opening_source)
    st = Statement(opening, lines_in, lines_out)
    if not lines_in and not lines_out:
        raise refuse(sheet, None, "表里没有收入或支出：表头下面没有读到任何一行", "no income or expense line below the header")
    if st.closing < 0:
        raise refuse(sheet, None, "期末余额 {c} 为负数（期初 {o}）：请核对期初余额和各行金额", "the closing balance {c} is "
                     "negative (opening {o}): check the opening balance and the amounts", c=st.closing, o=st.opening)
    if sheet_closing is not None and sheet_closing[0] != st.closing:
        raise refuse(sheet, sheet_closing[1].ref, "收支不平：期初 {o} + 收入 {i} − 支出 {e} = {x}，但表里的期末余额是 {c}："
                     "请核对表格", "does not balance: opening {o} + income {i} − expense {e} = {x}, but the sheet says {c}",
                     o=st.opening, i=sum((x.amount for x in lines_in), Decimal(0)),
                     e=sum((x.amount for x in lines_out), Decimal(0)), x=st.closing, c=sheet_closing[0])
    return st


def _check_total(sheet: Sheet, cells: dict[str, Cell], lines_in: list[Line], lines_out: list[Line]) -> None:
    for role, lines in (("income", lines_in), ("expense", lines_out)):
        cell = cells[role]
        value = amount(sheet, cell) if (cell.text or cell.number is not None) else None
        if value is None:
            continue
        total = sum((x.amount for x in lines), Decimal(0))
        if value != total:
            raise refuse(sheet, cell.ref, "合计 {v} 与上面各行之和 {t} 不一致：请核对表格", "the total {v} differs from the sum "
                         "of the lines above, {t}", v=value, t=total)


# ---------------------------------------------------------------- tables


def read_table(sheet: Sheet) -> tuple[str | None, list[str], list[list[str]]]:
    """(title row if any, column headings, rows) of a list such as 低保名单."""
    filled = [(i, row) for i, row in enumerate(sheet.rows) if any(c.text for c in row)]
    if not filled:
        raise refuse(sheet, None, "表格是空的", "the sheet is empty")
    title = None
    i, head = filled[0]
    if sum(1 for c in head if c.text) == 1 and len(filled) > 1 and sum(1 for c in filled[1][1] if c.text) > 1:
        title = next(c.text for c in head if c.text)  # a title row above the headings
        i, head = filled[1]
    width = max(j + 1 for j, c in enumerate(head) if c.text)
    columns = [c.text for c in head[:width]]
    for j, c in enumerate(columns):
        if not c:
            raise refuse(sheet, f"{column_letter(j)}{i + 1}", "这一列没有表头：请填写列名", "this column has no heading")
    rows: list[list[str]] = []
    for row in sheet.rows[i + 1:]:
        if not any(c.text for c in row):
            continue
        extra = next((c for c in row[width:] if c.text), None)
        if extra is not None:
            raise refuse(sheet, extra.ref, "“{t}”在表头之外的列里：给这一列加上表头，或删掉它", "'{t}' is in a column without "
                         "a heading: add one or delete it", t=extra.text)
        rows.append([c.text for c in row[:width]] + [""] * (width - len(row[:width])))
    return title, columns, rows


# ---------------------------------------------------------------- writing


_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}]*$")
_SPECIAL = re.compile(r"^(~|null|true|false|yes|no|on|off|y|n|[-+.]?[0-9][-0-9.,:_ eE+]*)$", re.IGNORECASE)


def yaml_text(text: str) -> str:
    """A scalar for a flow collection: plain when safe, otherwise double-quoted."""
    import json

    if text and _PLAIN.match(text) and not _SPECIAL.match(text) and text == text.strip():
        return text
    return json.dumps(text, ensure_ascii=False)


def yaml_cell(text: str) -> str:
    """A table cell: numbers stay plain (the loader keeps a cell's text as written)."""
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", text) and not (len(text) > 1 and text[0] == "0" and text[1] != "."):
        return text
    return yaml_text(text) if text else '""'


@dataclass
class Target:
    """Where an imported record goes and how it starts."""

    unit: UnitData
    item: str
    period: str | None
    as_of: dt.date


def _record_head(t: Target, source: str, command: str) -> tuple[list[str], Path, str, str]:
    info = new.item_info(t.unit, t.item)
    per = new.parse_period(t.period) if t.period else new.last_ended(new.schedule_of(t.unit, info, t.as_of.year), t.as_of)
    new.check_period(t.unit, info, per)
    title = default_title(Record(item=info.id, period=per), info)
    path = new.record_path(t.unit, info, period=per, year=per.year, schedule=new.schedule_of(t.unit, info, per.year))
    ob = new.obligation_for(t.unit, t.as_of, info.id, str(per))
    lines = [f"# {title}：由 {source} 导入（gongkai import {command}）"]
    if ob is not None:
        lines.append(f"# 应于 {ob.due.isoformat()} 前公开（{ob.basis.zh}）")
    lines += [f"item: {info.id}", f"period: {per}", f"published: {t.as_of.isoformat()}           # 公开日期：改成张贴的那一天",
              f"title: {yaml_text(title)}", f"channels: [{', '.join(new.channels_of(t.unit, info, per.year))}]"]
    if info.category == "finance":
        lines.append("# reviewed: {by: 审核人, date: " + t.as_of.isoformat() + "}   # 监委会审核（公开前）")
    lines.append(f"# evidence: [evidence/{per.year}/{new.record_name(info)}.jpg]   # 公开栏照片，照相留存")
    return lines, path, str(per), title


def table_draft(t: Target, sheet: Sheet, title: str | None = None) -> new.Draft:
    lines, path, _, record_title = _record_head(t, sheet.name, "table")
    sheet_title, columns, rows = read_table(sheet)
    lines += ["tables:", f"  - title: {yaml_text(title or sheet_title or record_title)}",
              f"    columns: [{', '.join(yaml_text(c) for c in columns)}]", "    rows:"]
    lines += [f"      - [{', '.join(yaml_cell(c) for c in row)}]" for row in rows] or ["      []"]
    if not rows:
        lines[-2] = "    rows: []"
        lines.pop()
    return new.Draft(path, "record", "\n".join(lines) + "\n")


def finance_draft(t: Target, sheet: Sheet, mapping: dict[str, str], opening: Decimal | None = None) -> new.Draft:
    lines, path, period, _ = _record_head(t, sheet.name, "finance")
    per = new.parse_period(period)
    prev = new.previous_statement(t.unit, t.item, per)
    source = "命令行 --opening"
    if prev is not None:
        rec, st = prev
        assert st.closing_balance is not None
        if opening is not None and opening != st.closing_balance.value:
            raise Refused(msg("--opening {o} 与上期（{p}，{f}）的期末余额 {c} 不一致：期初余额应等于上期期末余额",
                              "--opening {o} differs from the closing balance {c} of the previous period ({p}, {f})",
                              o=opening, c=st.closing_balance.value, p=rec.period, f=rec.id))
        opening, source = st.closing_balance.value, f"上期（{rec.period}，{rec.id}）"
    unreadable = new.unreadable_previous(t.unit, t.item, per) if prev is None and opening is None else None
    st_new = read_statement(sheet, mapping, opening, source, unreadable)
    following = new.next_statement(t.unit, t.item, per)
    if following is not None:
        nrec, nst = following
        assert nst.opening_balance is not None
        if nst.opening_balance.value != st_new.closing:
            raise refuse(sheet, None, "导入后期末余额为 {c}，但下一期（{p}，{f}）的期初余额写的是 {o}：请先核对表格和下一期的记录",
                         "the imported closing balance {c} differs from the opening balance {o} of the next period "
                         "({p}, {f}): check the sheet and that record first", c=st_new.closing, o=nst.opening_balance.value,
                         p=nrec.period, f=nrec.id)
    total_in = sum((x.amount for x in st_new.income), Decimal(0))
    total_out = sum((x.amount for x in st_new.expense), Decimal(0))
    lines += ["content: |",
              f"  本期期初余额{st_new.opening:,.2f}元，收入合计{total_in:,.2f}元，支出合计{total_out:,.2f}元，"
              f"期末余额{st_new.closing:,.2f}元。"]
    lines += ["finance:", f"  opening_balance: {st_new.opening:.2f}" + (f"   # = {source}期末余额" if prev else "")]
    for key, items in (("income", st_new.income), ("expense", st_new.expense)):
        if not items:
            lines.append(f"  {key}: []")
            continue
        lines.append(f"  {key}:")
        for x in items:
            note = f", note: {yaml_text(x.note)}" if x.note else ""
            lines.append(f"    - {{name: {yaml_text(x.name)}, amount: {x.amount:.2f}{note}}}")
    lines.append(f"  closing_balance: {st_new.closing:.2f}")
    return new.Draft(path, "record", "\n".join(lines) + "\n")


def parse_opening(text: str | None) -> Decimal | None:
    if text is None:
        return None
    value, reason = scalars.parse_money(text)
    if value is None or value < 0:
        raise Refused(msg("--opening“{t}”不是金额：写成 12000.00", "--opening '{t}' is not an amount: write e.g. 12000.00", t=text))
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise Refused(msg("--opening“{t}”超过两位小数", "--opening '{t}' has more than two decimals", t=text))
    return value.quantize(FEN)
