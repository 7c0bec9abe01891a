"""An operator answers a ringing call from a known client on either backend."""

import subprocess
import sys
from pathlib import Path

from calldesk.desk.calls import queue
from calldesk.desk.clients import directory
from calldesk.desk.operators.identity import first_console


def test_known_caller_rings_and_is_answered(desk):
    asha = first_console(desk, "asha")
    client_id = directory.create_client(desk, "Rahul Sharma", [directory.NewPhone("098765 43210")])
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    [waiting] = queue.waiting_calls(desk)
    assert waiting.client_id == client_id
    assert queue.claim_call(desk, call_id, asha.id) == call_id
    assert queue.waiting_calls(desk) == []
    assert [h.name for h in directory.find_clients(desk, "sharma")] == ["Rahul Sharma"]
    assert [h.name for h in directory.find_clients(desk, "8765 432")] == ["Rahul Sharma"]


LAZY_DRIVER = """
import sys

import calldesk.tui.app  # everything a console imports before it opens its database
from calldesk.config import load_config
from calldesk.desk.operators import roster
from calldesk.desk.context import Desk
from calldesk.desk.operators.identity import first_console
from calldesk.store.database import open_database
from calldesk.store.models import database

print("psycopg" in sys.modules)
open_database(sys.argv[1])
asha = first_console(Desk(load_config(sys.argv[2])), "asha")
with database.atomic():  # a transaction: Peewee asks the driver for its state
    print(roster.get_operator(asha.id).login)
print("psycopg" in sys.modules)
"""


def test_a_console_loads_the_postgresql_driver_only_when_it_opens_postgresql(db_url):
    """psycopg costs every start about 90 ms: a console on SQLite never loads it, one on PostgreSQL works as ever."""
    config = Path(__file__).resolve().parent.parent / "config.yaml"
    result = subprocess.run([sys.executable, "-c", LAZY_DRIVER, db_url, str(config)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    postgresql = db_url.startswith("postgresql")
    assert result.stdout.split() == ["False", "asha", str(postgresql)]
