"""The Jinja2 environments: bundled templates, a town's overrides in front of them, and escaping that
cannot be forgotten.

- HTML templates are autoescaped; Markdown templates escape every value for Markdown. Record content
  arrives already rendered (`content_html` is markup, `content_md` safe Markdown): content is data,
  never compiled as a template, so `{{ … }}` written in a record is printed as is.
- Every plain string a template prints passes through masking once more (`finalize`), so a town
  template that reaches for a value in an unexpected way still cannot print a full ID or mobile number.
- A town's templates run in Jinja's sandbox (and so do the bundled ones beside them): a template from a
  repository cannot reach Python internals. The bundled templates alone are gongkai's own code and run
  unsandboxed and unbounded (`TrustedEnvironment`), which makes a county's render several times faster.
- Undefined variables are errors, so a misspelt name in a town template is reported, not printed as ''.
- A town template is read only from inside the town's template folder: a file (or a folder on the way)
  that is a symbolic link leading out of it, or that is not a regular file, is refused by name, whether
  it is rendered itself or reached by `{% include %}`, `{% import %}` or `{% extends %}`.
- Rendering is bounded: `*` and `**` that would build a huge string, list or number, filters and string
  methods asked for a huge width, more than MAX_STEPS loop iterations and calls, more than MAX_OUTPUT
  characters of output, or more than TIME_LIMIT seconds for one page stop with `TemplateLimit`, a
  template error naming the template and its line, instead of exhausting memory or running forever.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import operator
import os
import posixpath
import re
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    nodes,
    pass_context,
    pass_eval_context,
)
from jinja2.compiler import CodeGenerator, optimizeconst
from jinja2.loaders import split_template_path
from jinja2.runtime import missing
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from gongkai.personal import mask
from gongkai.problem import Msg, msg
from gongkai.render import markdown as md
from gongkai.render.markdown import MdSafe
from gongkai.render.money import amount, daxie
from gongkai.render.views import Public, Url, cn_ordinal, date_zh, url_path

TEMPLATES = Path(__file__).resolve().parent / "templates"
# every template a town may override, with what it is for (README, "自定义模板 / Templates")
TEMPLATE_NAMES = (
    "base.html", "style.css", "sheet.html", "record.html", "_record.html", "unit_index.html", "town_index.html",
    "sheet.md", "record.md", "_record.md", "unit_index.md", "town_index.md",
)


MAX_TEMPLATE_BYTES = 1_000_000  # a town template larger than this is refused unread
MAX_OUTPUT = 16_000_000  # characters of one rendered page
MAX_SIZE = 16_000_000  # the longest string or list an operator, filter or method may build
MAX_STEPS = 2_000_000  # loop iterations (and calls, CALL_STEPS each) while rendering one page
CALL_STEPS = 10  # a call (a macro, a method) costs as much as this many loop iterations
TIME_LIMIT = 10.0  # seconds for one page


class TemplateLimit(TemplateError):
    """A town template was refused or went past a limit: `text` says which, in both languages."""

    def __init__(self, text: Msg) -> None:
        super().__init__(text.en)
        self.text = text


class TownLoader(BaseLoader):
    """The town's template folder, confined: only regular files inside the folder (after following every
    symbolic link) are read, and only up to MAX_TEMPLATE_BYTES."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.real = folder.resolve()

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # refuses names with `..`
        path = self.folder.joinpath(*pieces)
        if not os.path.lexists(path):
            raise TemplateNotFound(template)
        shown = posixpath.join(self.folder.name, *pieces)
        real = path.resolve()
        if real != self.real and self.real not in real.parents:
            raise TemplateLimit(msg(
                "模板“{p}”是指向模板文件夹以外（{r}）的链接：不读取、不使用。请把模板文件本身放进模板文件夹",
                "template '{p}' is a link leading out of the template folder (to {r}): not read, not used. "
                "Put the template file itself into the template folder", p=shown, r=real))
        try:
            st = os.stat(real)
        except OSError:
            raise TemplateLimit(msg("模板“{p}”是断开的链接：它指向的文件不存在",
                                    "template '{p}' is a dangling link: what it points to does not exist", p=shown)) from None
        if not stat.S_ISREG(st.st_mode):
            raise TemplateLimit(msg("模板“{p}”不是普通文件：不读取", "template '{p}' is not a regular file: not read", p=shown))
        if st.st_size > MAX_TEMPLATE_BYTES:
            raise TemplateLimit(msg("模板“{p}”太大（{n} 字节，上限 {m}）：不读取",
                                    "template '{p}' is too large ({n} bytes, limit {m}): not read",
                                    p=shown, n=st.st_size, m=MAX_TEMPLATE_BYTES))
        with open(real, "rb") as fh:
            data = fh.read(MAX_TEMPLATE_BYTES + 1)
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise TemplateLimit(msg("模板“{p}”不是 UTF-8 编码（第 {o} 字节）：请另存为 UTF-8",
                                    "template '{p}' is not UTF-8 (byte {o}): save it as UTF-8", p=shown,
                                    o=e.start)) from None
        return source, str(path), lambda: False


