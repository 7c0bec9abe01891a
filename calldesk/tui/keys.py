"""Every key of the console in one table. Each binding has an id that config.yaml's `keys:` can remap.

Desk keys are priority bindings: they work while the cursor is in the notes, where letters always type.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.binding import Binding

from calldesk.i18n import N_

# Most terminals send alt+digit as escape and the digit, which Textual 8 reads as the character a Mac's option key
# makes there (¡ ™ £); terminals with the kitty keyboard protocol send alt+digit itself. Both must work (the notes
# leave ¡ and ™ to these bindings: widgets/notes_area.py).
ALT_1, ALT_2, ALT_3 = "inverted_exclamation_mark", "trade_mark_sign", "pound_sign"

DESK_BINDINGS: list[Binding] = [
    Binding("f2", "answer", N_("Answer"), id="answer", priority=True),
    Binding("f3", "new_client", N_("Client details"), id="new_client", priority=True, show=False),
    Binding("f4", "transfer", N_("Transfer"), id="transfer", priority=True),
    Binding("f5", "callback", N_("Call-back"), id="callback", priority=True),
    Binding("f6", "end_call", N_("End call"), id="end_call", priority=True),
    Binding("f7", "faq", N_("FAQ"), id="faq", priority=True),
    Binding("f8", "feedback", N_("Complaint"), id="feedback", priority=True),
    Binding("ctrl+e", "escalate", N_("Escalate"), id="escalate", priority=True, show=False),
    Binding("ctrl+a", "alerts", N_("Alerts"), id="alerts", priority=True, show=False),
    Binding("ctrl+t", "notices", N_("Notices"), id="notices", priority=True, show=False),
    Binding("ctrl+r", "review_call", N_("Review"), id="review_call", priority=True, show=False),
    Binding("ctrl+o", "pause", N_("Pause"), id="pause", priority=True, show=False),
    Binding("ctrl+g", "recent_calls", N_("My calls"), id="recent_calls", priority=True, show=False),
    Binding("ctrl+l", "caller_line", N_("Caller"), id="caller_line", priority=True, show=False),
    Binding("f9", "board", N_("Call-backs"), id="board", priority=True),
    Binding("f10", "team", N_("Team"), id="team", priority=True),
    Binding("ctrl+f", "find_client", N_("Find"), id="find_client", priority=True),
    Binding("ctrl+s", "save_note", N_("Save note"), id="save_note", priority=True, show=False),
    Binding("ctrl+n", "next_step", N_("Next step"), id="next_step", priority=True, show=False),
    Binding("ctrl+b", "previous_step", N_("Prev step"), id="previous_step", priority=True, show=False),
    Binding("alt+1", "focus_pane('queue')", N_("Queue"), id="focus_queue", priority=True, show=False),
    Binding("alt+2", "focus_pane('notes')", N_("Dossier"), id="focus_dossier", priority=True, show=False),
    Binding("alt+3", "focus_pane('script')", N_("Script"), id="focus_script", priority=True, show=False),
    # Without ids: Textual's keymap keeps one set of keys per id, and these follow the alt+digit keys above.
    Binding(ALT_1, "focus_pane('queue')", N_("Queue"), priority=True, show=False),
    Binding(ALT_2, "focus_pane('notes')", N_("Dossier"), priority=True, show=False),
    Binding(ALT_3, "focus_pane('script')", N_("Script"), show=False),  # not priority: in the notes a £ types a £
]

APP_BINDINGS: list[Binding] = [
    Binding("f1", "help", N_("Help"), id="help", priority=True),
    Binding("ctrl+q", "quit", N_("Quit"), id="quit", priority=True),
]

KEY_HELP: dict[str, str] = {
    "help": N_("this help: every key, by screen"),
    "answer": N_("take the next caller of your queues, priority 0 first; in My call-backs, dial the selected one"),
    "new_client": N_("the caller's details: make an unknown caller a client (number filled in), or correct a client's"),
    "transfer": N_("transfer the live call to a department or operator, with a note; ctrl+t consults the operator "
                   "first (the caller holds); F4 again hands the caller over or goes back to them"),
    "end_call": N_("end the call and open wrap-up (disposition, notes); on a call-back, record how it went first"),
    "callback": N_("promise a call-back instead of hold: when, why, who (F6 then enter ends the call)"),
    "board": N_("the call-back board: every promise, its owner and deadline (leads reassign; operators see theirs)"),
    "find_client": N_("find a client by name, company or any digits of a number"),
    "team": N_("team and statistics: who is on what, service level, KPIs, peak hours, leaderboard"),
    "faq": N_("search the FAQ as you type; enter shows the answer, enter again puts it in the notes"),
    "feedback": N_("log a complaint or suggestion for this client and call"),
    "escalate": N_("flag the live call for a team lead, with a one-line reason"),
    "alerts": N_("escalations waiting for a team lead; enter acknowledges one"),
    "notices": N_("my notices (the status bar counts them): call-backs given or taken, escalations acknowledged, "
                  "calls transferred to me, call-backs due; read or not, when, from whom"),
    "review_call": N_("(leads) score a call from the client's history, 1 to 5 with a comment"),
    "pause": N_("pause with a reason (lunch, training...) or be available again"),
    "recent_calls": N_("my recent calls and how each ended; enter finishes a 'wrap-up not finished'"),
    "caller_line": N_("(training) hear the practice caller's next words"),
    "save_note": N_("keep the notes typed so far on the client's dossier"),
    "next_step": N_("tick the current script step and move to the next"),
    "previous_step": N_("go back one script step"),
    "focus_queue": N_("jump to the queue"),
    "focus_dossier": N_("jump to the notes under the dossier"),
    "focus_script": N_("jump to the script"),
    "quit": N_("quit (asks first while a call is live)"),
}


def binding_ids() -> set[str]:
    return {b.id for b in DESK_BINDINGS + APP_BINDINGS if b.id}


def key_clashes(remaps: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(remapped binding id, key, the binding id that has that key already) for each key that config.yaml's
    ``keys:`` would give two of the desk's bindings: the first would silently take it from the other."""
    keys_of = {b.id: {key.strip() for key in remaps.get(b.id, b.key).split(",")}
               for b in DESK_BINDINGS + APP_BINDINGS if b.id}
    return [(remapped, key, other) for remapped in remaps if remapped in keys_of
            for key in sorted(keys_of[remapped]) for other in keys_of
            if other != remapped and key in keys_of[other]]
