"""Masking and the safe rendering of record content (HTML and rebuilt Markdown)."""

from __future__ import annotations

import pytest

from gongkai.personal import mask
from gongkai.render.markdown import md_escape, safe_url, to_html, to_markdown

ID = "410122199001011235"  # valid check digit
MOBILE = "13812345678"


@pytest.mark.parametrize("text, masked", [
    (f"身份证{ID}", "身份证410122********1235"),
    ("11010519491231002X", "110105********002X"),
    ("110105194912310021", "110105********0021"),  # check digit wrong, birth date real: still an ID
    (f"电话{MOBILE}。", "电话138****5678。"),
    ("138-1234-5678", "138-****-5678"),
    ("138 1234 5678", "138 **** 5678"),
    ("+86 13812345678", "+86 138****5678"),
    ("8613812345678", "86138****5678"),
    ("１３８１２３４５６７８", "１３８****５６７８"),
    ("张三13812345678李四", "张三138****5678李四"),
])
def test_mask(text: str, masked: str) -> None:
    assert mask(text) == masked


@pytest.mark.parametrize("text", [
    "0371-62345678",  # landline
    "12345678901",  # not a mobile prefix
    "6222021234567890123",  # a bank account: a longer run of digits
    "123456789012345678",  # 18 digits, neither a valid check digit nor a birth date
    "410122********1235",  # already masked
    "138****5678",
])
def test_not_masked(text: str) -> None:
    assert mask(text) == text


@pytest.mark.parametrize("url, ok", [
    ("http://example.org/a", True), ("HTTPS://example.org", True), ("../a.html", True), ("a/b#c", True),
    ("?q=1", True), ("#top", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("java\tscript:alert(1)", False),
    (" javascript:alert(1)", False), ("data:text/html,<script>", False), ("vbscript:x", False),
    ("file:///etc/passwd", False), ("//evil.example/x", False), ("\\\\evil\\x", False), ("mailto:a@b", False),
])
def test_safe_url(url: str, ok: bool) -> None:
    assert safe_url(url) is ok


HOSTILE = f"""\
# 标题 <b>粗</b>
<script>alert(1)</script> <img src=x onerror=alert(1)>
{{{{ 7*7 }}}} {{% include "base.html" %}}
[坏](javascript:alert(1)) [好](https://example.org/a) [相对](../a.html) ![图](https://evil.example/x.png)
身份证 {ID} 手机 {MOBILE} [链](https://example.org/{MOBILE}) `{MOBILE}`
"""


def test_html_is_escaped_and_links_filtered() -> None:
    html = str(to_html(HOSTILE))
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "{{ 7*7 }} {% include &quot;base.html&quot; %}" in html  # content is never a template
    assert 'href="javascript' not in html and "[坏](javascript:alert(1))" in html
    assert '<a href="https://example.org/a" rel="noopener noreferrer">好</a>' in html
    assert '<a href="../a.html">相对</a>' in html
    # an image is a link, never loaded
    assert '<a class="image-link" href="https://evil.example/x.png">［图片：图］</a>' in html
    assert html.startswith("<h3>标题 &lt;b&gt;粗&lt;/b&gt;</h3>")  # headings moved down two levels
    assert ID not in html and MOBILE not in html
    assert "410122********1235" in html and "138****5678" in html
    assert 'href="https://example.org/138****5678"' in html and "<code>138****5678</code>" in html


def test_markdown_is_rebuilt_escaped() -> None:
    out = to_markdown(HOSTILE)
    assert out == (
        "### 标题 \\<b\\>粗\\</b\\>\n"
        "\n"
        "\\<script\\>alert(1)\\</script\\> \\<img src=x onerror=alert(1)\\>\n"
        "{{ 7\\*7 }} {% include \"base.html\" %}\n"
        "\\[坏\\](javascript:alert(1)) [好](<https://example.org/a>) [相对](<../a.html>) "
        "[［图片：图］](<https://evil.example/x.png>)\n"
        "身份证 410122\\*\\*\\*\\*\\*\\*\\*\\*1235 手机 138\\*\\*\\*\\*5678 [链](<https://example.org/138****5678>) "
        "`138****5678`"
    )
    # and what it shows is what the HTML shows
    assert "<script" not in str(to_html(out)) and "javascript:" not in str(to_html(out)).replace("[坏](javascript:", "")


def test_markdown_structures_survive() -> None:
    src = "- 一\n- 二\n  1. 甲\n  2. 乙\n\n> 引用\n\n| 名目 | 金额 |\n|---|--:|\n| a\\|b | 1,000.00 |\n\n```\n<x>\n```\n\n1\\. 不是列表\n"
    assert to_markdown(src) == (
        "- 一\n- 二\n  1. 甲\n  2. 乙\n\n> 引用\n\n| 名目 | 金额 |\n| --- | ---: |\n| a\\|b | 1,000.00 |\n\n```\n<x>\n```\n\n"
        "1\\. 不是列表")


def test_masked_stars_are_never_emphasis() -> None:
    # without care the four stars of a masked mobile pair up with another star and swallow the text
    html = str(to_html(f"a*b {MOBILE} c"))
    assert html == "<p>a*b 138****5678 c</p>\n"


@pytest.mark.parametrize("text, escaped", [
    ("1290.00", "1290.00"), ("1. 甲", "1\\. 甲"), ("- 甲", "\\- 甲"), ("---", "\\---"), ("# 甲", "\\# 甲"),
    ("a|b", "a\\|b"), ("<b>", "\\<b\\>"), ("&amp;", "\\&amp;"), ("2024-07-05", "2024-07-05"), ("马*红", "马\\*红"),
])
def test_md_escape(text: str, escaped: str) -> None:
    assert md_escape(text) == escaped
