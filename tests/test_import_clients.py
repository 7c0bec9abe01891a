"""A team lead brings clients in from real exports: Google Contacts, Outlook, a European spreadsheet, an iPhone's
vCards; numbers normalised, duplicates merged, bad rows reported without stopping the others."""

from __future__ import annotations

import codecs
import csv
import json
from pathlib import Path

import pytest

from calldesk.desk.clients import directory, importing
from calldesk.desk.clients.import_files import ImportFileError
from calldesk.desk.clients.importing import import_clients
from calldesk.desk.exports import export_audit, export_clients
from calldesk.store.models import Client, Note, Phone

DATA = Path(__file__).resolve().parent / "data"


def client_named(name: str) -> dict:
    [client] = [c for c in export_clients() if c["name"] == name]
    return client


def numbers(client: dict) -> list[str]:
    return [p["e164"] or p["raw"] for p in client["phones"]]


def test_a_google_contacts_export_comes_in_without_a_map(desk):
    summary = import_clients(desk, DATA / "google_contacts.csv", actor="lina")

    assert (summary.kind, summary.rows, summary.created, summary.merged) == ("CSV", 9, 7, 1)
    assert [(r.line, r.reason) for r in summary.rejected] == [(8, "no name (nor a company to use instead)")]
    rahul = client_named("Rahul Sharma")  # rows 2 and 8: one person twice, the second adds a home number
    assert numbers(rahul) == ["+919876543210", "+912223456789", "+919876500000"]
    assert [p["label"] for p in rahul["phones"]] == ["mobile", "work", "home"]
    assert (rahul["company"], rahul["address_as"], rahul["tags"]) == ("Sharma Traders", "Mr Sharma", "Wholesale")
    assert numbers(client_named("Priya Nair")) == ["+919988776655", "+919988776656"]  # " ::: " in one cell
    assert client_named("Priya Nair")["tags"] == "VIP"  # Google's "* myContacts" and "* starred" are not tags
    assert numbers(client_named("सुनीता वर्मा")) == ["+919812345678"]
    assert numbers(client_named("Arjun Mehta")) == ["+918041234567"]  # Given Name + Family Name
    assert client_named("Bluedart Courier")["company"] == "Bluedart Courier"  # a company stands in for a name
    [ravi_phone] = client_named("Ravi Kumar")["phones"]
    assert (ravi_phone["raw"], ravi_phone["valid"]) == ("12345", False)  # kept, marked unverified
    assert summary.unverified == 1
    assert Note.select().where(Note.client == rahul["id"]).get().body.startswith("Prefers calls after 11am")
    assert [h.name for h in directory.find_clients(desk, "वर्मा")] == ["सुनीता वर्मा"]
    assert directory.match_caller(desk, "09988776656") == client_named("Priya Nair")["id"]


def test_an_outlook_export_comes_in_without_a_map(desk):
    summary = import_clients(desk, DATA / "outlook_contacts.csv")

    assert (summary.rows, summary.created, summary.rejected) == (5, 5, [])
    kapoor = client_named("Vikram Kapoor")
    assert (kapoor["address_as"], kapoor["company"], kapoor["tags"]) == ("Mr. Kapoor", "Kapoor Steel Ltd",
                                                                        "VIP, Wholesale")
    assert [(p["label"], p["e164"]) for p in kapoor["phones"]] == [("business", "+911145678900"),
                                                                   ("mobile", "+919811122233")]
    rao = client_named("Sandeep K. Rao")  # the same mobile in Mobile Phone and Primary Phone: kept once
    assert [(p["e164"], p["extension"]) for p in rao["phones"]] == [("+918022223344", "215"), ("+919845011223", "")]
    assert numbers(client_named("Sarah Thompson")) == ["+442079460321"]  # the fax is not a phone to call
    assert client_named("Reliance Digital")["tags"] == "Suppliers"


