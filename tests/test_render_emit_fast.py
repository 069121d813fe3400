"""Issue 11, render: the fast ways the bundled templates' pages are made and written — bytes with the style sheet and
record fragments encoded once, the page's context made without Jinja's ChainMap, loops counted in C, kept links per
folder, the writer's folders checked once — each giving exactly the bytes of the plain way."""

from __future__ import annotations

import posixpath
import random
import shutil
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment, StrictUndefined
from markupsafe import Markup
from typer.testing import CliRunner

import gongkai.cli  # noqa: F401 - registers the commands
from gongkai.cli.app import app
from gongkai.render.env import TrustedEnvironment, _finalize_html, _finalize_md, _relative, environment
from gongkai.render.views import Public
from gongkai.render.writer import UnsafePath, Writer

REPO = Path(__file__).resolve().parent.parent
TOWN = REPO / "examples" / "huayuankou"
AS_OF = "2024-12-31"
runner = CliRunner()


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _render(town: Path, out: Path, *extra: str) -> dict[str, bytes]:
    r = runner.invoke(app, ["render", str(town), "--as-of", AS_OF, "--out", str(out), "--format", "all", "-j", "1",
                            *extra])
    assert r.exit_code in (0, 1) and (r.exception is None or isinstance(r.exception, SystemExit)), r.output
    return tree(out)


@pytest.mark.parametrize("force", [False, True])
def test_pages_as_bytes_are_the_plain_pages_and_the_sandboxs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             force: bool) -> None:
    """The example town (HTML and Markdown, with --force the records that failed their checks too): written as bytes
    (render_bytes), as text (render_page, the way before), and by the sandbox running the same bundled templates
    (a town template folder without templates of its own): the same bytes, file by file."""
    extra = ("--force",) if force else ()
    calls: list[str] = []
    real = TrustedEnvironment.render_bytes

    def spy(self: TrustedEnvironment, template: object, context: dict) -> bytes:
        calls.append(context["page"])
        return real(self, template, context)

    with monkeypatch.context() as m:
        m.setattr(TrustedEnvironment, "render_bytes", spy)
        fast = _render(TOWN, tmp_path / "fast", *extra)
    assert len(calls) == len(fast)  # every page (HTML and Markdown, the town index too) came as bytes
    with monkeypatch.context() as m:
        m.delattr(TrustedEnvironment, "render_bytes")
        plain = _render(TOWN, tmp_path / "plain", *extra)
    town = tmp_path / "town"
    shutil.copytree(TOWN, town, symlinks=True)
    (town / "empty").mkdir()
    with open(town / "gongkai.yaml", "a", encoding="utf-8") as fh:
        fh.write("templates: empty\n")
    sandboxed = _render(town, tmp_path / "sandboxed", *extra)
    assert fast == plain == sandboxed and len(fast) > 50
    assert any("未通过检查".encode() in data for data in fast.values()) == force


SOURCES = {
    "page.html": "<title>{{ title }}</title><style>\n{% include 'style.css' %}</style>{{ title }}\n"
                 "{% for r in rows %}<td>{{ loop.index }}. {{ r }}</td>{% include '_record.html' %}\n{% endfor %}"
                 "{% for r in rows %}{% include '_record.html' %}{% endfor %}{{ style_text }}{{ safe }}{{ public }}"
                 "{{ n }}{{ amount }}",
    "style.css": "{% if paper == 'a3' %}大 big{% else %}小 small{% endif %}\n",
    "_record.html": "<p>{{ r }}|{{ unit }}</p>",
    # the style sheet printed through a variable: not where it was yielded (the whole page is encoded)
    "odd.html": "{% set x %}{% include 'style.css' %}{% endset %}[{{ x|upper }}]"
                "{% for r in rows %}{% include '_record.html' %}{% endfor %}"
                "{{ x }}",
}
OPTIONS: dict = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True,
                 "undefined": StrictUndefined}


