"""Caller badges as the queue row and the dossier header draw them: one colour per kind, so a late call-back is the
red one in both places."""

from __future__ import annotations

from rich.text import Text

from calldesk.desk.calls.badges import CallerBadges, shown

STYLES = {"vip": "bold yellow", "today": "cyan", "callback": "yellow", "late_callback": "bold red",
          "complaint": "bold magenta"}


def badge_marks(badges: CallerBadges) -> Text:
    """The marks side by side ("★2×↻!") for the queue's caller column, which has 16 cells for them and the name."""
    return Text.assemble(*((badge.mark, STYLES[badge.kind]) for badge in shown(badges)))


def badge_words(badges: CallerBadges) -> Text:
    """Each mark with its words ("★ VIP  ↻ late call-back"), for the dossier header."""
    return Text("  ").join(Text(f"{badge.mark} {badge.words}", style=STYLES[badge.kind]) for badge in shown(badges))
