"""Unmasked resident IDs and mobile numbers in public text."""

from __future__ import annotations

from conftest import problems

from gongkai.personal import find, id_check_ok, mask

VALID_ID = "11010519491231002X"  # the GB 11643 standard's own example, valid check digit
INVALID_ID = "110105194912310021"


def test_check_digit() -> None:
    assert id_check_ok(VALID_ID)
    assert not id_check_ok(INVALID_ID)


def test_find_masks_and_ignores() -> None:
    assert find(f"身份证 {VALID_ID} 电话 13812345678") == [(4, "id", "110105********002X"), (26, "mobile", "138****5678")]
    assert find("138-1234-5678") == [(0, "mobile", "138****5678")]
    assert find(f"{INVALID_ID} 138****5678 0371-62345678 123456789012 12345678901") == []


def test_privacy_everywhere_public(unit) -> None:
    rec = f"""\
item: village/affairs/15
period: 2024-Q1
published: 2024-04-05
title: 低保名单 联系 13912345678
content: |
  第一行正常。
  请联系王主任 13812345678。
tables:
  - title: 名单
    columns: [姓名, 身份证号]
    rows:
      - [张三, {VALID_ID}]
      - [李四, 110105********002X]
finance:
  opening_balance: 0
  income: [{{name: 张三 13700001111 交款, amount: 1.00}}]
  closing_balance: 1.00
"""
    root = unit({"records/a.yaml": rec}, items=["village/affairs/15"])
    got = [p for p in problems(root, "2024-04-20") if p.code == "privacy"]
    assert [(p.line, p.column) for p in got] == [(4, 16), (7, 10), (12, 14), (16, 22)]
    assert all("13812345678" not in p.message.zh and VALID_ID not in p.message.zh for p in got)
    assert "110105********002X" in got[2].message.zh


def test_fullwidth_and_country_code() -> None:
    assert find("电话：１３８１２３４５６７８") == [(3, "mobile", "138****5678")]
    assert find("+86 138 1234 5678") == [(4, "mobile", "138****5678")]
    assert find("１１０１０５１９４９１２３１００２Ｘ") == [(0, "id", "110105********002X")]


def test_check_flags_what_render_masks() -> None:
    text = f"户主 {VALID_ID}，电话 13812345678，座机 0371-62345678"
    flagged = find(text)
    masked = mask(text)
    assert [k for _, k, _ in flagged] == ["id", "mobile"]
    assert all(shown in masked for _, _, shown in flagged)
    assert VALID_ID not in masked and "13812345678" not in masked and "0371-62345678" in masked
