"""Bytes → a small YAML node tree that keeps every value's 1-based line and column.

The tree is built from the parser's events rather than PyYAML's composer so that anchors,
aliases and merge keys are refused where they stand, nesting and size are bounded without
recursion, and no scalar is ever resolved by YAML 1.1 rules: every scalar keeps its source
text and its quoting style, and the schema decides what it means.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Union

import yaml

from gongkai.problem import Msg, msg

try:  # the C parser is ~10x faster; the pure-Python one behaves the same
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - libyaml missing
    from yaml.loader import Loader as _Parser  # type: ignore[assignment]

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 48
MAX_NODES = 200_000
STANDARD_TAGS = frozenset("tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp"))
NULLS = frozenset(("", "~", "null", "Null", "NULL"))


@dataclass(slots=True)
class Scalar:
    value: str
    style: str | None  # None or '' for plain; '"', "'", '|', '>' otherwise
    line: int
    col: int

    @property
    def is_null(self) -> bool:
        return not self.style and self.value in NULLS


@dataclass(slots=True)
class Mapping:
    line: int
    col: int
    items: list[tuple[Node, Node]] = field(default_factory=list)


@dataclass(slots=True)
class Sequence:
    line: int
    col: int
    items: list[Node] = field(default_factory=list)


Node = Union[Scalar, Mapping, Sequence]


@dataclass(slots=True)
class Slip:
    """A problem found while reading a file: code, location and message (basis is always the format)."""

    code: str
    line: int | None
    col: int | None
    message: Msg


class _Stop(Exception):
    def __init__(self, slip: Slip) -> None:
        self.slip = slip


def decode(data: bytes) -> tuple[str | None, Slip | None]:
    """UTF-8 (with or without BOM) → text; anything else → an `encoding` slip naming the likely encoding."""
    if len(data) > MAX_BYTES:
        return None, Slip("syntax", 1, 1, msg(
            "文件过大（{n} 字节，上限 {m} 字节）：一个文件只写一条记录，大的附件放到 evidence/ 里",
            "file too large ({n} bytes, limit {m}): keep one item per file and put attachments under evidence/",
            n=len(data), m=MAX_BYTES))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, Slip("encoding", 1, 1, msg(
            "文件是 UTF-16 编码：请用编辑器“另存为”UTF-8 编码",
            "the file is UTF-16: save it again as UTF-8"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        return None, Slip("encoding", line, col, _guess_encoding(data))
    if "\x00" in text:
        nul = text.index("\x00")
        return None, Slip("encoding", text.count("\n", 0, nul) + 1, 1, msg(
            "文件含有空字节（NUL），不是文本文件：YAML 文件必须是 UTF-8 文本",
            "the file contains NUL bytes and is not text: YAML files must be UTF-8 text"))
    return text, None


def _guess_encoding(data: bytes) -> Msg:
    for enc, name in (("gb18030", "GBK/GB18030"), ("big5", "Big5")):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if any("\u4e00" <= ch <= "\u9fff" for ch in text):
            return msg(
                "文件不是 UTF-8 编码，看起来是 {name}（Windows 记事本、WPS 常见）：请用编辑器“另存为”UTF-8 编码",
                "the file is not UTF-8; it looks like {name} (common from Windows editors): save it again as UTF-8",
                name=name)
    return msg("文件不是 UTF-8 编码，也不像文本文件：请用编辑器“另存为”UTF-8 编码",
               "the file is not UTF-8 and does not look like text: save it again as UTF-8")


_KEY_FULLWIDTH_COLON = re.compile(r"^([ \t\u3000]*(?:-[ \t]+)?)([A-Za-z_][A-Za-z0-9_-]*)[ \t\u3000]*：")


def scan_slips(text: str) -> list[Slip]:
    """Typing slips the YAML parser reports badly: full-width colon or space in key position, tabs."""
    slips: list[Slip] = []
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if stripped.startswith("\t"):
            slips.append(Slip("syntax", n, indent + 1, msg(
                "行首用了制表符（Tab）缩进：YAML 只能用空格缩进，请把 Tab 换成两个空格",
                "tab used for indentation: YAML indents with spaces only; replace the tab with two spaces")))
        elif stripped.startswith("\u3000"):
            slips.append(Slip("syntax", n, indent + 1, msg(
                "行首有全角空格“　”：请改成半角空格",
                "full-width space at the start of the line: use ordinary spaces")))
        m = _KEY_FULLWIDTH_COLON.match(line)
        if m:
            slips.append(Slip("syntax", n, m.end(), msg(
                "键“{key}”后面用了全角冒号“：”：请改成半角冒号加空格“{key}: ”",
                "full-width colon after key '{key}': use an ASCII colon and a space, '{key}: '", key=m.group(2))))
    return slips


# libyaml's problems, in Chinese, each with what to do about it: (problem, 问题, hint, hint in English)
_PROBLEMS = (
    ("mapping values are not allowed", "这里不能出现“键: 值”",
     "值里如果有“: ”（冒号加空格），请给整个值加引号；否则是这一行的缩进不对，或上一行缺少冒号",
     "quote the value if it contains ': '; otherwise the indentation of this line is off, or the line above lacks its colon"),
    ("could not find expected ':'", "找不到“键: 值”里的冒号",
     "这一行或上一行缺少“键: 值”里的半角冒号加空格，或者缩进不对",
     "a 'key: value' colon (followed by a space) is missing on this or the line before, or the indentation is off"),
    ("found character that cannot start any token", "值不能以“{c}”开头",
     "以 ` @ % 等符号开头的值请加引号，如 \"@某某\"；缩进只能用空格", "quote a value that starts with ` @ or %; indent with spaces only"),
    ("did not find expected key", "这里应该是下一个键",
     "缩进不一致（同一层的键要左对齐），或者引号、括号后面多写了内容", "inconsistent indentation (keys at one level line up), "
     "or something follows a closing quote or bracket"),
    ("did not find expected '-' indicator", "这里应该是以“- ”开头的列表项",
     "列表的各项要对齐，每项以“- ”开头；或者缩进不对", "list entries line up and start with '- '; or the indentation is off"),
    ("did not find expected ',' or ']'", "方括号 [ ] 没有闭合",
     "检查 [ ] 是否配对，各项之间用英文逗号“,”隔开；值里有“: ”或逗号时请加引号",
     "check that [ ] pair up and entries are separated by ASCII commas; quote values containing ': ' or commas"),
    ("did not find expected ',' or '}'", "花括号 { } 没有闭合",
     "检查 { } 是否配对，各项之间用英文逗号“,”隔开；值里有“: ”或逗号时请加引号",
     "check that { } pair up and entries are separated by ASCII commas; quote values containing ': ' or commas"),
    ("found unexpected end of stream", "文件结束了，引号还没有闭合", "引号没有配对：检查这一行的引号", "a quote is not closed"),
    ("found unexpected document indicator", "引号还没有闭合就遇到了“---”或“...”", "引号没有配对：检查引号",
     "a quote is not closed"),
    ("found unknown escape character", "双引号里的反斜杠“\\”后面是不认识的字符",
     "含反斜杠的值（如文件路径）请改用单引号，或写成两个反斜杠“\\\\”", "use single quotes for values with backslashes "
     "(such as paths), or double the backslash"),
    ("did not find expected comment or line break", "“|”或“>”后面不能再写内容",
     "多行文字从下一行开始写，并比键多缩进两格", "a block text starts on the next line, indented under its key"),
    ("did not find expected alphabetic or numeric character", "“&”或“*”后面缺少名称",
     "以 & 或 * 开头的值请加引号（本工具不支持锚点和别名）", "quote a value that starts with & or * (anchors and aliases "
     "are not accepted)"),
    ("did not find expected node content", "这里缺少值", "以 ] } , 等符号开头的值请加引号", "quote a value that starts with ] } or ,"),
    ("did not find expected <document start>", "文件结构不对（多余的“---”“...”或 % 开头的行）",
     "删掉多余的“---”“...”和 % 开头的行", "remove the extra '---', '...' or '%' lines"),
    ("block sequence entries are not allowed", "这里不能出现列表项“- ”",
     "列表项“- ”要写在键的下一行并缩进，或者给值加引号", "put list entries on the lines below their key, indented, or quote the value"),
    ("found undefined tag handle", "不认识的 YAML 标签", "不支持以 ! 开头的 YAML 标签；值以 ! 开头时请加引号",
     "YAML tags starting with ! are not accepted; quote a value that starts with !"),
    ("found a tab character", "这里有制表符（Tab）", "YAML 只能用空格缩进，请把 Tab 换成空格", "YAML indents with spaces only"),
    ("found character '\\t'", "这里有制表符（Tab）", "YAML 只能用空格缩进，请把 Tab 换成空格", "YAML indents with spaces only"),
    ("unacceptable character", "文件里有不允许的控制字符 {c}", "删掉这个看不见的字符（多半是复制粘贴带进来的）",
     "remove the invisible character (most likely pasted in)"),
)
_AT_START = ("could not find expected ':'", "found unexpected end of stream", "found unexpected document indicator")
_CONTEXTS = (
    ("while parsing a block mapping", "读取键值对时"), ("while parsing a block collection", "读取列表时"),
    ("while parsing a flow sequence", "读取方括号列表 [ ] 时"), ("while parsing a flow mapping", "读取花括号 { } 时"),
    ("quoted scalar", "读取引号里的内容时"), ("while scanning a simple key", "读取键时"),
    ("while scanning a block scalar", "读取多行文字（| 或 >）时"), ("while scanning an anchor", "读取锚点 & 时"),
    ("while scanning an alias", "读取别名 * 时"), ("while parsing a block node", "读取值时"),
    ("while parsing a flow node", "读取值时"), ("while scanning a plain scalar", "读取值时"),
    ("while scanning a tag", "读取标签 ! 时"), ("while scanning a directive", "读取 % 指令时"),
)


def _parser_error(e: yaml.YAMLError, text: str) -> Slip:
    """libyaml's error → a `syntax` slip at its line and column, in Chinese with what to do; the English
    message keeps libyaml's own words."""
    mark: Any = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    context_mark: Any = getattr(e, "context_mark", None)
    problem = getattr(e, "problem", None)
    context = getattr(e, "context", None) or ""
    line: int | None
    col: int | None
    char = ""
    if isinstance(e, yaml.reader.ReaderError):  # no marks: a character position in the text
        pos = min(max(int(getattr(e, "position", 0) or 0), 0), len(text))
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        problem = e.reason if isinstance(e.reason, str) else str(e)
        char = f"U+{e.character:04X}" if isinstance(e.character, int) else ""
        problem = f"unacceptable character {char}: {problem}"
    elif mark is not None:
        line, col = mark.line + 1, mark.column + 1
        at = mark.index if isinstance(getattr(mark, "index", None), int) else None
        if at is not None and 0 <= at < len(text):
            char = text[at]
    else:
        line, col = None, None
    problem = problem or str(e).split("\n")[0]
    zh_problem, zh, en = "格式不对", "请检查这一行的格式", "check the format of this line"
    for needle, pzh, hzh, hen in _PROBLEMS:
        if needle in problem:
            zh_problem, zh, en = pzh.replace("{c}", char), hzh, hen
            break
    where_zh = next((czh for needle, czh in _CONTEXTS if needle in context), "")
    started = ""
    started_en = ""
    if context_mark is not None and any(n in problem for n in _AT_START):
        # the parser notices only at the end of the file or the next line: point where the key or quote begins
        line, col = context_mark.line + 1, context_mark.column + 1
    elif context_mark is not None and line is not None and context_mark.line + 1 != line and where_zh:
        started = f"（从第 {context_mark.line + 1} 行开始）"
        started_en = f" (started on line {context_mark.line + 1})"
    en_problem = f"{context}{started_en}: {problem}" if context else problem
    lead = f"{where_zh}{started}，" if where_zh else ""
    return Slip("syntax", line, col, Msg(f"YAML 格式错误：{lead}{zh_problem}。{zh}",
                                         f"YAML syntax error ({en_problem}): {en}"))


