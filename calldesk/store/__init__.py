"""The store: Peewee models, opening SQLite or PostgreSQL from one URL, migrations and change notification."""
