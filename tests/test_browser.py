"""A rendered sheet in a real browser: headless Chromium prints it to PDF (A4), and the PDF has the
expected pages and the Chinese text; a screenshot is kept under artifacts/render/.

Needs Debian's `chromium`, `fonts-noto-cjk` (legible Chinese) and `poppler-utils` (pdfinfo,
pdftotext); .ci/run installs them. The tests skip, saying why, only where there is no browser.
Set GONGKAI_CHROMIUM to use another Chromium or Chrome binary.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import write
from test_render import FINANCE, SMALL, render

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "render"
EXAMPLE = ROOT / "examples" / "huayuankou"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

WELFARE = """\
item: village/affairs/15
period: 2024-Q2
published: 2024-07-08
title: 2024年第二季度低保对象名单
reviewed: {by: 赵六, date: 2024-07-06}
content: |
  经村民代表评议、镇政府审核，本季度低保对象如下。有异议的请在7日内反映。

  村民提交的内容原样显示：<script>alert(1)</script>
tables:
  - title: 低保对象名单
    columns: [户主姓名, 保障人口, 月保障金额（元）]
    rows:
      - [刘*山, 3, "1290.00"]
      - [陈*芳, 2, "760.00"]
"""


def browser() -> str | None:
    env = os.environ.get("GONGKAI_CHROMIUM")
    if env:
        return env if shutil.which(env) or Path(env).is_file() else None
    return next((b for b in (shutil.which(n) for n in BROWSERS) if b), None)


def chromium(page: Path, tmp: Path, *action: str) -> None:
    exe = browser()
    if exe is None:
        pytest.skip("no Chromium or Chrome found (Debian: apt-get install chromium); set GONGKAI_CHROMIUM")
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
           f"--user-data-dir={profile}", "--no-pdf-header-footer", "--print-to-pdf-no-header", *action, page.as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=90, check=False)


def pdf_pages(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))  # type: ignore[union-attr]
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))


def pdf_text(pdf: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not found (Debian: apt-get install poppler-utils): cannot read the PDF's text")
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def squash(text: str) -> str:
    """pdftotext breaks lines where the page does; compare without any white space."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if browser() is None:
        pytest.skip("no Chromium or Chrome found (Debian: apt-get install chromium); set GONGKAI_CHROMIUM")
    tmp = tmp_path_factory.mktemp("browser")
    repo = write(tmp / "repo", {**SMALL, "records/2024/q2-finance.yaml": FINANCE,
                                "records/2024/q2-welfare.yaml": WELFARE})
    out = tmp / "site"
    render(repo, out)
    sheet = out / "sheets" / "2024-Q2.html"
    pdf = tmp / "sheet.pdf"
    chromium(sheet, tmp, f"--print-to-pdf={pdf}")
    assert pdf.is_file() and pdf.stat().st_size > 0, "Chromium printed no PDF"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, ARTIFACTS / "sheet-2024-Q2.pdf")
    return sheet, pdf


def test_sheet_prints_one_page_per_record(printed: tuple[Path, Path]) -> None:
    _, pdf = printed
    head = pdf.read_bytes()[:2000]
    assert head.startswith(b"%PDF-")
    # A4 portrait: 595 × 842 points
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)", info), info
    assert pdf_pages(pdf) == 3  # the cover, then 附1 and 附2 on pages of their own


def test_sheet_pdf_has_the_chinese_text(printed: tuple[Path, Path]) -> None:
    _, pdf = printed
    if not any("CJK" in line or "Han" in line for line in subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout.splitlines()):
        pytest.fail("no CJK font installed (Debian: apt-get install fonts-noto-cjk): Chinese would print as boxes")
    text = pdf_text(pdf)
    pages = text.split("\f")
    flat = squash(text)
    for expected in ("东庄村村务公开栏", "东庄村2024年第二季度村务公开", "公布日期：2024年7月8日", "第2期",
                     "一、事务类", "二、财务类", "长期公开事项", "东庄村村规民约",
                     "监督电话", "0371-62345678", "投诉受理", "村务监督委员会赵六0371-62345679",
                     "监委会审核", "赵六（2024年7月6日）", "东庄村村民委员会（盖章）",
                     "2024年第二季度低保对象名单", "刘*山", "1290.00",
                     "2024年第二季度村级财务收支情况", "125,000.00", "82,000.00", "189,000.00",
                     "收入合计", "支出合计", "期末余额", "壹拾捌万玖仟元整"):
        assert squash(expected) in flat, expected
    # the villager-supplied script is printed as text (and did not run: there is nothing else on the page)
    assert "<script>alert(1)</script>" in text
    # one record per page, each with its own review and signature block
    assert "附1" in pages[1] and "低保对象名单" in pages[1] and "监委会（签字）" in pages[1]
    assert "附2" in pages[2] and "壹拾捌万玖仟元整" in squash(pages[2]) and "监委会（签字）" in pages[2]
    assert "—1—" in squash(pages[0]) and "—3—" in squash(pages[2])  # page numbers in the footer, GB/T 9704 style