def parse(text: str, c: bool = True) -> tuple[Node | None, list[Slip]]:
    """Text → root node, or None and the reasons. Never raises. `c=False`: the C builder already gave up on
    this text's bytes (quick_parse), so the Python builder reads it at once."""
    if c and _cbuild is not None:
        root = _cbuild(text, MAX_DEPTH, MAX_NODES)
        if root is not _FALLBACK:
            return root, []
    try:
        return _build(text), []
    except _Stop as stop:
        return None, [stop.slip]
    except yaml.YAMLError as e:
        slips = scan_slips(text)
        return None, slips or [_parser_error(e, text)]
    except (RecursionError, MemoryError):  # pragma: no cover - defensive: the builder does not recurse
        return None, [Slip("syntax", 1, 1, msg("文件结构过于复杂，无法读取", "the file is too complex to read"))]


def _refuse_anchor(ev: Any) -> None:
    m = ev.start_mark
    if isinstance(ev, yaml.AliasEvent):
        raise _Stop(Slip("syntax", m.line + 1, m.column + 1, msg(
            "不支持 YAML 别名（*{a}）：请把内容直接写出来",
            "YAML aliases (*{a}) are not accepted: write the content out", a=ev.anchor)))
    raise _Stop(Slip("syntax", m.line + 1, m.column + 1, msg(
        "不支持 YAML 锚点（&{a}）：请把内容直接写出来", "YAML anchors (&{a}) are not accepted: write the content out",
        a=ev.anchor)))


