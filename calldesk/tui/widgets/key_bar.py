"""The bottom line of every screen: the keys that work here, as Textual's Footer shows them, drawn as one line of text.

Textual's Footer rebuilds a widget per key whenever the focus moves, which every screen pop does: some 30,000
objects each time, and the garbage collector's pauses for them (25 to 250 ms) landed in the pop's frame.
"""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget


class KeyBar(Widget):
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--disabled"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
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
            self.refresh()

    def render(self) -> Content:
        key_style = self.get_visual_style("key-bar--key")
        description_style = self.get_visual_style("key-bar--description")
        dim = self.get_visual_style("key-bar--disabled")
        palette_key = self.app.COMMAND_PALETTE_BINDING
        keys: list[Content] = []
        palette: Content | None = None
        seen: set[str] = set()
        for key, (_, binding, enabled, _) in self.screen.active_bindings.items():
            shown = Content.assemble((f" {self.app.get_key_display(binding)} ", key_style),
                                     (f"{binding.description} ", description_style))
            if not enabled:
                shown = shown.stylize(dim)
            if key == palette_key and self.app.ENABLE_COMMAND_PALETTE:
                palette = shown
            elif binding.show and binding.action not in seen:  # one key per action, as the Footer does
                seen.add(binding.action)
                keys.append(shown)
        line = Content("").join(keys)
        if palette is None:
            return line
        # the palette's key sits at the right edge, as in Textual's Footer
        room = self.size.width - palette.cell_length - 1
        return Content.assemble(line.truncate(max(room, 0), pad=True), "│", palette)
