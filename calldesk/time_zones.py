"""Time zones by their current names, and the desk's own zone: the one clock every screen, export and command uses.

The phone-number tables (and older client records) still name some zones by spellings the tz database has since
renamed ("Asia/Calcutta" for "Asia/Kolkata"): they are shown and stored under the current name. A zone merged into
another (Europe/Bratislava into Europe/Prague) keeps its own name: it is still the place the client is in.
"""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# tz renames still found in phonenumbers' tables, or typed from habit; tests/test_time_zones.py checks them against
# the tz database's own list of old names.
CURRENT_NAMES = {
    "Africa/Asmera": "Africa/Asmara",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "America/Godthab": "America/Nuuk",
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Dacca": "Asia/Dhaka",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Rangoon": "Asia/Yangon",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Atlantic/Faeroe": "Atlantic/Faroe",
    "Europe/Kiev": "Europe/Kyiv",
    "Pacific/Enderbury": "Pacific/Kanton",
    "Pacific/Ponape": "Pacific/Pohnpei",
    "Pacific/Truk": "Pacific/Chuuk",
}


def current_name(name: str) -> str:
    """The zone's name as the tz database spells it today."""
    return CURRENT_NAMES.get(name, name)


def zone_named(name: str) -> ZoneInfo | None:
    """The IANA zone of that name (old spellings too); None for "" or a name this machine does not know."""
    if not name:
        return None
    try:
        return ZoneInfo(current_name(name))
    except (ZoneInfoNotFoundError, ValueError):
        return None


@lru_cache(maxsize=4096)
def time_zones_for(e164: str) -> tuple[str, ...]:
    """The IANA zones a number may be in (several for large countries); empty when unknown."""
    import phonenumbers
    from phonenumbers import timezone  # lazy: its tables load on first use

    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return ()
    zones = timezone.time_zones_for_number(number)
    return tuple(current_name(z) for z in zones if z != "Etc/Unknown")


@lru_cache(maxsize=16)
def region_zones(region: str) -> tuple[str, ...]:
    """The zones of a phone region, by current name (several for a large country)."""
    import phonenumbers

    example = phonenumbers.example_number(region)
    if example is None:
        return ()
    return time_zones_for(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164))


@lru_cache(maxsize=16)
def desk_zone_of(time_zone: str, region: str) -> ZoneInfo:
    """The desk's clock: the config's ``time_zone``, else the main zone of its phone region, else UTC."""
    zones = region_zones(region)
    return zone_named(time_zone) or zone_named(zones[0] if zones else "") or ZoneInfo("UTC")