def test_a_semicolon_spreadsheet_in_windows_1252_with_its_own_region(desk):
    summary = import_clients(desk, DATA / "spreadsheet_semicolon_cp1252.csv", region="DE")

    assert summary.rows == 5  # the empty row is skipped, not counted
    assert [(r.line, r.reason) for r in summary.rejected] == [
        (6, "stage 'Verhandlung' is not one of first_contact, negotiation, contract, execution")
    ]
    muller = client_named("Jürgen Müller")
    assert (muller["company"], muller["stage"]) == ("Müller & Söhne GmbH", "negotiation")
    assert numbers(muller) == ["+49301234567", "+491712345678"]
    assert client_named("Zoë Schäfer")["stage"] == "contract"
    assert numbers(client_named("François Lefèvre")) == ["+4915298765432"]
    assert Note.select().where(Note.client == client_named("Björn Åström")["id"]).get().body == (
        "„Rückruf“ nur vormittags"
    )


def test_an_iphone_vcard_export_with_devanagari_names_and_folded_lines(desk):
    summary = import_clients(desk, DATA / "iphone_contacts.vcf")

    assert (summary.kind, summary.rows, summary.created, summary.merged, summary.rejected) == ("vCard", 6, 5, 1, [])
    anuradha = client_named("श्रीमती अनुराधा कृष्णमूर्ति")  # FN and ORG were folded mid-word
    assert anuradha["company"] == "कृष्णा टेक्सटाइल्स प्राइवेट लिमिटेड"
    assert anuradha["address_as"] == "श्रीमती कृष्णमूर्ति"
    assert [(p["label"], p["e164"]) for p in anuradha["phones"]] == [
        ("mobile", "+919447055512"), ("home", "+914842365478"), ("other", "+914844041234")]
    rahul = client_named("राहुल शर्मा")  # two cards, one person: the second adds its home number
    assert [(p["label"], p["e164"]) for p in rahul["phones"]] == [
        ("mobile", "+919876543210"), ("work", "+912223456789"), ("दुकान", "+919876511111"), ("home", "+919876522222")]
    assert "never on Sundays" in Note.select().where(Note.client == rahul["id"]).get().body
    assert [p["label"] for p in client_named("Mohammed Iqbal")["phones"]] == ["mobile", "iphone", "fax"]
    balance = client_named("दीपा (टेलर)")["phones"][1]
    assert (balance["raw"], balance["e164"], balance["valid"]) == ("*123#", None, False)
    assert directory.match_caller(desk, "+91 98765 22222") == rahul["id"]


def test_vcard_4_numbers_as_tel_uris_with_extension_and_time_zone(desk):
    summary = import_clients(desk, DATA / "contacts_v4.vcf")

    assert (summary.created, summary.rejected) == (2, [])
    desai = client_named("Anita Desai")
    assert [(p["e164"], p["extension"], p["label"]) for p in desai["phones"]] == [
        ("+919820012345", "", "mobile"), ("+912226751000", "102", "work")]
    assert (desai["time_zone"], desai["tags"], desai["address_as"]) == ("Asia/Kolkata", "Hospital, VIP", "Dr. Desai")
    assert client_named("गौरव सिंह")["time_zone"] == ""  # "-05:00" is an offset, not a zone


@pytest.mark.parametrize("name", ["google_contacts.csv", "outlook_contacts.csv", "iphone_contacts.vcf"])
def test_importing_the_same_file_again_changes_nothing(desk, name):
    import_clients(desk, DATA / name)
    before = (list(export_clients()), list(export_audit()), Note.select().count())
    desk.clock.advance(hours=1)

    again = import_clients(desk, DATA / name)

    assert (again.created, again.merged, again.phones_added) == (0, 0, 0)
    assert again.unchanged == again.rows - len(again.rejected)
    assert (list(export_clients()), list(export_audit()), Note.select().count()) == before


def test_a_dry_run_reports_the_real_counts_and_writes_nothing(desk):
    directory.create_client(desk, "Rahul Sharma", [directory.NewPhone("+91 98765 43210")])
    audit_before = list(export_audit())

    dry = import_clients(desk, DATA / "google_contacts.csv", dry_run=True)

    assert (Client.select().count(), Phone.select().count(), Note.select().count()) == (1, 1, 0)
    assert list(export_audit()) == audit_before
    real = import_clients(desk, DATA / "google_contacts.csv")
    assert (dry.created, dry.merged, dry.unchanged, dry.phones_added, dry.unverified, dry.rejected) == (
        real.created, real.merged, real.unchanged, real.phones_added, real.unverified, real.rejected)
    assert (real.created, real.merged) == (6, 2)  # Rahul existed: both of his rows merge into him