def _pair(kind: str) -> tuple[TrustedEnvironment, Environment]:
    sources = SOURCES if kind == "html" else {k.replace(".html", ".md"): v.replace(".html", ".md")
                                              for k, v in SOURCES.items()}
    finalize = _finalize_html if kind == "html" else _finalize_md
    opts = {**OPTIONS, "autoescape": kind == "html", "finalize": finalize}
    return TrustedEnvironment(loader=DictLoader(sources), **opts), Environment(loader=DictLoader(sources), **opts)


@pytest.mark.parametrize("kind", ["html", "md"])
def test_kept_texts_are_written_as_their_bytes(kind: str) -> None:
    """A page printing the style sheet (a CONSTANT) and record fragments, some already rendered by an earlier page,
    and a value equal to the style sheet's text elsewhere on the page: render_bytes gives render_page's text encoded,
    which is plain Jinja's, on every page, after forget() too."""
    trusted, plain = _pair(kind)
    name = f"page.{kind}"
    rows = ["a<b", "电话 13812345678", "c", "a<b"]
    for n, paper in enumerate(("a3", "a4", "a3", "a4")):
        if n == 2:
            trusted.forget()
        ctx = {"title": f"第{n}页 <", "rows": rows[n % 2:], "paper": paper, "unit": "u&v",
               "style_text": "小 small\n" if n % 2 else "x", "safe": Markup("<b>粗</b>"),
               "public": Public("0371-62345678 <"), "n": n, "amount": 12.5}
        expected = plain.get_template(name).render(**ctx)
        data = trusted.render_bytes(trusted.get_template(name), ctx)
        assert data == expected.encode("utf-8")
        assert trusted.render_page(trusted.get_template(name), ctx) == expected
        assert "13812345678" not in expected
        odd = f"odd.{kind}"
        assert trusted.render_bytes(trusted.get_template(odd), ctx) == \
            plain.get_template(odd).render(**ctx).encode("utf-8")
    assert len(trusted.kept_bytes) == 2  # the style sheet of each paper, encoded once
    assert trusted.fragment_bytes  # the fragments of the unit being rendered


LOOPS = {
    "loops.html": (
        "{% for x in xs %}{{ loop.index }}/{{ loop.index0 }}:{% for y in x %}{{ loop.index }}{{ y }}{% endfor %};"
        "{% else %}none{% endfor %}|"
        "{% for x in xs %}{{ x|length }}{% if not loop.last %},{% endif %}{% endfor %}|"
        "{% for x in xs %}{{ loop.length }}{% endfor %}|"
        "{% for x in xs %}{{ loop.index }}{% include 'inc.html' %}{% endfor %}|"
        "{% for x in xs if x %}{{ loop.index }}{% endfor %}|"
        "{% for x in gen %}{{ loop.index }}{% endfor %}|"
        "{% for x in long %}{% if loop.index0 > 296 %}{{ loop.index }}{% endif %}{% endfor %}|"
        "{% for x in xs %}{{ x }}{% endfor %}"),
    "inc.html": "[{{ loop.index }} of {{ loop.length }}]",
}


def test_loops_asking_only_their_index_count_in_c_and_print_the_same() -> None:
    opts = {**OPTIONS, "autoescape": True, "finalize": _finalize_html}
    trusted = TrustedEnvironment(loader=DictLoader(LOOPS), **opts)
    plain = Environment(loader=DictLoader(LOOPS), **opts)
    code = trusted.compile(LOOPS["loops.html"], "loops.html", raw=True)
    # the nested index loops, the filtered-out loop's none, the generator's and the long list's: gk_loop; loop.last,
    # loop.length, a loop handing `loop` to an include and a loop with a test: LoopContext
    assert code.count("environment.gk_loop(") == 4 and code.count(" in LoopContext(") == 4
    for xs in ([], [[1, 2], [], ["<"]], [[3]] * 300):
        ctx = {"xs": xs, "gen": (i for i in range(3)), "long": list(range(300))}
        expected = plain.get_template("loops.html").render(**ctx)
        ctx["gen"] = (i for i in range(3))
        assert trusted.get_template("loops.html").render(**ctx) == expected


