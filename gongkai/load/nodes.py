"""Bytes → a small YAML node tree that keeps every value's 1-based line and column.

The tree is built from the parser's events rather than PyYAML's composer so that anchors,
aliases and merge keys are refused where they stand, nesting and size are bounded without
recursion, and no scalar is ever resolved by YAML 1.1 rules: every scalar keeps its source
text and its quoting style, and the schema decides what it means.
"""

from __future__ import annotations

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


_PARSER_HINTS = (
    ("mapping values are not allowed", "值里如果有“: ”（冒号加空格），请给整个值加引号", "quote the value if it contains ': '"),
    ("could not find expected ':'", "这一行缺少“键: 值”里的半角冒号，或上一行的缩进不对", "a 'key: value' colon is missing here, or the indentation is off"),
    ("found character '\\t'", "YAML 只能用空格缩进，请把 Tab 换成空格", "YAML indents with spaces only"),
    ("did not find expected key", "缩进不一致：同一层的键要左对齐", "inconsistent indentation: keys at one level must line up"),
    ("found undefined tag handle", "不支持以 ! 开头的 YAML 标签", "YAML tags starting with ! are not supported"),
    ("while scanning a quoted scalar", "引号没有配对：检查这一行的引号", "a quote is not closed"),
)


def _parser_error(e: yaml.YAMLError) -> Slip:
    mark: Any = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    problem = getattr(e, "problem", None) or str(e)
    zh, en = "请检查这一行的格式", "check the format of this line"
    for needle, hzh, hen in _PARSER_HINTS:
        if needle in str(e):
            zh, en = hzh, hen
            break
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
    return Slip("syntax", line, col, Msg(f"YAML 语法错误（{problem}）：{zh}", f"YAML syntax error ({problem}): {en}"))


def parse(text: str) -> tuple[Node | None, list[Slip]]:
    """Text → root node, or None and the reasons. Never raises."""
    try:
        return _build(text), []
    except _Stop as stop:
        return None, [stop.slip]
    except yaml.YAMLError as e:
        slips = scan_slips(text)
        return None, slips or [_parser_error(e)]
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


def describe(node: Node) -> Msg:
    if isinstance(node, Mapping):
        return Msg("键值对", "a mapping")
    if isinstance(node, Sequence):
        return Msg("列表", "a list")
    return Msg(f"“{node.value}”", f"'{node.value}'")


