"""My call-backs: the queue pane's second list. Mine by due time, then my department's pool; each row says when,
how long is left to the promised time, who and what about. Due-soon and overdue ones stand out. F2 starts one."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from calldesk.desk.callbacks.lines import CallbackLine
from calldesk.desk.callbacks.times import describe_moment
from calldesk.i18n import N_, _
from calldesk.tui.widgets.callback_table import STATE_STYLES, STATE_WORDS, CallbackTable, countdown


class MyCallbacks(CallbackTable):
    """Fed by the desk: ``show_lines(my_callbacks(...), now)`` after a poll, ``tick(now)`` every second."""

    COLUMNS = (("due", N_("Due"), 9), ("left", N_("Left"), 8), ("who", N_("Call-back"), 19))
    SHOWN = 200  # the first by due time; F9's board shows every one
    FIRST_PAINT = 30  # read for the desk's first paint, more than a pane shows; the rest come a frame later
    ROW_HEIGHT = 2  # the client over the reason: the pane is narrow

    def cells(self, line: CallbackLine, now: datetime) -> dict[str, object]:
        state = line.state(now, self.due_soon)
        style = STATE_STYLES[state]
        when = describe_moment(line.due_at, self.zone, now).replace("tomorrow", "tmrw")
        caller = line.caller if line.assignee_id is not None else f"{line.caller} ({_('pool')})"
        return {
            "due": Text(f"{when}\n{_(STATE_WORDS[state])}", style=style),
            "left": countdown(line, now),
            "who": Text(f"{caller}\n{line.reason}", style="italic" if line.assignee_id is None else "",
                        no_wrap=True, overflow="ellipsis"),
        }
