"""F7: the FAQ, searched as you type; enter shows the answer, ctrl+t (or enter on the answer) puts it in the notes.

Dismisses with the answer's text to insert, or None. Team leads also add (F2) and edit (F3) entries here.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from calldesk.desk.coach.faq import FaqAnswer, search_faq
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.desk.operators.permissions import Action, may
from calldesk.desk.operators.roster import OperatorView
from calldesk.i18n import N_, _
from calldesk.tui.modals.faq_edit import FaqEditModal

HELP = N_("type to search   down: results   enter: answer   ctrl+t: into the notes   escape: close")
LEAD_HELP = N_("   F2: new entry   F3: edit")


class FaqAnswerView(Static, can_focus=True):
    """The chosen answer; enter here puts it into the notes."""

    BINDINGS = [Binding("enter", "screen.insert_answer", N_("Into the notes"), show=False)]


class FaqSearchModal(ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape", "cancel", N_("Close")),
        Binding("ctrl+t", "insert_answer", N_("Into the notes"), id="faq_insert"),
        Binding("down", "results", N_("Results"), show=False),
        Binding("f2", "new_entry", N_("New entry"), id="faq_new"),
        Binding("f3", "edit_entry", N_("Edit entry"), id="faq_edit"),
    ]

    def __init__(self, desk: Desk, operator: OperatorView, query: str = "") -> None:
        super().__init__()
        self.desk = desk
        self.operator = operator
        self.initial_query = query
        self.hits: dict[str, FaqAnswer] = {}
        self.shown: FaqAnswer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="faq-dialog") as dialog:
            dialog.border_title = _("FAQ")
            yield Input(self.initial_query, id="faq-query", placeholder=_("words of the question or the answer"),
                        compact=True)
            with Horizontal(id="faq-body"):
                yield OptionList(id="faq-results", markup=False)
                with VerticalScroll(id="faq-answer-pane"):
                    yield FaqAnswerView("", id="faq-answer")
            yield Label(self._help(), classes="dialog-help", id="faq-status")

    def _help(self) -> str:
        return _(HELP) + (_(LEAD_HELP) if may(self.operator, Action.CHANGE_FAQ) else "")

    def on_mount(self) -> None:
        self.query_one("#faq-query", Input).focus()
        self.run_search(self.initial_query)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new_entry", "edit_entry"):
            return may(self.operator, Action.CHANGE_FAQ)
        return True

    @on(Input.Changed, "#faq-query")
    def _query_changed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    @work(exclusive=True, group="faq-search")
    async def run_search(self, query: str) -> None:
        try:
            found = await self.app.attempt(search_faq, self.desk, query)
        except DeskError as exc:
            self.query_one("#faq-status", Label).update(Content(str(exc)))
            return
        self.hits = {str(entry.id): entry for entry in found}
        results = self.query_one("#faq-results", OptionList)
        results.clear_options()
        results.add_options(Option(entry.question, id=str(entry.id)) for entry in found)
        if found:
            results.highlighted = 0
            self._show(found[0])
        else:
            self._show(None)
        self.query_one("#faq-status", Label).update(
            (_("{count} found").format(count=len(found)) + "   " if query.strip() else "") + self._help()
        )

    def _show(self, entry: FaqAnswer | None) -> None:
        self.shown = entry
        view = self.query_one("#faq-answer", FaqAnswerView)
        if entry is None:
            view.update(_("Nothing found: try fewer or other words."))
            return
        view.update(f"[b]{_markup(entry.question)}[/b]\n\n{_markup(entry.answer)}"
                    + (f"\n\n[dim]{_markup(entry.tags)}[/dim]" if entry.tags else ""))

    @on(OptionList.OptionHighlighted, "#faq-results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(self.hits.get(str(event.option.id)))

    @on(OptionList.OptionSelected, "#faq-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._show(self.hits.get(str(event.option.id)))
        self.query_one("#faq-answer", FaqAnswerView).focus()

    @on(Input.Submitted, "#faq-query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.shown is not None:
            self.query_one("#faq-answer", FaqAnswerView).focus()

    def action_results(self) -> None:
        self.query_one("#faq-results", OptionList).focus()

    def action_insert_answer(self) -> None:
        if self.shown is not None:
            self.dismiss(self.shown.answer)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @work
    async def action_new_entry(self) -> None:
        if await self.app.push_screen_wait(FaqEditModal(self.desk, self.operator)) is not None:
            self.run_search(self.query_one("#faq-query", Input).value)

    @work
    async def action_edit_entry(self) -> None:
        if self.shown is None:
            return
        if await self.app.push_screen_wait(FaqEditModal(self.desk, self.operator, self.shown)) is not None:
            self.run_search(self.query_one("#faq-query", Input).value)


def _markup(text: str) -> str:
    from rich.markup import escape

    return escape(text)
