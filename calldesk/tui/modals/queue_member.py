"""A lead moves an operator between queues (the team view's ctrl+u): pick a queue, type its priority (0 served
first) and press enter; ctrl+d takes the operator out of the queue picked."""

from __future__ import annotations

from typing import NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from calldesk.desk.calls.routing import Membership, describe_queues
from calldesk.i18n import N_, _


class QueueMove(NamedTuple):
    """The lead's choice: the queue, and the priority to answer it at; None takes the operator out of it."""

    queue: str
    priority: int | None


class QueueMemberModal(ModalScreen[QueueMove | None]):
    """Dismisses with a QueueMove, or None to change nothing."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel")),
                Binding("ctrl+d", "leave", N_("Leave the queue"), id="queue_leave")]

    def __init__(self, name: str, queues: tuple[str, ...], members: tuple[Membership, ...]) -> None:
        super().__init__()
        self.operator_name = name
        self.queues = queues
        self.priority_of = dict(members)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = _("Queues of {name}").format(name=self.operator_name)
            yield Label(_("Answers now: {queues}").format(queues=describe_queues(tuple(
                Membership(q, p) for q, p in self.priority_of.items()))))
            yield OptionList(*(Option(self._label(queue), id=queue) for queue in self.queues), id="queue-choice")
            yield Input(placeholder=_("priority: 0 served first"), restrict=r"\d{0,2}", id="queue-priority")
            yield Label(_("enter: answer it at this priority   ctrl+d: leave it   escape: cancel"),
                        classes="dialog-help")

    def _label(self, queue: str) -> str:
        if queue in self.priority_of:
            return _("{queue}: priority {priority}").format(queue=queue, priority=self.priority_of[queue])
        return _("{queue}: not answered").format(queue=queue)

    def on_mount(self) -> None:
        self._show_priority(self.queues[0])

    def _picked(self) -> str:
        choice = self.query_one(OptionList)
        return self.queues[choice.highlighted or 0]

    def _show_priority(self, queue: str) -> None:
        self.query_one(Input).value = str(self.priority_of.get(queue, 0))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_priority(str(event.option.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._answer_at_priority()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._answer_at_priority()

    def _answer_at_priority(self) -> None:
        typed = self.query_one(Input).value.strip()
        if not typed.isdigit():
            self.notify(_("Type the priority: 0 is served first"), severity="warning")
            return
        self.dismiss(QueueMove(self._picked(), int(typed)))

    def action_leave(self) -> None:
        self.dismiss(QueueMove(self._picked(), None))
