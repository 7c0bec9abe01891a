"""Clients: address the caller by name and keep a full dossier with comments.

Creating clients, matching a caller ID and searching (directory), the screen pop's dossier (dossier), notes and the
autosaved draft (notes), and importing phone books and spreadsheets in bounded memory (importing, with import_files,
import_rows and file_lines).
"""
