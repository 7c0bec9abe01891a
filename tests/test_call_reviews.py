"""A team lead reviews a client's calls: which calls can be scored, and the score showing in the dossier."""

from __future__ import annotations

import pytest

from calldesk.desk.calls import handling, queue
from calldesk.desk.clients import directory
from calldesk.desk.clients.dossier import build_dossier
from calldesk.desk.errors import NotAllowed
from calldesk.desk.operators import roster
from calldesk.desk.stats.reviews import review_call, reviewable_calls

SHARMA = "+91 98765 43210"


@pytest.fixture
def story(desk, clock):
    """Mr Sharma's morning: a call Ravi handled, a call he gave up on, a call on the line now; and someone else's."""
    asha = roster.add_operator(desk, "asha", "Asha Verma", "support", role="lead").id
    ravi = roster.add_operator(desk, "ravi", "Ravi Kumar", "sales").id
    sharma = directory.create_client(desk, "Rahul Sharma", [directory.NewPhone(SHARMA)])
    directory.create_client(desk, "Sunita Rao", [directory.NewPhone("+91 91234 56789")])

    handled = queue.ring_call(desk, SHARMA, "support")
    clock.advance(8)
    queue.claim_call(desk, handled, ravi)
    clock.advance(245)
    handling.end_call(desk, handled, ravi)
    handling.wrap_up(desk, handled, ravi, "Information given")
    clock.advance(600)
    given_up = queue.ring_call(desk, SHARMA, "support")
    clock.advance(30)
    queue.abandon_call(desk, given_up)
    clock.advance(60)
    other_client = queue.ring_call(desk, "+91 91234 56789", "support")
    queue.claim_call(desk, other_client, ravi)
    handling.end_call(desk, other_client, ravi)
    handling.wrap_up(desk, other_client, ravi, "Resolved")
    clock.advance(60)
    on_the_line = queue.ring_call(desk, SHARMA, "sales")
    queue.claim_call(desk, on_the_line, ravi)
    return asha, ravi, sharma, handled, on_the_line


def test_a_lead_sees_the_clients_answered_calls_newest_first_and_the_score_once_reviewed(desk, story):
    asha, _, sharma, handled, on_the_line = story
    listed = reviewable_calls(desk, sharma)
    assert [c.call_id for c in listed] == [on_the_line, handled]  # no abandoned call, nobody else's
    assert [(c.summary, c.operator, c.score) for c in listed] == [
        ("sales · on the line", "Ravi Kumar", None),
        ("support · Information given · talk 4:05", "Ravi Kumar", None),
    ]
    review_call(desk, handled, asha, 4, "Warm greeting, clear next step")
    assert [c.score for c in reviewable_calls(desk, sharma)] == [None, 4]
    assert [c.call_id for c in reviewable_calls(desk, sharma, limit=1)] == [on_the_line]


def test_the_dossier_history_shows_a_calls_review(desk, story):
    asha, ravi, sharma, handled, _ = story
    with pytest.raises(NotAllowed):
        review_call(desk, handled, ravi, 5)
    review_call(desk, handled, asha, 2, "Kept the caller waiting")
    history = [item for item in build_dossier(desk, sharma).history if item.kind == "call"]
    assert len(history) == 3
    assert {item.score for item in history} == {2, None}
    reviewed = next(item for item in history if item.score == 2)
    assert reviewed.text == "Incoming call, support: Information given" and reviewed.who == "Ravi Kumar"
