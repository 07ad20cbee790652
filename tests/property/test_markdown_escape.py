"""Property tests: a card's plain text, escaped for the Hugging Face README, renders back to exactly that text.

Rendered by markdown-it-py's CommonMark preset, the Markdown the Hub and most readers of a README follow. The
alphabet is every character that CommonMark could read as markup, with a few plain ones between them.
"""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from model_catalog.formats.huggingface.markdown import escaped

COMMONMARK = MarkdownIt("commonmark")
MARKUP_AND_PLAIN = st.sampled_from(list("ab1_ -+=.)!:#*`[]<>|~&\\()\"'\t\u00a0é/"))
LINE = st.text(MARKUP_AND_PLAIN, max_size=30)


@settings(max_examples=3000, derandomize=True)
@given(LINE)
def test_a_line_renders_as_its_own_text(text: str) -> None:
    rendered = COMMONMARK.renderInline(escaped(text))
    assert html.unescape(rendered) == text.strip(), (text, escaped(text), rendered)


@settings(max_examples=3000, derandomize=True)
@given(st.lists(LINE.filter(str.strip), min_size=1, max_size=4))
def test_lines_on_their_own_render_as_one_paragraph_of_their_text(lines: list[str]) -> None:
    markdown = escaped("\n".join(lines), block=True)
    rendered = COMMONMARK.render(markdown)
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n"), (lines, markdown, rendered)
    assert html.unescape(rendered.removeprefix("<p>").removesuffix("</p>\n")) == "\n".join(
        line.strip() for line in lines
    ), (lines, markdown, rendered)
