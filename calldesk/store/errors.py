"""Store failures worded for the user."""


class StoreError(Exception):
    """The database cannot be opened, reached or used; the message names which one and why, in one line."""
