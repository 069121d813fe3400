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
