"""The tables that refresh every second (queue, call-backs, team view) change only what changed: a row that goes is
removed, a changed cell is rewritten, a new row is added, and a new order keeps the cursor on the same row."""

from __future__ import annotations

from textual.app import App, ComposeResult

from calldesk.tui.widgets.keyed_table import KeyedTable


class People(KeyedTable):
    COLUMNS = (("name", "Name", 10), ("state", "State", 10))


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield People()


def shown(table: People) -> list[tuple[str, ...]]:
    return [tuple(str(cell) for cell in table.get_row_at(n)) for n in range(table.row_count)]


async def test_rows_come_go_and_change_in_place_and_a_new_order_keeps_the_cursor_on_its_row():
    async with Host().run_test() as pilot:
        table = pilot.app.query_one(People)
        table.show_rows([(1, {"name": "Asha", "state": "available"}), (2, {"name": "Ravi", "state": "paused"})])
        assert shown(table) == [("Asha", "available"), ("Ravi", "paused")]

        table.move_cursor(row=1)
        table.show_rows([(2, {"name": "Ravi", "state": "on call"}), (3, {"name": "Meera", "state": "available"})])
        assert shown(table) == [("Ravi", "on call"), ("Meera", "available")]
        assert table.selected_id() == 2  # Asha's row went, Ravi's moved up: the cursor followed him

        table.show_rows([(3, {"name": "Meera", "state": "available"}), (2, {"name": "Ravi", "state": "on call"})])
        assert shown(table) == [("Meera", "available"), ("Ravi", "on call")]
        assert table.selected_id() == 2
