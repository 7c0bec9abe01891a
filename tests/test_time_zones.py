"""One desk clock, and zones under their current names: the desk's time_zone wins over the machine's, a phone
region gives the default, and the names the phone tables still use are shown as the tz database spells them now."""

from __future__ import annotations

from pathlib import Path

import phonenumbers
import pytest
from phonenumbers.tzdata import TIMEZONE_DATA

from calldesk.config import ConfigError, load_config
from calldesk.time_zones import CURRENT_NAMES, current_name, desk_zone_of, zone_named


def _tz_links() -> dict[str, str]:
    """The tz database's own table of old names (``L current old``), from the tzdata package or the system."""
    import tzdata

    for source in (Path(tzdata.__file__).parent / "zoneinfo" / "tzdata.zi", Path("/usr/share/zoneinfo/tzdata.zi")):
        if source.exists():
            lines = source.read_text(encoding="utf-8").splitlines()
            return {line.split()[2]: line.split()[1] for line in lines if line.startswith("L ")}
    pytest.skip("no tzdata.zi on this machine to check the names against")


def test_every_renamed_zone_is_an_old_name_of_its_current_one_in_the_tz_database():
    links = _tz_links()
    for old, current in CURRENT_NAMES.items():
        assert old in links, f"{old} is no old name the tz database knows"
        assert zone_named(current) is not None and zone_named(old) == zone_named(current)


def test_every_zone_the_phone_tables_name_is_known_under_its_current_name():
    named = {zone for zones in TIMEZONE_DATA.values() for zone in zones if zone != "Etc/Unknown"}
    for zone in named:
        assert zone_named(current_name(zone)) is not None, zone
    assert current_name("Asia/Calcutta") == "Asia/Kolkata" and "Asia/Calcutta" in named  # what an Indian number gave


def test_the_desk_clock_is_the_configs_zone_else_the_regions_main_zone():
    assert str(desk_zone_of("Europe/London", "IN")) == "Europe/London"
    assert str(desk_zone_of("", "IN")) == "Asia/Kolkata"
    assert str(desk_zone_of("", "GB")) == "Europe/London"
    assert phonenumbers.example_number("IN") is not None


@pytest.mark.parametrize(("zone", "shown"), [("Asia/Calcutta", "Asia/Kolkata"), ("Asia/Kolkata", "Asia/Kolkata"),
                                             ("Europe/Kiev", "Europe/Kyiv")])
def test_config_takes_a_zone_by_any_of_its_names_and_keeps_the_current_one(tmp_path, zone, shown):
    path = tmp_path / "config.yaml"
    path.write_text(f"company: Acme\ntime_zone: {zone}\n", encoding="utf-8")
    config = load_config(path)
    assert config.time_zone == shown and str(config.zone) == shown


def test_config_refuses_a_zone_this_machine_does_not_know(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("company: Acme\ntime_zone: Mars/Olympus_Mons\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config\.yaml:2: time_zone: 'Mars/Olympus_Mons' is not a time zone"):
        load_config(path)
