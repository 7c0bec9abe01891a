"""What the command line prints to a terminal shows control characters instead of obeying them.

A caller ID, a caller's or an operator's name can carry escape sequences (``\\e]0;...\\a`` retitles the terminal,
``\\e[2J`` clears it), and the caller ID is the caller's to choose. Output to a file or a pipe is left as it is: the
exports keep the data exactly.
"""

from __future__ import annotations

import sys
from typing import TextIO

# C0 controls but tab, newline and carriage return (the progress bars redraw their line with it), DEL, and C1
_SHOWN = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if code not in (0x09, 0x0A, 0x0D)}


def shown(text: str) -> str:
    """The text with each control character written out (``\\x1b``), as a terminal must show it."""
    return text.translate(_SHOWN)


class ShownStream:
    """A terminal's stream that writes control characters out; everything else is the stream's own."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(shown(text))

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def guard_terminal_output() -> None:
    """Standard output and error, where they are a terminal, show control characters instead of obeying them."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not isinstance(stream, ShownStream) and stream.isatty():
            setattr(sys, name, ShownStream(stream))