def test_screenshot_kept_as_artifact(printed: tuple[Path, Path], tmp_path: Path) -> None:
    sheet, _ = printed
    png = tmp_path / "sheet.png"
    chromium(sheet, tmp_path, f"--screenshot={png}", "--window-size=900,1270", "--hide-scrollbars")
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000  # a page, not a blank
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(png, ARTIFACTS / "sheet-2024-Q2.png")


@pytest.mark.skipif(not EXAMPLE.is_dir(), reason="examples/huayuankou is not there")
def test_example_q2_sheet_prints_every_record(tmp_path: Path) -> None:
    import datetime as dt

    from gongkai.render import Options
    from gongkai.render import render as run
    from gongkai.repo import load_repository

    repo = load_repository(EXAMPLE)
    unit = next(u for u in repo.units if u.id == "dongzhuang")
    out = tmp_path / "site"
    result = run(repo, Options(out=out, as_of=dt.date(2024, 12, 31), period="2024-Q2", unit="dongzhuang"))
    assert result.sheets == ["dongzhuang/sheets/2024-Q2.html"]
    pdf = tmp_path / "dongzhuang-2024-Q2.pdf"
    chromium(out / result.sheets[0], tmp_path, f"--print-to-pdf={pdf}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, ARTIFACTS / "dongzhuang-2024-Q2.pdf")
    flat = squash(pdf_text(pdf))
    html = (out / result.sheets[0]).read_text(encoding="utf-8")
    pages = html.count('<section class="page record-page">')
    assert pdf_pages(pdf) >= pages + 1
    for title in re.findall(r'<h2 class="record-title">(.*?)</h2>', html):
        assert squash(title.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")) in flat, title
    assert flat.count("期末余额（大写）：人民币") == html.count("期末余额（大写）：人民币") > 0
    assert flat.count("东庄村村民委员会（盖章）") == pages + 1
    assert unit.name and f"{unit.name}村务公开栏" in flat


# ---------------------------------------------------------------- issue 7 point 11: A4 and a 390 px phone

LONG_STANDING = {
    f"records/standing/system-{n}.yaml": f"item: village/system/{n}\npublished: 2024-01-16\ntitle: {title}\n"
    for n, title in ((2, "东庄村村民委员会工作制度、办事指南以及村民委员会成员分工负责和坐班值班等各项规定（2024年修订）"),
                     (3, "村务监督委员会工作制度https://example.org/dongzhuang/jiandu/zhidu/2024/quanwen-xiuding-ban.pdf"),
                     (4, "民主评议村民委员会成员制度"), (5, "村级议事协商制度12345678901234567890123456789012345678"),
                     (6, "村民委员会印章使用管理制度"), (7, "村级财务管理制度"), (8, "村级档案管理制度"))
}
WIDE_TABLE = """\
item: village/affairs/15
period: 2024-Q2
published: 2024-07-08
title: 2024年第二季度低保对象名单（含各户保障人口、类别、金额、发放方式、银行和联系人）
reviewed: {by: 赵六, date: 2024-07-06}
content: |
  名单如下，详见https://example.org/dongzhuang/dibao/2024/q2/mingdan-quanwen-fujian-yi-er-san.xlsx 。
tables:
  - title: 低保对象名单
    columns: [户主姓名, 保障人口, 类别, 月保障金额（元）, 发放方式, 开户银行, 联系人, 备注, 起始月份, 复核月份]
    rows:
      - [刘*山, 3, 一类, "1290.00", 社会化发放, 农商银行花园口支行, 村会计, 无, 2024-01, 2024-06]
      - [陈*芳, 2, 二类, "760.00", 社会化发放, 农商银行花园口支行, 村会计, 新增, 2024-04, 2024-09]
"""


def words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Every word of the PDF with its box (points), page by page (pdftotext -bbox)."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not found (Debian: apt-get install poppler-utils)")
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        pages.append([(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page)])
    return pages


A4_W, A4_H, MM = 595.0, 842.0, 72 / 25.4
LEFT, RIGHT = 28 * MM, A4_W - 26 * MM  # the type area of style.css: margins 28 mm inside, 26 mm outside


def assert_within_a4(pdf: Path) -> None:
    pages = words(pdf)
    assert pages
    for n, page in enumerate(pages, 1):
        for x0, _y0, x1, y1, w in page:
            # nothing runs into the margins, nothing off the page. Allowance: half a character of body text,
            # because Chromium prints a full-width quote or comma ending a line half as wide (text-spacing-trim)
            # while pdftotext measures it whole
            assert x0 >= LEFT - 3 and x1 <= RIGHT + 9 and y1 <= A4_H, (n, w, x0, x1)
    # and Chromium did not shrink an overflowing page to fit: the cover's right-aligned date reaches the right edge
    dates = [x1 for x0, _y0, x1, _y1, w in pages[0] if "公布日期" in w or re.fullmatch(r"\d{4}年\d+月\d+日", w)]
    assert dates and max(dates) >= RIGHT - 6, dates


def raw_text(pdf: Path) -> str:
    """The PDF's text in the order it was printed (a two-column list item by item)."""
    pdf_text(pdf)  # skips without pdftotext
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def standing_titles(html: str) -> list[str]:
    part = html[html.index('<ol class="standing">'):html.index("</ol>")]
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<li>(.*?)<span class=\"when\">", part)]


