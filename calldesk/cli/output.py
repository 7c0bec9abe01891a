"""Standard output that fails in one line: a full disk (`> /dev/full`), a dead device or a closed terminal stops the
command with a message instead of a traceback. A reader that stops early (`| head`) is left to BrokenPipeError."""

from __future__ import annotations

import os
import sys
from contextlib import suppress
from typing import TextIO


class OutputLost(Exception):
    """Standard output could not be written; the message says why."""


class GuardedStream:
    """Standard output whose write and flush failures become OutputLost; everything else is the stream's own."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputLost(f"cannot write to standard output ({exc.strerror or exc})") from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputLost(f"cannot write to standard output ({exc.strerror or exc})") from None

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def guard_output() -> None:
    if not isinstance(sys.stdout, GuardedStream):
        sys.stdout = GuardedStream(sys.stdout)


def abandon_output() -> None:
    """Point standard output's file at /dev/null: what is still buffered would fail again, noisily, at exit."""
    with suppress(OSError, ValueError):  # a stream without a file (a test's capture) flushes nothing at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
