"""The Textual console: screens, widgets, modals, one stylesheet. It shows state and turns keys into desk calls."""
