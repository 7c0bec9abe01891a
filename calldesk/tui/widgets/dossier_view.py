"""The dossier pane: the client's whole story in one glance, or the unknown caller's number."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.widgets import Static

from calldesk.i18n import DAY_TIME, N_, _, format_moment
from calldesk.tui.widgets.badges import badge_words

if TYPE_CHECKING:
    from calldesk.desk.clients.dossier import Dossier

HELP_IDLE = N_("No call. F2 answers the longest-waiting call; ctrl+f finds a client.")


def _when(moment: datetime, now: datetime) -> str:
    local = moment.astimezone(now.tzinfo)  # ``now`` is on the desk's clock
    if local.date() == now.date():
        return _("today {time}").format(time=f"{local:%H:%M}")
    return format_moment(local, DAY_TIME)


def _facts(rows: list[tuple[str, Text | str]]) -> Text:
    """Label and value side by side, labels padded to the longest: plain text, which Textual lays out several
    times faster than a Rich table on every screen pop."""
    width = max(cell_len(label) for label, _value in rows)
    lines = [Text.assemble((label + " " * (width + 1 - cell_len(label)), "dim"), value) for label, value in rows]
    return Text("\n").join(lines)


def render_dossier(dossier: Dossier, now: datetime) -> Text:
    title = Text(dossier.name, style="bold")
    if dossier.company:
        title.append(f" · {dossier.company}")
    header = [title]
    badges = badge_words(dossier.badges)
    if badges:
        header.append(badges)
    if dossier.last_contact is not None:
        header.append(Text.assemble((_("Last contact") + " ", "dim"), _when(dossier.last_contact.at, now) + " · ",
                                    dossier.last_contact.text))
    rows: list[tuple[str, Text | str]] = [(_("Address as"), Text(dossier.address_as or dossier.name, style="bold"))]
    if dossier.manner:
        rows.append((_("Manner"), dossier.manner))
    rows.append((_("Stage"), dossier.stage_name))
    if dossier.tags:
        rows.append((_("Tags"), dossier.tags))
    for phone in dossier.phones:
        line = Text(phone.number)
        if phone.label:
            line.append(f" ({phone.label})", style="dim")
        if not phone.valid:
            line.append(" " + _("unverified"), style="yellow")
        rows.append((_("Phone"), line))
        if phone.local_time:  # a line of its own, under the number: it is what the operator looks for
            rows.append(("", Text(_("local {time}").format(time=phone.local_time), style="cyan")))
    facts = _facts(rows)
    parts: list[Text] = [*header, facts]
    if dossier.callbacks:
        parts.append(Text(_("Promised call-backs"), style="bold underline"))
        for promise in dossier.callbacks:
            parts.append(Text(f"  {_when(promise.due_at, now)} · {promise.owner} · {promise.reason}"))
    if dossier.feedback:
        parts.append(Text(_("Open complaints and suggestions"), style="bold underline"))
        for item in dossier.feedback:
            parts.append(Text(f"  {item.kind} · {item.category} · {item.status}: {item.text}", overflow="fold"))
    parts.append(Text(_("History"), style="bold underline"))
    if not dossier.history:
        parts.append(Text("  " + _("first contact: nothing on record yet"), style="dim"))
    for item in dossier.history:
        line = Text(f"  {_when(item.at, now)} ", style="dim")
        line.append(item.text if item.kind == "call" else f"“{item.text}”",
                    style="" if item.kind == "call" else "italic")
        if item.score is not None:
            line.append(" · " + _("reviewed {score}/5").format(score=item.score), style="magenta")
        if item.who:
            line.append(f" — {item.who}", style="dim")
        parts.append(line)
    return Text("\n", overflow="fold").join(parts)  # one Text: Textual draws it natively, a Rich Group it cannot


def _with_banner(banner: str, body: Text) -> Text:
    return Text.assemble((banner, "bold reverse"), "\n\n", body) if banner else body


class DossierView(VerticalScroll, can_focus=False):
    subject = ""  # who the dossier is about: the client's name, "unknown caller", or "" when idle

    def compose(self):
        yield Static(_(HELP_IDLE), id="dossier-body")

    def on_mount(self) -> None:
        self._about("")

    def show_dossier(self, dossier: Dossier, now: datetime, banner: str = "") -> None:
        """``now`` on the desk's clock, which the history's times are shown on. ``banner``: a line above the
        dossier, such as the note a colleague transferred the call with."""
        self._about(dossier.name)
        self.query_one("#dossier-body", Static).update(_with_banner(banner, render_dossier(dossier, now)))
        self.scroll_home(animate=False)

    def show_unknown(self, number: str, caller_name: str, banner: str = "") -> None:
        self._about(_("unknown caller"))
        body = _with_banner(banner, Text.assemble(
            (_("Unknown caller") + " ", "bold"), number,
            f" ({caller_name})" if caller_name else "",
            "\n\n" + _("F3 creates a client with this number; ctrl+f finds an existing one."),
        ))
        self.query_one("#dossier-body", Static).update(body)

    def show_idle(self) -> None:
        self._about("")
        self.query_one("#dossier-body", Static).update(_(HELP_IDLE))

    def _about(self, subject: str) -> None:
        self.subject = subject
        self.border_title = _("Dossier") + f" · {escape(subject)}" if subject else _("Dossier")
