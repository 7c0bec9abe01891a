"""The wallboard's cost: one refresh at 50 operators and 500 waiting callers, and a ring's way to a browser.

    .venv/bin/python scripts/bench.py --only wallboard       # as a section of bench.py, on its database

Refresh: a call rings, then the figures are read (calldesk/desk/stats/wallboard.py) and painted in the app at
200x60, p95 over ``samples`` (target 20 ms). Served: `calldesk wallboard --serve` on a free port, opened in headless
Chromium (Debian's `chromium`, driven by Playwright; nothing is downloaded); a call is rung and the time until the
browser receives the new count is taken, p95 (target 1 s). textual-serve draws on a canvas, so the page has no text
to read: the board's output is read from the page's WebSocket frames into a small screen (``ServedScreen``), and the
waiting count from its big digits. tests/test_wallboard_browser.py drives the same ``ServedBoard``.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import functools
import math
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPERATORS = 50
WAITING = 500
BROWSER_RINGS = 20
PAGE_TIMEOUT = 30.0  # seconds for the served board's first figures: a cold Chromium on a loaded machine
_CURSOR = re.compile(r"\x1b\[(\d*);?(\d*)H")
_OTHER_ESCAPE = re.compile(r"\x1b(\[[0-9;?<=>$ ]*[A-Za-z~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest rank: p95 of 200 samples is the 190th smallest."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def chromium() -> str | None:
    """Debian's Chromium, if it is installed (.ci/run installs it)."""
    return shutil.which("chromium")


class ServedScreen:
    """The board as the browser's terminal shows it, rebuilt from the bytes the server sends: Textual moves the
    cursor before every run of text it paints, so cursor moves and text are all there is to follow."""

    def __init__(self) -> None:
        self.rows: dict[int, list[str]] = {}
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")  # a character may span two frames
        self._row = self._column = 0

    def feed(self, data: bytes) -> None:
        text = self._decoder.decode(data)
        position = 0
        for move in _CURSOR.finditer(text):
            self._write(text[position:move.start()])
            self._row, self._column = int(move.group(1) or 1) - 1, int(move.group(2) or 1) - 1
            position = move.end()
        self._write(text[position:])

    def _write(self, text: str) -> None:
        for part in _OTHER_ESCAPE.split(text)[::3]:  # the text between escape sequences (split keeps 2 groups)
            for character in part or "":
                if character in "\r\n":
                    self._column = 0
                    self._row += character == "\n"
                    continue
                row = self.rows.setdefault(self._row, [])
                row.extend(" " * (self._column + 1 - len(row)))
                row[self._column] = character
                self._column += 1

    def text(self) -> str:
        return "\n".join("".join(self.rows.get(n, [])) for n in range(max(self.rows, default=-1) + 1))

    def big_number_under(self, label: str) -> int | None:
        """The number drawn in big digits (Textual's Digits) under the first ``label`` below the title row, in its
        tile; None when it is not (yet) there."""
        lines = self.text().splitlines()
        for y, line in enumerate(lines[1:], 1):
            x = line.find(label)
            if x < 0:
                continue
            left, right = line.rfind("│", 0, x) + 1, line.find("│", x)
            rows = [(lines[y + n] if y + n < len(lines) else "")[left:right if right >= 0 else None] for n in (1, 2, 3)]
            start = min((len(r) - len(r.lstrip()) for r in rows if r.strip()), default=None)
            if start is None:
                return None
            glyphs = _glyphs()
            width = max(len(r.rstrip()) for r in rows)
            shown = ""
            for column in range(start, width, 3):
                cell = tuple(r[column:column + 3].ljust(3) for r in rows)
                shown += glyphs.get(cell, "?")
            shown = shown.strip()
            return int(shown) if shown.isdigit() else None
        return None


