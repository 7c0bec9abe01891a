"""The simulated phone line for the demo and training: callers ring, wait, give up or talk, then hang up.

All timing is computed from the desk's clock in ``step(now)``, which the run loop calls a few times a second and
tests drive directly with a manual clock. The same seed and the same clock readings ring the same calls.
"""

from __future__ import annotations

import random
import threading
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers
from peewee import PeeweeException

from calldesk.desk.calls.pbx_events import hang_up_call
from calldesk.desk.calls.queue import ring_call
from calldesk.desk.calls.states import CallStatus
from calldesk.desk.clients.directory import sample_client_numbers
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.i18n import _
from calldesk.store.models import Call
from calldesk.telephony.source import LinkState, Report

TICK_SECONDS = 0.25
FIRST_CALL_WITHIN_SECONDS = 3.0
MIN_GAP_SECONDS = 1.0  # two simulated callers never arrive in the same second
KNOWN_NUMBERS_SAMPLE = 200
FOREIGN_SHARE = 0.08  # of unknown callers
MALFORMED_SHARE = 0.03  # of unknown callers: what a badly configured trunk sends
FOREIGN_REGIONS = ("GB", "US", "AE", "DE", "SG", "AU")
MALFORMED_NUMBERS = ("12345", "+", "anonymous", "0000000", "+91 12", "00")


@dataclass
class _Caller:
    """A simulated person on the line, with how long they will wait and talk."""

    call_id: int
    gives_up_at: datetime
    talk_seconds: float
    hangs_up_at: datetime | None = None


class Simulator:
    """A call source that invents callers: arrivals with peak hours, known and unknown numbers, impatience."""

    name = "simulator"

    def __init__(self, desk: Desk, seed: int | None = None) -> None:
        self.desk = desk
        self.settings = desk.config.simulator
        self._rng = random.Random(seed)
        self._zone = desk.zone  # peak hours are the desk's hours
        self._next_arrival: datetime | None = None
        self._callers: dict[int, _Caller] = {}
        self._known_numbers: list[str] | None = None

    def run(self, stop: threading.Event, report: Report) -> None:
        """Ring and hang up simulated callers until ``stop`` is set; a database outage shows as a down link."""
        healthy: bool | None = None
        while not stop.is_set():
            try:
                self.step(self.desk.clock.now())
            except PeeweeException as exc:
                if healthy is not False:
                    report(LinkState("down", self.desk.clock.now(),
                                     _("database: {problem}").format(problem=str(exc).strip()[:80])))
                healthy = False
            else:
                if healthy is not True:
                    report(LinkState("connected", self.desk.clock.now(), _("simulated calls")))
                healthy = True
            stop.wait(TICK_SECONDS)

    def step(self, now: datetime) -> list[int]:
        """Do what is due at ``now``: callers give up or hang up, new callers ring. Returns the calls rung."""
        if self._next_arrival is None:
            self._next_arrival = now + timedelta(seconds=self._rng.uniform(0.5, FIRST_CALL_WITHIN_SECONDS - 0.5))
        self._follow_callers(now)
        rung = []
        while self._next_arrival <= now:
            if self._waiting_count() < self.settings.max_waiting:
                rung.append(self._ring(now))
            self._next_arrival = max(self._next_arrival, now - timedelta(minutes=1)) + self._gap(self._next_arrival)
        return rung

    def rate_per_minute(self, at: datetime) -> float:
        """Arrivals per minute at this moment: the configured rate, times the peak factor in a peak hour."""
        hour = at.astimezone(self._zone).hour
        peak = self.settings.peak_factor if hour in self.settings.peak_hours else 1.0
        return self.settings.arrival_per_minute * peak

    def _gap(self, at: datetime) -> timedelta:
        seconds = self._rng.expovariate(self.rate_per_minute(at) / 60)
        return timedelta(seconds=max(seconds, MIN_GAP_SECONDS))

    def _waiting_count(self) -> int:
        return Call.select().where(Call.status == CallStatus.RINGING).count()

    def _ring(self, now: datetime) -> int:
        number = self._caller_number()
        queues = self.desk.config.queues
        queue = self._rng.choices(queues, weights=range(len(queues) * 2, 0, -2))[0]  # the first queue is busiest
        patience = self.settings.patience_seconds * self._rng.uniform(0.5, 1.5)
        talk = self.settings.talk_seconds * self._rng.uniform(0.5, 1.5)
        call_id = ring_call(self.desk, number, queue)
        self._callers[call_id] = _Caller(call_id, now + timedelta(seconds=patience), talk)
        return call_id

    def _follow_callers(self, now: datetime) -> None:
        if not self._callers:
            return
        rows = Call.select(Call.id, Call.status, Call.answered_at).where(Call.id.in_(list(self._callers)))
        for row in rows:
            caller = self._callers[row.id]
            if row.status == CallStatus.RINGING:
                if now < caller.gives_up_at:
                    continue
            elif row.status == CallStatus.ANSWERED:
                caller.hangs_up_at = caller.hangs_up_at or row.answered_at + timedelta(seconds=caller.talk_seconds)
                if now < caller.hangs_up_at:
                    continue
            if row.status in (CallStatus.RINGING, CallStatus.ANSWERED):
                with suppress(DeskError):  # the operator ended or transferred it in the same instant
                    hang_up_call(self.desk, row.id)  # the line goes down, as a PBX reports it
            del self._callers[row.id]

    def _caller_number(self) -> str:
        if self._known_numbers is None:
            self._known_numbers = sample_client_numbers(KNOWN_NUMBERS_SAMPLE, self._rng)
        if self._known_numbers and self._rng.random() < self.settings.known_caller_share:
            return self._rng.choice(self._known_numbers)
        roll = self._rng.random()
        if roll < MALFORMED_SHARE:
            return self._rng.choice(MALFORMED_NUMBERS)
        if roll < MALFORMED_SHARE + FOREIGN_SHARE:
            number = _random_mobile(self._rng, self._rng.choice(FOREIGN_REGIONS))
            return self._rng.choice(("+", "00")) + number.lstrip("+")
        return _as_pbx_sends(self._rng, _random_mobile(self._rng, self.desk.region), self.desk.region)


def _random_mobile(rng: random.Random, region: str) -> str:
    """A valid mobile number of the region in E.164, with the example number's length and random digits."""
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        example = phonenumbers.example_number(region)
    national = str(example.national_number)
    for _attempt in range(50):
        candidate = national[0] + "".join(rng.choice("0123456789") for _digit in national[1:])
        number = phonenumbers.parse(f"+{example.country_code}{candidate}")
        if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in (
            phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE
        ):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)


def _as_pbx_sends(rng: random.Random, e164: str, region: str) -> str:
    """The forms a PBX sends a local caller ID in: E.164, national with the trunk prefix, or bare digits."""
    number = phonenumbers.parse(e164)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL).replace(" ", "")
    return rng.choice((e164, national, str(number.national_number)))


