"""F10 at the console: a team lead watches the team live (a call rings in, is answered, the tables follow without
rebuilding), then reads the day's statistics, sorts the leaderboard and exports it. Kept as snapshots too."""

from __future__ import annotations

import csv
import re
from datetime import timedelta

import pytest
from keyboard import type_text
from modal_host import ModalHost
from stats_data import build_day
from textual.widgets import DataTable, Static, TabbedContent

from calldesk.desk.calls import queue
from calldesk.desk.calls.states import OperatorEvent
from calldesk.desk.context import Desk
from calldesk.desk.operators import roster
from calldesk.desk.stats.period import days_period
from calldesk.desk.stats.reviews import review_of
from calldesk.store.database import open_database
from calldesk.tui.app import CalldeskApp
from calldesk.tui.modals.call_review import CallReviewModal
from calldesk.tui.screens.team import OperatorsTable, TeamScreen, WaitingTable

SIZE = (120, 36)


@pytest.fixture
def desk(tmp_path, config, clock):
    """SQLite only: what the screen shows does not depend on the backend, and one snapshot each is enough."""
    db = open_database(f"sqlite:///{tmp_path / 'desk.db'}")
    yield Desk(config, clock)
    db.close()


@pytest.fixture
def day(desk, clock):
    """The day of tests/stats_data.py, with Asha on a call since 14:30 and Ravi at lunch."""
    built = build_day(desk)
    rahul = queue.ring_call(desk, "+91 98765 43210", "support", caller_name="Rahul Sharma")
    clock.advance(3)
    queue.claim_call(desk, rahul, built.asha)
    roster.move(desk, built.ravi, OperatorEvent.PAUSE, "Lunch")
    clock.advance(42)
    return built


async def settle(pilot) -> None:
    """Let the database thread and the statistics worker answer, and the screen repaint."""
    await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.05)


def open_team(desk, day, tmp_path):
    app = CalldeskApp(desk, roster.get_operator(day.meena))
    screen = TeamScreen(desk, app.db.run, export_folder=tmp_path)

    async def push(pilot) -> None:
        await settle(pilot)
        app.push_screen(screen)
        await settle(pilot)

    return app, screen, push


def cells(table: DataTable, key: str) -> list[str]:
    return [str(value) for value in table.get_row(key)]


