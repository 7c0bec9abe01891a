"""What the desk screen asks of the console that shows it: the interface CalldeskApp satisfies.

The screen is handed its console (``DeskScreen(console)``) instead of importing the app: the app builds the screen,
so the screen knowing the app's module would make an import circle (tests/test_layering.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, ParamSpec, Protocol, TypeVar

if TYPE_CHECKING:
    from calldesk.desk.calls.supervision import Supervision
    from calldesk.desk.coach.training import TrainingSession
    from calldesk.desk.context import Desk
    from calldesk.desk.journal import Submitted
    from calldesk.desk.operators.roster import OperatorView

P = ParamSpec("P")
T = TypeVar("T")


class DeskHost(Protocol):
    # who works at this console, on which desk, and whether it is a practice call
    desk: Desk
    operator: OperatorView
    training: TrainingSession | None
    # the link to the database and to the PBX, for the status bar
    offline: bool
    link_text: str
    desk_painted: bool

    # the one way to the database: rules run on its thread, under one outage policy
    async def attempt(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T: ...

    async def run_rule(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None: ...

    async def rule_ok(self, fn: Callable[P, object], *args: P.args, **kwargs: P.kwargs) -> bool: ...

    async def keep(self, kind: str, **payload: object) -> Submitted | None: ...

    async def replay_kept_work(self) -> None: ...

    # the call source (a PBX that dials, pauses and lets a lead listen in)
    def dial(self, number: str) -> object: ...

    def tell_source_paused(self, paused: bool, reason: str) -> object: ...

    async def supervise_call(self, operator_id: int, mode: Supervision) -> str: ...

    async def move_in_queue(self, operator_id: int, queue: str, priority: int | None) -> str: ...

    def consult_unavailable(self) -> str: ...

    async def start_consult(self, call_id: int, colleague: str) -> str: ...

    async def finish_consult(self, call_id: int, complete: bool, note: str = "") -> None: ...

    # measurements (scripts/bench.py, scripts/cold_start.py)
    def desk_ready(self) -> None: ...

    def record_screen_pop(self, started: float) -> None: ...

    def record_handset_pop(self, answered_at: datetime | None) -> None: ...
