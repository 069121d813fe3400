"""The Jinja2 environments: bundled templates, a town's overrides in front of them, and escaping that
cannot be forgotten.

- HTML templates are autoescaped; Markdown templates escape every value for Markdown. Record content
  arrives already rendered (`content_html` is markup, `content_md` safe Markdown): content is data,
  never compiled as a template, so `{{ … }}` written in a record is printed as is.
- Every plain string a template prints passes through masking once more (`finalize`), so a town
  template that reaches for a value in an unexpected way still cannot print a full ID or mobile number.
- Templates run in Jinja's sandbox: a template from a repository cannot reach Python internals.
- Undefined variables are errors, so a misspelt name in a town template is reported, not printed as ''.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, pass_context
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from gongkai.personal import mask
from gongkai.render import markdown as md
from gongkai.render.markdown import MdSafe
from gongkai.render.money import amount, daxie
from gongkai.render.views import Public, cn_ordinal, date_zh, url_path

TEMPLATES = Path(__file__).resolve().parent / "templates"
# every template a town may override, with what it is for (README, "自定义模板 / Templates")
TEMPLATE_NAMES = (
    "base.html", "style.css", "sheet.html", "record.html", "_record.html", "unit_index.html", "town_index.html",
    "sheet.md", "record.md", "_record.md", "unit_index.md", "town_index.md",
)


def _finalize_html(value: Any) -> Any:
    if isinstance(value, (Markup, Public)) or not isinstance(value, str):
        return value
    return mask(value)


def _finalize_md(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, MdSafe):
        return value
    if isinstance(value, Public):
        return md.md_text(value)
    return md.md_text(mask(str(value)))


@pass_context
def _url(ctx: Any, target: str, ext: str | None = None) -> str:
    """A link from the page being rendered to `target` (a path relative to --out, without extension)."""
    page = ctx.get("page", "index")
    ext = ctx.get("ext", ".html") if ext is None else ext
    rel = url_path(posixpath.relpath(target + ext, posixpath.dirname(page) or "."))
    # percent-encoded: nothing in it needs escaping or masking (site paths are masked when built)
    return Markup(rel) if ctx.environment.autoescape else MdSafe(rel)


def _date_zh(value: Any) -> str:
    if isinstance(value, dt.date):
        return date_zh(value)
    if isinstance(value, str) and len(value) == 10:
        try:
            return date_zh(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return "" if value is None else str(value)


def environment(kind: str, override: Path | None = None) -> SandboxedEnvironment:
    """`kind` is 'html' or 'md'. `override` is the town's template folder, searched first."""
    loaders = [FileSystemLoader(str(override))] if override is not None else []
    loaders.append(FileSystemLoader(str(TEMPLATES)))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=(kind == "html"),
        undefined=StrictUndefined,
        finalize=_finalize_html if kind == "html" else _finalize_md,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["url"] = _url
    env.filters["amount"] = amount
    env.filters["daxie"] = daxie
    env.filters["date_zh"] = _date_zh
    env.filters["cn"] = cn_ordinal
    env.filters["mdtext"] = lambda v: MdSafe(md.md_text(mask(str(v)))) if v is not None else MdSafe("")
    env.filters["mdsafe"] = lambda v: MdSafe(v)
    return env
