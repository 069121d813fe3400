"""`gongkai render` unit by unit: in worker processes, with the units' check results from the results cache, and the
same bytes, file lists, withheld records and error messages as one process rendering the loaded repository."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from conftest import write
from test_render import EXAMPLE, files, invoke

import gongkai.check as check_mod
import gongkai.render as render_mod
from gongkai.render import Options, RenderError, render, render_layout
from gongkai.repo import discover, load_repository
from gongkai.results import PACK_HEADER

DAY = dt.date(2024, 12, 31)
_real_render_dir = render_mod._render_dir
PIDS: list[Path] = []  # where the spy notes the process that rendered each unit


def spy_render_dir(unit_dir: Path):  # type: ignore[no-untyped-def]
    """_render_dir, noting the process id (module level: the worker pool sends it by name)."""
    with open(PIDS[0], "a", encoding="utf-8") as fh:
        fh.write(f"{os.getpid()}\n")
    return _real_render_dir(unit_dir)


def summary(result):  # type: ignore[no-untyped-def]
    return (result.files, result.changed, result.sheets, [(w.path, w.problem.code, w.count, w.forced, w.whole_unit)
                                                           for w in result.withheld])


@pytest.mark.parametrize("extra", [{}, {"force": True}, {"period": "2024-Q3"}, {"period": "2024"}])
def test_workers_write_what_one_process_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: dict) -> None:
    monkeypatch.setattr(check_mod, "PARALLEL_FROM", 1)
    monkeypatch.setattr(render_mod, "_render_dir", spy_render_dir)
    PIDS[:] = [tmp_path / "pids"]
    one = render(load_repository(EXAMPLE), Options(out=tmp_path / "one", as_of=DAY, formats=("html", "md"), **extra))
    two = render_layout(discover(EXAMPLE), Options(out=tmp_path / "two", as_of=DAY, formats=("html", "md"), **extra),
                        use_cache=False, jobs=2)
    assert files(tmp_path / "one") == files(tmp_path / "two") and len(files(tmp_path / "one")) > 100
    assert summary(two) == summary(one) and one.withheld  # the example has records with errors: withheld alike
    assert two.broken == load_repository(EXAMPLE).files_with_errors()
    pids = set((tmp_path / "pids").read_text().split())
    assert len(pids) >= 1 and str(os.getpid()) not in pids  # rendered in worker processes, not here
    # rendering again changes nothing, in workers too
    again = render_layout(discover(EXAMPLE), Options(out=tmp_path / "two", as_of=DAY, formats=("html", "md"), **extra),
                          use_cache=False, jobs=2)
    assert again.changed == [] and again.files == two.files
    assert [p for p in files(tmp_path / "two") if ".gongkai-" in p] == []  # no temporary file left by a worker


def test_check_results_come_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GONGKAI_NO_CACHE", raising=False)
    repo = tmp_path / "town"
    shutil.copytree(EXAMPLE, repo)
    expected = render(load_repository(repo), Options(out=tmp_path / "expected", as_of=DAY))
    real = check_mod.check_unit
    checked: list[str] = []

    def counting(root, unit, as_of):  # type: ignore[no-untyped-def]
        checked.append(unit.id)
        return real(root, unit, as_of)

    monkeypatch.setattr(check_mod, "check_unit", counting)
    # a cold render checks every unit and stores the results: `gongkai check` then reads them all from the cache
    first = render_layout(discover(repo), Options(out=tmp_path / "a", as_of=DAY), use_cache=True, jobs=1)
    assert sorted(checked) == sorted(u.id for u in load_repository(repo).units)
    assert files(tmp_path / "a") == files(tmp_path / "expected") and summary(first) == summary(expected)
    stored = sorted((tmp_path / "cache" / "results").glob("*.json"))
    assert len(stored) == 1 and stored[0].read_bytes().startswith(PACK_HEADER)  # one pack, as check writes
    checked.clear()
    assert check_mod.check_layout(discover(repo), DAY, use_cache=True, jobs=1).problems and checked == []
    # a warm render checks nothing, and prints the same
    second = render_layout(discover(repo), Options(out=tmp_path / "b", as_of=DAY), use_cache=True, jobs=1)
    assert checked == [] and files(tmp_path / "b") == files(tmp_path / "expected")
    assert summary(second)[2:] == summary(expected)[2:]
    # one changed file: only its unit is checked again, and its new error withholds the record
    record = repo / "dongzhuang" / "records" / "2024" / "q2" / "finance-2.yaml"
    assert record.is_file()
    record.write_text(record.read_text(encoding="utf-8").replace("published:", "published: 2024-13-45\n#", 1),
                      encoding="utf-8")
    third = render_layout(discover(repo), Options(out=tmp_path / "c", as_of=DAY), use_cache=True, jobs=1)
    assert checked == ["dongzhuang"]
    assert any(w.path == "dongzhuang/records/2024/q2/finance-2.yaml" for w in third.withheld)
    checked.clear()
    check_mod.check_layout(discover(repo), DAY, use_cache=True, jobs=1)  # the pack rewritten: check checks nothing
    assert checked == []
    fresh = render(load_repository(repo), Options(out=tmp_path / "d", as_of=DAY))
    assert files(tmp_path / "c") == files(tmp_path / "d") and summary(third)[2:] == summary(fresh)[2:]
    # without the cache every unit is checked
    checked.clear()
    render_layout(discover(repo), Options(out=tmp_path / "e", as_of=DAY), use_cache=False, jobs=1)
    assert len(checked) == len(load_repository(repo).units)


def test_cli_jobs_and_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check_mod, "PARALLEL_FROM", 1)
    outs = []
    for n, args in enumerate((["--jobs", "1", "--no-cache"], ["--jobs", "2"], ["-j", "2", "--no-cache"])):
        out = tmp_path / f"o{n}"
        r = invoke("render", str(EXAMPLE), "--as-of", "2024-12-31", "--out", str(out), "--format", "all", *args)
        assert r.exit_code == 1, r.output  # records with errors are withheld (exit 1), the rest is printed
        assert "未印出" in r.stderr  # the withheld records are named
        outs.append((files(out), r.stderr.replace(str(out), "OUT"), r.stdout.replace(str(out), "OUT")))
    assert outs[0] == outs[1] == outs[2]
    r = invoke("render", str(EXAMPLE), "--out", str(tmp_path / "x"), "--jobs", "0")
    assert r.exit_code == 2


def test_a_failing_town_template_is_reported_as_by_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first failure in the order of one process (format, then unit, then page) is the one reported."""
    monkeypatch.setattr(check_mod, "PARALLEL_FROM", 1)
    repo = tmp_path / "town"
    shutil.copytree(EXAMPLE, repo)
    settings = repo / "gongkai.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "templates: tpl\n", encoding="utf-8")
    # the HTML index fails for the last unit only, the Markdown index for every unit
    write(repo / "tpl", {"unit_index.html": '{% if unit.id == "xiwang" %}{{ nothing.here }}{% endif %}ok\n',
                         "unit_index.md": "{{ 1 // 0 }}\n"})
    options = Options(out=tmp_path / "one", as_of=DAY, formats=("html", "md"))
    with pytest.raises(RenderError) as one:
        render(load_repository(repo), options)
    with pytest.raises(RenderError) as two:
        render_layout(discover(repo), Options(out=tmp_path / "two", as_of=DAY, formats=("html", "md")),
                      use_cache=False, jobs=2)
    assert two.value.message == one.value.message
    assert "unit_index.html" in one.value.message.en and "nothing" in one.value.message.en
    # what one process wrote before it stopped is written by the workers too (they may write more of the Markdown)
    first = {p: d for p, d in files(tmp_path / "one").items() if p.endswith(".html")}
    assert first and {p: d for p, d in files(tmp_path / "two").items() if p.endswith(".html")} == first


