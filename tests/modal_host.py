"""A bare app that opens one of the console's dialogs on the real database thread, for Pilot tests."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.screen import ModalScreen

from calldesk.store.errors import StoreError
from calldesk.tui.db_thread import DatabaseAway, DatabaseThread

STYLESHEET = Path(__file__).resolve().parent.parent / "calldesk" / "tui" / "calldesk.tcss"
NOT_DISMISSED = object()


class ModalHost(App[None]):
    CSS_PATH = str(STYLESHEET)

    def __init__(self, modal: ModalScreen) -> None:
        super().__init__()
        self.db = DatabaseThread()
        self.modal = modal
        self.result: object = NOT_DISMISSED

    def on_mount(self) -> None:
        self.push_screen(self.modal, self._dismissed)

    async def attempt(self, fn, *args, **kwargs):
        """The console's one way to the database (CalldeskApp.attempt), without its outage policy: a dialog alone
        has no status bar or journal to keep."""
        try:
            return await self.db.run(fn, *args, **kwargs)
        except StoreError as exc:
            raise DatabaseAway(str(exc)) from None

    def _dismissed(self, result: object) -> None:
        self.result = result

    def on_unmount(self) -> None:
        self.db.close()


async def settle(pilot) -> None:
    """Let the database thread answer and the dialog repaint."""
    await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.05)
