"""The desk's rules: plain Python over the store, with the clock passed in. Knows nothing of Textual.

One package per part of the handbook; a rule lives once, in the package its part names:
calls/ (answer before the third ring, never leave a caller on hold), callbacks/ (a named owner and a time, every
inquiry answered within 10 hours), clients/ (address the client by name, keep a full dossier), coach/ (greet,
avoid negative language, the FAQ, practice calls), feedback/ (log complaints and suggestions), operators/ (who sits
at a console and what they may do), stats/ (peak hours, clear indicators). Beside them, what every part uses:
the desk's context and clock, its errors, the audit trail, the offline journal and the export formats.
"""
