"""Phone numbers: parsing, the one display format, digit keys for matching, and the caller's wall clock (the zones
a number may be in are calldesk/time_zones.py's).

A parse that succeeds is not a valid number: ``ParsedPhone.valid`` says which. Nothing here raises on bad input;
an unparsable number is kept as typed and marked unverified.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

MAX_RAW_LENGTH = 64


class ParsedPhone(NamedTuple):
    """A number as typed, read as a phone number: it may parse and still not be a valid number."""

    raw: str
    e164: str | None  # None when the number could not be parsed at all
    extension: str
    valid: bool

    @property
    def digits(self) -> str:
        return digits_of(self.e164 or self.raw)


_NOT_DIGITS = re.compile(r"\D")


def digits_of(text: str) -> str:
    return _NOT_DIGITS.sub("", text)


def reversed_digits(text: str) -> str:
    """Digits last-first: a prefix search on this matches a number's tail (a caller ID sent without area code)."""
    return digits_of(text)[::-1]


def parse_phone(raw: str, region: str) -> ParsedPhone:
    """Parse what a person or a PBX typed; never raises."""
    raw = (raw or "").strip()[:MAX_RAW_LENGTH]
    try:
        number = phonenumbers.parse(raw, region)
    except NumberParseException:
        return ParsedPhone(raw=raw, e164=None, extension="", valid=False)
    extension = number.extension or ""
    number.extension = None
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if len(digits_of(e164)) < 3:
        return ParsedPhone(raw=raw, e164=None, extension=extension, valid=False)
    return ParsedPhone(raw=raw, e164=e164, extension=extension, valid=phonenumbers.is_valid_number(number))


@lru_cache(maxsize=4096)
def format_phone(e164: str | None, raw: str, region: str) -> str:
    """The display form of a valid number: national inside the desk's region, international outside it. A number
    that is not valid (a short code, a typo) is shown as it was typed: "12345", never a made-up "+9112345"."""
    if not e164:
        return raw
    try:
        number = phonenumbers.parse(e164, region)
    except NumberParseException:
        return raw
    if not phonenumbers.is_valid_number(number):
        return raw or e164
    same_region = phonenumbers.region_code_for_number(number) == region
    return phonenumbers.format_number(
        number, PhoneNumberFormat.NATIONAL if same_region else PhoneNumberFormat.INTERNATIONAL
    )


def local_time(zone: str, now: datetime) -> datetime | None:
    """``now`` seen in ``zone``; None for a zone this machine does not know."""
    try:
        return now.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return None


def client_local_time(zones: tuple[str, ...], now: datetime) -> str:
    """The client's wall clock: one zone shows the time and zone, several show the earliest to the latest."""
    times = [t for t in (local_time(z, now) for z in zones) if t is not None]
    if not times:
        return ""
    if len(times) == 1:
        return f"{times[0]:%H:%M} {zones[0]}"
    ordered = sorted(times, key=lambda t: t.replace(tzinfo=None))
    return f"{ordered[0]:%H:%M}–{ordered[-1]:%H:%M} ({len(times)} zones)"