# a width of 10⁷ or more, or a width taken from an argument (`%*d`, `{:>{w}}`)
_WIDE_FORMAT = re.compile(r"\d{8,}|%[-+ #0]*\*|\{[^{}]*:[^{}]*\{")
_WIDTH_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs"}
_WIDTH_FILTERS = {"center", "indent", "wordwrap", "truncate", "batch", "slice", "format", "replace", "join"}


def _too_big(n: int) -> TemplateLimit:
    return TemplateLimit(msg("模板要生成的内容太大（{n}，上限 {m}）：请检查模板里的乘法、循环或宽度",
                             "the template would build something too large ({n}, limit {m}): check its "
                             "multiplications, loops and widths", n=n, m=MAX_SIZE))


def _check_ints(values: Iterable[Any]) -> None:
    for v in values:
        if isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_SIZE:
            raise _too_big(abs(v))


def _check_format(text: Any) -> None:
    if isinstance(text, str) and _WIDE_FORMAT.search(text):
        raise TemplateLimit(msg("模板里的格式宽度太大或取自参数：请写不超过 7 位数的宽度",
                                "a format width in the template is too large or taken from an argument: "
                                "use a width of at most 7 digits"))


def _check_replace(text: Any, old: Any, new: Any) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        grow = (text.count(old) if old else len(text) + 1) * (len(new) - len(old))
        if len(text) + grow > MAX_SIZE:
            raise _too_big(len(text) + grow)


def _check_join(sep: Any, items: Any) -> None:
    if isinstance(items, (list, tuple)) and isinstance(sep, str):
        size = len(sep) * max(len(items) - 1, 0) + sum(len(x) if isinstance(x, str) else 1 for x in items)
        if size > MAX_SIZE:
            raise _too_big(size)


def _check_size(value: Any) -> Any:
    """`value`, unless it is a string or collection past MAX_SIZE (what a template builds step by step, such as
    a string doubled in a loop, is stopped at the first step past the limit)."""
    if isinstance(value, (str, bytes, list, tuple, dict, set)) and len(value) > MAX_SIZE:
        raise _too_big(len(value))
    return value


def _bounded_filter(name: str, f: Callable[..., Any]) -> Callable[..., Any]:
    """A built-in filter that refuses arguments that would make it build something huge, and results past
    MAX_SIZE."""
    import functools

    @functools.wraps(f)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        values = [a for a in args if not hasattr(a, "environment")]  # without a passed context/environment
        if name in _WIDTH_FILTERS:
            _check_ints(kwargs.values())
        if name == "format" and values:
            _check_format(values[0])
        if name == "replace" and len(values) >= 3:
            _check_replace(str(values[0]), values[1], values[2])
        if name == "join" and values:
            seq = values[0] if isinstance(values[0], (list, tuple)) else None
            if seq is not None:
                _check_join(values[1] if len(values) > 1 else kwargs.get("d", ""), [str(x) for x in seq])
        if name in _WIDTH_FILTERS:
            _check_ints(values[1:])
        return _check_size(f(*args, **kwargs))

    return bounded


@pass_eval_context
def _concat(eval_ctx: Any, items: list[Any]) -> Any:
    """`a ~ b ~ c`: Jinja's own join, once the parts are known to fit in MAX_SIZE."""
    from jinja2.runtime import markup_join, str_join

    parts = [x if isinstance(x, str) else str(x) for x in items]
    if sum(len(x) for x in parts) > MAX_SIZE:
        raise _too_big(sum(len(x) for x in parts))
    return markup_join(items) if eval_ctx.autoescape else str_join(items)


