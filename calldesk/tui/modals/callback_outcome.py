"""What came of a call-back try: reached, no answer (the next try is offered), wrong number, or rescheduled.

Shown by the desk when a call-back call ends (F6), before wrap-up. ``submit`` records it on the database thread;
a refusal (a stale call-back, a time outside the client's hours) is shown here and the dialog stays open.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from calldesk.desk.callbacks.lines import CallbackLine
from calldesk.desk.callbacks.promises import OutcomeResult, PastInquiryDeadline, suggested_next_try
from calldesk.desk.callbacks.times import DueTimeNotUnderstood, describe_moment, parse_due_text
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.i18n import N_, _

OUTCOME_LABELS = (("reached", N_("Reached: done")), ("no_answer", N_("No answer: try again")),
                  ("wrong_number", N_("Wrong number: done")), ("rescheduled", N_("Rescheduled: the client asked")))
Submit = Callable[[str, datetime | None, bool], Awaitable[OutcomeResult]]


class CallbackOutcomeModal(ModalScreen[OutcomeResult | None]):
    BINDINGS = [
        Binding("escape", "cancel", N_("Later")),
        Binding("ctrl+y", "confirm_late", N_("Confirm past the deadline"), show=False),
    ]

    def __init__(self, desk: Desk, line: CallbackLine, submit: Submit) -> None:
        """``submit(outcome, next_due, confirm_past_deadline)`` records the outcome and returns the result."""
        super().__init__()
        self.desk = desk
        self.line = line
        self.submit = submit
        self.zone = desk.zone
        self.confirmed = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="callback-outcome") as dialog:
            dialog.border_title = _("Call-back") + f" · {escape(self.line.caller)}"
            tries = _("try {number} of {most}").format(number=self.line.attempts + 1,
                                                       most=self.desk.config.callbacks.max_attempts)
            yield Label(Content(f"{self.line.reason} · {tries}"), classes="dialog-help")
            yield OptionList(*[Option(_(label), id=key) for key, label in OUTCOME_LABELS], id="outcomes")
            yield Label(_("Next try (no answer, rescheduled)"))
            yield Input(id="next-try", compact=True)
            yield Static(id="next-try-read")
            yield Label("", id="outcome-error", classes="dialog-error")
            yield Label(_("enter: record   escape: later"), classes="dialog-help")

    def on_mount(self) -> None:
        offered = suggested_next_try(self.desk, self.line.client_zone)
        self.query_one("#next-try", Input).placeholder = (
            _("offered: {moment}; or type 14:30, in 2h").format(
                moment=describe_moment(offered, self.zone, self.desk.clock.now())))
        self.query_one(OptionList).highlighted = 0
        self.query_one(OptionList).focus()

    def _next_due(self) -> datetime | None:
        typed = self.query_one("#next-try", Input).value
        return parse_due_text(typed, self.desk.clock.now(), self.zone) if typed.strip() else None

    @on(Input.Changed, "#next-try")
    def _read_next_try(self) -> None:
        shown = self.query_one("#next-try-read", Static)
        try:
            due = self._next_due()
        except DueTimeNotUnderstood as exc:
            shown.update(Content.styled(str(exc), "$error"))
            return
        shown.update(describe_moment(due, self.zone, self.desk.clock.now(), weekday=True) if due else "")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == "rescheduled" and not self.query_one("#next-try", Input).value.strip():
            self.query_one("#next-try", Input).focus()
            self._refuse(_("When does the client want the call? Type it, then enter."))
            return
        self.record(str(event.option.id))  # no answer without a typed time takes the next try offered

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.record(str(options.get_option_at_index(options.highlighted).id))

    def _refuse(self, message: str) -> None:
        self.query_one("#outcome-error", Label).update(Content(message))

    @work(exclusive=True, group="callback-outcome")
    async def record(self, outcome: str) -> None:
        try:
            next_due = self._next_due() if outcome in ("no_answer", "rescheduled") else None
            result = await self.submit(outcome, next_due, self.confirmed)
        except PastInquiryDeadline as exc:
            self._refuse(f"{exc} (ctrl+y)")
            return
        except DeskError as exc:
            self._refuse(str(exc))
            return
        self.dismiss(result)

    def action_confirm_late(self) -> None:
        self.confirmed = True
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.record(str(options.get_option_at_index(options.highlighted).id))

    def action_cancel(self) -> None:
        self.dismiss(None)
