"""The text patterns the OpenAPI schema publishes agree with what the server does."""

import re
import sys

from common.text import NOT_BLANK, WHITESPACE


def test_the_whitespace_class_is_exactly_what_str_strip_removes():
    pattern = re.compile(f"[{WHITESPACE}]")

    disagreeing = [hex(c) for c in range(sys.maxunicode + 1)
                   if bool(pattern.fullmatch(chr(c))) != chr(c).isspace()]

    assert disagreeing == []


def test_not_blank_refuses_exactly_the_text_that_strips_to_nothing():
    for text in ["\u0085", " \t", "\u3000\u2028", "", "\x00a"]:
        assert not re.fullmatch(NOT_BLANK, text), repr(text)
    for text in ["a", " a ", "\ufeff", "\u200b"]:
        assert re.fullmatch(NOT_BLANK, text), repr(text)
