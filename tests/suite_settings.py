"""The suite's settings that test modules import: from here, not from ``conftest``, which names tests/tui's
conftest too once that folder is collected first."""

from __future__ import annotations

from datetime import UTC, datetime

PG_URL_ENV = "CALLDESK_TEST_PG_URL"  # where the PostgreSQL tests run; unset: they are skipped
START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # the desk's clock at the start of every test
