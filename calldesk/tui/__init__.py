"""The Textual console: screens, widgets, modals, one stylesheet. It shows state and turns keys into desk calls."""

import os

# 120 frames a second, not 60: a screen pop right after a repaint waits half as long for its frame
# (docs/performance.md). Read when Textual is imported, so set here, before any of it; a user's own wins.
os.environ.setdefault("TEXTUAL_FPS", "120")

from calldesk.tui.cell_widths import draw_spacing_marks_as_terminals_do  # after the frame rate: read with Textual

draw_spacing_marks_as_terminals_do()  # before the first measure: a Devanagari name keeps every border in its column
