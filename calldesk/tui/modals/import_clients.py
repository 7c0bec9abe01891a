"""Import clients from a file (CSV, vCard or calldesk's JSON lines) with a progress bar, from the command palette.

Enter on the path starts; a dry run shows what would change without writing. The import runs in a thread worker
with its own database connection (the console's database thread stays free for the queue), in chunks, so escape
stops it between two chunks: what was imported stays, and importing the file again is safe (it is idempotent).
Dismisses with the last summary, or None.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from calldesk.desk.clients.importing import ImportSummary, import_clients
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.i18n import N_, _
from calldesk.paths import expand_user
from calldesk.store.errors import StoreError
from calldesk.store.failures import failure_of, problem
from calldesk.store.models import database

HELP = "enter: import   tab, space: dry run   escape: close"
REJECTIONS_SHOWN = 5


class ImportStopped(Exception):
    """Raised from the progress callback when the worker is cancelled: the import stops between chunks."""


class ImportClientsModal(ModalScreen[ImportSummary | None]):
    BINDINGS = [Binding("escape", "close", N_("Close"))]

    def __init__(self, desk: Desk, actor: str, path: str = "") -> None:
        super().__init__()
        self.desk = desk
        self.actor = actor
        self.initial_path = path
        self.summary: ImportSummary | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="import-dialog") as dialog:
            dialog.border_title = _("Import clients")
            yield Label(_("File: CSV, vCard, or calldesk's JSON lines"))
            yield Input(self.initial_path, id="import-path", placeholder=_("e.g. ~/Downloads/contacts.csv"))
            yield Checkbox(_("Dry run: only show what would change"), id="import-dry-run")
            yield ProgressBar(id="import-progress", show_eta=False)
            yield Static("", id="import-summary")
            yield Label(HELP, classes="dialog-help")
            yield Label("", id="import-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one("#import-progress", ProgressBar).display = False
        self.query_one("#import-path", Input).focus()

    @on(Input.Submitted, "#import-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if any(w.is_running for w in self.workers if w.node is self and w.group == "import-clients"):
            return
        text = event.value.strip()
        if not text:
            self._show_error("Type the path of the file to import.")
            return
        self._show_error("")
        self.query_one("#import-summary", Static).update("")
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.run_import(expand_user(text), self.query_one("#import-dry-run", Checkbox).value)

    @work(thread=True, exclusive=True, group="import-clients", exit_on_error=False)
    def run_import(self, path: Path, dry_run: bool) -> ImportSummary:
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise ImportStopped
            self.app.call_from_thread(self._progress, done, total)

        with database.connection_context():  # this thread's own connection, closed when the import ends
            return import_clients(self.desk, path, dry_run=dry_run, progress=progress, actor=self.actor,
                                  report=None if dry_run else _report_path(path))

    def _progress(self, done: int, total: int) -> None:
        if self.is_attached:  # escape may have closed the dialog while the last chunk was written
            self.query_one("#import-progress", ProgressBar).update(total=total, progress=done)

    @on(Worker.StateChanged)
    def _import_state(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "import-clients":
            return
        if event.state == WorkerState.SUCCESS:
            self.summary = event.worker.result
            self.query_one("#import-summary", Static).update(_describe(self.summary))
        elif event.state == WorkerState.ERROR:
            self.query_one("#import-progress", ProgressBar).display = False
            error = event.worker.error
            if isinstance(error, DeskError | StoreError):
                self._show_error(str(error))
            elif failure_of(error) is not None:
                self._show_error(_("database unavailable: {problem}").format(problem=problem(error)))
            else:
                self._show_error(_("import failed: {problem}").format(problem=repr(error)))

    def _show_error(self, message: str) -> None:
        self.query_one("#import-error", Label).update(Content(message))

    def action_close(self) -> None:
        self.workers.cancel_group(self, "import-clients")
        self.dismiss(self.summary)


def _report_path(path: Path) -> Path:
    return path.with_name(path.name + ".rejected.csv")


def _describe(summary: ImportSummary) -> str:
    lines = [f"{summary.kind}: {summary.describe()}"]
    lines += ["  " + _("line {line}: {reason}").format(line=r.line, reason=r.reason)
              for r in summary.rejected[:REJECTIONS_SHOWN]]
    if summary.rejected_count and not summary.dry_run:
        lines.append(_("rejected rows written to {path}").format(path=_report_path(Path(summary.file))))
    if summary.dry_run:
        lines.append(_("Dry run: nothing was changed. Untick it and press enter on the path to import."))
    return "\n".join(lines)
