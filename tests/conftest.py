"""Shared fixtures: a fresh database per test (SQLite always, PostgreSQL too when CALLDESK_TEST_PG_URL is set),
a config read from the repository's config.yaml, and a clock the test moves."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from outage import Outage
from pg_schema import pg_schema_url
from suite_settings import PG_URL_ENV, START

from calldesk.config import Config, load_config
from calldesk.desk.calls import queue
from calldesk.desk.clients import directory
from calldesk.desk.clock import ManualClock
from calldesk.desk.context import Desk
from calldesk.desk.operators.identity import first_console
from calldesk.store.database import open_database

ROOT = Path(__file__).resolve().parent.parent


def _backends() -> list:
    params = [pytest.param("sqlite", id="sqlite")]
    reason = f"PostgreSQL tests need {PG_URL_ENV} (e.g. postgresql://postgres@127.0.0.1/test)"
    params.append(pytest.param("postgresql", id="postgresql",
                               marks=pytest.mark.skipif(not os.environ.get(PG_URL_ENV), reason=reason)))
    return params


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Without a PostgreSQL server half the suite skips: one line says so, instead of -ra listing each skip; any
    other skip is still listed with its reason."""
    skipped = terminalreporter.stats.get("skipped", [])
    without_pg = [report for report in skipped if PG_URL_ENV in str(report.longrepr)]
    if without_pg:
        terminalreporter.stats["skipped"] = [report for report in skipped if PG_URL_ENV not in str(report.longrepr)]
        terminalreporter.stats["skipped without PostgreSQL"] = without_pg
        terminalreporter.write_line(f"{len(without_pg)} PostgreSQL tests skipped: set {PG_URL_ENV} (e.g. "
                                    "postgresql://postgres@127.0.0.1/test) to run them")


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The suite runs on several workers (pytest-xdist). A test marked ``database_logins`` gives operators PostgreSQL
    logins, which are the whole server's: on PostgreSQL such tests run one at a time, on one worker."""
    for item in items:
        backend = getattr(item, "callspec", None) and item.callspec.params.get("db_url")
        if item.get_closest_marker("database_logins") and backend != "sqlite":
            item.add_marker(pytest.mark.xdist_group("database_logins"))


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's own config, database or operator by accident."""
    for name in ("CALLDESK_CONFIG", "CALLDESK_DATABASE_URL", "CALLDESK_OPERATOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


@pytest.fixture
def config() -> Config:
    return load_config(ROOT / "config.yaml")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture(params=_backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a PostgreSQL schema of its own dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'calldesk.db'}"
        return
    yield from pg_schema_url(os.environ[PG_URL_ENV],
                             drop_logins=request.node.get_closest_marker("database_logins") is not None)


@pytest.fixture
def desk(db_url: str, config: Config, clock: ManualClock) -> Iterator[Desk]:
    """The desk on a fresh database with the example config and a manual clock."""
    db = open_database(db_url)
    yield Desk(config, clock)
    db.close()


@pytest.fixture
def outage(db_url: str) -> Outage:
    """Takes the test's database away and back (a module using it sets ``db_url = own_database_url``)."""
    return Outage(db_url)


@pytest.fixture
def on_a_call(desk):
    """Asha has answered Rahul Sharma's call: (operator, call id, client id)."""
    asha = first_console(desk, "asha")
    client_id = directory.create_client(desk, "Rahul Sharma", [directory.NewPhone("098765 43210")])
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    queue.claim_call(desk, call_id, asha.id)
    return asha, call_id, client_id
