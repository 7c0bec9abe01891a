"""F1: every key, by screen, as remapped in config.yaml."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from calldesk.tui.keys import APP_BINDINGS, DESK_BINDINGS, KEY_HELP

MODAL_KEYS = (
    ("Every dialog", "escape", "close without changing anything"),
    ("Every dialog", "tab / shift+tab", "next / previous field"),
    ("Find a client", "down, enter", "go to the results, open the dossier"),
    ("Wrap-up", "up/down, enter", "pick the disposition and finish the call"),
    ("Transfer", "up/down, enter", "pick the department or operator, then type the note and press enter"),
    ("Script pane", "enter", "tick or untick the highlighted step"),
    ("Queue pane", "up/down", "select a call; F2 answers the selected one"),
    ("Everywhere", "tab / shift+tab", "move between panes"),
    ("Everywhere", "ctrl+p", "command palette: every action by name"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss(None)", "Close")]

    def __init__(self, keymap: dict[str, str], extra: list[tuple[str, str, str]] | None = None) -> None:
        super().__init__()
        self.keymap = keymap
        self.extra = extra or []

    def compose(self) -> ComposeResult:
        table = Table(expand=True, show_edge=False)
        table.add_column("Where", style="dim", no_wrap=True)
        table.add_column("Key", style="bold", no_wrap=True)
        table.add_column("What it does")
        table.add_column("Binding id (for config.yaml keys:)", style="dim")
        for where, key, what in self.extra:
            table.add_row(where, key, what, "")
        for binding in DESK_BINDINGS + APP_BINDINGS:
            if binding.id is None:
                continue  # another key for a binding listed already
            key = self.keymap.get(binding.id, binding.key)
            table.add_row("Desk", key, KEY_HELP.get(binding.id, binding.description), binding.id)
        for where, key, what in MODAL_KEYS:
            table.add_row(where, key, what, "")
        with VerticalScroll(classes="dialog wide") as dialog:
            dialog.border_title = "Keys (escape closes)"
            yield Static(table)
