"""A small day at the desk, built row by row with exact times, whose figures are worked out by hand in
tests/test_stats_figures.py. The desk's clock stands at 2026-11-27 09:00 UTC (14:30 in India, the desk's zone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from calldesk.desk.context import Desk
from calldesk.desk.operators import roster
from calldesk.desk.stats.reviews import review_call
from calldesk.store.models import Call, CallBack, Client, Feedback

T = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)  # 09:30 in India


def at(seconds: float) -> datetime:
    return T + timedelta(seconds=seconds)


def add_call(queue: str, arrived: datetime, *, number: str = "+919800000001", client: int | None = None,
             wait: float | None = None, talk: float | None = None, wrap: float | None = None,
             abandon_after: float | None = None, operator: int | None = None, steps: str = "", hits: int = 0,
             direction: str = "inbound") -> int:
    """A call as the desk stores it once its story is over (or still ringing, when nothing happened to it)."""
    answered = arrived + timedelta(seconds=wait) if wait is not None else None
    ended = None
    if answered is not None and talk is not None:
        ended = answered + timedelta(seconds=talk)
    if abandon_after is not None:
        ended = arrived + timedelta(seconds=abandon_after)
    status = ("abandoned" if abandon_after is not None else "ringing" if answered is None
              else "completed" if ended is not None else "answered")
    wrapped = ended + timedelta(seconds=wrap) if ended is not None and wrap is not None else None
    return Call.create(
        direction=direction, number_raw=number, number_e164=number, client=client, queue=queue, status=status,
        arrived_at=arrived, answered_at=answered, ended_at=ended, wrapped_at=wrapped, operator=operator,
        rings=None if wait is None else int(wait // 6) + 1, script_steps=steps, phrase_hits=hits,
    ).id


@dataclass(frozen=True)
class Day:
    asha: int
    ravi: int
    meena: int  # the team lead
    calls: dict[str, int]


def build_day(desk: Desk) -> Day:
    asha = roster.add_operator(desk, "asha", "Asha Verma", "support").id
    ravi = roster.add_operator(desk, "ravi", "Ravi Kumar", "sales").id
    meena = roster.add_operator(desk, "meena", "Meena Iyer", "support", role="lead").id
    c1 = Client.create(name="Rahul Sharma", created_at=T, updated_at=T).id
    c2 = Client.create(name="Sunita Rao", created_at=T, updated_at=T).id
    calls = {
        # support: Rahul, answered in 10 s, 2 min talk, 30 s wrap-up, 3 script steps, one negative phrase
        "1": add_call("support", at(0), client=c1, wait=10, talk=120, wrap=30, operator=asha, steps="1.1,1.2,2.1",
                      hits=1),
        # support: Rahul again an hour later (so call 1 was not resolved first time), waits 30 s, no wrap-up yet
        "2": add_call("support", at(3600), client=c1, wait=30, talk=90, operator=asha),
        # sales: hangs up after 3 s (a short abandon), and another after a minute
        "3": add_call("sales", at(600), number="+919800000003", abandon_after=3),
        "4": add_call("sales", at(700), number="+919800000004", abandon_after=60),
        # sales: an unknown caller answered in 5 s, who rings again two hours later and is answered at 18 s
        "5": add_call("sales", at(800), number="+919800000005", wait=5, talk=195, wrap=10, operator=ravi,
                      steps="1.1", hits=2),
        "7": add_call("sales", at(8000), number="+919800000005", wait=18, talk=60, wrap=0, operator=ravi),
        # support: ringing right now, 20 s before the clock
        "8": add_call("support", datetime(2026, 11, 27, 8, 59, 40, tzinfo=UTC), number="+919800000008"),
        # support: Sunita answered in 2 s; we call her back later (an outbound call is a further contact)
        "10": add_call("support", at(500), client=c2, wait=2, talk=40, wrap=5, operator=asha),
        "9": add_call("support", at(900), client=c2, wait=0, talk=60, operator=asha, direction="outbound"),
        # the first second of the day in India, and the last one of the day before
        "12": add_call("support", datetime(2026, 11, 26, 18, 30, tzinfo=UTC), number="+919800000012",
                       abandon_after=10),
        "11": add_call("support", datetime(2026, 11, 26, 18, 29, 59, tzinfo=UTC), client=c2, wait=4, talk=30,
                       operator=asha),
    }
    review_call(desk, calls["1"], meena, 4, "Warm greeting, clear next steps")
    review_call(desk, calls["5"], meena, 2, "Said no twice")
    now = desk.clock.now()

    def callback(deadline: datetime, status: str, closed: datetime | None, assignee: int, call: str | None) -> None:
        CallBack.create(reason="call back", due_at=deadline - timedelta(hours=1), sla_deadline=deadline,
                        assignee=assignee, status=status, closed_at=closed, call=calls[call] if call else None,
                        created_at=T, updated_at=closed or T)

    callback(at(7200), "done", at(3600), asha, "1")  # kept
    callback(at(10800), "done", at(14400), ravi, "5")  # done late
    callback(at(14400), "open", None, asha, None)  # overdue now (the clock is at T + 5 h)
    callback(now + timedelta(hours=3), "open", None, ravi, None)  # not due yet
    callback(at(3600), "cancelled", at(1800), asha, "1")  # cancelled: out of the figures
    callback(datetime(2026, 11, 28, 5, 0, tzinfo=UTC), "done", at(16200), asha, "1")  # due tomorrow
    callback(now + timedelta(hours=1), "done", at(17400), asha, "10")  # due later today, done already: kept

    def complaint(created: datetime, resolved: datetime | None, owner: int, call: str | None,
                  kind: str = "complaint") -> None:
        Feedback.create(kind=kind, body="late delivery", owner=owner, status="resolved" if resolved else "open",
                        deadline=created + timedelta(hours=10), created_at=created, resolved_at=resolved,
                        call=calls[call] if call else None)

    complaint(at(100), at(3700), asha, "1")  # opened and resolved today, in an hour
    complaint(datetime(2026, 11, 26, 10, 0, tzinfo=UTC), T, ravi, None)  # from yesterday, resolved today in 18 h
    complaint(at(200), None, ravi, "5")  # opened today, still open
    complaint(at(300), None, ravi, "5", kind="suggestion")  # a suggestion is not a complaint
    return Day(asha, ravi, meena, calls)
