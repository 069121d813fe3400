"""The YAML node layer: positions, refusals, slips, encodings, hostile input."""

from __future__ import annotations

import time

import pytest

from gongkai.load.nodes import MAX_BYTES, Mapping, Scalar, decode, parse


def test_positions_are_one_based() -> None:
    root, slips = parse("a: 1\nb:\n  - x\n")
    assert slips == []
    assert isinstance(root, Mapping)
    (ka, va), (kb, vb) = root.items
    assert (ka.line, ka.col, va.line, va.col) == (1, 1, 1, 4)
    assert (vb.items[0].line, vb.items[0].col) == (3, 5)


def test_scalars_keep_source_text_and_style() -> None:
    root, _ = parse("phone: 03711234567\nname: NO\nq: '0.10'\nv: 1e3\n")
    values = [(v.value, v.style) for _, v in root.items]  # type: ignore[union-attr]
    assert values == [("03711234567", None), ("NO", None), ("0.10", "'"), ("1e3", None)]


@pytest.mark.parametrize("text, line, col, needle", [
    ("a: &x 1\nb: *x\n", 1, 4, "锚点"),
    ("a: 1\nb: *x\n", 2, 4, "别名"),
    ("base: {a: 1}\nx:\n  <<: {b: 2}\n", 3, 3, "合并键"),
    ("a: 1\n---\nb: 2\n", 2, 1, "一个文件只能写一份"),
    ("a: !!python/object:os.system x\n", 1, 4, "标签"),
])
def test_refusals(text: str, line: int, col: int, needle: str) -> None:
    root, slips = parse(text)
    assert root is None
    assert [(s.code, s.line, s.col) for s in slips] == [("syntax", line, col)]
    assert needle in slips[0].message.zh


def test_tab_indentation_hint() -> None:
    _, slips = parse("item: x\ncontacts:\n\tclerk: 王芳\n")
    assert [(s.code, s.line) for s in slips] == [("syntax", 3)]
    assert "Tab" in slips[0].message.zh


def test_fullwidth_colon_hint() -> None:
    _, slips = parse("item: village/finance/1\npublished：2024-04-08\n")
    assert [(s.code, s.line, s.col) for s in slips] == [("syntax", 2, 10)]
    assert "published: " in slips[0].message.zh


def test_unreadable_yaml_names_line() -> None:
    _, slips = parse("title: a: b\n")
    assert slips[0].code == "syntax" and slips[0].line == 1
    assert "引号" in slips[0].message.zh


def test_deep_nesting_is_bounded() -> None:
    start = time.monotonic()
    _, slips = parse("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 2000)))
    assert slips[0].code == "syntax" and "嵌套" in slips[0].message.zh
    _, slips = parse("[" * 100_000)
    assert slips[0].code == "syntax"
    assert time.monotonic() - start < 5


def test_huge_file_is_refused_before_parsing() -> None:
    text, slip = decode(b"a: " + b"x" * (MAX_BYTES + 1))
    assert text is None and slip is not None and slip.code == "syntax"


def test_bom_and_crlf_are_accepted() -> None:
    text, slip = decode("\ufeffname: 东庄村\r\nkind: village\r\n".encode())
    assert slip is None
    root, slips = parse(text or "")
    assert slips == [] and [k.value for k, _ in root.items] == ["name", "kind"]  # type: ignore[union-attr]
    assert isinstance(root.items[1][1], Scalar) and root.items[1][1].line == 2  # type: ignore[union-attr]


def test_gbk_is_reported_with_hint() -> None:
    _, slip = decode("name: 东庄村\nkind: village\n".encode("gbk"))
    assert slip is not None and slip.code == "encoding" and slip.line == 1
    assert "GBK" in slip.message.zh and "UTF-8" in slip.message.zh


def test_utf16_and_binary() -> None:
    assert decode("a: 1".encode("utf-16"))[1].code == "encoding"  # type: ignore[union-attr]
    _, slip = decode(b"a: 1\n\x00\x01\x02")
    assert slip is not None and slip.code == "encoding" and slip.line == 2
