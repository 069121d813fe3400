"""Amounts as the board prints them: thousands separators and two decimals, and 人民币大写.

The capital-figure rules follow the People's Bank of China's 《支付结算办法》 (附件一 正确填写票据和
结算凭证的基本规定): 元 (or 角) is followed by 整, 分 is not; a zero between non-zero digits is
written once as 零; a zero in the 角 place before a non-zero 分 is written 零; 10–19 are 壹拾…
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
SECTION_UNITS = ("", "万", "亿", "万亿")
CENT = Decimal("0.01")


# a non-zero amount of at most two decimals → its text: a statement's figures recur (balances carried over, the same
# fees each quarter). Only those: their text depends on the value alone (1.5 and 1.50 print 1.50), while 1.005 and
# 1.0050, equal too, print as written, and so do 0.00 and -0.00
_TEXTS: dict[Decimal, str] = {}
MAX_TEXTS = 100_000


def amount(value: Decimal | None) -> str:
    """`125000` → `125,000.00`. An amount with more than two decimals is shown exactly, never rounded
    away (check reports it); None (an amount that could not be read) is shown as a dash."""
    if value is None:
        return "—"
    known = type(value) is Decimal and value and value.is_finite()
    if known:
        done = _TEXTS.get(value)
        if done is not None:
            return done
    try:
        if value == value.quantize(CENT):
            text = f"{value:,.2f}"
            if known:
                if len(_TEXTS) >= MAX_TEXTS:
                    _TEXTS.clear()
                _TEXTS[value] = text
            return text
    except InvalidOperation:
        pass
    return f"{value:,}"


def _section(n: int) -> str:
    """0 < n < 10000 → 壹仟零伍 (leading zeros are the caller's business)."""
    out: list[str] = []
    zero = False
    for pos in range(3, -1, -1):
        d = n // 10**pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[d] + SMALL_UNITS[pos])
    return "".join(out)


def _integer(n: int) -> str:
    if n == 0:
        return ""
    sections = []
    while n:
        sections.append(n % 10000)
        n //= 10000
    if len(sections) > len(SECTION_UNITS):
        raise ValueError("amount too large for 人民币大写")
    out: list[str] = []
    need_zero = False
    for i in range(len(sections) - 1, -1, -1):
        s = sections[i]
        if s == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or s < 1000):
            out.append("零")
        need_zero = False
        out.append(_section(s) + SECTION_UNITS[i])
    return "".join(out)


def daxie(value: Decimal | None) -> str:
    """人民币大写: 125000.00 → 壹拾贰万伍仟元整; 1.05 → 壹元零伍分; 0 → 零元整; negative → 负….
    Amounts with more than two decimals are rounded half up to the 分 for this line only."""
    if value is None:
        return ""
    v = value.quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "负" if v < 0 else ""
    cents = int(abs(v) * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    head = _integer(yuan)
    if yuan == 0 and jiao == 0 and fen == 0:
        return "零元整"
    out = head + "元" if head else ""
    if jiao:
        out += DIGITS[jiao] + "角"
    if fen:
        if head and not jiao:
            out += "零"
        out += DIGITS[fen] + "分"
    else:
        out += "整"
    return sign + out
