"""The etiquette script as a checklist: stages and steps, ticked from the keyboard."""

from __future__ import annotations

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from calldesk.desk.script import ScriptStep


class ScriptPane(OptionList):
    """ctrl+n ticks the highlighted step and moves on, ctrl+b steps back, enter toggles a step."""

    class StepsChanged(Message):
        """The set of steps done changed: the desk stores it with the call."""

        def __init__(self, done: frozenset[str]) -> None:
            super().__init__()
            self.done = done

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._steps: list[ScriptStep] = []
        self.done: set[str] = set()

    def load(self, steps: list[ScriptStep], done: frozenset[str] | set[str] = frozenset()) -> None:
        self._steps = steps
        self.done = set(done)
        self._render_options()
        pending = [i for i, s in enumerate(steps) if s.id not in self.done]
        self._highlight_step(pending[0] if pending else 0)

    def advance(self) -> None:
        step = self._current()
        if step is None:
            return
        self.done.add(step.id)
        self._render_options()
        self._highlight_step(min(self._steps.index(step) + 1, len(self._steps) - 1))
        self.post_message(self.StepsChanged(frozenset(self.done)))

    def back(self) -> None:
        step = self._current()
        if step is not None:
            self._highlight_step(max(self._steps.index(step) - 1, 0))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        step_id = event.option.id
        if step_id is None:
            return
        self.done.symmetric_difference_update({step_id})
        index = self.highlighted
        self._render_options()
        self.highlighted = index
        self.post_message(self.StepsChanged(frozenset(self.done)))

    def _current(self) -> ScriptStep | None:
        if self.highlighted is None or not self._steps:
            return None
        option = self.get_option_at_index(self.highlighted)
        return next((s for s in self._steps if s.id == option.id), None)

    def _highlight_step(self, index: int) -> None:
        if not self._steps:
            return
        self.highlighted = self.get_option_index(self._steps[index].id)

    def _render_options(self) -> None:
        options: list[Option] = []
        stage = None
        for step in self._steps:
            if step.stage != stage:
                stage = step.stage
                options.append(Option(Content.styled(stage, "bold underline"), disabled=True))
            mark = "✓" if step.id in self.done else "·"
            # Content, not Rich Text: the pane is redrawn on every screen pop, and Content skips Rich's renderer
            options.append(Option(Content.assemble((f"{mark} ", "green" if step.id in self.done else "dim"),
                                                   step.text), id=step.id))
        self.clear_options()
        self.add_options(options)
