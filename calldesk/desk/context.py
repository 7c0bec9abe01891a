"""What every rule needs to know about the desk it runs on: the configuration and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from calldesk.config import Config
from calldesk.desk.clock import Clock, SystemClock


@dataclass(frozen=True, slots=True)
class Desk:
    """The desk a rule runs on: its configuration, and a clock that tests and training can move."""

    config: Config
    clock: Clock = field(default_factory=SystemClock)  # it keeps no state

    @property
    def region(self) -> str:
        return self.config.phone_region

    @property
    def zone(self) -> ZoneInfo:
        """The desk's one clock, whatever zone the machine is set to: screens, due times, exports, statistics."""
        return self.config.zone

    def inquiry_deadline(self, asked_at: datetime) -> datetime:
        """The handbook's rule, kept in one place: every inquiry (a call-back, a complaint) is answered within
        ``inquiry_sla_hours`` of when it was made."""
        return asked_at + timedelta(hours=self.config.inquiry_sla_hours)