class BoundedEnvironment(SandboxedEnvironment):
    """Jinja's sandbox, bounded in size, steps and time (see the module's notes)."""

    intercepted_binops = frozenset({"*", "**", "%", "//", "+"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.steps = 0
        self.next_clock = 0
        self.output = 0
        self.deadline = math.inf

    def start(self) -> None:
        """Reset the budget: called before each page."""
        self.steps = 0
        self.next_clock = 0
        self.output = 0
        self.deadline = time.monotonic() + TIME_LIMIT

    def count_output(self, value: Any) -> None:
        """Every value printed counts towards MAX_OUTPUT before it is masked and escaped (which costs time)."""
        self.output += len(value) if isinstance(value, str) else 0
        if self.output > MAX_OUTPUT:
            raise self._too_much()

    @staticmethod
    def _too_much() -> TemplateLimit:
        return TemplateLimit(msg("模板输出超过上限（{m} 个字符）：请检查模板里的循环",
                                 "the template's output is larger than {m} characters: check its loops", m=MAX_OUTPUT))

    def tick(self, n: int = 1) -> None:
        self.steps += n
        if self.steps < self.next_clock:
            return
        self.next_clock = self.steps + 1000
        if self.steps > MAX_STEPS:
            raise TemplateLimit(msg("模板执行步数超过上限（{m} 次循环或调用）：请检查模板里的循环和宏",
                                    "the template ran more than {m} loop iterations or calls: check its loops and "
                                    "macros", m=MAX_STEPS))
        if time.monotonic() > self.deadline:
            raise TemplateLimit(msg("模板运行超过 {s} 秒：请检查模板里的循环和宏",
                                    "the template ran longer than {s} seconds: check its loops and macros",
                                    s=int(TIME_LIMIT)))

    def range(self, *args: int) -> range:
        """`range()` in templates: at most MAX_RANGE numbers (Jinja's sandbox limit), as a template error."""
        from jinja2.sandbox import MAX_RANGE

        numbers = range(*args)
        if len(numbers) > MAX_RANGE:
            raise TemplateLimit(msg("模板里的 range() 太大（{n} 个数，上限 {m}）", "range() in the template is too large "
                                    "({n} numbers, limit {m})", n=len(numbers), m=MAX_RANGE))
        return numbers

    def steps_of(self, iterable: Any) -> Iterator[Any]:
        """What every `{% for %}` iterates over: the same items, each counted."""
        for item in iterable:
            self.tick()
            yield item

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, "_gk_steps", [], [], None, None, lineno=loop.lineno)
        # `a ~ b` is joined by a filter that checks the size first
        for parent in list(tree.find_all(nodes.Node)):
            for field, value in parent.iter_fields():
                if isinstance(value, nodes.Concat):
                    setattr(parent, field, self._concat(value))
                elif isinstance(value, list):
                    value[:] = [self._concat(v) if isinstance(v, nodes.Concat) else v for v in value]
        return tree

    @staticmethod
    def _concat(node: nodes.Concat) -> nodes.Expr:
        return nodes.Filter(nodes.List(node.nodes, lineno=node.lineno), "_gk_concat", [], [], None, None,
                            lineno=node.lineno)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        if getattr(value, "__name__", "") in ("format", "format_map") and isinstance(getattr(value, "__self__", None), str):
            _check_format(value.__self__)
        return super().wrap_str_format(value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple, bytes)) and isinstance(n, int) and len(seq) * n > MAX_SIZE:
                    raise _too_big(len(seq) * n)
        elif operator == "**":
            if isinstance(left, (int, float)) and isinstance(right, (int, float)) and abs(left) > 1 and right > 0:
                if right * math.log2(abs(left)) > 64_000:
                    raise TemplateLimit(msg("模板里的乘方太大：{l} ** {r}", "a power in the template is too large: "
                                            "{l} ** {r}", l=left, r=right))
        elif operator == "%":
            _check_format(left)
        elif operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            if len(left) + len(right) > MAX_SIZE:
                raise _too_big(len(left) + len(right))
        return _check_size(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        __self.tick(CALL_STEPS)
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, str):
            if name in _WIDTH_METHODS:
                _check_ints(args)
                _check_ints(kwargs.values())
            elif name == "replace" and len(args) >= 2:
                _check_replace(owner, args[0], args[1])
            elif name == "join" and args:
                _check_join(owner, list(args[0]) if isinstance(args[0], (list, tuple)) else [])
        elif isinstance(owner, list) and name == "extend" and args and hasattr(args[0], "__len__"):
            if len(owner) + len(args[0]) > MAX_SIZE:
                raise _too_big(len(owner) + len(args[0]))
        return _check_size(super().call(__context, __obj, *args, **kwargs))

    def render_page(self, template: Any, context: dict[str, Any]) -> str:
        """Render a template within the budget: output is streamed and stops at MAX_OUTPUT characters."""
        self.start()
        parts: list[str] = []
        size = 0
        for chunk in template.generate(**context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise self._too_much()
            self.tick()
            parts.append(chunk)
        return "".join(parts)


def _finalize_html(value: Any) -> Any:
    if isinstance(value, (Markup, Public, Url)) or not isinstance(value, str):
        return value
    return mask(value)


def _finalize_md(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, MdSafe):
        return value
    if isinstance(value, Url):
        return MdSafe(value)
    if isinstance(value, Public):
        return md.md_text(value)
    return md.md_text(mask(str(value)))


@functools.lru_cache(maxsize=4096)
def _link(target: str, folder: str) -> str:
    """`target` relative to `folder` (both relative to --out), percent-encoded: a county's pages link to the
    same few pages thousands of times, and posixpath.relpath asks the system for the working folder each time."""
    return url_path(_relative(target, folder))


def _plain(path: str) -> bool:
    """Whether `path` is a plain relative path: no empty, `.` or `..` part (and not empty itself)."""
    if not path or path[0] == "/" or path[-1] == "/" or "//" in path:
        return False
    if path[0] != "." and "/." not in path:  # no part starts with a dot (the common case: by string methods alone)
        return True
    return all(part not in (".", "..") for part in path.split("/"))


def _relative(target: str, folder: str) -> str:
    """posixpath.relpath(target, folder) for two plain paths relative to the same folder, without asking the system
    for the working folder (site paths have no empty, `.` or `..` parts; any other is left to relpath)."""
    if not _plain(target) or (folder != "." and not _plain(folder)):
        return posixpath.relpath(target, folder)
    if folder == ".":
        return target
    if target.startswith(folder) and target[len(folder):len(folder) + 1] == "/":  # below the folder: the rest of it
        return target[len(folder) + 1:]
    t = target.split("/")
    f = folder.split("/")
    n = 0
    while n < len(f) and n < len(t) and f[n] == t[n]:
        n += 1
    parts = [".."] * (len(f) - n) + t[n:]
    return "/".join(parts) if parts else "."


@pass_context
def _url(ctx: Any, target: str, ext: str | None = None) -> str:
    """A link from the page being rendered to `target` (a path relative to --out, without extension)."""
    page = ctx.get("page", "index")
    ext = ctx.get("ext", ".html") if ext is None else ext
    return _made_link(ctx.environment.autoescape, target, ext, posixpath.dirname(page) or ".")


def _made_link(autoescape: Any, target: str, ext: str, folder: str) -> Any:
    """The link to `target` + `ext` from a page in `folder`: percent-encoded, so nothing in it needs escaping or
    masking (site paths are masked when built)."""
    rel = _link(target + ext, folder)
    return Markup(rel) if autoescape else MdSafe(rel)


MAX_URLS = 100_000


def _var(context: Any, name: str, default: Any = None) -> Any:
    """context.get(name, default) in one call instead of Context.get's two: the template's own variables, then the
    page's (Jinja's Context.resolve_or_missing without its calls)."""
    v = context.vars.get(name, missing)
    return context.parent.get(name, default) if v is missing else v


@pass_context
def _url_kept(ctx: Any, target: str, ext: str | None = None) -> Any:
    """`_url` in a trusted environment: each link (target, extension, folder of the page) made once (a county's pages
    link to their unit's index, sheets and records thousands of times, and the link depends on the page's folder
    alone). The page and extension are looked up by _var."""
    env = ctx.environment
    page = _var(ctx, "page", "index")
    if ext is None:
        ext = _var(ctx, "ext", ".html")
    folder = page.rpartition("/")[0] if type(page) is str else None
    if folder is None or folder.endswith("/") or page.startswith("/"):  # not a plain path: as _url says
        folder = posixpath.dirname(page)
    key = (target, ext, folder or ".")
    link = env.urls.get(key)
    if link is None:
        if len(env.urls) >= MAX_URLS:
            env.urls.clear()
        link = env.urls[key] = _made_link(env.autoescape, target, ext, key[2])
    return link


def _date_zh(value: Any) -> str:
    if isinstance(value, dt.date):
        return date_zh(value)
    if isinstance(value, str) and len(value) == 10:
        try:
            return date_zh(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return "" if value is None else str(value)


# the bundled fragment of one record: its text depends on the record (`r`) and the unit only (no link, no page
# number), so a record's page and its sheet print the same text, rendered once
FRAGMENTS = frozenset({"_record.html", "_record.md"})
MAX_FRAGMENTS = 4096
# bundled templates whose text depends on these variables alone: rendered once for each value (every page
# includes the style sheet, which depends on the paper only)
CONSTANT = {"style.css": "paper"}


MAX_PRINTED = 200_000  # distinct plain strings whose printed form a trusted environment keeps


class _TrustedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with every printed value going through one call, `environment.gk_print(value)`,
    instead of `escape(environment.finalize(value))` (HTML) or `str(environment.finalize(value))` (Markdown):
    the same text, and a plain string's printed form is kept (a county prints the same names, dates and amounts
    tens of thousands of times) and, once kept, read from `environment.printed` inline."""

    def _gk_plain(self, frame: Any, finalize: Any) -> bool:
        """The usual output: the environment's own escaping and finalize (not an `{% autoescape %}` block)."""
        return (not frame.eval_ctx.volatile and bool(frame.eval_ctx.autoescape) == bool(self.environment.autoescape)
                and finalize.src == "environment.finalize(")

    def _output_child_pre(self, node: nodes.Expr, frame: Any, finalize: Any) -> None:
        if not self._gk_plain(frame, finalize):
            super()._output_child_pre(node, frame, finalize)
        else:  # a plain string already printed once is taken from `printed` here, without calling gk_print
            self.write("(t_gk_p if ((t_gk_t := type(t_gk_x := ")

    def _output_child_post(self, node: nodes.Expr, frame: Any, finalize: Any) -> None:
        if not self._gk_plain(frame, finalize):
            super()._output_child_post(node, frame, finalize)
        else:
            self.write(")) is str or t_gk_t is int) and (t_gk_p := environment.printed.get(t_gk_x)) is not None"
                       " else environment.gk_print(t_gk_x))")

    def visit_Output(self, node: nodes.Output, frame: Any) -> None:
        """Jinja's visit_Output, except that the parts of one output node (`<td>{{ a }}. {{ b }}</td>`) outside a
        buffer are yielded as one string, `yield ''.join((…))`, instead of one `yield` each: the same text, with a
        fraction of the generator steps (a county's pages yield hundreds of thousands of parts)."""
        if frame.buffer is not None or frame.require_output_check or self.environment.is_async:
            super().visit_Output(node, frame)
            return
        finalize = self._make_finalize()
        body: list[list[Any] | nodes.Expr] = []
        for child in node.nodes:  # constants evaluated at compile time, as Jinja does
            try:
                if not (finalize.const or isinstance(child, nodes.TemplateData)):
                    raise nodes.Impossible()
                const = self._output_child_to_const(child, frame, finalize)
            except (nodes.Impossible, Exception):
                body.append(child)
                continue
            if body and isinstance(body[-1], list):
                body[-1].append(const)
            else:
                body.append([const])
        joined = len(body) > 1
        if joined:
            self.writeline("yield ''.join((")
            self.indent()
        for item in body:
            if isinstance(item, list):
                val = self._output_const_repr(item)
                self.writeline(val + "," if joined else "yield " + val)
            else:
                if joined:
                    self.newline(item)
                else:
                    self.writeline("yield ", item)
                self._output_child_pre(item, frame, finalize)
                self.visit(item, frame)
                self._output_child_post(item, frame, finalize)
                if joined:
                    self.write(",")
        if joined:
            self.outdent()
            self.writeline("))")

    def visit_Include(self, node: nodes.Include, frame: Any) -> None:
        """`{% include "name" %}` of a fixed name (with the context, not ignore missing): through
        `environment.gk_include`, which prints a fragment already rendered without building its context. (Not
        inside a buffer — `{% set %}…{% endset %}`, a macro, a filter block —, whose output Jinja's own code collects.)"""
        if (node.ignore_missing or not node.with_context or self.environment.is_async or frame.buffer is not None
                or not isinstance(node.template, nodes.Const) or not isinstance(node.template.value, str)):
            super().visit_Include(node, frame)
            return
        self.writeline("template = environment.get_template(", node)
        self.visit(node.template, frame)
        self.write(f", {self.name!r})")
        self.writeline(f"yield from environment.gk_include(template, context, {self.dump_local_context(frame)})")

    def visit_For(self, node: nodes.For, frame: Any) -> None:
        """Jinja's visit_For; a loop whose body asks `loop` for its index alone (`loop.index`, `loop.index0`, as the
        bundled tables do) iterates `environment.gk_loop(…)` instead of a LoopContext: the same items and numbers,
        counted in C rather than by a Python method per item."""
        self._gk_loop = (not node.recursive and node.test is None and not self.environment.is_async
                         and _index_only(node))
        try:
            super().visit_For(node, frame)
        finally:
            self._gk_loop = False

    def write(self, x: str) -> None:
        if getattr(self, "_gk_loop", False) and x.endswith(" in LoopContext("):  # this loop's head (see visit_For)
            self._gk_loop = False
            x = x[:-len("LoopContext(")] + "environment.gk_loop("
        super().write(x)

    @optimizeconst
    def visit_Getattr(self, node: nodes.Getattr, frame: Any) -> None:
        """`obj.attr`: Python's getattr inline, Jinja's environment.getattr (an item of that name, else undefined)
        only when the object has no such attribute — the same value, without a call per lookup (a county's pages
        look up hundreds of thousands of attributes). `obj` is evaluated once."""
        if self.environment.is_async:
            super().visit_Getattr(node, frame)
            return
        self.write("(t_gk_v if (t_gk_v := getattr((t_gk_o := ")
        self.visit(node.node, frame)
        self.write(f"), {node.attr!r}, missing)) is not missing else environment.getattr(t_gk_o, {node.attr!r}))")


_HANDS_ON = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Block, nodes.Macro, nodes.CallBlock)


