"""What calldesk asks of the Python interpreter, in one place: when the garbage collector runs (the console, a
client import), and how often threads take turns. Each trick's figures are in docs/performance.md ("The console and
the interpreter", and the client imports')."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# The database thread needs the interpreter back after every row it reads (docs/performance.md)
DB_THREAD_TURN_SECONDS = 0.0005
# Young collections wait for this many new objects: they land between keystrokes, not inside a screen pop
YOUNG_COLLECTION_THRESHOLD = 50_000


@contextmanager
def collector_off_while_starting() -> Iterator[None]:
    """The console's whole run from the command line: the collector stays off through start-up, which builds what
    lives all session, until the desk is painted (``freeze_start_up_objects``); on again when the console ends."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def collector_back_on() -> None:
    """A desk that never paints (its database away at start-up) gets its collector back all the same."""
    gc.enable()


def freeze_start_up_objects() -> None:
    """What start-up built lives all session: frozen, full collections no longer walk it on every screen pop."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, 20, 100)
    gc.enable()


@contextmanager
def collector_paused() -> Iterator[None]:
    """A client import's rows make no cycles: the collector is off while they stream through, and runs once after."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
            gc.collect()


def collect_between_calls() -> None:
    """A call's dialogs leave their objects behind: collected as the call ends, not in the next screen pop."""
    gc.collect(1)


def quick_thread_turns() -> float:
    """Threads take turns every DB_THREAD_TURN_SECONDS while the console runs; returns the interval to restore."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(DB_THREAD_TURN_SECONDS)
    return before


def restore_thread_turns(interval: float) -> None:
    sys.setswitchinterval(interval)
