"""Erlang C: how many operators a stream of calls needs so that a target share is answered in time.

Traffic (in erlangs) is the arrival rate times the handle time. With N operators and traffic A < N, the chance a
caller waits at all is Erlang C(N, A); the share answered within T seconds is 1 - C(N, A) * exp(-(N - A) T / AHT).
"""

from __future__ import annotations

import math

MAX_OPERATORS = 10_000  # beyond any desk: stops the search on absurd input


def erlang_c(operators: int, traffic: float) -> float:
    """The probability that a caller has to wait: 1 when the operators cannot keep up with the traffic."""
    if traffic <= 0:
        return 0.0
    if operators <= traffic:
        return 1.0
    blocking = 1.0  # Erlang B by its recurrence: stable for any number of operators
    for k in range(1, operators + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return operators * blocking / (operators - traffic * (1 - blocking))


def service_level(operators: int, traffic: float, handle_seconds: float, within_seconds: float) -> float:
    """The share of calls answered within ``within_seconds`` with this many operators."""
    if traffic <= 0:
        return 1.0
    if operators <= traffic:
        return 0.0
    waiting = erlang_c(operators, traffic)
    return 1 - waiting * math.exp(-(operators - traffic) * within_seconds / handle_seconds)


def operators_needed(calls_per_hour: float, handle_seconds: float, within_seconds: float, target: float) -> int:
    """The fewest operators answering ``target`` of the calls within ``within_seconds``; 0 with no calls."""
    if calls_per_hour <= 0 or handle_seconds <= 0:
        return 0
    traffic = calls_per_hour * handle_seconds / 3600
    operators = max(1, math.floor(traffic) + 1)
    while service_level(operators, traffic, handle_seconds, within_seconds) < target:
        operators += 1
        if operators > MAX_OPERATORS:
            break
    return operators
