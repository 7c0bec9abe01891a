"""A new desk gets exactly one first lead, however many `calldesk db init --lead` run at once: on a fresh PostgreSQL
database a burst of first commands once made 3, 2 and 1 leads in three tries."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pg_schema import pg_schema_url

from calldesk.store.database import open_database
from calldesk.store.models import Operator

pytestmark = pytest.mark.database_logins  # on PostgreSQL: one at a time (tests/conftest.py)

CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"
CONSOLES = 20
BURSTS = 3  # a race lost once in a while: three fresh databases make a lost one show
# Each process loads calldesk, says it is ready, then waits for the word: the first sign-ins meet in the database.
WAIT_THEN_RUN = """
import sys, time
from pathlib import Path
from calldesk.cli import main

ready, go = Path(sys.argv[1]), Path(sys.argv[2])
ready.touch()
while not go.exists():
    time.sleep(0.001)
sys.exit(main(sys.argv[3:]))
"""


@contextmanager
def fresh_database(db_url: str, folder: Path) -> Iterator[str]:
    """A new database of the test's backend with the schema in place and nobody in it."""
    if db_url.startswith("sqlite"):
        url = f"sqlite:///{folder / 'calldesk.db'}"
        open_database(url).close()
        yield url
        return
    schemas = pg_schema_url(os.environ["CALLDESK_TEST_PG_URL"], drop_logins=True)
    url = next(schemas)
    open_database(url).close()
    yield url
    next(schemas, None)  # drops the schema


def first_commands_at_once(url: str, folder: Path) -> list[tuple[int, str]]:
    """Twenty people make themselves the first lead together; each one's exit status and stderr."""
    go = folder / "go"
    runs = [subprocess.Popen([sys.executable, "-c", WAIT_THEN_RUN, str(folder / f"ready{n}"), str(go),
                              "--config", str(CONFIG), "--db", url,
                              "db", "init", "--lead", f"op{n}", "--os-user", f"user{n}"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for n in range(CONSOLES)]
    deadline = time.monotonic() + 60
    while len(list(folder.glob("ready*"))) < CONSOLES and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    results = [run.communicate(timeout=120) for run in runs]
    return [(run.returncode, err) for run, (_, err) in zip(runs, results, strict=True)]


@pytest.mark.parametrize("burst", range(BURSTS))
def test_twenty_first_leads_made_at_once_on_a_fresh_database_make_one(db_url, tmp_path, burst):
    with fresh_database(db_url, tmp_path) as url:
        results = first_commands_at_once(url, tmp_path)
        db = open_database(url)
        try:
            people = [(o.login, o.role) for o in Operator.select()]
        finally:
            db.close()
    assert len(people) == 1 and people[0][1] == "lead", people
    [winner] = [n for n, (status, _) in enumerate(results) if status == 0]
    assert people[0][0] == f"op{winner}"
    refusals = [err for status, err in results if status != 0]
    assert len(refusals) == CONSOLES - 1
    assert all(err == f"calldesk: this desk has a team lead already (op{winner}): a lead adds operators with "
               "`calldesk operator add`\n" for err in refusals), refusals
