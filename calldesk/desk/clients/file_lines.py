"""An imported file read a line at a time in bounded memory: each line decoded on its own, an over-long line skipped
unread, and lines given back when the record that took them turns out broken.

Spreadsheets and phones write UTF-8, Windows-1252, or UTF-16 with its BOM, and a file pasted together from several
holds the first two at once: each line is read as UTF-8, and as Windows-1252 only when it is not UTF-8. A line that
is neither, or longer than ``MAX_LINE_CHARS``, comes with its problem named instead of its text, so the importer
rejects that line alone.
"""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Sequence
from typing import NamedTuple

MAX_LINE_CHARS = 1 << 20  # no contact or log line is longer: a longer one is junk, skipped without holding it
HEAD_BYTES = 8 * 1024  # what is looked at to tell the kind of file (a buffered reader's peek gives this much)
LINE_ENDINGS = ("\n", "\r")


class FileLine(NamedTuple):
    """One line of the file, numbered from 1 as an editor shows it."""

    number: int
    text: str  # with its line ending, as a CSV reader wants it; "" when there is a problem
    problem: str  # why the line cannot be read, or ""


class FileLines:
    """The lines of an open binary file, decoded one by one; ``give_back`` puts taken lines back to be read again."""

    def __init__(self, binary: io.BufferedReader) -> None:
        self.binary = binary
        self.head = binary.peek(HEAD_BYTES)[:HEAD_BYTES]  # peek, not read and seek: a pipe cannot seek
        self.size = os.fstat(binary.fileno()).st_size  # 0 for a pipe
        self.utf16 = self.head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        # latin-1 maps bytes to characters one to one: lines are split here and decoded each on its own below
        self.stream = io.TextIOWrapper(binary, encoding="utf-16" if self.utf16 else "latin-1", errors="replace",
                                       newline="")
        self.number = 0
        self.given_back: list[FileLine] = []  # the next line to take is last

    @property
    def position(self) -> int:
        """Bytes read so far (to the read-ahead buffer), for a progress bar against ``size``; 0 from a pipe."""
        try:
            return self.binary.tell()
        except OSError:
            return 0

    def take(self) -> FileLine | None:
        """The next line, or None at the end of the file."""
        if self.given_back:
            return self.given_back.pop()
        raw = self.stream.readline(MAX_LINE_CHARS)
        if not raw:
            return None
        self.number += 1
        if len(raw) == MAX_LINE_CHARS and not raw.endswith(LINE_ENDINGS):
            while (rest := self.stream.readline(MAX_LINE_CHARS)) and not rest.endswith(LINE_ENDINGS):
                pass
            return FileLine(self.number, "", f"the line is longer than {MAX_LINE_CHARS:,} characters")
        if self.number == 1:
            raw = raw.removeprefix("\xef\xbb\xbf")  # the UTF-8 BOM, seen through latin-1
        return self._decoded(raw)

    def give_back(self, lines: Sequence[FileLine]) -> None:
        self.given_back.extend(reversed(lines))

    def _decoded(self, raw: str) -> FileLine:
        if self.utf16:
            if "\ufffd" in raw:
                return FileLine(self.number, "", "not readable text (broken UTF-16)")
            return FileLine(self.number, raw, "")
        if raw.isascii():
            return FileLine(self.number, raw, "")
        data = raw.encode("latin-1")
        for encoding in ("utf-8", "cp1252"):
            try:
                return FileLine(self.number, data.decode(encoding), "")
            except UnicodeDecodeError:
                continue
        return FileLine(self.number, "", "not readable text (neither UTF-8 nor Windows-1252)")
