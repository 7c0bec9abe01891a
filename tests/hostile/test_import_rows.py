"""A team lead imports a file someone else made a mess of: each bad row is rejected alone, with its line and why, and
every good row around it comes in, alike on SQLite and PostgreSQL, in bounded memory."""

from __future__ import annotations

import json
import multiprocessing
import os
import tracemalloc
from pathlib import Path

import pytest

from calldesk.desk.calls.queue_log import import_queue_log
from calldesk.desk.clients import import_rows
from calldesk.desk.clients.importing import import_clients
from calldesk.desk.exports import export_clients
from calldesk.store.models import Call, Client


def imported(summary) -> tuple[int, list[tuple[int, str]]]:
    return summary.created, [(r.line, r.reason) for r in summary.rejected]


def names() -> set[str]:
    return {c["name"] for c in export_clients()}


def test_one_stray_quote_rejects_its_row_and_not_the_thousand_after_it(desk, tmp_path):
    source = tmp_path / "book.csv"
    rows = ["Name,Phone", 'Asha Rao,"98450 11111'] + [f"Person {n},98450 {n:05d}" for n in range(1000)]
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")

    summary = import_clients(desk, source)

    assert imported(summary) == (1000, [(2, 'a quote (") opened in this row is never closed')])
    assert {"Person 0", "Person 999"} <= names()


def test_two_stray_quotes_do_not_stitch_the_rows_between_them_into_one(desk, tmp_path):
    source = tmp_path / "book.csv"
    source.write_text('Name,Company,Phone\nAsha Rao,"Rao & Co,98450 11111\nRavi Kumar,Kumar Ltd,98450 22222\n'
                      'Meena Iyer,Iyer",98450 33333\nJohn Doe,"Doe, Inc.",98450 44444\n', encoding="utf-8")

    summary = import_clients(desk, source)

    assert imported(summary) == (3, [(2, 'a quote (") opened in this row is never closed')])
    assert names() == {"Ravi Kumar", 'Meena Iyer', "John Doe"}
    assert [c["company"] for c in export_clients() if c["name"] == "John Doe"] == ["Doe, Inc."]


def test_a_note_with_line_breaks_is_still_one_row(desk, tmp_path):
    source = tmp_path / "book.csv"
    source.write_text('Name,Notes,Phone\nAsha Rao,"calls after 11,\nnever on Sundays",98450 11111\n'
                      "Ravi Kumar,,98450 22222\n", encoding="utf-8")

    assert imported(import_clients(desk, source)) == (2, [])


def test_a_file_mixing_utf8_and_windows_1252_lines_reads_each_line_right(desk, tmp_path):
    source = tmp_path / "merged.csv"
    source.write_bytes("Name,Phone\nJürgen Müller,98450 11111\n".encode()
                       + "Zoë Schäfer,98450 22222\n".encode("cp1252") + "सुनीता वर्मा,98450 33333\n".encode())

    summary = import_clients(desk, source)

    assert imported(summary) == (3, [])
    assert names() == {"Jürgen Müller", "Zoë Schäfer", "सुनीता वर्मा"}


def test_a_phone_that_is_no_number_is_kept_unverified_as_the_console_keeps_it(desk, tmp_path):
    source = tmp_path / "book.csv"
    source.write_text("Name,Phone\nAsha Rao,call me maybe\nRavi Kumar,-\n", encoding="utf-8")

    summary = import_clients(desk, source)

    assert (summary.created, summary.unverified) == (2, 1)
    [asha] = [c for c in export_clients() if c["name"] == "Asha Rao"]
    assert [(p["raw"], p["valid"]) for p in asha["phones"]] == [("call me maybe", False)]


