"""Record content (Markdown written by the clerk) → safe HTML and safe Markdown.

- raw HTML is never passed through: `<script>` is shown as text;
- links and images keep only `http:`, `https:` or relative targets; anything else
  (`javascript:`, `data:`, `file:`, `//host`) stays as plain text;
- images are shown as links, never loaded: a printed sheet uses no external assets;
- headings are moved down two levels so a record's own `#` never outranks the sheet's titles;
- resident IDs and mobile numbers are masked before parsing, so they are masked everywhere,
  inside links and code too.

The Markdown output is rebuilt from the parsed tokens, not copied from the source: every piece of
text is escaped again, so what WeChat editors and Gitee-style viewers show is exactly what the HTML shows.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from markupsafe import Markup, escape

from gongkai.personal import mask


class MdSafe(str):
    """Markdown that is already safe (rebuilt from parsed tokens): Markdown templates print it as is."""


HEADING_SHIFT = 2
STAR = "\ue000"  # masks first become this private-use character, so that `****` is never emphasis
_STAR_URL = "%EE%80%80"
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def safe_url(url: str) -> bool:
    """True for http(s) URLs and relative references; false for every other scheme and `//host`."""
    compact = _CONTROL.sub("", url or "")  # browsers ignore tabs/newlines inside `java\tscript:`
    if compact.startswith(("//", "\\\\", "/\\", "\\/")):
        return False
    m = _SCHEME.match(compact)
    if m is None:
        return ":" not in compact.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return m.group(1).lower() in ("http", "https")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = safe_url  # type: ignore[method-assign]
    md.add_render_rule("image", _render_image)
    md.add_render_rule("link_open", _render_link_open)
    return md


def _render_link_open(self: Any, tokens: list, idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if _SCHEME.match(href):
        token.attrSet("rel", "noopener noreferrer")
    return self.renderToken(tokens, idx, options, env)


def _render_image(self: Any, tokens: list, idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env) or "图片"
    href = escape(str(token.attrGet("src") or ""))
    return f'<a class="image-link" href="{href}">［图片：{escape(alt)}］</a>'


def _tokens(text: str) -> list:
    tokens = _parser().parse(mask(text or "", star=STAR))
    for t in tokens:
        if t.type in ("heading_open", "heading_close"):
            t.tag = f"h{min(int(t.tag[1:]) + HEADING_SHIFT, 6)}"
    return tokens


@lru_cache(maxsize=2048)  # records often share their content (the same notice each quarter): converted once
def to_html(text: str | None) -> Markup:
    """Content Markdown → HTML, safe to place in a page as is."""
    if not text or not text.strip():
        return Markup("")
    md = _parser()
    html = md.renderer.render(_tokens(text), md.options, {})
    return Markup(html.replace(STAR, "*").replace(_STAR_URL, "*"))


# ------------------------------------------------------------------ Markdown out

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# what starts a block when it begins a line: a list marker, an ordered-list number, a rule or underline
_LINE_START = re.compile(r"^(\s*)(?:([-+])(?=\s|$)|(\d{1,9})(?=[.)](?:\s|$))|([-=]+\s*$))")


def _line_start(m: re.Match[str]) -> str:
    lead, marker, number, rule = m.groups()
    if number is not None:
        return lead + number + "\\"  # `1\. ` is text, `1. ` a list
    return lead + "\\" + (marker or rule)


def md_escape(text: str, line_start: bool = True) -> str:
    """Plain text → Markdown that shows exactly that text."""
    out = _ENTITY.sub(r"\\&", _MD_SPECIAL.sub(r"\\\1", text))
    if line_start:
        out = _LINE_START.sub(_line_start, out)
    return out


def md_text(text: str) -> str:
    """A single-line value for a Markdown template: escaped, newlines folded into spaces."""
    return md_escape(" ".join(str(text).split("\n")))


@lru_cache(maxsize=2048)
def to_markdown(text: str | None) -> MdSafe:
    """Content Markdown → re-built, escaped Markdown (same structure, same safety as to_html)."""
    if not text or not text.strip():
        return MdSafe("")
    root = SyntaxTreeNode(_tokens(text))
    return MdSafe(_blocks(root.children, tight=False).strip("\n").replace(_STAR_URL, "*"))


def _blocks(nodes: list, tight: bool) -> str:
    parts = [_block(n, tight) for n in nodes]
    return ("\n" if tight else "\n\n").join(p for p in parts if p != "")


def _indent(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    return "\n".join([first + lines[0]] + [(rest + ln) if ln else "" for ln in lines[1:]])


def _block(node: SyntaxTreeNode, tight: bool) -> str:
    t = node.type
    if t == "paragraph":
        return _inline(node.children[0]) if node.children else ""
    if t == "heading":
        level = int(node.tag[1:])
        return "#" * level + " " + (_inline(node.children[0]) if node.children else "")
    if t in ("bullet_list", "ordered_list"):
        items = []
        start = int(node.attrs.get("start", 1) or 1) if t == "ordered_list" else 1
        loose = any(not p.hidden for li in node.children for p in li.children if p.type == "paragraph")
        for n, li in enumerate(node.children):
            marker = f"{start + n}. " if t == "ordered_list" else "- "
            body = _blocks(li.children, tight=not loose) or ""
            items.append(_indent(body, marker, " " * len(marker)))
        return ("\n\n" if loose else "\n").join(items)
    if t == "blockquote":
        body = _blocks(node.children, tight=False)
        return "\n".join("> " + ln if ln else ">" for ln in body.split("\n"))
    if t in ("code_block", "fence"):
        content = node.content.rstrip("\n").replace(STAR, "*")
        fence = "`" * max(3, _longest_run(content, "`") + 1)
        return f"{fence}\n{content}\n{fence}"
    if t == "hr":
        return "* * *"
    if t == "table":
        return _table(node)
    if t == "inline":
        return _inline(node)
    return md_escape(node.content or "").replace(STAR, "\\*")


def _longest_run(text: str, ch: str) -> int:
    runs = re.findall(re.escape(ch) + "+", text)
    return max((len(r) for r in runs), default=0)


def _table(node: SyntaxTreeNode) -> str:
    rows: list[list[str]] = []
    aligns: list[str] = []
    for section in node.children:
        for tr in section.children:
            cells = []
            for cell in tr.children:
                cells.append(_inline(cell.children[0]) if cell.children else "")
                if section.type == "thead":
                    style = str(cell.attrs.get("style", ""))
                    aligns.append("---:" if "right" in style else ":---:" if "center" in style else ":---" if "left" in style else "---")
            rows.append(cells)
    if not rows:
        return ""
    head, body = rows[0], rows[1:]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(aligns or ["---"] * len(head)) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)


def _inline(node: SyntaxTreeNode) -> str:
    out: list[str] = []
    state = {"line_start": True}

    def walk(children: list) -> None:
        for c in children:
            t = c.type
            if t == "text":
                out.append(md_escape(c.content, line_start=state["line_start"]).replace(STAR, "\\*"))
            elif t == "softbreak":
                out.append("\n")
                state["line_start"] = True
                continue
            elif t == "hardbreak":
                out.append("\\\n")
                state["line_start"] = True
                continue
            elif t == "code_inline":
                fence = "`" * (_longest_run(c.content, "`") + 1)
                pad = " " if c.content.startswith("`") or c.content.endswith("`") else ""
                out.append(f"{fence}{pad}{c.content.replace(STAR, '*')}{pad}{fence}")
            elif t in ("em", "strong", "s"):
                mark = {"em": "*", "strong": "**", "s": "~~"}[t]
                out.append(mark)
                state["line_start"] = False
                walk(c.children)
                out.append(mark)
            elif t == "link":
                out.append("[")
                state["line_start"] = False
                walk(c.children)
                out.append(f"](<{c.attrs.get('href', '')}>)")
            elif t == "image":
                alt = "".join(x.content for x in (c.token.children or []) if x.type == "text") if c.token else ""
                alt = md_escape(alt or "图片", False).replace(STAR, "\\*")
                out.append(f"[［图片：{alt}］](<{c.attrs.get('src', '')}>)")
            else:
                out.append(md_escape(c.content or "", line_start=state["line_start"]).replace(STAR, "\\*"))
            state["line_start"] = False

    walk(node.children)
    return "".join(out)
