"""The town index put together from each unit's share (printed where the unit is rendered, in its worker) is the
page printed from every unit's site; render's unit search keeps each unit's walk for the results cache; workers keep
the units they rendered, within bounds."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_render import EXAMPLE, files

import gongkai.check as check_mod
import gongkai.render as render_mod
import gongkai.render.views as views_mod
from gongkai.lean_render import run_render
from gongkai.render import Options, render, render_layout
from gongkai.render.env import TEMPLATES
from gongkai.repo import discover, load_repository

DAY = dt.date(2024, 12, 31)
CASES = [{}, {"force": True}, {"period": "2024-Q3"}, {"period": "2024"}, {"period": "2023-Q4"}, {"period": "2023"}]


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example town, with a unit whose unit.yaml is broken (no site, no lines) and a unit with records of 2023
    as well (a year the other units have nothing in: their rows are dashes)."""
    root = tmp_path_factory.mktemp("town") / "huayuankou"
    shutil.copytree(EXAMPLE, root)
    (root / "xiwang" / "unit.yaml").write_text("name: [西望村\n", encoding="utf-8")
    q1 = root / "dongzhuang" / "records" / "2024" / "q1"
    old = root / "dongzhuang" / "records" / "2023" / "q4"
    old.mkdir(parents=True)
    for f in sorted(q1.glob("*.yaml"))[:3]:
        (old / f.name).write_text(f.read_text(encoding="utf-8").replace("2024-Q1", "2023-Q4")
                                  .replace("2024-04-", "2024-01-").replace("2024年第一季度", "2023年第四季度"),
                                  encoding="utf-8")
    return root


def summary(result: Any) -> tuple[Any, ...]:
    return (result.files, result.changed, result.sheets, result.broken,
            [(w.path, w.problem.code, w.count, w.forced, w.whole_unit) for w in result.withheld])


def both(root: Path, out: Path, monkeypatch: pytest.MonkeyPatch, jobs: int, **extra: Any) -> dict[bool, Any]:
    """render_layout of `root` with the town index put together from the units' shares and printed from their sites."""
    got = {}
    for shares in (True, False):
        monkeypatch.setattr(render_mod, "TOWN_SHARES", shares)
        result = render_layout(discover(root), Options(out=out / str(shares), as_of=DAY, formats=("html", "md"),
                                                       **extra), use_cache=False, jobs=jobs)
        got[shares] = (files(out / str(shares)), summary(result))
    return got


@pytest.mark.parametrize("extra", CASES)
def test_the_town_index_of_the_shares_is_the_one_of_the_sites(town: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch, extra: dict) -> None:
    monkeypatch.setattr(check_mod, "PARALLEL_FROM", 1)
    got = both(town, tmp_path, monkeypatch, 2, **extra)
    assert got[True] == got[False]
    pages = got[True][0]
    html, md = pages["index.html"].decode(), pages["index.md"].decode()
    for index in (html, md):
        assert "2023年" in index and "2024年" in index and "东庄村" in index and "西望村" not in index
        assert index.count("—") >= 4 * 3  # the units with nothing in 2023: a row of dashes each
    assert "一、" in html and "一、" in md
    if extra.get("force"):
        assert "【未通过检查】" in html and "【未通过检查】" in md


def test_in_one_process_too(town: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    got = both(town, tmp_path, monkeypatch, 1, force=True)
    assert got[True] == got[False]
    one = render(load_repository(town), Options(out=tmp_path / "one", as_of=DAY, formats=("md", "html"), force=True))
    assert files(tmp_path / "one") == got[True][0] and one.files


def test_the_workers_send_back_shares_not_sites(town: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: Any) -> Any:
        raise AssertionError("the town index printed from the units' sites")

    monkeypatch.setattr(check_mod, "PARALLEL_FROM", 1)
    monkeypatch.setattr(views_mod, "town_index", refused)
    render_layout(discover(town), Options(out=tmp_path / "out", as_of=DAY), use_cache=False, jobs=2)
    layout = discover(town)
    pages = render_mod._Pages(load_repository(town), Options(out=tmp_path / "x", as_of=DAY), None, None,
                              [d.name for d in layout.unit_dirs], render_mod._writer(tmp_path / "x"))
    assert pages.shares
    unit = layout.load_unit(layout.unit_dirs[0])
    out = pages.unit(unit, {}, set())
    assert out.site is None and out.town is not None and out.town_error is None
    assert all(type(t) is str for share in out.town for t in (share.line, share.blank, *share.rows.values()))


def test_a_town_template_folder_still_gets_the_sites(town: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """With a town's templates (here the bundled base.html, copied) the bundled town index runs in the sandbox from
    the units' sites: the same page."""
    monkeypatch.setattr(check_mod, "PARALLEL_FROM", 1)
    own = tmp_path / "own" / "huayuankou"
    shutil.copytree(town, own)
    (own / "templates").mkdir()
    shutil.copy(TEMPLATES / "base.html", own / "templates" / "base.html")
    settings = own / "gongkai.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "templates: templates\n", encoding="utf-8")
    plain = render_layout(discover(town), Options(out=tmp_path / "plain", as_of=DAY, formats=("html", "md")),
                          use_cache=False, jobs=2)
    sites = render_layout(discover(own), Options(out=tmp_path / "sites", as_of=DAY, formats=("html", "md")),
                          use_cache=False, jobs=2)
    assert files(tmp_path / "sites") == files(tmp_path / "plain") and summary(sites) == summary(plain)


def test_render_keeps_the_walk_of_the_unit_search(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """gongkai render (every unit) keeps each unit's walk from the unit search: the results keys are the ones check
    takes, so a render after check checks nothing again."""
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GONGKAI_NO_CACHE", raising=False)
    repo = tmp_path / "town"
    shutil.copytree(EXAMPLE, repo)
    layout = discover(repo, listing=True)
    cache = check_mod.results_cache(layout, DAY)
    for d in layout.unit_dirs:
        uid = d.name
        assert cache.key(uid, d, layout.listing, layout.walked) == cache.key(uid, d)
    check_mod.check_layout(discover(repo), DAY, use_cache=True, jobs=1)
    real = check_mod.check_unit
    checked: list[str] = []

    def counting(root, unit, as_of):  # type: ignore[no-untyped-def]
        checked.append(unit.id)
        return real(root, unit, as_of)

    monkeypatch.setattr(check_mod, "check_unit", counting)
    monkeypatch.setattr(render_mod, "_render_dir", render_mod._render_dir)
    code = run_render(repo, tmp_path / "site", ("html",), None, None, "a4", False, False, 1, "2024-12-31", "en")
    assert code in (0, 1) and checked == []
    assert files(tmp_path / "site")["index.html"]


def test_a_worker_keeps_at_most_its_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Units are kept only where _keeping() started it (a worker), and no more than KEEP_AT_MOST of them; what is
    printed does not change."""
    expected = render_layout(discover(EXAMPLE), Options(out=tmp_path / "a", as_of=DAY), use_cache=False, jobs=1)
    assert render_mod._KEPT is None  # this process keeps nothing
    monkeypatch.setattr(render_mod, "_KEPT", [])
    monkeypatch.setattr(render_mod, "KEEP_AT_MOST", 2)
    kept = render_layout(discover(EXAMPLE), Options(out=tmp_path / "b", as_of=DAY), use_cache=False, jobs=1)
    assert render_mod._KEPT is not None and len(render_mod._KEPT) == 2
    assert files(tmp_path / "a") == files(tmp_path / "b") and summary(kept) == summary(expected)
