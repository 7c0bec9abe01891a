"""The `callbacks:` section of config.yaml: read as written, and a mistake named in one line by file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from calldesk.config import CallbackRules, ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent


def _load(tmp_path: Path, section: str):
    path = tmp_path / "config.yaml"
    path.write_text("company: Acme\n" + section, encoding="utf-8")
    return load_config(path)


def test_the_example_config_keeps_the_handbooks_rules():
    rules = load_config(ROOT / "config.yaml").callbacks
    assert (rules.max_attempts, rules.release_after_minutes, rules.due_soon_minutes) == (3, 30, 10)


def test_a_callbacks_section_is_read_and_missing_keys_keep_their_defaults(tmp_path):
    rules = _load(tmp_path, "callbacks:\n  max_attempts: 5\n  retry_after_minutes: 90\n").callbacks
    assert (rules.max_attempts, rules.retry_after_minutes) == (5, 90)
    assert rules.release_after_minutes == CallbackRules().release_after_minutes


@pytest.mark.parametrize(("section", "line", "expected"), [
    ("callbacks:\n  max_attempts: 0\n", 3, "callbacks.max_attempts: must be greater than 0, got 0"),
    ("callbacks:\n  max_attempts: 2.5\n", 3, "callbacks.max_attempts: expected a whole number, got 2.5"),
    ("callbacks:\n  release_after: 30\n", 3, "callbacks.release_after: unknown key (expected abandoned_within_minutes"),
    ("callbacks:\n  due_soon_minutes: soon\n", 3, "callbacks.due_soon_minutes: expected a number, got 'soon'"),
])
def test_a_mistake_in_the_callbacks_section_is_named_by_line_and_key(tmp_path, section, line, expected):
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, section)
    assert str(caught.value).startswith(f"{tmp_path / 'config.yaml'}:{line}: {expected}")