def test_a_warm_render_reads_no_feedback_or_inspection_without_problems(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import gongkai.repo as repo_mod

    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GONGKAI_NO_CACHE", raising=False)
    repo = tmp_path / "town"
    shutil.copytree(EXAMPLE, repo)
    broken = repo / "nanhe" / "feedback" / "2024" / "2024-06-12-allowance.yaml"
    broken.write_text("received: [2024-06-12\n", encoding="utf-8")  # cannot be read: a file with an error
    unprinted = {str(p.relative_to(repo)) for p in repo.rglob("*.yaml") if p.parent.name == "feedback"
                 or p.parent.parent.name == "feedback" or p.parent.name == "inspections"}
    assert len(unprinted) > 10
    read: list[str] = []
    real = repo_mod.load_cached

    def spying(path, shown, cls, cache):  # type: ignore[no-untyped-def]
        read.append(shown)
        return real(path, shown, cls, cache)

    monkeypatch.setattr(repo_mod, "load_cached", spying)
    expected = render(load_repository(repo), Options(out=tmp_path / "expected", as_of=DAY, formats=("html", "md")))
    cold = render_layout(discover(repo), Options(out=tmp_path / "a", as_of=DAY, formats=("html", "md")), use_cache=True,
                         jobs=1)
    assert unprinted <= set(read)  # checked afresh: every file read
    read.clear()
    warm = render_layout(discover(repo), Options(out=tmp_path / "b", as_of=DAY, formats=("html", "md")), use_cache=True,
                         jobs=1)
    warm_read = set(read)
    problems = {p.path for p in check_mod.check_layout(discover(repo), DAY, use_cache=False, jobs=1).problems}
    # from the cache: only the unprinted files with a problem are read (the broken one among them), the rest never
    assert warm_read & unprinted == unprinted & problems and "nanhe/feedback/2024/2024-06-12-allowance.yaml" in warm_read
    assert len(unprinted - problems) > 5
    assert files(tmp_path / "b") == files(tmp_path / "a") == files(tmp_path / "expected")
    assert summary(warm) == summary(cold) and summary(warm)[2:] == summary(expected)[2:]
    assert warm.broken == cold.broken == load_repository(repo).files_with_errors() >= 1
