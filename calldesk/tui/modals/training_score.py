"""The end of a practice call: the score, rule by rule, with the reasons."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from calldesk.desk.coach.training import Score
from calldesk.i18n import N_, _


class TrainingScoreModal(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter", "dismiss(None)", N_("Close"))]

    def __init__(self, score: Score) -> None:
        super().__init__()
        self.score = score

    def compose(self) -> ComposeResult:
        table = Table(expand=True, show_edge=False)
        table.add_column(_("Rule"), style="bold", no_wrap=True)
        table.add_column(_("Points"), justify="right", no_wrap=True)
        table.add_column(_("Why"))
        for item in self.score.items:
            table.add_row(item.rule, f"{item.points}/{item.out_of}", item.reason)
        with Vertical(classes="dialog wide") as dialog:
            dialog.border_title = _("Practice call scored: {points}/{out_of}").format(points=self.score.points,
                                                                                     out_of=self.score.out_of)
            yield Static(table)
            yield Label(_("The score is kept; `calldesk train --scores` lists yours. enter: close"),
                        classes="dialog-help")
