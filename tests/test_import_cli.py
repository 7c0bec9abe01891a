"""`calldesk import clients FILE` from a shell: a dry run first, then the import, its summary and its report; a
wrong file or option is the user's mistake: one line and exit status 2, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from calldesk.cli import main
from calldesk.desk.operators.identity import first_console
from calldesk.store.models import Client

CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"
DATA = Path(__file__).resolve().parent / "data"


def run(capsys, db_url: str, *argv: str) -> tuple[int, str, str]:
    status = main(["--config", str(CONFIG), "--db", db_url, "--operator", "lina", *argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(autouse=True)
def lina(desk):
    """Lina, the desk's lead, imports: she signs in as the OS user running the tests."""
    return first_console(desk, "lina")


@pytest.fixture
def google(tmp_path) -> Path:
    return Path(shutil.copy(DATA / "google_contacts.csv", tmp_path / "contacts.csv"))


def test_a_dry_run_shows_the_columns_and_what_would_happen(capsys, desk, db_url, google):
    status, out, _ = run(capsys, db_url, "import", "clients", str(google), "--dry-run")

    assert status == 0
    assert out.splitlines() == [
        f"{google} (CSV): name <- Name; first_name <- Given Name; middle_name <- Additional Name; "
        "last_name <- Family Name; prefix <- Name Prefix; company <- Organization 1 - Name; "
        "tags <- Group Membership; note <- Notes; phone <- Phone 1 - Value, Phone 2 - Value",
        "9 rows: 7 clients would be created, 1 would be merged, 0 unchanged, 1 rejected; 10 phones would be added "
        "(1 unverified)",
        "  line 8: no name (nor a company to use instead)",
        "dry run: nothing was changed",
    ]
    assert Client.select().count() == 0
    assert not (google.parent / "contacts.csv.rejected.csv").exists()


def test_the_import_prints_its_summary_and_writes_the_rejected_rows_beside_the_file(capsys, desk, db_url, google):
    status, out, _ = run(capsys, db_url, "import", "clients", str(google))

    report = google.parent / "contacts.csv.rejected.csv"
    assert status == 0
    assert out.splitlines()[1:] == [
        "9 rows: 7 clients created, 1 merged, 0 unchanged, 1 rejected; 10 phones added (1 unverified)",
        "  line 8: no name (nor a company to use instead)",
        f"rejected rows written to {report}",
    ]
    assert report.read_text(encoding="utf-8").splitlines() == ["line,reason",
                                                               "8,no name (nor a company to use instead)"]
    assert Client.select().count() == 7

    status, out, _ = run(capsys, db_url, "import", "clients", str(google), "--report", str(google.parent / "r.csv"))
    assert out.splitlines()[1] == "9 rows: 0 clients created, 0 merged, 8 unchanged, 1 rejected; 0 phones added " \
                                  "(0 unverified)"
    assert (google.parent / "r.csv").exists()


def test_region_and_map_options(capsys, desk, db_url, tmp_path):
    source = tmp_path / "kunden.csv"
    source.write_text("Kunde;Telefon\nJürgen Müller;030 1234567\n", encoding="utf-8")

    status, out, _ = run(capsys, db_url, "import", "clients", str(source), "--region", "de", "--map", "name=Kunde")

    assert status == 0
    assert out.splitlines()[0] == f"{source} (CSV): name <- Kunde; phone <- Telefon"
    assert Client.get().phones[0].e164 == "+49301234567"


@pytest.mark.parametrize(("argv", "message"), [
    (["--map", "surname=Family"], "--map 'surname=Family': 'surname' is not a field (fields: name, first_name, "
                                  "middle_name, last_name, prefix, company, address_as, manner, stage, tags, "
                                  "time_zone, note, phone)"),
    (["--map", "name"], "--map 'name': write it as FIELD=COLUMN, e.g. name=\"Full Name\""),
    (["--map", "name=Full Name"], "{file}: --map names column 'Full Name', which is not in the header"),
    (["--region", "XX"], "region 'XX' is not a known region code (e.g. IN, GB, US)"),
])
def test_a_wrong_option_is_one_line(capsys, desk, db_url, google, argv, message):
    status, out, err = run(capsys, db_url, "import", "clients", str(google), *argv)

    assert (status, out) == (2, "")
    assert err.startswith("calldesk: " + message.format(file=google))
    assert len(err.splitlines()) == 1


def test_a_file_that_is_not_a_contact_list_is_one_line(capsys, desk, db_url, tmp_path):
    picture = tmp_path / "contacts.csv"
    picture.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00H\x00H\x00\x00")

    status, _, err = run(capsys, db_url, "import", "clients", str(picture))
    assert (status, err) == (2, f"calldesk: {picture}: binary data, not a CSV, vCard or JSON lines file\n")

    status, _, err = run(capsys, db_url, "import", "clients", str(tmp_path / "missing.csv"))
    assert (status, err) == (2, f"calldesk: {tmp_path / 'missing.csv'}: cannot read (No such file or directory)\n")


def test_a_damaged_file_imports_its_good_rows_and_lists_the_bad_lines(capsys, desk, db_url, tmp_path):
    source = tmp_path / "book.csv"
    source.write_bytes(b'Name,Phone\nAsha Rao,"98450 11111\nRavi Kumar,98450 22222\nNul\x00Name,98450 33333\n'
                       + "Zoë Schäfer,98450 44444\n".encode("cp1252"))

    status, out, err = run(capsys, db_url, "import", "clients", str(source))

    assert (status, err) == (0, "")
    assert out.splitlines()[1:4] == [
        "4 rows: 2 clients created, 0 merged, 0 unchanged, 2 rejected; 2 phones added (0 unverified)",
        '  line 2: a quote (") opened in this row is never closed',
        "  line 4: client name contains a NUL character (\\0), which the database cannot keep",
    ]
    assert sorted(c.name for c in Client.select()) == ["Ravi Kumar", "Zoë Schäfer"]
