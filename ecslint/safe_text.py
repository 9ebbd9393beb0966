"""Text from input, made safe to print: no control characters, no lone surrogates, no endless values.

Messages quote values from the files they lint, and reports print paths. A value that holds a
newline could forge a whole report line (or a GitHub Actions ``::`` workflow command), an escape
sequence would reach the terminal, and a lone surrogate (``"\\ud800"`` in JSON, or a file name that
is not UTF-8) cannot be encoded at all. Every report writes input-derived text through
:func:`printable`, and findings keep their messages short with :func:`readable`.
"""

from __future__ import annotations

import re

# C0 and C1 control characters and DEL; bidirectional overrides, marks and isolates, which reorder
# what a terminal or a browser shows; lone surrogates. Matching is linear.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# os.fsdecode() turns each byte of a file name that is not UTF-8 into U+DC80..U+DCFF.
_SURROGATE_ESCAPES = range(0xDC80, 0xDD00)

MAX_WORD = 120  # characters of one unbroken run of non-space text that a message shows
MAX_MESSAGE = 2000
_LONG_WORD = re.compile(r"\S{%d,}" % (MAX_WORD + 1))


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if code in _SURROGATE_ESCAPES:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character, bidirectional control and lone surrogate written as a
    visible escape (``\\n``, ``\\x1b``, ``\\x07``, ``\\u202e``; a file-name byte that is not UTF-8 as ``\\xff``)."""
    return _UNSAFE.sub(_escape, text)


def _shorten(match: re.Match[str]) -> str:
    word = match.group()
    return f"{word[:MAX_WORD - 20]}…({len(word)} characters)…{word[-12:]}"


def readable(message: str) -> str:
    """A message fit to show: printable, each very long unbroken value shortened in the middle, and
    the whole kept under ``MAX_MESSAGE`` characters (the end, which says how to fix it, is kept)."""
    text = _LONG_WORD.sub(_shorten, printable(message))
    if len(text) <= MAX_MESSAGE:
        return text
    keep = MAX_MESSAGE // 2 - 20
    return f"{text[:keep]} …({len(text) - 2 * keep} characters)… {text[-keep:]}"
