"""Text from the box in Markdown descriptions: shown as it is, never a link, image or markup."""

from __future__ import annotations

import pytest

from custom_components.se5.markdown import markdown_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Front gate", "Front gate"),
        ("小明的门", "小明的门"),
        ("[open](http://x.y)", "\\[open\\]\\(http\\:\\/\\/x\\.y\\)"),
        ("![t](http://x/t.png)", "\\!\\[t\\]\\(http\\:\\/\\/x\\/t\\.png\\)"),
        ("<img src=x onerror=alert(1)>", "\\<img src\\=x onerror\\=alert\\(1\\)\\>"),
        ("www.example.com", "www\\.example\\.com"),
        ("# Title\n\n*bold*", "\\# Title \\*bold\\*"),
        ("a_b `c` ~d~ |e| &amp;", "a\\_b \\`c\\` \\~d\\~ \\|e\\| \\&amp;"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_markdown_text(text: str, expected: str) -> None:
    assert markdown_text(text) == expected