def _index_only(node: nodes.For) -> bool:
    """Whether every `loop` in the loop's body (nested loops' too) is `loop.index` or `loop.index0`, and nothing in it
    hands `loop` on (an include, an import or a block sees the loop's variables)."""
    for part in (*node.body, *node.else_):
        if isinstance(part, _HANDS_ON) or any(True for _ in part.find_all(_HANDS_ON)):
            return False
    allowed = set()
    for g in node.find_all(nodes.Getattr):
        if isinstance(g.node, nodes.Name) and g.node.name == "loop" and g.attr in ("index", "index0"):
            allowed.add(id(g.node))
    for part in (*node.body, *node.else_):
        for name in part.find_all(nodes.Name):  # (a body holds statements: never a bare name)
            if name.name == "loop" and id(name) not in allowed:
                return False
    return True


class _Index(tuple):  # type: ignore[type-arg]
    """`loop` of a loop that asks only its index: (index0, index), made by the tuple constructor (C) for each item."""

    __slots__ = ()
    index0 = property(operator.itemgetter(0))
    index = property(operator.itemgetter(1))


_INDEXES = tuple(_Index((i, i + 1)) for i in range(256))  # a list's first numbers, made once


def _gk_loop(iterable: Any, undefined: Any = None) -> Iterator[tuple[Any, _Index]]:
    """What `for x, loop in …` iterates in a loop that asks only `loop.index`/`loop.index0` (see visit_For): each item
    with its numbers, from 0 and from 1, as a LoopContext counts them. `undefined` is LoopContext's argument, unused.
    (A list no longer than _INDEXES takes its numbers from there: the bundled templates never change the list they
    iterate.)"""
    if type(iterable) in (list, tuple) and len(iterable) <= len(_INDEXES):
        return zip(iterable, _INDEXES)
    return zip(iterable, map(_Index, zip(itertools.count(0), itertools.count(1))))


