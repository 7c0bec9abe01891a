"""What the command line writes, through one guard: on a terminal, control characters are written out instead of
obeyed; a standard output that cannot be written stops the command in one line.

A caller ID, a caller's or an operator's name can carry escape sequences (``\\e]0;...\\a`` retitles the terminal,
``\\e[2J`` clears it), and the caller ID is the caller's to choose. Output to a file or a pipe keeps the text exactly:
the exports keep the data as stored. A full disk (``> /dev/full``) or a dead device gives ``OutputLost``; a reader
that stops early (``| head``) is left to BrokenPipeError.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from contextlib import suppress
from typing import TextIO, TypeVar

T = TypeVar("T")

# C0 controls but tab, newline and carriage return (the progress bars redraw their line with it), DEL, and C1
_SHOWN = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if code not in (0x09, 0x0A, 0x0D)}


class OutputLost(Exception):
    """Standard output could not be written; the message says why."""


def shown(text: str) -> str:
    """The text with each control character written out (``\\x1b``), as a terminal must show it."""
    return text.translate(_SHOWN)


class GuardedStream:
    """A standard stream as the command line writes it; everything but ``write`` and ``flush`` is the stream's own.

    ``on_terminal``: control characters are written out. ``lost_in_one_line``: a write that fails is OutputLost (not
    for standard error, where that line itself goes)."""

    def __init__(self, stream: TextIO, on_terminal: bool, lost_in_one_line: bool) -> None:
        self._stream = stream
        self._on_terminal = on_terminal
        self._lost_in_one_line = lost_in_one_line

    def write(self, text: str) -> int:
        return self._guarded(self._stream.write, shown(text) if self._on_terminal else text)

    def flush(self) -> None:
        self._guarded(self._stream.flush)

    def _guarded(self, act: Callable[..., T], *args: str) -> T:
        try:
            return act(*args)
        except BrokenPipeError:
            raise
        except OSError as exc:
            if not self._lost_in_one_line:
                raise
            raise OutputLost(f"cannot write to standard output ({exc.strerror or exc})") from None

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def guard_output() -> None:
    """Standard output and error go through the guard, once."""
    for name, lost_in_one_line in (("stdout", True), ("stderr", False)):
        stream = getattr(sys, name)
        if not isinstance(stream, GuardedStream):
            setattr(sys, name, GuardedStream(stream, stream.isatty(), lost_in_one_line))


def abandon_output() -> None:
    """Point standard output's file at /dev/null: what is still buffered would fail again, noisily, at exit."""
    with suppress(OSError, ValueError):  # a stream without a file (a test's capture) flushes nothing at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
