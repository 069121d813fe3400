"""Amounts as printed: thousands separators, two decimals, and 人民币大写 (《支付结算办法》 rules)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gongkai.render.money import amount, daxie


@pytest.mark.parametrize("value, text, capital", [
    ("125000.00", "125,000.00", "壹拾贰万伍仟元整"),  # the example
    ("0", "0.00", "零元整"),
    ("0.05", "0.05", "伍分"),
    ("0.5", "0.50", "伍角整"),
    ("1.05", "1.05", "壹元零伍分"),  # 角 is 0, 分 is not: 零 after 元
    ("10.50", "10.50", "壹拾元伍角整"),
    ("12", "12.00", "壹拾贰元整"),  # 10–19 keep 壹拾
    ("1005", "1,005.00", "壹仟零伍元整"),
    ("1409.50", "1,409.50", "壹仟肆佰零玖元伍角整"),
    ("6007.14", "6,007.14", "陆仟零柒元壹角肆分"),  # consecutive zeros: one 零
    ("100000", "100,000.00", "壹拾万元整"),
    ("100010", "100,010.00", "壹拾万零壹拾元整"),
    ("107000.53", "107,000.53", "壹拾万柒仟元伍角叁分"),
    ("189000.00", "189,000.00", "壹拾捌万玖仟元整"),
    ("552948.83", "552,948.83", "伍拾伍万贰仟玖佰肆拾捌元捌角叁分"),
    ("100000000", "100,000,000.00", "壹亿元整"),
    ("100010000", "100,010,000.00", "壹亿零壹万元整"),
    ("100001000", "100,001,000.00", "壹亿零壹仟元整"),
    ("99999999999.99", "99,999,999,999.99", "玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ("-3.2", "-3.20", "负叁元贰角整"),
])
def test_amount_and_daxie(value: str, text: str, capital: str) -> None:
    assert amount(Decimal(value)) == text
    assert daxie(Decimal(value)) == capital


def test_more_than_two_decimals_is_shown_exactly_not_rounded_away() -> None:
    assert amount(Decimal("1234.567")) == "1,234.567"
    assert daxie(Decimal("1234.565")) == "壹仟贰佰叁拾肆元伍角柒分"


def test_unreadable_amount_is_a_dash() -> None:
    assert amount(None) == "—"
    assert daxie(None) == ""
