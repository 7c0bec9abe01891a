"""A bare Textual app with the desk's widgets and stylesheet but no calldesk code: the cold-start baseline.

    .venv/bin/python scripts/bare_app.py     # says when it is painted (on stderr), then exits

scripts/cold_start.py runs it side by side with the real console; what calldesk adds on top of Textual
(its imports, the config, the database, the first queue read) is the difference between the two.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, OptionList, Static, TextArea

READY_MARK = "calldesk-painted-at"  # scripts/cold_start.py's; not imported, so the bare app loads nothing extra

STYLESHEET = Path(__file__).resolve().parent.parent / "calldesk" / "tui" / "calldesk.tcss"


class DeskScreen(Screen):
    """Named like the console's screen so the same stylesheet lays it out the same way."""

    BINDINGS = [
        Binding("f1", "noop", "Help"), Binding("f2", "noop", "Answer"), Binding("f4", "noop", "Transfer"),
        Binding("f6", "noop", "End call"), Binding("ctrl+f", "noop", "Find"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("operator · department · available · 00:00 · 0 waiting", id="status")
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                with Vertical(id="queue-pane", classes="pane"):
                    yield DataTable(id="queue", cursor_type="row")
                with Vertical(id="callbacks-pane", classes="pane"):
                    yield DataTable(id="my-callbacks", cursor_type="row")
            with Vertical(id="centre", classes="pane"):
                with VerticalScroll(id="dossier"):
                    yield Static("No call. F2 answers the longest-waiting call; ctrl+f finds a client.")
                yield TextArea(id="notes", soft_wrap=True, show_line_numbers=False)
            with Vertical(id="script-pane", classes="pane"):
                yield OptionList("Greeting", "Listen", "Help", "Next steps", "Close", id="script")
                yield Static(id="phrase-hints")
        yield Footer()

    def on_mount(self) -> None:
        for table_id, columns in (("#queue", (("Wait", 5), ("Rings", 5), ("Caller", 16), ("Queue", 8))),
                                  ("#my-callbacks", (("Due", 9), ("Left", 8), ("Call-back", 19)))):
            table = self.query_one(table_id, DataTable)
            for label, width in columns:
                table.add_column(label, width=width)
        # the screen's next refresh, as the console times it: through the app's queue it came frames later here
        self.call_after_refresh(self.say_painted_and_exit)

    def say_painted_and_exit(self) -> None:
        os.write(2, f"{READY_MARK} {time.time():.6f}\n".encode())  # as the console does; Textual holds sys.stderr
        self.app.exit(0)

    def action_noop(self) -> None:
        """The keys are there for the footer to show, as on the real desk."""


class BareApp(App[int]):
    CSS_PATH = str(STYLESHEET)

    def on_mount(self) -> None:
        self.push_screen(DeskScreen())


if __name__ == "__main__":
    raise SystemExit(BareApp().run() or 0)