@functools.cache
def _glyphs() -> dict[tuple[str, ...], str]:
    """Each character Textual's Digits draws, by its three rows (plain and bold)."""
    from textual.renderables.digits import DIGITS, DIGITS3X3, DIGITS3X3_BOLD

    return {tuple(row.ljust(3) for row in table[3 * n:3 * n + 3]): character
            for table in (DIGITS3X3, DIGITS3X3_BOLD) for n, character in enumerate(DIGITS)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServedBoard:
    """`calldesk wallboard --serve` in a child process, opened in headless Chromium; ``screen`` follows what the
    browser is sent."""

    def __init__(self, db_url: str, config: Path | None = None, *options: str) -> None:
        self.db_url, self.config, self.options = db_url, config, options
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.screen = ServedScreen()
        self.seen: list[float] = []  # when each frame came

    @contextlib.contextmanager
    def running(self) -> Iterator[ServedBoard]:
        from playwright.sync_api import sync_playwright

        command = [sys.executable, "-m", "calldesk", "--db", self.db_url,
                   *(["--config", str(self.config)] if self.config else []), "wallboard",
                   "--serve", f"127.0.0.1:{self.port}", *self.options]
        server = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        try:
            if "served on" not in (server.stderr.readline() if server.stderr else ""):
                raise RuntimeError(f"the board was not served: {server.stderr.read() if server.stderr else ''}")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium(), headless=True)
                try:
                    self.page = browser.new_page(viewport={"width": 1280, "height": 720})
                    self.page.route("**/fonts.googleapis.com/**", lambda route: route.abort())  # no internet here
                    self.page.on("websocket", self._listen)
                    self.page.goto(self.url)
                    yield self
                finally:
                    browser.close()
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()

    def _listen(self, websocket) -> None:
        websocket.on("framereceived", self._frame)

    def _frame(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):  # the terminal's output; text frames are the server's own messages
            self.seen.append(time.perf_counter())
            self.screen.feed(payload)

    def wait_for(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Let the browser run until ``condition`` holds (True) or ``timeout`` seconds pass (False)."""
        deadline = time.perf_counter() + timeout
        while not condition():
            if time.perf_counter() > deadline:
                return False
            self.page.wait_for_timeout(5)
        return True

    def waiting(self) -> int | None:
        return self.screen.big_number_under("Waiting")


# --- bench.py's section ---------------------------------------------------------------------------------------


def _seed(desk, operators_count: int, waiting_count: int) -> tuple[list[int], list[int]]:
    """Operators in every state and callers waiting in every queue, taken away again by ``_forget``."""
    from calldesk.desk.calls import queue
    from calldesk.desk.calls.states import OperatorEvent
    from calldesk.desk.operators import roster
    from calldesk.store.models import Operator

    added = []
    departments = [d.id for d in desk.config.departments]
    for n in range(operators_count):
        login = f"wallboard_bench_{n}"
        existing = Operator.get_or_none(Operator.login == login)
        person = existing or roster.add_operator(desk, login, f"Board {n}", departments[n % len(departments)])
        if n % 4 == 1:
            roster.move(desk, person.id, OperatorEvent.PAUSE, desk.config.pause_reasons[0])
        added.append(person.id)
    queues = desk.config.queues
    rung = queue.ring_calls(desk, [queue.IncomingCall(f"+9198{n:08d}", queues[n % len(queues)])
                                   for n in range(waiting_count)])
    return added, rung


def _forget(operator_ids: list[int], call_ids: list[int]) -> None:
    from calldesk.store.models import Call, Operator, OperatorStateChange

    for start in range(0, len(call_ids), 500):
        Call.delete().where(Call.id.in_(call_ids[start:start + 500])).execute()
    OperatorStateChange.delete().where(OperatorStateChange.operator.in_(operator_ids)).execute()
    Operator.delete().where(Operator.id.in_(operator_ids)).execute()


async def _refresh_in_app(desk, samples: int) -> tuple[list[float], list[float], list[int]]:
    """(figures read, read and painted) in ms, in the app at 200x60, each after a call rung in (so every refresh has
    a change to show, as one the store's watcher asks for does); and the calls rung."""
    from calldesk.desk.calls.queue import ring_call
    from calldesk.desk.stats.wallboard import wallboard_figures
    from calldesk.tui.wallboard.app import WallboardApp

    class MeasuredBoard(WallboardApp):
        """The board with no reads of its own (its tick, its watcher of the store): each refresh is the bench's, so
        none is timed while another competes with it."""

        def read_figures(self) -> None:
            pass

    app = MeasuredBoard(desk)
    reads, refreshes, rung = [], [], []
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause(0.3)
        for n in range(samples):
            rung.append(await app.db.run(ring_call, desk, f"+9196{n:08d}", desk.config.queues[0]))
            started = time.perf_counter()
            figures = await app.db.run(wallboard_figures, desk, "", show_callers=False)
            read = time.perf_counter()
            app.show_figures(figures)
            painted = asyncio.Event()
            app.call_after_refresh(painted.set)
            await painted.wait()
            reads.append((read - started) * 1000)
            refreshes.append((time.perf_counter() - started) * 1000)
    return reads, refreshes, rung


def _ring_to_browser(desk, db_url: str, rings: int) -> tuple[list[float], str]:
    from calldesk.desk.calls.queue import ring_call

    board = ServedBoard(db_url, None, "--page", "today")
    delays = []
    with board.running():
        if not board.wait_for(lambda: board.waiting() is not None, PAGE_TIMEOUT):
            return [], "the served board showed no count"
        for n in range(rings):
            before = board.waiting() or 0
            started = time.perf_counter()
            ring_call(desk, f"+9197{n:08d}", desk.config.queues[0])
            if not board.wait_for(lambda before=before: (board.waiting() or 0) > before, 5):
                return delays, f"ring {n + 1} never reached the browser"
            delays.append((time.perf_counter() - started) * 1000)
            board.page.wait_for_timeout(200)
    return delays, ""


def run(desk, db_url: str, samples: int = 200, **_: object) -> dict:
    """bench.py's "wallboard" section: the refresh at 50 operators and 500 waiting, and a ring's way to a browser."""
    from calldesk.store.models import Call, database

    operator_ids, call_ids = _seed(desk, OPERATORS, WAITING)
    try:
        reads, refreshes, rung = asyncio.run(_refresh_in_app(desk, samples))
        call_ids += rung
        out: dict = {
            f"figures read, {OPERATORS} operators / {WAITING} waiting p95": {
                "value": round(percentile(reads, 0.95), 2), "unit": "ms",
                "note": f"p50 {percentile(reads, 0.5):.2f} ms"},
            f"refresh (read + painted), {OPERATORS} operators / {WAITING} waiting p95": {
                "value": round(percentile(refreshes, 0.95), 2), "unit": "ms", "target": 20,
                "note": f"p50 {percentile(refreshes, 0.5):.2f} ms, {samples} refreshes at 200x60, each after a ring"},
        }
        if chromium() is None:
            out["served: ring to visible in the browser p95"] = {
                "value": None, "unit": "ms", "target": 1000, "note": "skipped: no chromium (apt-get install chromium)"}
            return out
        database.close()  # the served board reads the database from its own processes meanwhile
        delays, problem = _ring_to_browser(desk, db_url, min(samples, BROWSER_RINGS))
        call_ids += [c.id for c in Call.select(Call.id).where(Call.number_e164.startswith("+9197"),
                                                              Call.status == "ringing")]
        out["served: ring to visible in the browser p95"] = {
            "value": round(percentile(delays, 0.95), 1) if delays else None, "unit": "ms", "target": 1000,
            "note": problem or f"p50 {percentile(delays, 0.5):.1f} ms over {len(delays)} rings, headless Chromium"}
        return out
    finally:
        _forget(operator_ids, call_ids)
