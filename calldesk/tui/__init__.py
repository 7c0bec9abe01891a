"""The Textual console: screens, widgets, modals, one stylesheet. It shows state and turns keys into desk calls."""

import os

# Textual paints at most 60 frames a second, and a frame that follows another waits one to two frame times: a screen
# pop right after the queue's repaint waited 16-33 ms for its turn. At 120 that wait halves; frames are still only
# painted when something changed. Read when Textual is imported, so set here, before any of it; a user's own wins.
os.environ.setdefault("TEXTUAL_FPS", "120")

from calldesk.tui.cell_widths import draw_spacing_marks_as_terminals_do  # after the frame rate: read with Textual

draw_spacing_marks_as_terminals_do()  # before the first measure: a Devanagari name keeps every border in its column
