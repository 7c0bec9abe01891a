"""Wrap-up after a call: pick the disposition; the notes typed during the call are kept with it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from calldesk.i18n import N_, _, desk_word


class WrapUpModal(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", N_("Later"))]

    def __init__(self, dispositions: tuple[str, ...], suggested: str = "", notes_preview: str = "",
                 later_call: str = "") -> None:
        """``later_call``: the call finished from My recent calls after its wrap-up time ran out, in words."""
        super().__init__()
        self.dispositions = dispositions
        self.suggested = suggested
        self.notes_preview = notes_preview
        self.later_call = later_call

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = _("Wrap-up") + (f" · {self.later_call}" if self.later_call else "")
            yield Label(_("How did the call end?"))
            yield OptionList(*[Option(desk_word(d), id=d) for d in self.dispositions], id="dispositions")
            preview = self.notes_preview.strip()
            yield Label(_("Notes kept: {notes}").format(notes=preview[:120] + ("…" if len(preview) > 120 else ""))
                        if preview else _("No notes typed."), classes="dialog-help", markup=False)
            yield Label(_("enter: finish   escape: later (ctrl+g reopens)") if self.later_call
                        else _("enter: finish   escape: later (F6 reopens)"), classes="dialog-help")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.suggested in self.dispositions:
            options.highlighted = self.dispositions.index(self.suggested)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(str(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
