"""Where calls come from: the one interface every call source implements and its link state (the factory that
picks a source is telephony/sources.py).

The console runs a source's ``run`` in a background thread. The source turns outside events (a PBX, the simulator)
into the desk's own calls (ring, answer, abandon, end, transfer) and reports the state of its link for the status
bar. It opens nothing itself: the store's database proxy is already initialised, and Peewee gives each thread its
own connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from calldesk.i18n import N_, _

LinkStatus = Literal["connected", "reconnecting", "down"]
LINK_WORDS: dict[str, str] = {"connected": N_("connected"), "reconnecting": N_("reconnecting")}  # through _()


@dataclass(frozen=True, slots=True)
class LinkState:
    """How the source's link to the phone system stands, since when, and why (shown in the status bar)."""

    status: LinkStatus
    since: datetime  # aware UTC
    detail: str = ""

    def describe(self, local_now: datetime | None = None) -> str:
        """One short line in the console's words: "connected", "reconnecting: <why>", "down since 14:05: <why>"."""
        if self.status == "down":
            when = self.since.astimezone(local_now.tzinfo if local_now else None)
            text = _("down since {time}").format(time=f"{when:%H:%M}")
        else:
            text = _(LINK_WORDS[self.status])
        return f"{text}: {self.detail}" if self.detail else text


Report = Callable[[LinkState], None]


class CallSource(Protocol):
    name: str

    def run(self, stop: threading.Event, report: Report) -> None:
        """Feed calls into the desk until ``stop`` is set, reporting every change of the link."""