def _refuse_tag(ev: Any) -> None:
    tag = getattr(ev, "tag", None)
    if tag and tag != "!" and tag not in STANDARD_TAGS:
        m = ev.start_mark
        raise _Stop(Slip("syntax", m.line + 1, m.column + 1, msg(
            "不支持 YAML 标签 {t}：请删掉它", "YAML tag {t} is not accepted: remove it", t=tag)))


_SCALAR, _MAP_START, _SEQ_START = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_END = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _build(text: str) -> Node | None:
    """Events → nodes, iteratively. The loop dispatches on the event's exact type, most frequent first:
    it runs once per value of every file, so it is written for speed."""
    parser = _Parser(text)
    try:
        root: Node | None = None
        stack: list[list] = []  # [container, pending_key, is_sequence]
        documents = 0
        nodes = 0
        while True:
            ev: Any = parser.get_event()
            kind = type(ev)
            if kind is _SCALAR or kind is _MAP_START or kind is _SEQ_START:
                if ev.anchor is not None:
                    _refuse_anchor(ev)
                if ev.tag is not None:
                    _refuse_tag(ev)
                nodes += 1
                if nodes > MAX_NODES:
                    raise _Stop(Slip("syntax", ev.start_mark.line + 1, 1, msg(
                        "文件内容过多（超过 {n} 个值）", "too many values in one file (over {n})", n=MAX_NODES)))
                m: Any = ev.start_mark
                node: Node
                if kind is _SCALAR:
                    node = Scalar(ev.value, ev.style or None, m.line + 1, m.column + 1)
                elif kind is _MAP_START:
                    node = Mapping(m.line + 1, m.column + 1)
                else:
                    node = Sequence(m.line + 1, m.column + 1)
                if stack:
                    top = stack[-1]
                    if top[2]:
                        top[0].items.append(node)
                    elif top[1] is None:
                        if kind is _SCALAR and not node.style and node.value == "<<":  # type: ignore[union-attr]
                            raise _Stop(Slip("syntax", node.line, node.col, msg(
                                "不支持 YAML 合并键（<<）：请把内容直接写出来",
                                "YAML merge keys (<<) are not accepted: write the content out")))
                        top[1] = node
                    else:
                        top[0].items.append((top[1], node))
                        top[1] = None
                if kind is _SCALAR:
                    if not stack:
                        root = node
                else:
                    if len(stack) >= MAX_DEPTH:
                        raise _Stop(Slip("syntax", node.line, node.col, msg(
                            "嵌套层数过多（超过 {n} 层）", "nested too deeply (over {n} levels)", n=MAX_DEPTH)))
                    stack.append([node, None, kind is _SEQ_START])
            elif kind in _END:
                done = stack.pop()[0]
                if not stack:
                    root = done
            elif kind is yaml.AliasEvent:
                _refuse_anchor(ev)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    m = ev.start_mark
                    raise _Stop(Slip("syntax", m.line + 1, m.column + 1, msg(
                        "一个文件只能写一份内容：删掉第二个“---”，或把它拆成两个文件",
                        "one document per file: remove the second '---' or split the file")))
            elif kind is yaml.StreamEndEvent:
                return root
    finally:
        parser.dispose()