def test_a_merge_fills_empty_fields_adds_new_numbers_and_keeps_the_rest(desk, tmp_path):
    known = directory.create_client(desk, "Rahul S.", [directory.NewPhone("098765 43210", "mobile")],
                                  address_as="Rahul ji")
    source = tmp_path / "crm.csv"
    source.write_text("Name,Company,Address as,Mobile,Office phone\n"
                      "Rahul Sharma,Sharma Traders,Mr Sharma,+91 98765 43210,022 2345 6789\n", encoding="utf-8")

    summary = import_clients(desk, source, actor="lina")

    assert (summary.created, summary.merged) == (0, 1)
    rahul = client_named("Rahul S.")
    assert rahul["id"] == known
    assert (rahul["company"], rahul["address_as"]) == ("Sharma Traders", "Rahul ji")  # filled, not overwritten
    assert [(p["label"], p["e164"]) for p in rahul["phones"]] == [("mobile", "+919876543210"),
                                                                  ("office", "+912223456789")]
    assert [h.id for h in directory.find_clients(desk, "traders")] == [known]  # search text follows the merge
    merge = [e for e in export_audit() if e["action"] == "import_merge"]
    assert [(e["actor"], e["entity_id"]) for e in merge] == [("lina", known)]


def test_a_client_new_in_the_file_is_found_by_what_later_rows_of_the_file_add(desk, tmp_path):
    source = tmp_path / "book.csv"
    source.write_text("Name,Company,Phone,Mobile\n"
                      "Asha Rao,,98450 11111,\n"
                      "Asha Rao,Rao Textiles,98450 11111,98450 22222\n", encoding="utf-8")

    summary = import_clients(desk, source)

    assert (summary.created, summary.merged) == (1, 1)
    assert [h.name for h in directory.find_clients(desk, "textiles")] == ["Asha Rao"]
    assert [h.name for h in directory.find_clients(desk, "22222")] == ["Asha Rao"]