class TrustedEnvironment(Environment):
    """The bundled templates alone (no town template folder): gongkai's own code, rendered without the sandbox
    and the budgets, which guard against a town's templates and cost a county's render most of its time. Record
    content is still never compiled as a template, and every printed value is still masked and escaped.

    The record fragment (FRAGMENTS) is rendered once per record and reused by the sheet that prints the record
    again; only here, where every template is gongkai's own (a town's fragment might print the page it is on)."""

    code_generator_class = _TrustedCodeGenerator

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.fragments: dict[int, tuple[Any, Any, str]] = {}  # id(r) → (r, unit, its text)
        self.printed: dict[str | int, str] = {}  # a plain string or int → what printing it gives (masked, escaped)
        self.printed_public: dict[str, str] = {}  # the same for Public texts (apart: a Public equals its plain string)
        self.templates: dict[tuple[str, str | None], Any] = {}  # (name, parent) → the template, loaded once
        self.constants: dict[tuple[str, str], str] = {}  # (CONSTANT template, its variable's value) → its text
        self.urls: dict[tuple[Any, Any, Any], Any] = {}  # (target, extension, page's folder) → the `url` filter's link
        self.flat: dict[int, tuple[Any, dict[str, Any]]] = {}  # id(template) → (it, its globals as one plain dict)
        self.kept: list[str] = []  # the texts of kept_bytes the page being rendered printed, in order (render_bytes)
        self.kept_bytes: dict[int, tuple[str, bytes]] = {}  # id(text) → (a CONSTANT text, its UTF-8 bytes)
        self.fragment_bytes: dict[int, tuple[str, bytes]] = {}  # id(text) → (a record fragment, its UTF-8 bytes)
        self.gk_loop = _gk_loop

    def gk_print(self, value: Any) -> Any:
        """What `{{ value }}` prints: escape(finalize(value)) in HTML, str(finalize(value)) in Markdown; a plain
        string's (not Markup, MdSafe, Public or Url) or int's is kept."""
        if type(value) is str or type(value) is int:  # (an int: a loop's index, a count)
            return self._kept(self.printed, value)
        if type(value) is Markup and self.autoescape is True:  # escape(finalize(m)) is m itself (a record's content,
            return value                                        # a link, a QR code), without copying it twice
        if type(value) is Public:  # the supervision phone, the complaints contact: on every page of a unit
            return self._kept(self.printed_public, value)
        return self._print(value)

    def _kept(self, printed: dict[Any, Any], value: Any) -> Any:
        """_print(value), kept in `printed` (at most MAX_PRINTED values: then it starts afresh)."""
        done = printed.get(value)
        if done is None:
            if len(printed) >= MAX_PRINTED:
                printed.clear()
            done = printed[value] = self._print(value)
        return done

    def _print(self, value: Any) -> Any:
        value = self.finalize(value)  # type: ignore[misc]
        return escape(value) if self.autoescape else str(value)

    def render_page(self, template: Any, context: dict[str, Any]) -> str:
        """Template.render(**context), the page's context made without Jinja's ChainMap of globals (see _context)."""
        self.kept = []
        try:
            return self.concat(template.root_render_func(self._context(template, context)))  # type: ignore[no-any-return]
        except Exception:
            self.handle_exception()  # raises it with the templates' own lines in the traceback, as Template.render does

    def render_bytes(self, template: Any, context: dict[str, Any]) -> bytes:
        """render_page(template, context) encoded in UTF-8, the same bytes, encoding less: a CONSTANT text printed on
        the page (the style sheet, two thirds of every HTML page) is taken as bytes encoded once, a record fragment
        (FRAGMENTS) as bytes encoded once for its record's page and its sheet, and only the rest is encoded, around
        them."""
        kept: list[str] = []
        self.kept = kept  # what gk_include and the fragments' root yield as they are, in order
        try:
            parts = list(template.root_render_func(self._context(template, context)))
        except Exception:
            self.handle_exception()
        if not kept:
            return "".join(parts).encode("utf-8")
        constant, fragment = self.kept_bytes, self.fragment_bytes
        out: list[bytes] = []
        start = 0
        for text in kept:
            try:
                i = parts.index(text, start)  # the text itself (or one equal to it, whose bytes are the same)
            except ValueError:  # not printed as yielded (cannot happen with the bundled templates)
                return "".join(parts).encode("utf-8")
            if i > start:
                out.append("".join(parts[start:i]).encode("utf-8"))
            hit = constant.get(id(text)) or fragment.get(id(text))
            if hit is None or hit[0] is not text:
                if len(fragment) >= MAX_FRAGMENTS:
                    fragment.clear()
                hit = fragment[id(text)] = (text, text.encode("utf-8"))  # (the text is kept: its id stays its own)
            out.append(hit[1])
            start = i + 1
        out.append("".join(parts[start:]).encode("utf-8"))
        return b"".join(out)

    def _context(self, template: Any, context: dict[str, Any]) -> Any:
        """template.new_context(context): the globals under the page's variables, each template's globals flattened
        once (Jinja reads them through a ChainMap, key by key in Python, twice per page). The bundled templates'
        globals are Jinja's defaults, set before any page is rendered and never changed."""
        flat = self._flat(template)
        return self.context_class(self, {**flat, **context}, template.name, template.blocks, flat)

    def _flat(self, template: Any) -> dict[str, Any]:
        """The template's globals as one plain dict, made once per template (see _context)."""
        hit = self.flat.get(id(template))
        if hit is None or hit[0] is not template:
            hit = self.flat[id(template)] = (template, dict(template.globals))
        return hit[1]

    def gk_include(self, template: Any, context: Any, local: dict[str, Any]) -> Iterable[str]:
        """What `{% include %}` of `template` yields: a record fragment (FRAGMENTS) or a CONSTANT template
        already rendered is yielded as it is, without a new context; anything else is rendered as Jinja does."""
        def value(var: str) -> Any:  # what the included template sees as `var`
            v = local.get(var, missing)
            return _var(context, var) if v is missing else v

        name = template.name
        if name in FRAGMENTS:
            r = value("r")
            hit = self.fragments.get(id(r))
            if hit is not None and hit[0] is r and hit[1] is value("unit"):
                self.kept.append(hit[2])
                return (hit[2],)
        elif name in CONSTANT:
            key = (name, value(CONSTANT[name]))
            if type(key[1]) is str:  # a plain string, as the render passes (hashable, immutable)
                text = self.constants.get(key)
                if text is None:
                    text = self.constants[key] = "".join(template.root_render_func(self._included(template, context,
                                                                                                  local)))
                    self.kept_bytes[id(text)] = (text, text.encode("utf-8"))
                self.kept.append(text)
                return (text,)
        return template.root_render_func(self._included(template, context, local))  # type: ignore[no-any-return]

    def _included(self, template: Any, context: Any, local: dict[str, Any]) -> Any:
        """template.new_context(context.get_all(), True, local), as Jinja's include makes it, without the ChainMap."""
        parent = context.get_all()
        if local:
            parent = dict(parent)
            for k, v in local.items():
                if v is not missing:
                    parent[k] = v
        return self.context_class(self, parent, template.name, template.blocks, self._flat(template))

    def forget(self) -> None:
        """Drop the fragments kept so far (a unit's pages are done: no sheet of another unit prints them)."""
        self.fragments.clear()
        self.fragment_bytes.clear()

    def get_template(self, name: Any, parent: Any = None, globals: Any = None) -> Any:  # noqa: A002 - Jinja's name
        """Jinja's get_template, each bundled template looked up once (every `{% include %}` asks again, and Jinja's
        own cache takes a lock and a weak reference each time): the bundled templates do not change while rendering
        (auto_reload is off)."""
        plain = globals is None and type(name) is str and (parent is None or type(parent) is str)
        if plain:
            hit = self.templates.get((name, parent))
            if hit is not None:
                return hit
        template = super().get_template(name, parent, globals)
        if name in FRAGMENTS and not getattr(template, "_gk_once", False):
            template.root_render_func = self._once(template.root_render_func)
            setattr(template, "_gk_once", True)  # noqa: B010 - a mark of our own on a Jinja object
        if plain:
            self.templates[(name, parent)] = template
        return template

    def _once(self, render: Callable[[Any], Iterator[str]]) -> Callable[[Any], Iterator[str]]:
        fragments = self.fragments

        def root(context: Any) -> Iterator[str]:
            kept = self.kept
            r, unit = _var(context, "r"), _var(context, "unit")
            hit = fragments.get(id(r))
            if hit is None or hit[0] is not r or hit[1] is not unit:  # the record object itself is kept: ids stay
                if len(fragments) >= MAX_FRAGMENTS:
                    fragments.clear()
                hit = fragments[id(r)] = (r, unit, "".join(render(context)))
            kept.append(hit[2])
            yield hit[2]

        return root