# The C builder (gongkai/load/_cnodes.c, compiled at installation when a C compiler and libyaml's yaml.h are
# there) builds the same tree about four times faster. It handles ordinary documents only: on anything else
# (a syntax error, an anchor, a tag, a second document, the limits) it answers _FALLBACK and the Python builder
# above reads the text again and says what is wrong. GONGKAI_PURE_PYTHON=1 turns it off.
_cbuild: Any = None
_FALLBACK: Any = object()
cnodes_module: Any = None  # the compiled module, also for schema.convert's C path (None: pure Python)
if os.environ.get("GONGKAI_PURE_PYTHON", "") != "1":
    try:
        from gongkai.load import _cnodes  # type: ignore[attr-defined]
    except ImportError:
        pass
    else:
        _cnodes.configure(Scalar, Mapping, Sequence)
        _cbuild, _FALLBACK = _cnodes.build, _cnodes.FALLBACK
        cnodes_module = _cnodes


def quick_parse(data: bytes) -> Node | None:
    """The file's bytes (its BOM cut off) → root node, straight from the C builder, without decoding them first:
    libyaml takes only UTF-8 without control characters, which `decode` accepts too, and reads the same bytes as it
    would from the decoded text. None when that is not the case (no C builder, a UTF-16 mark, an empty document,
    anything the C builder gives up on): the caller then decodes and parses, and reports what is wrong."""
    if _cbytes is None or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    root = _cbytes(data, MAX_DEPTH, MAX_NODES)
    return None if root is _FALLBACK else root


_cbytes: Any = None  # the C builder when it takes bytes (a module compiled from an older _cnodes.c does not)
if _cbuild is not None:
    try:
        _cbuild(b"", 1, 1)
    except TypeError:
        pass
    else:
        _cbytes = _cbuild
BYTES_IN_C = _cbytes is not None  # quick_parse tries the C builder (None from it: the C builder gave up)


def describe(node: Node) -> Msg:
    if isinstance(node, Mapping):
        return Msg("键值对", "a mapping")
    if isinstance(node, Sequence):
        return Msg("列表", "a list")
    return Msg(f"“{node.value}”", f"'{node.value}'")