def test_printed_values_are_the_plain_environments() -> None:
    """Plain strings (read inline once kept), ints, Markup (printed as it is), Public, numbers, None: the same text
    as Jinja's own escape(finalize(value)), in HTML and in Markdown."""
    source = "{% for v in values %}[{{ v }}]{% endfor %}{{ values[0] }}{{ values[0] }}"
    values = ["电话 13812345678", "a<b", Markup("<i>x</i>"), Public("0371-62345678 & <"), 7, 7, 2.5, None, True,
              "电话 13812345678", Markup("<i>x</i>")]
    for kind, finalize in (("html", _finalize_html), ("md", _finalize_md)):
        opts = {**OPTIONS, "autoescape": kind == "html", "finalize": finalize}
        trusted, plain = TrustedEnvironment(**opts), Environment(**opts)
        for _ in range(2):
            assert trusted.from_string(source).render(values=values) == plain.from_string(source).render(values=values)


def test_relative_links_are_relpaths() -> None:
    rng = random.Random(11)
    names = ["a", "b", "东庄村", "..", ".", "", "x y", "a.b", ".x", "..y"]
    for _ in range(20000):
        target = "/".join(rng.choice(names) for _ in range(rng.randint(1, 4)))
        folder = "." if rng.random() < 0.2 else "/".join(rng.choice(names) for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.3:
            target = folder + "/" + target
        try:
            expected = posixpath.relpath(target, folder)
        except ValueError:
            with pytest.raises(ValueError):
                _relative(target, folder)
            continue
        assert _relative(target, folder) == expected, (target, folder)


def test_links_kept_per_folder_are_each_pages_links(tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    trusted, town = environment("html"), environment("html", tmp_path / "t")
    source = "{{ t|url }} {{ t|url('.md') }}{% set page = 'x/y/z.html' %}{{ t|url }}"
    pages = ("index.html", "东庄村/index.html", "东庄村/records/1.html", "东庄村/records/2.html", "index.md",
             "东庄村//a.html", "/abs.html", "./b.html", "东庄村/records/3.html")
    for page in pages:
        for target in ("index", "东庄村/index", "东庄村/records/a b", "西庄村/2024/q3", "东庄村/records/1"):
            ctx = {"t": target, "page": page, "ext": ".html"}
            assert trusted.from_string(source).render(**ctx) == town.from_string(source).render(**ctx), (page, target)


def test_the_writer_checks_each_name_in_a_folder_it_knows(tmp_path: Path) -> None:
    out = tmp_path / "out"
    w = Writer(out)
    w.write("a/b/one.html", "一")
    w.write("a/b/two.html", "二".encode())  # bytes are written as they are
    w.write("top.html", b"top")
    for bad in ("a/b/..", "a/b/.", "a/b/", "a/b/x\\y", "a/b/x\x01", "a/b//x", "c:x", "/a/b/x", "a/../b/x", "a/b/x\n"):
        with pytest.raises(UnsafePath):
            w.write(bad, "x")
    w.write("a/b/one.html", "一")  # unchanged: left alone
    w.write("a/b/two.html", "三")
    assert (out / "a/b/one.html").read_text(encoding="utf-8") == "一"
    assert (out / "a/b/two.html").read_text(encoding="utf-8") == "三"
    assert (out / "top.html").read_bytes() == b"top"
    assert w.changed == ["a/b/one.html", "a/b/two.html", "top.html", "a/b/two.html"]
    assert w.target("a/b/new.html") == str(w.root / "a" / "b" / "new.html")
    # a folder that is a link leading out of --out is refused, whichever file is written into it
    (tmp_path / "outside").mkdir()
    (out / "link").symlink_to(tmp_path / "outside")
    for name in ("link/x.html", "link/y.html"):
        with pytest.raises(UnsafePath):
            w.write(name, "x")
    assert list((tmp_path / "outside").iterdir()) == []
