"""Find a client by name, company or any digits of a number, as you type; enter opens the dossier."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from calldesk.desk.clients.directory import ClientHit
from calldesk.i18n import N_, _

Search = Callable[[str], Awaitable[list[ClientHit]]]
MIN_QUERY = 3  # one or two letters match half a large desk: not worth holding the database thread for
TYPING_PAUSE = 0.12  # seconds


class FindClientModal(ModalScreen[int | None]):
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("down", "results", N_("Results"), show=False),
    ]

    def __init__(self, search: Search) -> None:
        super().__init__()
        self.search = search

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide") as dialog:
            dialog.border_title = _("Find a client")
            yield Input(id="query", placeholder=_("name, company or digits of a number"), compact=True)
            yield OptionList(id="results", markup=False)
            yield Label(_("type to search   down: results   enter: open   escape: cancel"), classes="dialog-help",
                        id="find-status")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    @work(exclusive=True, group="find")
    async def run_search(self, query: str) -> None:
        if len(query.strip()) < MIN_QUERY:
            self.query_one("#results", OptionList).clear_options()
            self.query_one("#find-status", Label).update(_("type at least {count} characters   escape: cancel").format(
                count=MIN_QUERY))
            return
        await asyncio.sleep(TYPING_PAUSE)  # a newer keystroke cancels this search before it reaches the database
        hits = await self.search(query)
        results = self.query_one("#results", OptionList)
        results.clear_options()
        results.add_options(
            Option(f"{h.name}{' · ' + h.company if h.company else ''}  {h.phone}", id=str(h.id)) for h in hits
        )
        if hits:
            results.highlighted = 0
        self.query_one("#find-status", Label).update(
            _("{count} found   down: results   enter: open   escape: cancel").format(count=len(hits))
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        results = self.query_one("#results", OptionList)
        if results.highlighted is not None and results.option_count:
            self.dismiss(int(results.get_option_at_index(results.highlighted).id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id))

    def action_results(self) -> None:
        self.query_one("#results", OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