@pytest.mark.parametrize(("line", "reason"), [
    ('{"name": "Bad Phones", "phones": 5}', "phones should be a list or text, not a number"),
    ('{"name": "Bad Phone", "phones": [["98450 11111"]]}', "a phone should be text or a number, not a list"),
    ('{"name": {"first": "Asha"}}', "name should be text, not an object"),
    ('{"name": "Half \\ud800 Pair"}', "client name holds broken text at character 6 (half of a UTF-16 pair): "
                                      "not stored"),
    ('{"name": "Nul \\u0000 Name"}', "client name contains a NUL character (\\0), which the database cannot keep"),
    ('{"name": "Long Number", "phones": ["' + "9" * 70 + '"]}', "phone raw is too long: 70 characters (at most 64)"),
    ("[" * 100_000 + "]" * 100_000, "not JSON calldesk reads (nested too deep)"),
], ids=["phones-a-number", "phone-a-list", "name-an-object", "lone-surrogate", "nul", "long-number", "deep"])
def test_a_json_line_the_desk_cannot_keep_is_rejected_alone(desk, tmp_path, line, reason):
    source = tmp_path / "clients.jsonl"
    good = [json.dumps({"name": f"Client {n}", "phones": [f"98450 1111{n}"]}) for n in range(2)]
    source.write_text(f"{good[0]}\n{line}\n{good[1]}\n", encoding="utf-8")

    summary = import_clients(desk, source)

    assert imported(summary) == (2, [(2, reason)])
    assert names() == {"Client 0", "Client 1"}


@pytest.mark.parametrize(("cell", "reason"), [
    ("Nul\x00Name", "client name contains a NUL character (\\0), which the database cannot keep"),
    ("N" * 201, "client name is too long: 201 characters (at most 200)"),
], ids=["nul", "too-long"])
def test_a_csv_row_the_database_cannot_keep_is_rejected_alone_on_both_backends(desk, tmp_path, cell, reason):
    source = tmp_path / "book.csv"
    source.write_text(f"Name,Phone\nAsha Rao,98450 11111\n{cell},98450 22222\nRavi Kumar,98450 33333\n",
                      encoding="utf-8")

    assert imported(import_clients(desk, source)) == (2, [(3, reason)])
    assert names() == {"Asha Rao", "Ravi Kumar"}


def test_unreadable_bytes_reject_their_line_alone(desk, tmp_path):
    source = tmp_path / "book.csv"
    source.write_bytes(b"Name,Phone\nAsha Rao,98450 11111\nJunk \x81\x8d\x8f,98450 22222\nRavi Kumar,98450 33333\n")

    assert imported(import_clients(desk, source)) == (2, [(3, "not readable text (neither UTF-8 nor Windows-1252)")])


def test_a_huge_line_is_skipped_unread_and_memory_stays_small(desk, tmp_path):
    source = tmp_path / "book.csv"
    with source.open("w", encoding="utf-8") as out:
        out.write("Name,Phone\nAsha Rao,98450 11111\n")
        out.write("x" * 30_000_000 + ",98450 22222\n")
        out.write("Ravi Kumar,98450 33333\n")

    tracemalloc.start()
    try:
        summary = import_clients(desk, source)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert imported(summary) == (2, [(3, "the line is longer than 1,048,576 characters")])
    assert peak < 10_000_000  # the file is 30 MB: it was never held whole


def test_a_big_file_prepared_in_a_second_process_comes_in_as_a_small_one_does(desk, tmp_path, monkeypatch):
    source = tmp_path / "book.csv"
    rows = ["Name,Phone"] + [f"Person {n},98450 {n:05d}" for n in range(3000)] + ['Asha Rao,"98450 11111']
    source.write_text("\n".join([*rows[:1500], ",98450 99999", *rows[1500:]]) + "\n", encoding="utf-8")
    monkeypatch.setattr(import_rows, "PREPARE_APART_FROM", 0)  # every file is big

    summary = import_clients(desk, source)

    assert imported(summary) == (3000, [(1501, "no name (nor a company to use instead)"),
                                        (3003, 'a quote (") opened in this row is never closed')])


def test_rows_are_prepared_here_when_the_second_process_dies(desk, tmp_path, monkeypatch):
    source = tmp_path / "book.csv"
    source.write_text("Name,Phone\nAsha Rao,98450 11111\n,98450 22222\n", encoding="utf-8")
    monkeypatch.setattr(import_rows, "PREPARE_APART_FROM", 0)
    monkeypatch.setattr(import_rows, "prepared_rows", _dies_in_a_child)

    assert imported(import_clients(desk, source)) == (1, [(3, "no name (nor a company to use instead)")])


PREPARED_ROWS = import_rows.prepared_rows


def _dies_in_a_child(*args):
    """Rows prepared as usual here, and a helper process killed as the machine might kill it."""
    if multiprocessing.parent_process() is not None:
        os._exit(1)
    return PREPARED_ROWS(*args)


