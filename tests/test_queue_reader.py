"""A queue pane's reader keeps its own last read: other readers of the queue (the team view, the wallboard) no longer
throw it away, and a caller whose row did not change comes back as the same object (docs/performance.md)."""

from __future__ import annotations

from calldesk.desk.calls import queue
from calldesk.desk.calls.pbx_events import offer_call
from calldesk.desk.operators import roster


def test_a_reader_gets_an_unchanged_caller_back_as_the_same_object_whoever_read_between(desk):
    first = queue.ring_call(desk, "+91 98765 43210", "support")
    second = queue.ring_call(desk, "+91 91234 56789", "support")
    pane, other_pane = queue.QueueReader(), queue.QueueReader()
    before = pane.waiting_calls(desk, badges=True)
    queue.waiting_calls(desk)  # the team view's read
    other_pane.waiting_calls(desk, badges=True)
    after = pane.waiting_calls(desk, badges=True)
    assert [c.id for c in after] == [first, second]
    assert all(a is b for a, b in zip(before, after, strict=True))


def test_a_reader_sees_what_changed_for_a_waiting_caller(desk):
    roster.add_operator(desk, "asha", "Asha Verma", "support")
    call = queue.ring_call(desk, "+91 91234 56789", "support")
    pane = queue.QueueReader()
    [before] = pane.waiting_calls(desk)
    offer_call(desk, call, "asha")
    [after] = pane.waiting_calls(desk)
    assert (before.offered_to, after.offered_to) == ("", "asha") and after is not before


def test_the_plain_read_keeps_nothing_between_reads(desk):
    queue.ring_call(desk, "+91 98765 43210", "support")
    [once] = queue.waiting_calls(desk)
    [again] = queue.waiting_calls(desk)
    assert once == again and once is not again
