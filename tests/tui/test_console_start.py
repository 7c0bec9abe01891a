"""Starting the console: a bad key remap or an unknown operator is one line, never a traceback."""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def calldesk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "calldesk", *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})}, cwd=ROOT)


def test_an_unknown_binding_id_in_keys_is_one_line_with_file_and_line(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("company: Acme\nkeys:\n  answer: f12\n  anwser: f11\n", encoding="utf-8")
    result = calldesk("--config", str(config), "--db", str(tmp_path / "desk.db"), "--operator", "asha")
    assert result.returncode == 2
    assert result.stderr.startswith(f"calldesk: {config}:4: keys.anwser: unknown binding id (known: ")
    assert " answer," in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_a_remap_onto_a_key_another_binding_has_is_refused_not_silently_taken(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("company: Acme\nkeys:\n  answer: f5\n", encoding="utf-8")
    result = calldesk("--config", str(config), "--db", str(tmp_path / "desk.db"), "--operator", "asha")
    assert (result.returncode, result.stderr) == (
        2, f"calldesk: {config}:3: keys.answer: f5 is already callback's key: choose another, or move callback too\n")
    config.write_text("company: Acme\nkeys:\n  answer: f5\n  callback: f12\n", encoding="utf-8")  # a swap is fine
    assert "keys." not in calldesk("--config", str(config), "--db", str(tmp_path / "desk.db"), "--operator", "asha",
                                   env={"CALLDESK_EXIT_WHEN_READY": "1",
                                        "TEXTUAL_DRIVER": "textual.drivers.headless_driver:HeadlessDriver"}).stderr


def test_an_unknown_operator_is_refused_once_the_desk_has_operators(tmp_path):
    db = str(tmp_path / "desk.db")
    assert calldesk("--db", db, "db", "init", "--lead", "asha").returncode == 0
    result = calldesk("--db", db, "--operator", "nobody")
    assert result.returncode == 1
    assert "operator 'nobody' is not known here" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_login_typed_by_someone_the_desk_does_not_know_is_no_way_in(tmp_path):
    db = str(tmp_path / "desk.db")
    assert calldesk("--db", db, "db", "init", "--lead", "asha", "--os-user", "somebody-else").returncode == 0
    result = calldesk("--db", db, "--operator", "asha")
    assert result.returncode == 1
    assert result.stderr.endswith("is not an operator here: a team lead maps it with "
                                  f"`calldesk operator add LOGIN --os-user {getpass.getuser()}`\n")
