"""The call source config.yaml names, made here so that the interface (source.py) never imports its sources."""

from __future__ import annotations

from calldesk.desk.context import Desk
from calldesk.telephony.source import CallSource


def make_source(desk: Desk) -> CallSource | None:
    """The source config.yaml's ``call_source`` names; None for ``none`` (the `calldesk ring` hook only)."""
    match desk.config.call_source:
        case "simulator":
            from calldesk.telephony.simulator import Simulator  # each source loads only when chosen

            return Simulator(desk)
        case "ami":
            from calldesk.telephony.ami import AmiSource

            return AmiSource(desk)
    return None
