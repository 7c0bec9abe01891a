"""The wallboard on the room's TV: `calldesk wallboard --serve` on a desk with a month of history, opened in a
browser (headless Chromium, Debian's package, driven by Playwright: nothing is downloaded). The board comes up with
the day's service level, a PBX rings a call with `calldesk ring`, and the TV shows one more caller waiting within
2 seconds. The picture it takes is the README's (docs/wallboard.png).

textual-serve draws on a canvas, so the page holds no text: what the browser is sent is read from its WebSocket
frames (scripts/bench_wallboard.py's ServedBoard, which the benchmark drives too)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from bench_wallboard import PAGE_TIMEOUT, ServedBoard, chromium  # noqa: E402

PG_URL_ENV = "CALLDESK_TEST_PG_URL"  # conftest's: imported, it could be tests/tui's conftest in a mixed run
SCREENSHOT_ENV = "CALLDESK_WALLBOARD_SCREENSHOT"  # where to keep the picture (default: the test's folder)


def _browser_missing() -> str:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the wallboard's browser test needs Playwright: pip install -e '.[test]'"
    if chromium() is None:
        return "the wallboard's browser test needs Debian's chromium: apt-get install -y chromium (.ci/run does)"
    return ""


pytestmark = pytest.mark.skipif(bool(_browser_missing()), reason=_browser_missing() or "ready")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not os.environ.get(PG_URL_ENV), reason=f"PostgreSQL tests need {PG_URL_ENV}"))])
def seeded_desk(request, tmp_path, config):
    """A desk with the demo's month of history and today's calls so far, on SQLite or PostgreSQL: (the board's
    database URL, the PBX's). On PostgreSQL the board logs in as a role of the read-only calldesk_wallboard."""
    from pg_schema import pg_schema_url
    from test_wallboard_role import _as_role

    from calldesk.desk.coach.demo_data import seed_demo
    from calldesk.desk.context import Desk
    from calldesk.store.database import open_database
    from calldesk.store.models import database

    schemas = pg_schema_url(os.environ[PG_URL_ENV]) if request.param == "postgresql" else None
    url = next(schemas) if schemas else f"sqlite:///{tmp_path / 'desk.db'}"
    open_database(url)
    seed_demo(Desk(config))
    database.close()
    if schemas is None:
        yield url, url
        return
    import psycopg

    role = f"cd_tv_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(os.environ[PG_URL_ENV], autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN IN ROLE calldesk_wallboard')
    try:
        yield _as_role(url, role), url
    finally:
        next(schemas, None)
        with psycopg.connect(os.environ[PG_URL_ENV], autocommit=True) as admin:
            admin.execute(f'DROP ROLE "{role}"')


def test_a_call_rung_in_shows_on_the_served_board_within_two_seconds(seeded_desk, tmp_path):
    board_url, pbx_url = seeded_desk
    board = ServedBoard(board_url, ROOT / "config.yaml", "--page", "today")
    with board.running():
        assert board.wait_for(lambda: "Service level" in board.screen.text(), PAGE_TIMEOUT), board.screen.text()
        assert board.wait_for(lambda: board.waiting() is not None, 5), board.screen.text()
        before = board.waiting()
        rung = time.perf_counter()
        subprocess.run([sys.executable, "-m", "calldesk", "--db", pbx_url, "ring", "+91 98765 43210",
                        "--queue", "support"], check=True, capture_output=True, cwd=ROOT, timeout=30)
        assert board.wait_for(lambda: board.waiting() == before + 1, 2.0), board.screen.text()
        took = time.perf_counter() - rung
        board.page.wait_for_timeout(300)  # the frame after, so the picture is whole
        picture = Path(os.environ.get(SCREENSHOT_ENV) or tmp_path / "wallboard.png")
        board.page.screenshot(path=str(picture))
    assert took < 2.0
    assert picture.stat().st_size > 10_000
    assert "Traceback" not in board.screen.text()