def test_sheet_with_long_items_stays_on_a4(tmp_path: Path) -> None:
    repo = write(tmp_path / "repo", {**SMALL, **LONG_STANDING, "records/2024/q2-finance.yaml": FINANCE,
                                     "records/2024/q2-welfare.yaml": WIDE_TABLE})
    out = tmp_path / "site"
    render(repo, out)
    pdf = tmp_path / "long.pdf"
    chromium(out / "sheets" / "2024-Q2.html", tmp_path, f"--print-to-pdf={pdf}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, ARTIFACTS / "long-items-2024-Q2.pdf")
    assert_within_a4(pdf)
    # no stretched characters: every standing title prints with its characters together (justified Chinese
    # would come out of the PDF with gaps between the characters), wrapped only at line ends
    joined = raw_text(pdf).replace("\n", "")
    for title in standing_titles((out / "sheets" / "2024-Q2.html").read_text(encoding="utf-8")):
        assert title in joined, title
    text = squash(joined)
    for cell in ("农商银行花园口支行", "2024-09", "quanwen-xiuding-ban.pdf", "mingdan-quanwen-fujian-yi-er-san.xlsx"):
        assert cell in text, cell


@pytest.mark.skipif(not EXAMPLE.is_dir(), reason="examples/huayuankou is not there")
def test_example_sheet_stays_on_a4(tmp_path: Path) -> None:
    import datetime as dt

    from gongkai.render import Options
    from gongkai.render import render as run
    from gongkai.repo import load_repository

    out = tmp_path / "site"
    result = run(load_repository(EXAMPLE), Options(out=out, as_of=dt.date(2024, 12, 31), period="2024-Q2",
                                                   unit="dongzhuang"))
    pdf = tmp_path / "example.pdf"
    chromium(out / result.sheets[0], tmp_path, f"--print-to-pdf={pdf}")
    assert_within_a4(pdf)
    cover = raw_text(pdf).replace("\n", "")
    titles = standing_titles((out / result.sheets[0]).read_text(encoding="utf-8"))
    assert len(titles) >= 10
    for title in titles:
        assert title in cover, title
    # the cover's contacts and signatures are printed together with the end of the standing list
    (signed,) = [p for p in raw_text(pdf).split("\f") if "监委会主任（签字）" in p]
    assert titles[-1] in signed.replace("\n", "").split("监督电话")[0]


MEASURE = """<script>
(function () {
  var width = document.documentElement.clientWidth, bad = [];
  document.querySelectorAll("body *").forEach(function (el) {
    if (el.parentElement && el.parentElement.closest(".table-wrap")) return;  /* scrolls in its own box */
    var r = el.getBoundingClientRect();
    if (r.width && (r.right > width + 0.5 || r.left < -0.5))
      bad.push(el.tagName + "." + el.className + " " + Math.round(r.left) + ".." + Math.round(r.right) + " " +
               (el.textContent || "").slice(0, 24));
  });
  var fonts = [];
  document.querySelectorAll(".content p, table.grid td, ol.standing li").forEach(function (el) {
    fonts.push(parseFloat(getComputedStyle(el).fontSize));
  });
  parent.postMessage(JSON.stringify({width: width, inner: window.innerWidth,
    scroll: document.documentElement.scrollWidth, bad: bad, fonts: fonts,
    viewport: !!document.querySelector('meta[name=viewport][content*="width=device-width"]')}), "*");
})();
</script>"""


def on_phone(page: Path, tmp: Path, width: int = 390) -> dict:  # type: ignore[type-arg]
    """Lay `page` out in a frame `width` CSS pixels wide (a phone) in headless Chromium and measure, with a
    script added to a copy of the page (the page itself forbids scripts): what sticks out on either side."""
    import json

    html = page.read_text(encoding="utf-8")
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html).replace("</body>", MEASURE + "</body>")
    copy = page.with_name("measured-" + page.name)
    copy.write_text(html, encoding="utf-8")
    frame = page.with_name("phone-" + page.name)
    frame.write_text(f'<!DOCTYPE html><html><body style="margin:0"><iframe src="{copy.name}" '
                     f'style="width:{width}px;height:844px;border:0"></iframe><script>window.addEventListener("message",'
                     ' function (e) { document.body.setAttribute("data-measure", e.data); });</script></body></html>',
                     encoding="utf-8")
    exe = browser()
    if exe is None:
        pytest.skip("no Chromium or Chrome found (Debian: apt-get install chromium); set GONGKAI_CHROMIUM")
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    dom = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          "--disable-background-networking", f"--user-data-dir={profile}", "--window-size=800,900",
                          "--virtual-time-budget=5000", "--dump-dom", frame.as_uri()],
                         capture_output=True, text=True, timeout=90, check=False).stdout
    found = re.search(r'data-measure="([^"]*)"', dom)
    assert found, "the measuring script reported nothing"
    import html as htmllib

    return json.loads(htmllib.unescape(found.group(1)))  # type: ignore[no-any-return]


