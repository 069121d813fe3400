"""The C node builder (gongkai/load/_cnodes.c) builds exactly the Python builder's tree, and leaves every
unusual input (errors, anchors, aliases, tags, merge keys, a second document, the limits) to the Python builder,
so the slips are the same words at the same places."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.load import nodes
from gongkai.load.nodes import Mapping, Scalar, Sequence, Slip, decode

ROOT = Path(__file__).resolve().parent.parent

try:
    from gongkai.load import _cnodes  # type: ignore[attr-defined]
except ImportError:
    _cnodes = None


def _can_compile() -> bool:
    return bool(shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")) and any(
        Path(d, "yaml.h").is_file() for d in ("/usr/include", "/usr/local/include", "/opt/homebrew/include"))


def test_extension_is_built_where_required() -> None:
    """CI installs gcc and libyaml-dev and sets GONGKAI_REQUIRE_C=1: there the C builder must be present."""
    if _cnodes is None and os.environ.get("GONGKAI_REQUIRE_C") != "1":
        pytest.skip("the C node builder is not compiled here (GONGKAI_REQUIRE_C unset)")
    assert _cnodes is not None, "gongkai/load/_cnodes.c was not compiled: install gcc and libyaml-dev, reinstall"
    # the node classes are the dataclasses of nodes.py, filled directly (not through their __init__)
    assert _cnodes.configure(Scalar, Mapping, Sequence) is True
    if os.environ.get("GONGKAI_PURE_PYTHON") != "1":
        assert nodes._cbuild is _cnodes.build


needs_c = pytest.mark.skipif(_cnodes is None, reason="the C node builder is not compiled here")
if _cnodes is not None:
    _cnodes.configure(Scalar, Mapping, Sequence)


@contextlib.contextmanager
def _builder(cbuild: Any) -> Iterator[None]:
    saved = nodes._cbuild, nodes._FALLBACK
    nodes._cbuild = cbuild
    if cbuild is not None:
        nodes._FALLBACK = _cnodes.FALLBACK
    try:
        yield
    finally:
        nodes._cbuild, nodes._FALLBACK = saved


def _shape(node: Any) -> Any:
    """Everything about a tree: exact classes, values, styles, lines, columns."""
    if node is None:
        return None
    if type(node) is Scalar:
        return ("S", node.value, node.style, node.line, node.col)
    if type(node) is Mapping:
        return ("M", node.line, node.col, [(_shape(k), _shape(v)) for k, v in node.items])
    assert type(node) is Sequence, type(node)
    return ("Q", node.line, node.col, [_shape(v) for v in node.items])


def _slips(slips: list[Slip]) -> list[tuple[Any, ...]]:
    return [(s.code, s.line, s.col, s.message.zh, s.message.en) for s in slips]


def both(text: str) -> tuple[Any, bool]:
    """Parse with the C builder and with the Python one; assert they agree; (the C tree, whether C built it)."""
    with _builder(_cnodes.build):
        c_root, c_slips = nodes.parse(text)
    with _builder(None):
        p_root, p_slips = nodes.parse(text)
    assert _shape(c_root) == _shape(p_root)
    assert c_root == p_root  # the dataclasses' own equality too: same classes
    assert _slips(c_slips) == _slips(p_slips)
    by_text = _cnodes.build(text, nodes.MAX_DEPTH, nodes.MAX_NODES)
    claimed = by_text is not _cnodes.FALLBACK
    assert not (claimed and p_slips)  # whatever the Python builder finds wrong, C left to it
    # the file's bytes, as repo.load_file hands them over (nodes.quick_parse): the same tree, or the same refusal
    by_bytes = _cnodes.build(text.encode("utf-8", "surrogatepass"), nodes.MAX_DEPTH, nodes.MAX_NODES)
    assert by_bytes == by_text if claimed else by_bytes is _cnodes.FALLBACK
    return c_root, claimed


def _yaml_files() -> list[Path]:
    found = [p for d in ("examples", "tests", "catalogs") for p in sorted((ROOT / d).rglob("*")) if p.suffix in (".yaml", ".yml")]
    return [p for p in found if p.is_file()]


@needs_c
def test_every_yaml_file_of_the_project() -> None:
    files = _yaml_files()
    assert len(files) > 150
    claimed = 0
    for path in files:
        text, slip = decode(path.read_bytes())
        if text is None:
            continue
        _, by_c = both(text)
        claimed += by_c
    assert claimed >= len(files) - 5  # the C builder reads the project's files itself, not through the fallback


@needs_c
def test_generated_county(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("county", ROOT / "tests" / "bench" / "county.py")
    assert spec is not None and spec.loader is not None
    county = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(county)
    county.build_county(tmp_path / "county", 3)
    files = sorted((tmp_path / "county").rglob("*.yaml"))
    assert len(files) > 100
    for path in files:
        text, _ = decode(path.read_bytes())
        assert text is not None
        root, by_c = both(text)
        assert by_c and isinstance(root, Mapping)


def test_positions_and_styles_from_c() -> None:
    if _cnodes is None:
        pytest.skip("the C node builder is not compiled here")
    text = "\ufeff名称: 东庄村\r\nq: '0.10'\r\nd: \"引号\"\r\nlit: |\r\n  第一行\r\n  第二行\r\nfold: >\r\n  a\r\n  b\r\n" \
           "flow: [1, {k: v}, ]\r\nempty:\r\n~: x\r\n"
    root = _cnodes.build(text, nodes.MAX_DEPTH, nodes.MAX_NODES)
    assert type(root) is Mapping and (root.line, root.col) == (1, 1)  # the BOM is not counted, as with PyYAML
    got = [(k.value, v.value if type(v) is Scalar else None, getattr(v, "style", "-"), v.line, v.col) for k, v in root.items]
    assert got == [("名称", "东庄村", None, 1, 5), ("q", "0.10", "'", 2, 4), ("d", "引号", '"', 3, 4),
                   ("lit", "第一行\n第二行\n", "|", 4, 6), ("fold", "a b\n", ">", 7, 7), ("flow", None, "-", 10, 7),
                   ("empty", "", None, 11, 7), ("~", "x", None, 12, 4)]
    flow = root.items[5][1]
    assert type(flow) is Sequence and [type(x) for x in flow.items] == [Scalar, Mapping]
    assert root.items[6][1].is_null and root.items[7][0].is_null
    assert _cnodes.build("", 48, 10) is None and _cnodes.build("# only a comment\n", 48, 10) is None
    assert both("---\n...\n")[0] == Scalar("", None, 2, 1)  # an explicit empty document holds an empty value
    assert both("x")[0] == Scalar("x", None, 1, 1)
    assert both(text)[1]


ATTACKS = [
    "a: &x 1\nb: *x\n",
    "a: 1\nb: *x\n",
    "- &a [1, 2]\n",
    "&m {a: 1}\n",
    "base: {a: 1}\nx:\n  <<: {b: 2}\n",
    "{<<: 1}\n",
    "a: 1\n---\nb: 2\n",
    "--- 1\n--- 2\n",
    "a: !!python/object:os.system x\n",
    "a: !!str x\n",
    "a: !!map {b: 1}\n",
    "a: !custom x\n",
    "a: ! x\n",
    "%TAG ! tag:example.com,2000:\n---\na: !x 1\n",
    "%YAML 1.1\n---\na: 1\n",
    "title: a: b\n",
    "item: x\ncontacts:\n\tclerk: 王芳\n",
    "item: village/finance/1\npublished：2024-04-08\n",
    "a: [1, 2\n",
    "a: {b: 1\n",
    "a: 'open\n",
    'a: "\\q"\n',
    "a: |x\n  b\n",
    "- a\nb: 1\n",
    "a:\n  - 1\n - 2\n",
    "\x01a: 1\n",
    "a: \x7f\n",
    "a: b\x85c\n",
    "\u3000a: 1\n",
    "a: \ufffe\n",
    "@a: 1\n",
    "`a`: 1\n",
    "a: 1\n...\n---\n",
    "? [a, b]\n: c\n",
    "? |\n  block key\n: v\n",
    "[" * 10_000,
    "[" * 10_000 + "]" * 10_000,
    "{a: " * 5_000,
    "- " * 60 + "x\n",
    "[" + ", ".join(["1"] * 300_000) + "]\n",
]


@needs_c
@pytest.mark.parametrize("text", ATTACKS, ids=range(len(ATTACKS)))
def test_broken_and_attacking_inputs_give_the_python_slips(text: str) -> None:
    both(text)


@needs_c
@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "base: {a: 1}\nx:\n  <<: {b: 2}\n", "a: 1\n---\nb: 2\n", "a: !!python/name:os.system x\n",
    "title: a: b\n",
    "[" * 10_000, "[" + ", ".join(["1"] * 300_000) + "]\n", "\n".join(f"k{i}: {i}" for i in range(150_000)),
], ids=["anchor", "merge", "two-documents", "tag", "syntax", "deep", "300k-values", "150k-keys"])
def test_c_leaves_refusals_to_python(text: str) -> None:
    assert _cnodes.build(text, nodes.MAX_DEPTH, nodes.MAX_NODES) is _cnodes.FALLBACK
    root, slips = nodes.parse(text)
    assert root is None and len(slips) == 1 and slips[0].code == "syntax"


@needs_c
def test_text_that_is_not_utf8_encodable_is_left_to_python() -> None:
    """decode() never makes such text, but the C side must not raise on it either."""
    assert _cnodes.build("a: \udc80\n", 48, 10) is _cnodes.FALLBACK


@needs_c
def test_limits_are_the_callers(monkeypatch: pytest.MonkeyPatch) -> None:
    """nodes.parse passes its limits on each call: a test lowering them sees the Python slip at the limit."""
    monkeypatch.setattr(nodes, "MAX_DEPTH", 3)
    monkeypatch.setattr(nodes, "MAX_NODES", 5)
    root, _ = both("a: [[1]]\n")
    assert root is not None
    for text in ("a: [[[1]]]\n", "[1, 2, 3, 4, 5]\n"):
        root, by_c = both(text)
        assert root is None and not by_c
    assert _cnodes.build("a", -1, 5) is _cnodes.FALLBACK and _cnodes.build("a", 10**9, 5) is _cnodes.FALLBACK
    with pytest.raises(TypeError):
        _cnodes.build(bytearray(b"a: 1"), 3, 5)


@needs_c
@pytest.mark.parametrize(("data", "code", "where"), [
    (b"item: \xff\xfe\n", "encoding", (1, 7)),  # not UTF-8
    (b"item: a\x00b\n", "encoding", (1, 1)),  # a NUL byte
    ("item: a\n".encode("utf-16"), "encoding", (1, 1)),  # UTF-16 with its mark: libyaml would read it
    (b"item: \xed\xa0\x80\n", "encoding", (1, 7)),  # an encoded surrogate
    (b"", "schema", (1, 1)),  # empty
])
def test_bytes_the_c_builder_refuses_are_decoded_and_reported(tmp_path: Path, data: bytes, code: str,
                                                              where: tuple[int, int]) -> None:
    """repo.load_file hands a file's bytes straight to the C builder: whatever is not plain UTF-8 YAML goes
    the long way (decode, parse) and is reported as before, at its place."""
    from gongkai.model import Record
    from gongkai.repo import load_file

    assert nodes.quick_parse(data) is None
    f = tmp_path / "r.yaml"
    f.write_bytes(data)
    obj, problems = load_file(f, "r.yaml", Record)
    assert obj is None
    assert [(p.code, p.path, p.line, p.column) for p in problems] == [(code, "r.yaml", *where)]


@needs_c
@pytest.mark.skipif(nodes._cbytes is None, reason="the loader does not use the C builder (GONGKAI_PURE_PYTHON=1)")
def test_bytes_with_a_bom_read_as_the_text() -> None:
    """A UTF-8 file with its BOM cut off (as load_file does) gives the tree of the decoded text, same places."""
    text = "item: 社区/财务/1\ntitle: 标题\n"
    data = ("\ufeff" + text).encode()
    tree = nodes.quick_parse(data[3:])
    assert tree is not None and tree == nodes.parse(decode(data)[0] or "")[0]
    assert isinstance(tree, Mapping) and (tree.items[1][1].line, tree.items[1][1].col) == (2, 8)


@needs_c
def test_no_reference_leaks() -> None:
    """Parse good and refused texts thousands of times: the interpreter holds no more memory blocks afterwards."""
    import gc

    texts = ["名称: 东庄村\nitems:\n  - {a: '1', b: \"x\"}\n  - |\n    第一行\n", "a: &x 1\nb: *x\n", "title: a: b\n",
             "[" * 60, "{<<: 1}\n", "a: 1\n---\nb: 2\n", "a: !!str x\n", "a: \udc80\n", "[1, [2, [3]]]\n"]

    def run() -> None:
        for _ in range(300):
            for text in texts:
                _cnodes.build(text, nodes.MAX_DEPTH, nodes.MAX_NODES)
                _cnodes.build(text, 2, 3)

    run()
    gc.collect()
    before = sys.getallocatedblocks(), sys.getrefcount(_cnodes.FALLBACK), sys.getrefcount(None)
    run()
    gc.collect()
    after = sys.getallocatedblocks(), sys.getrefcount(_cnodes.FALLBACK), sys.getrefcount(None)
    assert after[1] == before[1] and abs(after[2] - before[2]) < 50
    assert after[0] - before[0] < 100  # 5,400 parses: a leak of one object each would show thousands


@needs_c
def test_classes_are_called_when_they_cannot_be_filled_directly() -> None:
    """A node class with a __post_init__ (or without slots) is called like Python would; the tree is the same."""
    from dataclasses import dataclass

    @dataclass
    class Scalar2:
        value: str
        style: str | None
        line: int
        col: int

        def __post_init__(self) -> None:
            self.value = self.value.upper()

    @dataclass
    class Mapping2:
        line: int
        col: int
        items: list[Any]

    @dataclass
    class Sequence2:
        line: int
        col: int
        items: list[Any]

    text = "a: [x, {b: 'y'}]\n"
    try:
        assert _cnodes.configure(Scalar2, Mapping2, Sequence2) is False
        root = _cnodes.build(text, nodes.MAX_DEPTH, nodes.MAX_NODES)
    finally:
        assert _cnodes.configure(Scalar, Mapping, Sequence) is True
    assert type(root) is Mapping2
    (k, v), = root.items
    assert (k.value, type(v), v.items[0].value, v.items[1].items[0][1].style) == ("A", Sequence2, "X", "'")
    assert (v.items[1].line, v.items[1].col) == (1, 8)


# hypothesis: random text, random bytes, and YAML written the ways people write it

_PLAIN = st.text(alphabet=st.sampled_from(list("abcxyz019 -_.:/#'\"东庄村花园口镇，。：（）") + ["\u3000", "\t"]),
                 min_size=1, max_size=12)


@needs_c
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_random_text(text: str) -> None:
    both(text)


@needs_c
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=80))
def test_random_bytes(data: bytes) -> None:
    text, _ = decode(data)
    if text is not None:
        both(text)


@needs_c
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["a", ":", " ", "\n", "-", "[", "]", "{", "}", ",", "'", '"', "|", ">", "#", "&",
                                 "*", "!", "?", "<<", "\t", "\r\n", "：", "东", "  ", "---", "...", "%", "\\", "~"]),
                max_size=40))
def test_random_yaml_punctuation(parts: list[str]) -> None:
    both("".join(parts))


def _scalar(draw: Any) -> str:
    text = draw(_PLAIN)
    style = draw(st.sampled_from(["plain", "single", "double", "cjk"]))
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    if style == "double":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'
    if style == "cjk":
        return draw(st.sampled_from(["东庄村", "2024-01-05", "0371-62345678", "三长会议", "12.50", "~", "null", "否"]))
    return text.strip() or "x"


@st.composite
def documents(draw: Any) -> str:
    """Block and flow YAML with comments, block scalars, CJK text, in LF or CRLF, with or without a BOM."""
    lines: list[str] = []

    def block(indent: int, depth: int) -> None:
        for i in range(draw(st.integers(1, 4))):
            pad = " " * indent
            key = draw(st.sampled_from(["name", "日期", "amount", "items", f"k{i}", "'quoted key'", "~"]))
            kind = draw(st.sampled_from(["scalar", "scalar", "flow", "list", "map", "literal", "folded", "comment"]))
            if depth >= 3 and kind in ("list", "map"):
                kind = "scalar"
            if kind == "scalar":
                comment = draw(st.sampled_from(["", "  # 备注", " #x"]))
                lines.append(f"{pad}{key}: {_scalar(draw)}{comment}")
            elif kind == "flow":
                vals = ", ".join(_scalar(draw) for _ in range(draw(st.integers(0, 3))))
                lines.append(f"{pad}{key}: " + draw(st.sampled_from([f"[{vals}]", f"{{a: {_scalar(draw)}, b: [{vals}]}}"])))
            elif kind == "list":
                lines.append(f"{pad}{key}:")
                for _ in range(draw(st.integers(1, 3))):
                    lines.append(f"{pad}  - {_scalar(draw)}")
                    if draw(st.booleans()):
                        lines.append(f"{pad}  - {{k: {_scalar(draw)}}}")
            elif kind == "map":
                lines.append(f"{pad}{key}:")
                block(indent + 2, depth + 1)
            elif kind in ("literal", "folded"):
                ind = draw(st.sampled_from(["", "-", "+"]))
                lines.append(f"{pad}{key}: {'|' if kind == 'literal' else '>'}{ind}")
                for _ in range(draw(st.integers(1, 3))):
                    lines.append(f"{pad}  {draw(_PLAIN).replace(chr(9), ' ').strip() or '文'}")
                if draw(st.booleans()):
                    lines.append("")
            else:
                lines.append(f"{pad}# 注释 {draw(_PLAIN)}")
                lines.append(f"{pad}{key}: {_scalar(draw)}")

    if draw(st.booleans()):
        lines.append("---")
    block(0, 0)
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    return draw(st.sampled_from(["", "\ufeff"])) + eol.join(lines) + draw(st.sampled_from(["", eol]))


@needs_c
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents(text: str) -> None:
    both(text)


@needs_c
def test_valid_documents_are_built_in_c() -> None:
    """The comparisons are of trees, not only of slips: ordinary documents never take the fallback."""
    texts = [f"名称: 村{i}\r\nitems:\n  - {{a: '{i}', b: \"x\"}}\n  - |\n    第{i}行\n  -\n    - [{i}, ~]\n" for i in range(50)]
    for text in texts:
        root, by_c = both(text)
        assert by_c and isinstance(root, Mapping)


# the command line gives the same JSON either way

def _check_json(env_extra: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if k != "GONGKAI_PURE_PYTHON"}
    env.update(PYTHONPATH=str(ROOT), **env_extra)
    r = subprocess.run([sys.executable, "-m", "gongkai", "check", str(ROOT / "examples" / "huayuankou"), "--as-of",
                        "2024-12-31", "--no-cache", "-f", "json"], capture_output=True, text=True, env=env)
    assert r.returncode in (0, 1), r.stderr
    return r.stdout


def test_pure_python_switch_gives_the_same_json() -> None:
    probe = "import gongkai.load.nodes as n; print(n._cbuild is None)"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GONGKAI_PURE_PYTHON": "1"}
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert r.stdout.strip() == "True"
    with_c, pure = _check_json({}), _check_json({"GONGKAI_PURE_PYTHON": "1"})
    assert json.loads(with_c) and with_c == pure
