"""The notes under the dossier: a TextArea that leaves alt+1 and alt+2 to the desk.

Most terminals send alt+digit as escape and the digit, which Textual 8 reads as the character a Mac's option key
makes (¡ for alt+1, ™ for alt+2); a TextArea would type those. Nobody writes them in call notes, so here they
jump to the queue and the notes as the keys say. A £ (alt+3 in those terminals) is still typed: prices need it,
and tab reaches the script from the notes.
"""

from __future__ import annotations

from textual.widgets import TextArea

from calldesk.tui.keys import ALT_1, ALT_2


class NotesArea(TextArea):
    def check_consume_key(self, key: str, character: str | None) -> bool:
        return key not in (ALT_1, ALT_2) and super().check_consume_key(key, character)