class SealedTemplates(BytecodeCache):
    """The bundled templates compiled once per gongkai version and kept in the user's cache folder
    (gongkai.cache: `templates/` in it), so that a run loads them instead of compiling them again (a tenth of a
    second each run). The compiled code is run, so it is read only through gongkai.cache's sealing: a file of this
    user's alone (not a link, not group- or world-writable), with this run's header (gongkai's version, this
    module's own bytes — the code generator is here —, Jinja's and Python's versions, the kind) and an HMAC under
    the user's key. Anything else is ignored and the template compiled afresh. Only the trusted environment (no
    town templates) uses it: a town's templates, and the bundled ones beside them, are compiled in the sandbox
    every run, as before."""

    def __init__(self, folder: Path, header: bytes) -> None:
        self.folder = folder
        self.header = header

    @classmethod
    def of(cls, kind: str) -> SealedTemplates | None:
        """The cache for the `kind` environment, or None when the cache is off (GONGKAI_NO_CACHE)."""
        import hashlib
        import sys

        import jinja2

        from gongkai import __version__
        from gongkai.cache import cache_dir, enabled

        if not enabled(True):
            return None
        h = hashlib.sha256(f"{__version__}|{jinja2.__version__}|{sys.version}|{kind}|".encode())
        try:
            h.update(Path(__file__).read_bytes())
        except OSError:
            return None
        return cls(cache_dir() / "templates", b"gongkai-templates\n" + h.hexdigest().encode("ascii") + b"\n")

    def load_bytecode(self, bucket: Any) -> None:
        from gongkai.cache import read_sealed

        data = read_sealed(self.folder / f"{bucket.key}.bin", self.header)
        if data is not None:
            bucket.bytecode_from_string(data)  # checks Jinja's own magic and the template source's checksum

    def dump_bytecode(self, bucket: Any) -> None:
        from gongkai.cache import write_sealed

        write_sealed(self.folder / f"{bucket.key}.bin", self.header, bucket.bytecode_to_string())


