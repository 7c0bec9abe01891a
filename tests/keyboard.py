"""Typing into the focused field at once, for Pilot tests where the text matters and its keys do not: a key press
waits for the app to be idle (about 40 ms), so a sentence typed key by key costs a second."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, TextArea


async def type_text(pilot: Pilot, text: str) -> None:
    """Put ``text`` into the focused Input or TextArea at its cursor, as typing would (its Changed message runs);
    anything else is sent the keys."""
    field = pilot.app.focused
    if isinstance(field, Input):
        field.insert_text_at_cursor(text)
    elif isinstance(field, TextArea):
        field.insert(text)
    else:
        await pilot.press(*text)
        return
    await pilot.pause()
