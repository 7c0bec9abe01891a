"""The etiquette script as a checklist: stages and steps, ticked from the keyboard.

Drawn line by line (Textual's line API) from text wrapped once per load or resize: the pane is redrawn on every
screen pop, where an OptionList cost a good part of the frame (docs/performance.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from calldesk.i18n import N_

if TYPE_CHECKING:
    from calldesk.desk.coach.script import ScriptStep


class ScriptPane(ScrollView, can_focus=True):
    """ctrl+n ticks the highlighted step and moves on, ctrl+b steps back, enter toggles a step."""

    BINDINGS = [
        Binding("up", "cursor_up", N_("Previous step"), show=False),
        Binding("down", "cursor_down", N_("Next step"), show=False),
        Binding("home", "cursor_first", N_("First step"), show=False),
        Binding("end", "cursor_last", N_("Last step"), show=False),
        Binding("enter", "toggle", N_("Tick or untick the step"), show=False),
    ]
    COMPONENT_CLASSES = {"script-pane--cursor"}
    DEFAULT_CSS = """
    ScriptPane {
        background: $surface;
        overflow-x: hidden;
        padding: 0 1;
    }
    ScriptPane > .script-pane--cursor {
        color: $foreground;
        background: $block-cursor-blurred-background;
    }
    ScriptPane:focus > .script-pane--cursor {
        color: $block-cursor-foreground;
        background: $block-cursor-background;
        text-style: $block-cursor-text-style;
    }
    """

    class StepsChanged(Message):
        """The set of steps done changed: the desk stores it with the call."""

        def __init__(self, done: frozenset[str]) -> None:
            super().__init__()
            self.done = done

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._steps: list[ScriptStep] = []
        self.done: set[str] = set()
        self._cursor = 0  # the highlighted step
        self._lines: list[tuple[int | None, Content]] = []  # each screen line: its step (None: a stage title)
        self._wrapped_to = 0  # the width the lines were wrapped for

    def load(self, steps: list[ScriptStep], done: frozenset[str] | set[str] = frozenset()) -> None:
        self._steps = steps
        self.done = set(done)
        pending = [i for i, s in enumerate(steps) if s.id not in self.done]
        self._cursor = pending[0] if pending else 0
        self._wrap()
        self.scroll_to(y=0, animate=False, immediate=True)
        self._show_cursor()

    @property
    def current(self) -> ScriptStep | None:
        return self._steps[self._cursor] if self._steps else None

    def lines_text(self) -> list[str]:
        """The pane's text, stage titles and steps, one entry each: what the operator reads."""
        return [content.plain for _, content in self._entries()]

    def advance(self) -> None:
        step = self.current
        if step is None:
            return
        self.done.add(step.id)
        self._move_to(min(self._cursor + 1, len(self._steps) - 1), rewrap=True)
        self.post_message(self.StepsChanged(frozenset(self.done)))

    def back(self) -> None:
        self._move_to(max(self._cursor - 1, 0))

    def action_cursor_up(self) -> None:
        self.back()

    def action_cursor_down(self) -> None:
        self._move_to(min(self._cursor + 1, len(self._steps) - 1))

    def action_cursor_first(self) -> None:
        self._move_to(0)

    def action_cursor_last(self) -> None:
        self._move_to(len(self._steps) - 1)

    def action_toggle(self) -> None:
        step = self.current
        if step is None:
            return
        self.done.symmetric_difference_update({step.id})
        self._move_to(self._cursor, rewrap=True)
        self.post_message(self.StepsChanged(frozenset(self.done)))

    def on_click(self, event: events.Click) -> None:
        line = int(self.scroll_offset.y) + event.y
        if 0 <= line < len(self._lines) and (step := self._lines[line][0]) is not None:
            self._move_to(step)
            self.action_toggle()

    def on_resize(self, event: events.Resize) -> None:
        if self.scrollable_content_region.width != self._wrapped_to:
            self._wrap()
            self._show_cursor()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        number = int(self.scroll_offset.y) + y
        if number >= len(self._lines):
            return Strip.blank(width, self.visual_style.rich_style)
        step, line = self._lines[number]
        style = self.get_visual_style("script-pane--cursor") if step == self._cursor else self.visual_style
        return Strip(line.render_segments(style)).adjust_cell_length(width, style.rich_style)

    def _move_to(self, step: int, *, rewrap: bool = False) -> None:
        if not self._steps:
            return
        self._cursor = step
        if rewrap:  # a tick changed a mark
            self._wrap()
        self.refresh()
        self._show_cursor()

    def _entries(self) -> list[tuple[int | None, Content]]:
        entries: list[tuple[int | None, Content]] = []
        stage = None
        for index, step in enumerate(self._steps):
            if step.stage != stage:
                stage = step.stage
                entries.append((None, Content.styled(stage, "bold underline")))
            ticked = step.id in self.done
            entries.append((index, Content.assemble(("✓ " if ticked else "· ", "green" if ticked else "dim"),
                                                    step.text)))
        return entries

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width
        self._lines = [
            (step, line) for step, content in self._entries()
            for line in (content.wrap(width) if width > 0 else [content])
        ]
        self._wrapped_to = width
        self.virtual_size = Size(width, len(self._lines))
        self.refresh()

    def _show_cursor(self) -> None:
        rows = [n for n, (step, _) in enumerate(self._lines) if step == self._cursor]
        if rows:
            self.scroll_to_region(Region(0, rows[0], 1, len(rows)), animate=False, immediate=True)