def test_duplicates_far_apart_in_a_long_file_still_make_one_client(desk, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK", 2)  # the duplicate lands in a later chunk (and transaction)
    source = tmp_path / "book.csv"
    source.write_text("Name,Phone\nAsha Rao,98450 11111\nRavi Kumar,98450 22222\nMeena Iyer,98450 33333\n"
                      "Asha Rao,+91 98450 11111; 98450 44444\nOnly A Name,\nOnly A Name,\n", encoding="utf-8")
    progress: list[tuple[int, int]] = []

    summary = import_clients(desk, source, progress=lambda done, total: progress.append((done, total)))

    assert (summary.created, summary.merged, summary.unchanged) == (4, 1, 1)
    assert numbers(client_named("Asha Rao")) == ["+919845011111", "+919845044444"]
    size = source.stat().st_size
    assert [done for done, _ in progress] == [0, size, size, size]  # the file is read ahead in blocks
    assert {total for _, total in progress} == {size}


def test_a_bad_card_never_stops_the_others(desk, tmp_path):
    source = tmp_path / "phone.vcf"
    source.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Asha Rao\r\nTEL;type=CELL:98450 11111\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN;this line is broken\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:98450 55555\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ravi Kumar\r\nTEL:98450 22222\r\nEND:VCARD\r\n", encoding="utf-8")

    summary = import_clients(desk, source)

    assert summary.created == 2
    assert [r.line for r in summary.rejected] == [6, 10]  # the line where each bad card begins
    assert summary.rejected[0].reason.startswith("not a readable vCard")
    assert summary.rejected[1].reason == "no name (nor a company to use instead)"


def test_the_rejected_rows_report_names_each_line_and_why(desk, tmp_path):
    report = tmp_path / "rejected.csv"

    import_clients(desk, DATA / "spreadsheet_semicolon_cp1252.csv", region="DE", report=report)

    with report.open(encoding="utf-8", newline="") as rows:
        assert list(csv.reader(rows)) == [
            ["line", "reason"],
            ["6", "stage 'Verhandlung' is not one of first_contact, negotiation, contract, execution"],
        ]
    import_clients(desk, DATA / "outlook_contacts.csv", report=report)
    assert not report.exists()  # nothing rejected: no stale report left from the file before


def test_columns_can_be_named_by_hand(desk, tmp_path):
    source = tmp_path / "kunden.csv"
    source.write_text("Kunde\tFirma\tHandy\tBüro\nJürgen Müller\tMüller GmbH\t0171 2345678\t030 1234567\n",
                      encoding="utf-8")

    summary = import_clients(desk, source, region="DE", mapping={"name": ["Kunde"], "company": ["firma"],
                                                                 "phone": ["Handy", "Büro"]})

    assert summary.columns == {"name": ("Kunde",), "company": ("Firma",), "phone": ("Handy", "Büro")}
    assert numbers(client_named("Jürgen Müller")) == ["+491712345678", "+49301234567"]


def test_excel_unicode_text_is_utf16_with_tabs(desk, tmp_path):
    source = tmp_path / "clients.txt"
    source.write_bytes(codecs.BOM_UTF16_LE + "Name\tMobile\r\nसुनीता वर्मा\t098123 45678\r\n".encode("utf-16-le"))

    import_clients(desk, source)

    assert numbers(client_named("सुनीता वर्मा")) == ["+919812345678"]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary data, not a CSV, vCard or JSON lines file"),
    ("clients.csv", b"PK\x03\x04\x14\x00\x06\x00", "a ZIP archive (an .xlsx workbook?), not CSV: save it as CSV first"),
    ("empty.csv", b"", "the file is empty"),
    ("blank.csv", b"\r\n  \r\n", "the file is empty"),
    ("numbers.csv", b"98450 11111,98450 22222\n98450 33333,98450 44444\n", "no column holds a name"),
    ("contacts.vcf", b"Name,Phone\nAsha,98450 11111\n", "not a vCard file (it does not start with BEGIN:VCARD)"),
])
def test_a_file_that_is_not_what_it_claims_is_one_clear_error(desk, tmp_path, name, content, message):
    source = tmp_path / name
    source.write_bytes(content)

    with pytest.raises(ImportFileError) as error:
        import_clients(desk, source)

    assert str(error.value).startswith(f"{source}: {message}")
    assert Client.select().count() == 0


def test_hostile_rows_are_kept_safely_or_rejected_one_by_one(desk, tmp_path):
    """A NUL is refused as the database's limits refuse it anywhere (store/limits.py); text that is no number is
    kept as an unverified phone, as the console keeps it."""
    source = tmp_path / "hostile.jsonl"
    records = [
        {"name": "Robert'); DROP TABLE client;--", "company": "\"Quotes\" & Co", "phones": ["+91 98450 11111"]},
        {"name": "Emoji 🙂 Client", "phones": ["+", "00", "abc"]},
        {"name": "Nul\u0000Name", "phones": [{"raw": "98450\u000022222", "label": "mo\u0000bile"}]},
        {"name": "x" * 201, "phones": ["98450 33333"]},
        ["not", "an", "object"],
    ]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n{broken\n", encoding="utf-8")

    summary = import_clients(desk, source)

    assert summary.created == 2
    assert [(r.line, r.reason) for r in summary.rejected] == [
        (3, "client name contains a NUL character (\\0), which the database cannot keep"),
        (4, "client name is too long: 201 characters (at most 200)"), (5, "not a JSON object"),
        (6, "not JSON (Expecting property name enclosed in double quotes at column 2)")]
    assert client_named("Robert'); DROP TABLE client;--")["company"] == "\"Quotes\" & Co"
    assert [(p["raw"], p["valid"]) for p in client_named("Emoji 🙂 Client")["phones"]] == [("00", False),
                                                                                         ("abc", False)]
