"""The bottom of every screen: the keys that work here, as Textual's Footer shows them, drawn as text.

Textual's Footer rebuilds a widget per key whenever the focus moves, which every screen pop does: some 30,000
objects each time, and the garbage collector's pauses for them landed in the pop's frame (docs/performance.md).

The keys flow over as many rows as they need, at most ``MAX_ROWS``, never cut mid-key; F1 (help, which lists every
key) and the command palette's key are pinned to the right edge of the last row, so they are never the ones lost.
"""

from __future__ import annotations

from textual.binding import ActiveBinding, Binding
from textual.content import Content
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

from calldesk.i18n import N_, _

MAX_ROWS = 2  # 80x24 needs two rows for the desk's keys; a third would cost the queue a caller
PINNED_ACTIONS = {"help"}  # the app's key a user who cannot find a key presses
TEXTUAL_WORDS = (N_("palette"),)  # Textual's own key names, translated where shown like ours


def _take(keys: list[Content], width: int) -> list[Content]:
    """The first of ``keys`` that fit in ``width`` columns, taken off the list."""
    taken: list[Content] = []
    used = 0
    while keys and used + keys[0].cell_length <= width:
        used += keys[0].cell_length
        taken.append(keys.pop(0))
    return taken


def lay_out_keys(keys: list[Content], pinned: list[Content], width: int) -> list[Content]:
    """The key bar's rows: ``keys`` in order, each row as full as it goes, and ``pinned`` at the right of the last
    row. Keys past ``MAX_ROWS`` rows are left out: the first keys are the most used, and F1 lists them all."""
    corner = Content.assemble("│", *pinned) if pinned else Content("")
    rest = list(keys)
    rows: list[list[Content]] = []
    while sum(k.cell_length for k in rest) + corner.cell_length > width and len(rows) < MAX_ROWS - 1:
        rows.append(_take(rest, width) or [rest.pop(0)])  # a key wider than the bar gets a row of its own, cut
    rows.append(_take(rest, width - corner.cell_length))
    lines = [Content("").join(row) for row in rows]
    room = max(width - corner.cell_length, 0)
    lines[-1] = Content.assemble(lines[-1].truncate(room, pad=True), corner)
    return lines


class KeyBar(Widget):
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--disabled"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyBar > .key-bar--disabled {
        text-style: dim;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            # the screen is laid out again only when the bar needs another number of rows
            self.refresh(layout=len(self.rows(self.size.width)) != self.size.height)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.rows(width))

    def rows(self, width: int) -> list[Content]:
        """What the bar shows at ``width`` columns, row by row."""
        key_style = self.get_visual_style("key-bar--key")
        description_style = self.get_visual_style("key-bar--description")
        dim = self.get_visual_style("key-bar--disabled")
        palette_key = self.app.COMMAND_PALETTE_BINDING
        keys: list[Content] = []
        pinned: list[Content] = []
        palette: list[Content] = []
        seen: set[str] = set()
        for key, (namespace, binding, enabled, _tooltip) in sorted(self.screen.active_bindings.items(),
                                                                    key=self._declared):
            shown = Content.assemble((f" {self.app.get_key_display(binding)} ", key_style),
                                     (_(binding.description) + " ", description_style))
            if not enabled:
                shown = shown.stylize(dim)
            if key == palette_key and self.app.ENABLE_COMMAND_PALETTE:
                palette = [shown]
            elif binding.show and binding.action not in seen:  # one key per action, as the Footer does
                seen.add(binding.action)
                (pinned if namespace is self.app and binding.action in PINNED_ACTIONS else keys).append(shown)
        return lay_out_keys(keys, pinned + palette, width)

    def _declared(self, item: tuple[str, ActiveBinding]) -> tuple[bool, int]:
        """Keys in the order their screen declares them, the app's last: Textual orders them by which widget bound the
        key first, so the desk's keys changed places when a call put the cursor in the notes."""
        namespace, binding = item[1].node, item[1].binding
        actions = [b.action for b in getattr(namespace, "BINDINGS", []) if isinstance(b, Binding)]
        return namespace is self.app, actions.index(binding.action) if binding.action in actions else len(actions)

    def render(self) -> Content:
        return Content("\n").join(self.rows(self.size.width))
