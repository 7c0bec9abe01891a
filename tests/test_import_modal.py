"""From the console, a team lead imports a phone export: a dry run first, then the real import, with a progress bar
and the summary at the end; a wrong path is said in the dialog, which stays usable."""

from __future__ import annotations

from pathlib import Path

from modal_host import NOT_DISMISSED, ModalHost, settle
from textual.widgets import Checkbox, Input, Label, ProgressBar, Static

from calldesk.desk.clients.importing import ImportSummary
from calldesk.store.models import Client
from calldesk.tui.modals.import_clients import ImportClientsModal

DATA = Path(__file__).resolve().parent / "data"


def text_of(app: ModalHost, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_a_dry_run_then_the_import_with_a_progress_bar(desk):
    app = ModalHost(ImportClientsModal(desk, "lina"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.click("#import-path")
        await pilot.press(*str(DATA / "iphone_contacts.vcf"))
        await pilot.press("tab", "space", "shift+tab", "enter")  # tick "dry run", back to the path, go
        await settle(pilot)

        assert app.screen.query_one("#import-dry-run", Checkbox).value
        assert "5 clients would be created, 1 would be merged" in text_of(app, "#import-summary")
        assert "Dry run: nothing was changed" in text_of(app, "#import-summary")
        assert Client.select().count() == 0

        await pilot.press("tab", "space", "shift+tab", "enter")  # untick, import for real
        await settle(pilot)

        bar = app.screen.query_one("#import-progress", ProgressBar)
        size = (DATA / "iphone_contacts.vcf").stat().st_size
        assert (bar.total, bar.progress) == (size, size)  # the file's bytes, read to the end
        assert "vCard: 6 rows: 5 clients created, 1 merged" in text_of(app, "#import-summary")
        assert Client.select().count() == 5

        await pilot.press("escape")
        await settle(pilot)
    assert isinstance(app.result, ImportSummary) and app.result.created == 5


async def test_a_wrong_path_is_said_in_the_dialog(desk, tmp_path):
    app = ModalHost(ImportClientsModal(desk, "lina", path=str(tmp_path / "nowhere.csv")))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot)

        error = str(app.screen.query_one("#import-error", Label).render())
        assert error == f"{tmp_path / 'nowhere.csv'}: cannot read (No such file or directory)"
        assert app.result is NOT_DISMISSED

        app.screen.query_one("#import-path", Input).value = ""
        await pilot.press("enter")
        assert str(app.screen.query_one("#import-error", Label).render()) == "Type the path of the file to import."
