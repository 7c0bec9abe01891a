"""Staffing estimates agree with Erlang C's textbook values."""

from __future__ import annotations

import pytest

from calldesk.desk.stats.erlang import erlang_c, operators_needed, service_level


def test_chance_of_waiting_matches_known_values():
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9)
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # one operator: the chance of waiting is the load
    # the classic desk: 100 calls in half an hour, 3 minutes each, is 10 erlangs
    assert erlang_c(11, 10.0) == pytest.approx(0.6821, abs=1e-4)
    assert erlang_c(13, 10.0) == pytest.approx(0.2853, abs=1e-4)
    assert erlang_c(14, 10.0) == pytest.approx(0.1741, abs=1e-4)


def test_service_level_within_twenty_seconds_for_the_classic_desk():
    assert service_level(13, 10.0, 180, 20) == pytest.approx(0.7956, abs=1e-4)
    assert service_level(14, 10.0, 180, 20) == pytest.approx(0.8884, abs=1e-4)


def test_fourteen_operators_answer_eighty_percent_within_twenty_seconds():
    assert operators_needed(200, 180, 20, 0.8) == 14
    assert operators_needed(200, 180, 20, 0.9) == 15


def test_no_calls_need_nobody_and_too_few_operators_never_keep_up():
    assert operators_needed(0, 180, 20, 0.8) == 0
    assert erlang_c(10, 10.0) == 1.0
    assert service_level(9, 10.0, 180, 20) == 0.0


def test_a_large_desk_stays_exact():
    needed = operators_needed(6000, 240, 18, 0.8)  # 400 erlangs
    assert service_level(needed, 400.0, 240, 18) >= 0.8 > service_level(needed - 1, 400.0, 240, 18)