def test_a_vcard_never_ended_rejects_that_card_and_not_the_cards_after_it(desk, tmp_path):
    source = tmp_path / "phone.vcf"
    source.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Asha Rao\r\nTEL:98450 11111\r\n"
                      + "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {n}\r\nTEL:98450 {n:05d}\r\nEND:VCARD\r\n"
                                for n in range(300)), encoding="utf-8")

    summary = import_clients(desk, source)

    assert imported(summary) == (300, [(1, "no END:VCARD for this card")])


def test_every_rejected_row_is_in_the_report_though_the_summary_keeps_the_first_thousand(desk, tmp_path):
    source = tmp_path / "book.csv"
    source.write_text("Name,Phone\n" + ",98450 11111\n" * 1500 + "Asha Rao,98450 22222\n", encoding="utf-8")
    report = tmp_path / "rejected.csv"

    summary = import_clients(desk, source, report=report)

    assert (summary.created, summary.rejected_count, len(summary.rejected)) == (1, 1500, 1000)
    assert len(report.read_text(encoding="utf-8").splitlines()) == 1 + 1500
    assert Client.select().count() == 1


def test_a_report_path_that_cannot_be_written_stops_the_import_before_it_starts(desk, tmp_path):
    source = tmp_path / "book.csv"
    source.write_text("Name,Phone\nAsha Rao,98450 11111\n", encoding="utf-8")

    with pytest.raises(Exception, match="cannot write the report"):
        import_clients(desk, source, report=tmp_path / "no" / "such" / "folder.csv")
    assert Client.select().count() == 0


def test_progress_goes_by_the_bytes_of_the_file(desk, tmp_path):
    source = tmp_path / "book.csv"
    source.write_text("Name,Phone\n" + "".join(f"P {n},98450 {n:05d}\n" for n in range(5000)), encoding="utf-8")
    seen: list[tuple[int, int]] = []

    import_clients(desk, source, progress=lambda done, total: seen.append((done, total)))

    size = Path(source).stat().st_size
    assert seen[0] == (0, size) and seen[-1] == (size, size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_queue_log_line_with_no_sane_number_or_text_the_database_cannot_keep_is_malformed_alone(desk, tmp_path):
    t0 = 1793590200
    log = tmp_path / "queue_log"
    log.write_text("\n".join([
        f"{t0}|1.1|support|NONE|ENTERQUEUE||9876543210|1",
        f"{t0 + 5}|1.1|support|SIP/1001|CONNECT|5|x|1",
        f"{t0 + 65}|1.1|support|SIP/1001|COMPLETECALLER|5|60|1",
        f"{t0 + 70}|2.1|support|NONE|ENTERQUEUE||9876543211|1",
        f"{t0 + 75}|2.1|support|SIP/1001|CONNECT|nan|x|1",
        f"{t0 + 80}|2.1|support|SIP/1001|COMPLETEAGENT|inf|60|1",
        f"{t0 + 90}|2.1|support|NONE|ABANDON|1|1|1e20",
        f"{t0 + 95}|{'9' * 70}|support|NONE|ENTERQUEUE||9876543212|1",
        f"{t0 + 96}|3.1|support|NONE|ENTERQUEUE||98765\x0043213|1",
        f"{t0 + 100}|2.1|support|NONE|ABANDON|1|1|30",
        f"{t0 + 110}|4.1|support|NONE|ENTERQUEUE||9876543214|1",
        f"{t0 + 120}|4.1|support|NONE|EXITWITHTIMEOUT|1|1|10",
    ]) + "\n", encoding="utf-8")

    report = import_queue_log(desk, log)

    assert report.malformed == [
        (5, "CONNECT: data1 (nan) is no duration (at most a day)"),
        (6, "COMPLETEAGENT: data1 (inf) is no duration (at most a day)"),
        (7, "ABANDON: data3 (1e20) is no duration (at most a day)"),
        (8, "call external id is too long: 70 characters (at most 64)"),
        (9, "call number raw contains a NUL character (\\0), which the database cannot keep"),
    ]
    assert {c.external_id: c.status for c in Call.select()} == {"1.1": "completed", "2.1": "abandoned",
                                                               "4.1": "abandoned"}
