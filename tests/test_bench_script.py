"""A developer runs scripts/bench.py on a tiny database and gets the table and the JSON file of figures.

No timing is asserted here (figures are benchmarks, not tests): this only keeps the benchmark runnable as the desk
and the console change under it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_benchmark_measures_a_tiny_desk_and_writes_its_figures(tmp_path: Path) -> None:
    results = tmp_path / "bench.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--clients", "300", "--calls", "2000",
         "--db", str(tmp_path / "bench.sqlite3"), "--only", "search,caller,dossier,queue,pop",
         "--samples", "3", "--queue-length", "20", "--pop-samples", "2", "--json", str(results)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert run.returncode in (0, 1), run.stderr[-2000:]  # 1 means a target was missed, which is no failure here
    assert "search names p95" in run.stdout
    figures = {f["name"]: f for f in json.loads(results.read_text(encoding="utf-8"))["figures"]}
    for name in ("search phone digits p95", "caller match last 8 digits p95", "dossier build p95",
                 "open_call (all the domain work of a screen pop) p95", "queue refresh, 20 waiting (query + table "
                 "diff, with badges) p95", "screen pop in the app (F2 to dossier painted) p95",
                 "handset answer to dossier painted p95"):
        assert figures[name]["value"] is not None, name
        assert figures[name]["target"] is not None, name
    assert "screen pop cycles that stalled" not in figures
    assert "handset pop cycles that stalled" not in figures


def test_the_benchmark_refuses_to_overwrite_a_database_it_did_not_make(tmp_path: Path) -> None:
    precious = tmp_path / "calldesk.db"
    precious.write_bytes(b"the team's real data")
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--db", str(precious), "--only", "search"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )
    assert run.returncode != 0
    assert "was not made by bench.py" in run.stderr
    assert "Traceback" not in run.stderr
    assert precious.read_bytes() == b"the team's real data"


def test_cold_start_times_both_apps_from_spawn_to_painted(tmp_path: Path) -> None:
    """The console and the bare app each say on stderr when they are painted: cold start is read from that, and
    the process's whole life, which adds its teardown, is reported beside it."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "cold_start.py"), "--db", str(tmp_path / "desk.sqlite3"),
         "--runs", "1"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    rows = {line.split()[0]: line.split() for line in run.stdout.splitlines() if line.split()}
    for app in ("console", "bare"):
        painted, life = float(rows[app][1]), float(rows[app][3])
        assert 0 < painted < life, run.stdout


def test_every_section_runs_at_a_tiny_size_in_one_run_so_none_rots_unseen(tmp_path: Path) -> None:
    """The sections a full run has after the desk's own (cold start, call-backs, coach, statistics, AMI, import,
    team, the junk import, the wallboard) run end to end at a tiny size, in one run as a full one does: a moved
    import, a changed rule, or a section leaving the next one a database of its own breaks this test, not the next
    person's measurement."""
    results = tmp_path / "bench.json"
    sections = ("cold", "callbacks", "coach", "stats", "ami", "import", "team", "junk_import", "wallboard")
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--clients", "300", "--calls", "2000",
         "--db", str(tmp_path / "bench.sqlite3"), "--only", ",".join(sections), "--samples", "3",
         "--section-size", "200", "--cold-runs", "1", "--junk-rows", "3000", "--json", str(results)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert run.returncode in (0, 1), run.stderr[-2000:]
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    figures = json.loads(results.read_text(encoding="utf-8"))["figures"]
    assert not [f for f in figures if f["name"] in sections], "a section failed or was skipped"
    for section in sections:
        mine = [f for f in figures if f["name"].startswith(f"{section}: ") or f["name"].startswith("cold start")]
        assert mine and all(f["value"] is not None or f["note"] for f in mine), (section, mine)
    named = {f["name"]: f for f in figures}
    # the junk CSV (stray quotes, binary bytes, NULs, over-long fields, mixed encodings): every row taken or rejected
    taken, rejected = named["junk_import: rows taken"]["value"], named["junk_import: rows rejected"]["value"]
    assert taken > 1500 and rejected > 300, (taken, rejected)
    assert named["junk_import: peak memory"]["target"] == 300
    refresh = named["wallboard: refresh (read + painted), 50 operators / 500 waiting p95"]
    assert refresh["value"] is not None and refresh["target"] == 20
    served = named["wallboard: served: ring to visible in the browser p95"]
    assert served["value"] is not None or "skipped: no chromium" in served["note"], served