def test_sheet_and_pages_read_on_a_390px_phone(tmp_path: Path) -> None:
    repo = write(tmp_path / "repo", {**SMALL, **LONG_STANDING, "records/2024/q2-finance.yaml": FINANCE,
                                     "records/2024/q2-welfare.yaml": WIDE_TABLE})
    out = tmp_path / "site"
    render(repo, out)
    for rel in ("sheets/2024-Q2.html", "records/2024/q2-finance.html", "records/2024/q2-welfare.html", "index.html"):
        m = on_phone(out / rel, tmp_path)
        assert m["inner"] == 390 and m["viewport"], m
        assert m["scroll"] <= m["width"] and m["bad"] == [], (rel, m)  # nothing wider than the screen
        assert min(m["fonts"] or [16]) >= 13, (rel, m["fonts"])  # and still legible (≥ 13 px)
    # screenshots to look at (artifacts/render/phone-*.png)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for rel in ("sheets/2024-Q2.html", "records/2024/q2-welfare.html"):
        png = tmp_path / "phone.png"
        chromium(out / rel, tmp_path, f"--screenshot={png}", "--window-size=390,1600", "--hide-scrollbars")
        shutil.copyfile(png, ARTIFACTS / ("phone-" + rel.replace("/", "-").replace(".html", ".png")))


def test_signature_blocks_stay_with_their_record(tmp_path: Path) -> None:
    """A record long enough to fill its first page: its review, contacts and signatures print on the page
    where the record ends, with the end of the record, never alone."""
    rows = "".join(f"      - [户{i:02}, {i % 4 + 1}, 一类, \"{400 + i}.00\"]\n" for i in range(1, 29))
    long = WIDE_TABLE.split("tables:")[0] + ("tables:\n  - title: 名单\n    columns: [户主, 人口, 类别, 金额]\n"
                                             "    rows:\n" + rows)
    repo = write(tmp_path / "repo", {**SMALL, "records/2024/q2-welfare.yaml": long})
    out = tmp_path / "site"
    render(repo, out)
    pdf = tmp_path / "sig.pdf"
    chromium(out / "sheets" / "2024-Q2.html", tmp_path, f"--print-to-pdf={pdf}")
    pages = pdf_text(pdf).split("\f")
    signed = [n for n, p in enumerate(pages) if "监委会（签字）" in p]
    assert len(signed) == 2  # the two records
    for n in signed:
        page = squash(pages[n])
        # the block is whole on one page, and something of its record is printed above it on that page
        assert "监督电话" in page and "（盖章）" in page and "经办人（签字）" in page
        assert re.search(r"户\d\d|期初余额|收支情况|期末余额", page.split("村务监督委员会审核")[0]), pages[n][:300]
