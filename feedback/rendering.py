"""Safe rendering of stored text: Markdown bodies sanitised, personal data masked."""
from __future__ import annotations

import re

import markdown as markdown_lib
import nh3
from markupsafe import Markup

from .models.base import utcnow

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "h2", "h3", "h4",
    "table", "thead", "tbody", "tr", "th", "td", "a", "hr",
}


def render_markdown(text: str | None) -> Markup:
    html = markdown_lib.markdown(text or "", extensions=["tables", "sane_lists"])
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                            link_rel="noopener nofollow"))


def masked(text: str | None) -> str:
    """Text as the public may see it; Jinja still escapes the result."""
    from .synthesis.masking import mask_personal_data

    return mask_personal_data(text or "")


def masked_answer(text: str | None) -> str:
    """A department's answer as the public sees it: its office telephone stays readable."""
    from .synthesis.masking import mask_personal_data

    return mask_personal_data(text or "", keep_landlines=True)


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def lang_of(text: str | None) -> Markup:
    """` lang="zh-CN"` for an element holding Chinese user content on a page that is not
    Chinese, so screen readers and fonts treat it as Chinese; nothing otherwise."""
    from .i18n import current_locale

    if current_locale() != "zh" and _HAN.search(str(text or "")):
        return Markup(' lang="zh-CN"')
    return Markup("")


def init_app(app) -> None:
    app.jinja_env.globals["lang_of"] = lang_of
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["masked"] = masked
    app.jinja_env.filters["masked_answer"] = masked_answer
    app.jinja_env.globals["now"] = utcnow
