"""The incoming-call queue: keyed rows updated by diffs, wait and rings ticking every second."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from calldesk.desk.calls.queue import WaitingCall, is_late, rings_heard
from calldesk.desk.context import Desk
from calldesk.i18n import N_
from calldesk.tui.widgets.badges import badge_marks
from calldesk.tui.widgets.keyed_table import KeyedTable


def _wait(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class QueueTable(KeyedTable):
    """Ringing calls, longest waiting first. Rows are keyed by call id so a refresh touches only what changed."""

    COLUMNS = (("wait", N_("Wait"), 5), ("rings", N_("Rings"), 5), ("caller", N_("Caller"), 16),
               ("queue", N_("Queue"), 8))

    def __init__(self, desk: Desk, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._desk = desk
        self._calls: dict[int, WaitingCall] = {}

    @property
    def calls(self) -> list[WaitingCall]:
        return list(self._calls.values())

    def show_calls(self, waiting: list[WaitingCall], now: datetime) -> None:
        """Make the table equal to ``waiting`` with the fewest changes: no flicker, the cursor stays put."""
        incoming = {c.id: c for c in waiting}
        with self.app.batch_update():
            for call_id in [i for i in self._calls if i not in incoming]:
                self.remove_keyed_row(call_id)
                self._calls.pop(call_id)
            for call in waiting:  # arrival order, so new rows append at the end
                known = self._calls.get(call.id)
                if known is call or known == call:  # equal badges too: a call-back gone late is a change
                    continue  # unchanged: the clock moves its wait and rings in tick()
                cells = self._cells(call, now)
                if known is None:
                    self.add_keyed_row(call.id, cells)
                else:
                    self.write_cells(call.id, cells)
                self._calls[call.id] = call
            self.refresh()

    def tick(self, now: datetime) -> None:
        """Move the waits and ring counts in view on by the clock, without asking the database: only those cells."""
        with self.app.batch_update():
            for call_id in self.in_view(self._calls):
                call = self._calls[call_id]
                self.write_cells(call_id, self._clock_cells(call, now))
            self.refresh()

    def late_count(self, now: datetime) -> int:
        """Callers waiting past the answer threshold, by the desk's one rule (queue.is_late)."""
        return sum(1 for c in self._calls.values() if is_late((now - c.arrived_at).total_seconds(), self._desk))

    def _clock_cells(self, call: WaitingCall, now: datetime) -> dict[str, object]:
        waited = (now - call.arrived_at).total_seconds()
        late = "bold red" if is_late(waited, self._desk) else ""
        return {
            "wait": Text(_wait(waited), style=late),
            "rings": Text(str(rings_heard(waited, self._desk.config.ring_cycle_seconds)), style=late, justify="right"),
        }

    def _cells(self, call: WaitingCall, now: datetime) -> dict[str, object]:
        caller = call.client_name or call.number  # an unknown caller is shown by number, in italics
        if call.offered_to:
            caller = f"→{call.offered_to} {caller}"
        cell = Text(caller, style="" if call.client_name else "italic")
        marks = badge_marks(call.badges)
        if marks:  # before the name, so a long name is cut, never the badges
            cell = Text.assemble(marks, " ", cell)
        return {
            **self._clock_cells(call, now),
            "caller": cell,
            "queue": call.queue,
        }
