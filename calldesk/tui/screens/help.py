"""F1: every key, by screen, as remapped in config.yaml; and the legend of the caller badges."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from calldesk.desk.calls.badges import LEGEND
from calldesk.i18n import N_, _
from calldesk.tui.keys import APP_BINDINGS, DESK_BINDINGS, KEY_HELP

MODAL_KEYS = (
    (N_("Every dialog"), "escape", N_("close without changing anything")),
    (N_("Every dialog"), "tab / shift+tab", N_("next / previous field")),
    (N_("Find a client"), "down, enter", N_("go to the results, open the dossier")),
    (N_("Wrap-up"), "up/down, enter", N_("pick the disposition and finish the call, before the time the status bar "
                                         "counts down runs out (then the notes wait as a draft in My recent calls)")),
    (N_("Wrap-up"), "ctrl+g, enter", N_("in My recent calls: finish a 'wrap-up not finished', with the notes kept")),
    (N_("Transfer"), "up/down, enter", N_("pick the department or operator, then type the note and press enter")),
    (N_("Transfer"), "ctrl+t", N_("consult first: ring the operator picked while the caller holds (needs AMI or "
                                  "consult_hook)")),
    (N_("Consulting (F4)"), "up/down, enter", N_("complete: hand the caller to the colleague with the note; or "
                                                 "return to the caller")),
    (N_("Script pane"), "enter", N_("tick or untick the highlighted step")),
    (N_("Queue pane"), "up/down, enter", N_("pick any call and take it; F2 takes the next of your queues (in none: "
                                            "of any queue)")),
    (N_("Everywhere"), "tab / shift+tab", N_("move between panes")),
    (N_("Everywhere"), "ctrl+p", N_("command palette: every action by name")),
)


def key_sections(keymap: dict[str, str], extra: list[tuple[str, str, str]]) -> dict[str, list[tuple[str, str, str]]]:
    """Every key by where it works: the screen in front first (``extra``), then the desk, then the dialogs and panes;
    each as (keys, what it does, binding id or "")."""
    sections: dict[str, list[tuple[str, str, str]]] = {}
    for where, key, what in extra:
        sections.setdefault(where, []).append((key, what, ""))
    for binding in DESK_BINDINGS + APP_BINDINGS:
        if binding.id is None:
            continue  # another key for a binding listed already
        key = keymap.get(binding.id, binding.key)
        sections.setdefault(_("Desk"), []).append((key, _(KEY_HELP.get(binding.id, binding.description)),
                                                   binding.id))
    for where, key, what in MODAL_KEYS:
        sections.setdefault(_(where), []).append((key, _(what), ""))
    # not keys, but read in the same place: what the marks before a caller's name mean
    sections[_("Caller badges")] = [(mark, _(meaning), "") for mark, meaning in LEGEND]
    return sections


class HelpScreen(ModalScreen[None]):
    """Two columns, keys and what they do, under a heading for each place: readable at 80 columns, where a column
    for the place and one for the binding id left the description 12 characters."""

    BINDINGS = [Binding("escape,f1,q", "dismiss(None)", N_("Close"))]

    def __init__(self, keymap: dict[str, str], extra: list[tuple[str, str, str]] | None = None) -> None:
        super().__init__()
        self.keymap = keymap
        self.extra = extra or []

    def compose(self) -> ComposeResult:
        table = Table(expand=True, box=None, show_header=False, padding=(0, 1), pad_edge=False)
        table.add_column(_("Key"), style="bold", no_wrap=True)
        table.add_column(_("What it does"), ratio=1)
        for n, (where, keys) in enumerate(key_sections(self.keymap, self.extra).items()):
            if n:
                table.add_row("", "")  # a blank line between places
            table.add_row(Text(where, style="bold underline"), "")
            for key, what, binding_id in keys:
                table.add_row(key, Text.assemble(what, (f"  [{binding_id}]" if binding_id else "", "dim")))
        with VerticalScroll(classes="dialog wide", id="help") as dialog:
            dialog.border_title = _("Keys (escape closes)")
            dialog.border_subtitle = _("in brackets: the id to remap a key in config.yaml's keys:")
            yield Static(table)
