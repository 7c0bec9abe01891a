"""The phrase guard's hints for the script pane: each negative phrasing typed, and what to say instead."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from calldesk.desk.coach.phrase_guard import Hit


class PhraseHints(Static):
    """Hidden while the notes are clean; ``show_hits`` on every check (it repaints only when the hints change)."""

    DEFAULT_CSS = """
    PhraseHints {
        height: auto;
        max-height: 10;
        padding: 0 1;
        border-top: solid $warning;
        display: none;
    }
    PhraseHints.-hits {
        display: block;
    }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", **kwargs)
        self._shown: tuple[tuple[str, str], ...] = ()

    def show_hits(self, hits: Sequence[Hit]) -> None:
        """Show one line per distinct phrasing, in the order typed."""
        seen: dict[str, tuple[str, str]] = {}
        for hit in hits:
            seen.setdefault(" ".join(hit.phrase.casefold().split()), (hit.phrase, hit.suggestion))
        shown = tuple(seen.values())
        if shown == self._shown:
            return
        self._shown = shown
        self.set_class(bool(shown), "-hits")
        text = Text()
        for index, (phrase, suggestion) in enumerate(shown):
            if index:
                text.append("\n")
            text.append(f"“{phrase}”", style="bold yellow")
            text.append(" → ", style="dim")
            text.append(suggestion)
        self.update(text)

    @property
    def hint_count(self) -> int:
        return len(self._shown)