async def test_the_team_tab_follows_the_desk_every_second(desk, day, clock, tmp_path):
    app, screen, push = open_team(desk, day, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await push(pilot)
        people, waiting = screen.query_one(OperatorsTable), screen.query_one(WaitingTable)
        assert cells(people, str(day.asha)) == ["Asha Verma", "On call", "0:42", "", "Rahul Sharma", "0:42"]
        assert cells(people, str(day.ravi))[1] == "Lunch"
        ringing = str(day.calls["8"])
        assert cells(waiting, ringing) == ["1:05", "11", "support", "098000 00008"]  # 20 s + 45 s, late
        summary = str(screen.query_one("#team-summary", Static).render())
        assert "service level 62.5 %" in summary and "waiting 1, longest 1:05" in summary

        newcomer = queue.ring_call(desk, "+91 98765 43210", "sales")
        roster.move(desk, day.ravi, OperatorEvent.RESUME)  # back from lunch: a paused operator answers nothing
        queue.claim_call(desk, day.calls["8"], day.ravi)
        clock.advance(5)
        await pilot.pause(1.2)  # the next poll, a second after the last
        await settle(pilot)
        assert waiting.row_count == 1 and cells(waiting, str(newcomer))[:3] == ["0:05", "1", "sales"]
        assert cells(people, str(day.ravi))[1:] == ["On call", "0:05", "", "098000 00008", "0:05"]
        assert people.get_row_index(str(day.asha)) == 0  # rows kept in place: updated, not rebuilt


async def test_the_statistics_tab_and_the_leaderboard(desk, day, tmp_path):
    app, screen, push = open_team(desk, day, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await push(pilot)
        await pilot.press("alt+2")
        await settle(pilot)
        assert screen.query_one(TabbedContent).active == "stats-tab"
        heat = screen.query_one("#stats-heatmap", Static).content.plain
        assert " 100" in heat and not re.search(r"\d{4}", heat)  # every hour's figure apart: no "67100 67"
        figures = screen.query_one("#stats-figures", DataTable)
        assert cells(figures, "service_level") == ["Service level", "62.5 %"]  # the day, and Asha's answer in 3 s
        assert cells(figures, "first_call_resolution") == ["First-call resolution", "50.0 %"]
        board = screen.query_one("#stats-leaderboard", DataTable)
        names = [str(board.get_row_at(i)[0]) for i in range(board.row_count)]
        assert names == ["Asha Verma", "Ravi Kumar", "Meena Iyer"]
        await pilot.press("ctrl+o", "ctrl+o")  # from calls handled to handle time, then first-call resolution
        assert [str(board.get_row_at(i)[0]) for i in range(board.row_count)][:2] == ["Asha Verma", "Ravi Kumar"]
        await pilot.press("ctrl+x")
        [exported] = tmp_path.glob("leaderboard-2026-11-27-to-2026-11-27.csv")
        assert [row["login"] for row in csv.DictReader(exported.open(encoding="utf-8"))] == ["asha", "ravi", "meena"]

        screen.query_one("#stats-from").value = "2026-11-26"
        await pilot.click("#stats-from")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.report.scope.period == days_period(desk, day_before(), day_of())
        assert cells(figures, "offered") == ["Offered", "11"]


def day_of():
    from datetime import date

    return date(2026, 11, 27)


def day_before():
    return day_of() - timedelta(days=1)


def test_the_team_tab_snapshot(desk, day, tmp_path, snap_compare):
    app, _, push = open_team(desk, day, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=push)


def test_the_statistics_tab_snapshot(desk, day, tmp_path, snap_compare):
    app, _, push = open_team(desk, day, tmp_path)

    async def statistics(pilot) -> None:
        await push(pilot)
        await pilot.press("alt+2")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 60), run_before=statistics)


async def test_a_lead_scores_a_call_in_the_review_dialog_and_an_operator_is_told_no(desk, day):
    app = ModalHost(CallReviewModal(desk, day.meena, day.calls["2"], "Rahul Sharma"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5", "tab")  # "5 excellent", then the comment
        await type_text(pilot, "Warm and quick")
        await pilot.press("enter")
        await settle(pilot)
    assert (app.result.score, app.result.comment, review_of(day.calls["2"]).reviewer) == (5, "Warm and quick",
                                                                                           "meena")
    app = ModalHost(CallReviewModal(desk, day.asha, day.calls["2"]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", *"Great", "enter")
        await settle(pilot)
        assert "only a team lead" in str(app.screen.query_one("#review-error").render())
    assert review_of(day.calls["2"]).score == 5


async def test_alt_1_and_alt_2_as_most_terminals_send_them_switch_the_tabs(desk, day, tmp_path):
    app, screen, push = open_team(desk, day, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await push(pilot)
        await pilot.press("trade_mark_sign")  # escape and 2, which Textual reads as the ™ of a Mac's option+2
        await settle(pilot)
        assert screen.query_one(TabbedContent).active == "stats-tab"
        await pilot.press("inverted_exclamation_mark")  # escape and 1
        assert screen.query_one(TabbedContent).active == "team-tab"


async def test_f1_on_the_team_view_names_its_keys_as_a_person_reads_them(desk, day, tmp_path):
    from calldesk.tui.screens.help import HelpScreen

    app, _, push = open_team(desk, day, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await push(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows, where = [], ""
        for key, what in _table_rows(app.screen.query_one(Static)):
            if key and not what:
                where = key  # the heading of a place's keys
            elif key:
                rows.append((where, key))
        assert ("Team", "alt+1") in rows and ("Team", "ctrl+x") in rows
        assert not [key for _, key in rows if "_" in key]  # "inverted_exclamation_mark" is no key a person presses


def _table_rows(static: Static) -> list[tuple[str, ...]]:
    columns = [list(column.cells) for column in static.content.columns]  # F1's Rich table
    return [tuple(str(cell) for cell in row) for row in zip(*columns, strict=True)]
