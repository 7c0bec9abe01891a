"""calldesk: a keyboard-first console for a company's phone desk."""

from calldesk.store.driver import import_peewee_without_psycopg

import_peewee_without_psycopg()  # before any module of ours imports Peewee: its PostgreSQL driver loads on use
