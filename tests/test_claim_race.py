"""Two consoles press F2 on the same ringing call: one operator gets the caller, the other is told who did."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from calldesk.desk.calls import handling, queue
from calldesk.desk.errors import CallTaken
from calldesk.desk.operators import roster
from calldesk.store.models import Call, database

CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"


def _press_answer_together(desk, call_id: int, operator_ids: list[int]) -> dict[int, object]:
    """Each operator's console (a thread with its own connection) claims the call at the same moment."""
    barrier = threading.Barrier(len(operator_ids))
    outcome: dict[int, object] = {}

    def console(operator_id: int) -> None:
        try:
            barrier.wait()
            outcome[operator_id] = queue.claim_call(desk, call_id, operator_id)
        except Exception as exc:
            outcome[operator_id] = exc
        finally:
            database.close()  # this thread's connection

    threads = [threading.Thread(target=console, args=(o,)) for o in operator_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


def test_two_consoles_answering_the_same_call_one_wins_the_other_is_told_who(desk):
    asha = roster.add_operator(desk, "asha", "Asha Verma")
    ravi = roster.add_operator(desk, "ravi", "Ravi Kumar")
    names = {asha.id: "Asha Verma", ravi.id: "Ravi Kumar"}
    for _ in range(10):  # several rounds, so a lucky ordering cannot hide a lost update
        call_id = queue.ring_call(desk, "+91 98765 43210", "support")
        outcome = _press_answer_together(desk, call_id, [asha.id, ravi.id])
        winners = [o for o, result in outcome.items() if result == call_id]
        assert len(winners) == 1, outcome
        [loser] = set(outcome) - set(winners)
        refusal = outcome[loser]
        assert isinstance(refusal, CallTaken)
        assert str(refusal) == f"call {call_id} was taken by {names[winners[0]]}"
        assert Call.get_by_id(call_id).operator_id == winners[0]
        assert roster.get_operator(loser).state == "available"  # the refused claim took its move back
        for operator_id in winners:  # the winner finishes the call before the next round: free to answer again
            handling.wrap_up(desk, call_id, operator_id, desk.config.dispositions[0])
    assert queue.waiting_calls(desk) == []


def _console_process(url: str, login: str, call_ids: list[int], start: object, results: object) -> None:
    """A separate console process: its own config, database connection and sign-in."""
    from calldesk.config import load_config
    from calldesk.desk.context import Desk
    from calldesk.store.database import open_database

    open_database(url, upgrade=False)
    desk = Desk(load_config(CONFIG))
    me = roster.sign_in(desk, login)
    won, taken = [], []
    start.wait()
    for call_id in call_ids:
        try:
            won.append(queue.claim_call(desk, call_id, me.id))
        except CallTaken as exc:
            taken.append((call_id, exc.by))
        else:  # the call is done with before this console presses F2 again: one call at a time
            handling.wrap_up(desk, call_id, me.id, desk.config.dispositions[0])
    results.put((login, won, taken))


def test_four_console_processes_claiming_fifty_calls_answer_each_exactly_once(desk, db_url):
    logins = ["asha", "ravi", "meera", "john"]
    names = {login: roster.add_operator(desk, login, login.title()).name for login in logins}
    call_ids = [queue.ring_call(desk, f"+91 98765 432{i:02d}", "support") for i in range(50)]
    database.close()  # the children open their own connections
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(len(logins)), ctx.Queue()
    processes = [ctx.Process(target=_console_process, args=(db_url, login, call_ids, start, results))
                 for login in logins]
    for process in processes:
        process.start()
    reports = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0

    won = [call_id for _, calls, _ in reports for call_id in calls]
    assert sorted(won) == call_ids  # every call answered, none twice
    winner_of = {call_id: login for login, calls, _ in reports for call_id in calls}
    for login, _, taken in reports:
        for call_id, by in taken:
            assert by == names[winner_of[call_id]], (login, call_id)
    stored = {c.id: c.operator.login for c in Call.select().where(Call.id.in_(call_ids))}
    assert stored == winner_of
    assert {(c.status, c.wrapped_at is not None) for c in Call.select()} == {("completed", True)}


@pytest.mark.parametrize("gone", ["abandoned", "missing"])
def test_answering_a_call_that_is_gone_says_why(desk, gone):
    asha = roster.add_operator(desk, "asha", "Asha Verma")
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    if gone == "abandoned":
        queue.abandon_call(desk, call_id)
        message = f"call {call_id}: the caller hung up before the answer"
    else:
        call_id += 1
        message = f"call {call_id} does not exist"
    with pytest.raises(queue.DeskError, match=message):
        queue.claim_call(desk, call_id, asha.id)
    assert roster.get_operator(asha.id).state == "available"