def environment(kind: str, override: Path | None = None) -> BoundedEnvironment | TrustedEnvironment:
    """`kind` is 'html' or 'md'. `override` is the town's template folder, searched first: with one, every
    template (the bundled ones too, which a town template may include or extend) runs in the sandbox, bounded."""
    finalize = _finalize_html if kind == "html" else _finalize_md
    options: dict[str, Any] = {
        "autoescape": (kind == "html"),
        "undefined": StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
        "auto_reload": False,
    }
    env: BoundedEnvironment | TrustedEnvironment
    if override is None:
        env = TrustedEnvironment(loader=FileSystemLoader(str(TEMPLATES)), finalize=finalize,
                                 bytecode_cache=SealedTemplates.of(kind), **options)
    else:
        env = bounded = BoundedEnvironment(loader=ChoiceLoader([TownLoader(override), FileSystemLoader(str(TEMPLATES))]),
                                           finalize=None, **options)

        def counted(value: Any) -> Any:
            bounded.count_output(value)
            return finalize(value)

        env.finalize = counted
        for name in list(env.filters):
            env.filters[name] = _bounded_filter(name, env.filters[name])
        env.filters["_gk_concat"] = _concat
        env.filters["_gk_steps"] = bounded.steps_of
        env.globals["range"] = bounded.range
    env.filters["url"] = _url_kept if isinstance(env, TrustedEnvironment) else _url
    env.filters["amount"] = amount
    env.filters["daxie"] = daxie
    env.filters["date_zh"] = _date_zh
    env.filters["cn"] = cn_ordinal
    env.filters["mdtext"] = lambda v: MdSafe(md.md_text(mask(str(v)))) if v is not None else MdSafe("")
    env.filters["mdsafe"] = lambda v: MdSafe(v)
    return env
