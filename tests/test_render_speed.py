"""Issue 11, render: the lean start of `gongkai render` (no Typer), the writer's new-file path (an unnamed file
linked to its name), and the flushing thread — each giving exactly what the slower way gave."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import gongkai.cli  # noqa: F401 - registers the commands
from gongkai.cli.app import app
from gongkai.lean_render import parse_render
from gongkai.render.writer import UnsafePath, Writer

REPO = Path(__file__).resolve().parent.parent
TOWN = REPO / "examples" / "huayuankou"
AS_OF = "2024-12-31"
runner = CliRunner()


def gk(*args: str, env: dict[str, str] | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "gongkai", *args], capture_output=True,
                          text=True, env=full, cwd=cwd)


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def said(r: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in r.stderr.splitlines() if not line.startswith("import time:")]


# ---------------------------------------------------------------- lean start


def test_render_runs_without_typer_and_writes_what_typer_writes(tmp_path: Path) -> None:
    lean_out, typer_out = tmp_path / "lean", tmp_path / "typer"
    r = gk("render", str(TOWN), "--as-of", AS_OF, "--out", str(lean_out), "--format", "all", "-j", "2",
           env={"GONGKAI_CACHE_DIR": str(tmp_path / "c1")})
    imported = {line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert "gongkai.render" in imported and "gongkai.lean_render" in imported
    for heavy in ("typer", "pydantic", "click", "rich"):
        assert heavy not in imported, heavy
    typer_way = runner.invoke(app, ["render", str(TOWN), "--as-of", AS_OF, "--out", str(typer_out), "--format", "all",
                                    "-j", "2"], env={"GONGKAI_CACHE_DIR": str(tmp_path / "c2")})
    assert r.returncode == typer_way.exit_code == 1  # the example withholds records with errors
    assert r.stdout.replace(str(lean_out), "OUT") == typer_way.stdout.replace(str(typer_out), "OUT")
    assert [line.replace(str(lean_out), "OUT") for line in said(r)] == \
        [line.replace(str(typer_out), "OUT") for line in typer_way.stderr.splitlines()]
    assert tree(lean_out) == tree(typer_out) and len(tree(lean_out)) > 50


def test_render_parser_leaves_everything_else_to_typer() -> None:
    for args in (["--help"], ["--format", "pdf"], ["--paper", "a5"], ["--jobs", "0"], ["-j", "two"], ["a", "b"],
                 ["--out"], ["--bogus"], ["-oX"], ["--force=yes"], ["--", "x"], ["-j2"]):
        assert parse_render(args) is None, args
    got = parse_render(["town", "-o", "site", "--as-of=2024-12-31", "--format", "all", "--period", "2024-Q2",
                        "--unit", "东庄村", "--paper", "a3", "--force", "--no-cache", "--jobs", "3", "--lang", "en"])
    assert got == {"path": Path("town"), "out": Path("site"), "formats": ("html", "md"), "period": "2024-Q2",
                   "unit": "东庄村", "paper": "a3", "force": True, "no_cache": True, "jobs": 3,
                   "as_of": "2024-12-31", "lang": "en"}
    assert parse_render([]) == {"path": Path("."), "out": Path("_site"), "formats": ("html",), "period": None,
                                "unit": None, "paper": "a4", "force": False, "no_cache": False, "jobs": None,
                                "as_of": None, "lang": os.environ.get("GONGKAI_LANG")}


@pytest.mark.parametrize("args, ours", [
    (["nowhere"], "找不到文件夹“nowhere”"),
    ([str(TOWN), "--as-of", "2024-13-01"], "--as-of"),
    ([str(TOWN), "--lang", "fr"], "--lang 只能是 zh 或 en"),
    ([str(TOWN), "--period", "2024-07"], "公开栏版面按季度出版"),
    ([str(TOWN), "--unit", "没有这个村"], "没有单位“没有这个村”"),
    ([str(TOWN), "--out", str(TOWN)], "--out 不能是仓库本身"),
    ([str(TOWN), "--jobs", "0"], None),  # Typer's own usage error, as before
    ([str(TOWN), "--format", "pdf"], None),
])
def test_lean_and_typer_render_fail_alike(tmp_path: Path, args: list[str], ours: str | None) -> None:
    full = [*args, "--out", str(tmp_path / "site")] if "--out" not in args else args
    r = gk("render", *full)
    typer_way = runner.invoke(app, ["render", *full])
    assert r.returncode == typer_way.exit_code == 2, r.stderr
    lines = said(r)
    assert lines and "Traceback" not in r.stderr
    if ours is not None:  # one line of ours, the same either way
        assert len(lines) == 1 and ours in lines[0] and lines[0] in typer_way.output
    else:
        assert "Usage:" in r.stderr
    assert not (tmp_path / "site").exists() or not any((tmp_path / "site").iterdir())


def test_lean_render_of_one_unit_by_name(tmp_path: Path) -> None:
    r = gk("render", str(TOWN), "--unit", "东庄村", "--as-of", AS_OF, "--out", str(tmp_path / "a"))
    typer_way = runner.invoke(app, ["render", str(TOWN), "--unit", "东庄村", "--as-of", AS_OF, "--out",
                                    str(tmp_path / "b")])
    assert r.returncode == typer_way.exit_code, (r.stderr, typer_way.output, typer_way.exception)
    assert tree(tmp_path / "a") == tree(tmp_path / "b") and (tmp_path / "a" / "dongzhuang").is_dir()


# ---------------------------------------------------------------- writer


def test_new_files_are_written_whole_under_their_name(tmp_path: Path) -> None:
    out = tmp_path / "out"
    w = Writer(out)
    w.write("a/b/page.html", "第一版")
    w.write("a/b/other.html", "x")
    w.write("index.html", "首页")
    assert (out / "a/b/page.html").read_text(encoding="utf-8") == "第一版"
    assert w.changed == ["a/b/page.html", "a/b/other.html", "index.html"]
    assert stat.S_IMODE(os.stat(out / "a/b/page.html").st_mode) == 0o644
    assert [p.name for p in out.rglob(".gongkai-*")] == []  # nothing left behind
    # a second writer: unchanged files are left alone, changed ones replaced
    before = os.stat(out / "a/b/page.html").st_mtime_ns
    w2 = Writer(out)
    w2.write("a/b/page.html", "第一版")
    w2.write("a/b/other.html", "y")
    assert w2.changed == ["a/b/other.html"] and os.stat(out / "a/b/page.html").st_mtime_ns == before
    assert (out / "a/b/other.html").read_text() == "y"
    w.finish()


@pytest.mark.parametrize("unnamed", [True, False])
def test_a_file_that_appears_meanwhile_is_replaced_not_written_through(tmp_path: Path, unnamed: bool) -> None:
    out = tmp_path / "out"
    w = Writer(out)
    w.unnamed = w.unnamed and unnamed
    w.write("f/first.html", "1")  # the folder `f` is this run's own
    victim = tmp_path / "victim"
    victim.write_text("keep")
    (out / "f" / "page.html").symlink_to(victim)  # put there by someone else after the folder was made
    (out / "f" / "same.html").write_text("same")
    w.write("f/page.html", "new")
    w.write("f/same.html", "same")
    assert victim.read_text() == "keep" and not (out / "f/page.html").is_symlink()
    assert (out / "f/page.html").read_text() == "new"
    assert w.changed == ["f/first.html", "f/page.html"]  # same.html had the same bytes: left alone
    assert sorted(p.name for p in (out / "f").iterdir()) == ["first.html", "page.html", "same.html"]
    with pytest.raises(UnsafePath):
        w.write("../x.html", "x")


def test_umask_does_not_change_the_mode(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        w = Writer(tmp_path / "out")
        assert not w.mode_set
        w.write("p.html", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "out" / "p.html").st_mode) == 0o644


def test_without_unnamed_files_the_temporary_names_are_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    w = Writer(tmp_path / "out")
    assert not w.unnamed
    w.write("d/p.html", "内容")
    assert (tmp_path / "out/d/p.html").read_text(encoding="utf-8") == "内容" and w.changed == ["d/p.html"]
    assert [p.name for p in (tmp_path / "out").rglob(".gongkai-*")] == []


def test_flushing_thread_stops_and_county_output_is_unchanged(tmp_path: Path) -> None:
    """A county of more units than PARALLEL_FROM renders (with the flushing thread, in one process and in two) into
    the same bytes."""
    from gongkai.check import PARALLEL_FROM

    county = tmp_path / "county"
    county.mkdir()
    shutil.copy(TOWN / "gongkai.yaml", county / "gongkai.yaml")
    units = [d for d in sorted(TOWN.iterdir()) if (d / "unit.yaml").is_file()]
    n = 0
    while n < PARALLEL_FROM + 2:
        for d in units:
            shutil.copytree(d, county / f"{d.name}-{n:02d}", symlinks=True)
            n += 1
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"site{jobs}"
        r = gk("render", str(county), "--as-of", AS_OF, "--out", str(out), "--jobs", jobs,
               env={"GONGKAI_CACHE_DIR": str(tmp_path / "cache")})
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr[-2000:]
        outs.append(tree(out))
    assert outs[0] == outs[1] and len(outs[0]) > 100


# ---------------------------------------------------------------- compiled templates in the user cache


def _site(tmp_path: Path, name: str, env: dict[str, str]) -> dict[str, bytes]:
    out = tmp_path / name
    r = gk("render", str(TOWN / "dongzhuang"), "--as-of", AS_OF, "--out", str(out), "--format", "all", env=env)
    assert r.returncode in (0, 1) and "Traceback" not in r.stderr, r.stderr[-2000:]
    return tree(out)


def test_compiled_templates_are_kept_sealed_and_anything_else_is_ignored(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from jinja2 import Environment

    from gongkai.render.env import environment

    cache = tmp_path / "cache"
    env = {"GONGKAI_CACHE_DIR": str(cache)}
    first = _site(tmp_path, "a", env)
    kept = sorted((cache / "templates").iterdir())
    assert len(kept) >= 10 and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in kept)
    # a second run compiles nothing: every template comes from the cache
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(cache))
    compiled: list[str] = []
    real = Environment.compile

    def spy(self, source, name=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        compiled.append(name)
        return real(self, source, name, *args, **kwargs)

    monkeypatch.setattr(Environment, "compile", spy)
    for kind, names in (("html", ("record.html", "sheet.html", "_record.html", "base.html", "style.css")),
                        ("md", ("record.md", "sheet.md", "_record.md"))):
        e = environment(kind)
        for n in names:
            e.get_template(n)
    assert compiled == []
    # tampered (one byte of the code changed), or written by someone else without the key: ignored, compiled
    # afresh, and the pages are the same
    for p in kept:
        data = bytearray(p.read_bytes())
        data[-5] ^= 0xFF
        p.write_bytes(bytes(data))
    e = environment("html")
    e.get_template("record.html")
    assert "record.html" in compiled
    monkeypatch.undo()
    assert _site(tmp_path, "b", env) == first
    # group-writable cache files are not read either
    for p in sorted((cache / "templates").iterdir()):
        p.chmod(0o664)
    assert _site(tmp_path, "c", env) == first
    # without the cache (GONGKAI_NO_CACHE) nothing is kept
    other = tmp_path / "other"
    assert _site(tmp_path, "d", {"GONGKAI_CACHE_DIR": str(other), "GONGKAI_NO_CACHE": "1"}) == first
    assert not (other / "templates").exists()


def test_town_templates_are_never_taken_from_the_cache(tmp_path: Path) -> None:
    from gongkai.render.env import BoundedEnvironment, environment

    (tmp_path / "t").mkdir()
    e = environment("html", tmp_path / "t")
    assert isinstance(e, BoundedEnvironment) and e.bytecode_cache is None


# ---------------------------------------------------------------- trusted code: fewer steps, same text

def test_trusted_templates_join_their_parts_and_include_the_style_once() -> None:
    """The bundled templates' code yields one string per output node (not one per part), and `{% include %}` of the
    style sheet (its text depends on the paper alone) and of a record fragment already rendered builds no context:
    the page's text is Jinja's own, to the byte."""
    from jinja2 import DictLoader, Environment, StrictUndefined

    from gongkai.render.env import TrustedEnvironment, _finalize_html

    sources = {
        "page.html": "{% for r in rows %}<td>{{ loop.index }}. {{ r }}</td>{% include 'style.css' %}"
                     "{% include '_record.html' %}{% include '_record.html' %}\n{% endfor %}{{ paper }}",
        "style.css": "{% if paper == 'a3' %}big{% else %}small{% endif %}\n",
        "_record.html": "<p>{{ r }}|{{ unit }}</p>",
    }
    opts: dict = {"autoescape": True, "undefined": StrictUndefined, "trim_blocks": True, "lstrip_blocks": True,
                  "keep_trailing_newline": True, "finalize": _finalize_html}
    trusted = TrustedEnvironment(loader=DictLoader(sources), **opts)
    plain = Environment(loader=DictLoader(sources), **opts)
    style = trusted.get_template("style.css")
    runs: list[str] = []
    render_style = style.root_render_func

    def counted(context: object) -> object:
        runs.append(context.get("paper"))  # type: ignore[attr-defined]
        return render_style(context)  # type: ignore[arg-type]

    style.root_render_func = counted
    for paper in ("a3", "a4", "a3"):
        ctx = {"rows": ["a<b", "电话 13812345678", "c"], "paper": paper, "unit": "u&v"}
        expected = plain.get_template("page.html").render(**ctx)
        assert trusted.render_page(trusted.get_template("page.html"), ctx) == expected
        assert "13812345678" not in expected and "a&lt;b" in expected
    assert runs == ["a3", "a4"]  # once per paper, whatever the number of pages and rows
    ctx = {"rows": ["a", "b"], "paper": "a4", "unit": "u"}
    trusted.forget()
    parts = list(trusted.get_template("page.html").generate(**ctx))
    assert "".join(parts) == plain.get_template("page.html").render(**ctx)
    assert len(parts) < len(list(plain.get_template("page.html").generate(**ctx))) // 2


def test_trusted_links_are_made_once_and_are_the_sandboxs_links(tmp_path: Path) -> None:
    """The `url` filter of the bundled templates keeps each link (target, extension, page) it made: the same link the
    town templates' sandboxed filter makes, page by page."""
    from gongkai.render.env import environment

    (tmp_path / "t").mkdir()
    trusted, town = environment("html"), environment("html", tmp_path / "t")
    source = "{{ t|url }} {{ t|url('.md') }}"
    for page in ("index.html", "东庄村/index.html", "东庄村/2024/q3.html", "东庄村/records/a b.html", "index.html"):
        for target in ("index", "东庄村/index", "东庄村/records/a b", "西庄村/2024/q3"):
            ctx = {"t": target, "page": page, "ext": ".html"}
            assert trusted.from_string(source).render(**ctx) == town.from_string(source).render(**ctx)
    assert len(trusted.urls) == 4 * 4 * 2  # the fifth page is the first one again: nothing made twice


def test_masked_texts_are_kept_and_stay_masked() -> None:
    from gongkai.personal import mask
    from gongkai.render import views

    text = "联系人 13812345678，身份证 11010519491231002X"
    first = views._m(text)
    assert first == views.clean(mask(text)) and "13812345678" not in first and views._m(text) is first
    assert views._m("坏\udcff") == "坏\ufffd" and views._m(None) == "" and views._m("") == ""
    views._MASKED.update((str(n), str(n)) for n in range(views.MAX_MASKED))
    assert views._m("新的一行") == "新的一行" and len(views._MASKED) == 1  # a full store starts again
