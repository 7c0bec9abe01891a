"""What every rule needs to know about the desk it runs on: the configuration and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from calldesk.config import Config
from calldesk.desk.clock import Clock, SystemClock


@dataclass(frozen=True)
class Desk:
    """The desk a rule runs on: its configuration, and a clock that tests and training can move."""

    config: Config
    clock: Clock = field(default_factory=SystemClock)

    @property
    def region(self) -> str:
        return self.config.phone_region
