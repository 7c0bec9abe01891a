"""Reading a phone book or a spreadsheet into contacts: CSV (Google Contacts, Outlook, any header), vCard, and
calldesk's own JSON lines export.

The file streams a line at a time (desk/clients/file_lines.py),
and each entry becomes a ``Contact`` only when the importer
asks. A bad entry is a ``RowProblem`` for its first line, never more: a quote or a vCard left open takes at most
``MAX_RECORD_LINES`` lines, and when it is found broken the lines after its first are read again on their own, so one
stray quote cannot swallow the rest of the file. A file that is not what it claims raises ``ImportFileError``, one
line naming the file.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from calldesk.config import TAG_SEPARATORS
from calldesk.desk.clients.directory import NewPhone
from calldesk.desk.clients.file_lines import FileLine, FileLines
from calldesk.desk.errors import DeskError
from calldesk.store.models import Phone

MAPPABLE_FIELDS = ("name", "first_name", "middle_name", "last_name", "prefix", "company", "address_as", "manner",
                   "stage", "tags", "time_zone", "note", "phone")
DELIMITERS = (",", ";", "\t", "|")
MAX_LABEL_LENGTH = Phone.label.max_length
VCARD_SUFFIXES = (".vcf", ".vcard")
MAX_RECORD_LINES = 1000  # lines one CSV row (a quoted cell with line breaks) or one vCard may take
MAX_RECORD_CHARS = 1 << 20
BINARY_SHARE = 20  # a file whose first bytes are more than 1 in 20 control characters is no text file
UNCLOSED_QUOTE = 'a quote (") opened in this row is never closed'

# Header names (folded, see _header_key) that feed each field; the first one present wins.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "display name", "client", "client name", "contact", "contact name", "customer",
             "customer name", "नाम"),
    "first_name": ("first name", "given name", "firstname", "first"),
    "middle_name": ("middle name", "additional name", "middlename"),
    "last_name": ("last name", "family name", "surname", "lastname", "last"),
    "prefix": ("title", "name prefix", "prefix", "honorific"),
    "company": ("company", "organization 1 - name", "organization name", "organization", "organisation",
                "company name", "org", "firm", "business name", "कंपनी"),
    "address_as": ("address as", "salutation", "how to address"),
    "manner": ("manner", "manner note"),
    "stage": ("stage", "relationship stage"),
    "tags": ("tags", "labels", "group membership", "categories", "groups"),
    "time_zone": ("time zone", "timezone", "tz"),
    "note": ("notes", "note", "comments", "comment", "remarks"),
}
PHONE_WORDS = re.compile(r"\b(phone|phones|telephone|mobile|cell|tel|telefon|teléfono|téléphone|handy|mobil|फ़ोन|फोन|"
                         r"मोबाइल)\b")
GOOGLE_PHONE = re.compile(r"^phone (\d+) - value$")
LABEL_NOISE = re.compile(r"\b(phone|phones|telephone|tel|telefon|teléfono|téléphone|number|numbers|no)\b|[\d#:.\-]")
NUMBER_SEPARATORS = re.compile(r":::|[;,|\n]")


class ImportFileError(DeskError):
    """The file as a whole cannot be imported; ``str(error)`` names the file and says why."""


class RowProblem(Exception):
    """One row or card cannot be imported; ``str(problem)`` is the reason written to the report."""


@dataclass
class Contact:
    """One person as the file describes them, before matching."""

    name: str = ""
    company: str = ""
    address_as: str = ""
    manner: str = ""
    stage: str = ""
    tags: str = ""
    time_zone: str = ""
    note: str = ""  # kept as a note on the dossier of a client the import creates
    phones: list[NewPhone] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ClientFile:
    """A contacts file being read: its entries come one at a time, each made a ``Contact`` only when asked."""

    kind: str  # "CSV", "vCard" or "JSON lines"
    entries: Iterator[tuple[int, Any]]  # (line number, the entry as read, or the RowProblem that spoils it)
    decode: Callable[[Any], Contact]  # raises RowProblem; picklable, for the process that prepares rows
    lines: FileLines  # its size and position feed a progress bar
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # CSV: which columns feed each field


def parse_column_map(specs: list[str]) -> dict[str, list[str]]:
    """``["name=Full Name", "phone=Mobile", "phone=Work"]`` as a field -> columns map; phone may repeat."""
    mapping: dict[str, list[str]] = {}
    for spec in specs:
        key, sep, column = spec.partition("=")
        key, column = key.strip().lower().replace("-", "_"), column.strip()
        if not sep or not column:
            raise DeskError(f"--map {spec!r}: write it as FIELD=COLUMN, e.g. name=\"Full Name\"")
        if key not in MAPPABLE_FIELDS:
            raise DeskError(f"--map {spec!r}: {key!r} is not a field (fields: {', '.join(MAPPABLE_FIELDS)})")
        mapping.setdefault(key, []).append(column)
    return mapping


@contextmanager
def open_client_file(path: Path, mapping: dict[str, list[str]] | None = None) -> Iterator[ClientFile]:
    """Open the file and tell its format by its content (a .vcf must hold vCards); closed when the block ends."""
    try:
        binary = path.open("rb")
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read ({exc.strerror})") from None
    with binary:
        lines = FileLines(binary)
        _refuse_binaries(lines, path)
        first = _first_text_line(lines, path)
        lines.give_back([first])
        head = first.text.lstrip()
        is_vcard = head[:11].casefold() == "begin:vcard"
        if path.suffix.lower() in VCARD_SUFFIXES and not is_vcard:
            raise ImportFileError(f"{path}: not a vCard file (it does not start with BEGIN:VCARD)")
        if (is_vcard or head.startswith("{")) and mapping:
            raise ImportFileError(f"{path}: --map applies to CSV files only")
        if is_vcard:
            yield ClientFile("vCard", _vcard_entries(lines), _vcard_contact, lines)
        elif head.startswith("{"):
            yield ClientFile("JSON lines", _json_entries(lines), _json_contact, lines)
        else:
            yield _csv_file(lines, mapping or {}, path)


def _first_text_line(lines: FileLines, path: Path) -> FileLine:
    while (line := lines.take()) is not None:
        if line.problem:
            raise ImportFileError(f"{path}: line {line.number}: {line.problem}")
        if line.text.strip():
            return line
    raise ImportFileError(f"{path}: the file is empty")


def _refuse_binaries(lines: FileLines, path: Path) -> None:
    data = lines.head
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(f"{path}: a ZIP archive (an .xlsx workbook?), not CSV: save it as CSV first")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(f"{path}: an old Excel (.xls) workbook, not CSV: save it as CSV first")
    if data.startswith(b"%PDF"):
        raise ImportFileError(f"{path}: a PDF document, not a CSV, vCard or JSON lines file")
    controls = 0 if lines.utf16 else sum(data.count(bytes([b])) for b in range(32) if b not in b"\t\n\r\f")
    if controls * BINARY_SHARE > len(data):
        raise ImportFileError(f"{path}: binary data, not a CSV, vCard or JSON lines file")


# --- CSV ----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _PhoneColumn:
    """A CSV column of phone numbers, and the label its numbers get."""

    value: int  # position in the kept cells
    kind: int | None  # position of Google's "Phone N - Type" cell, if any
    label: str


@dataclass(frozen=True, slots=True)
class _CsvLayout:
    """How a CSV file's header maps onto a contact: the cells worth keeping and which field each one feeds."""

    kept: tuple[int, ...]  # header positions kept from each row (an Outlook row has 90 cells, most unused)
    single: dict[str, int]  # field -> position in the kept cells
    phones: tuple[_PhoneColumn, ...]
    columns: dict[str, tuple[str, ...]]


def _header_key(header: str) -> str:
    return re.sub(r"\s+", " ", header.replace("_", " ")).strip().strip('"').casefold()


def _sniff_delimiter(first_line: str) -> str:
    """The candidate that splits the header into the most cells (quotes respected); a comma on a tie."""
    best, best_count = ",", 1
    for delimiter in DELIMITERS:
        count = len(next(csv.reader([first_line], delimiter=delimiter), []))
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _csv_file(lines: FileLines, mapping: dict[str, list[str]], path: Path) -> ClientFile:
    first = lines.take()
    assert first is not None  # open_client_file gave it back
    text = first.text.strip()
    hint = text.casefold().startswith("sep=") and len(text) == 5  # Excel's first line: "sep=;"
    if not hint:
        lines.give_back([first])
    delimiter = text[4] if hint else _sniff_delimiter(text)
    header = _csv_record(lines, delimiter, None)
    if header is None:
        raise ImportFileError(f"{path}: no header row")
    if isinstance(header[1], RowProblem):
        raise ImportFileError(f"{path}: line {header[0]}: {header[1]}")
    layout = _csv_layout(header[1], mapping, path)
    width = len(header[1])

    def entries() -> Iterator[tuple[int, Any]]:
        while (record := _csv_record(lines, delimiter, width)) is not None:
            number, row = record
            if isinstance(row, RowProblem):
                yield number, row
            elif any(cell.strip() for cell in row):
                yield number, tuple(row[i] if i < len(row) else "" for i in layout.kept)

    return ClientFile("CSV", entries(), partial(_csv_contact, layout), lines, layout.columns)


def _csv_record(lines: FileLines, delimiter: str, width: int | None) -> tuple[int, list[str] | RowProblem] | None:
    """The next row (its first line's number, its cells), or None at the end; a broken row is a RowProblem and,
    when it took several lines, every line after its first is given back to be read on its own."""
    first = lines.take()
    while first is not None and not first.problem and not first.text.strip():
        first = lines.take()
    if first is None:
        return None
    if first.problem:
        return first.number, RowProblem(first.problem)
    taken = [first]
    ran_out = False

    def feed() -> Iterator[str]:
        nonlocal ran_out
        yield first.text
        size = len(first.text)
        while len(taken) < MAX_RECORD_LINES and size < MAX_RECORD_CHARS and (line := lines.take()) is not None:
            taken.append(line)
            size += len(line.text)
            yield line.text
        ran_out = True  # the reader asked for more: a quote is still open

    try:
        cells = next(csv.reader(feed(), delimiter=delimiter), [])
        problem = UNCLOSED_QUOTE if ran_out or _rows_inside(taken, cells, delimiter, width) else ""
    except csv.Error as exc:
        problem = f"not CSV ({exc})"
    if problem:
        lines.give_back(taken[1:])
        return first.number, RowProblem(problem)
    if broken := next((line for line in taken if line.problem), None):
        return first.number, RowProblem(f"line {broken.number}: {broken.problem}")
    return first.number, cells


def _rows_inside(taken: list[FileLine], cells: list[str], delimiter: str, width: int | None) -> bool:
    """Whether a row spanning lines is rows stitched by two stray quotes: more cells than the header, or a line
    within it that is a whole row by itself (a note's line break never is)."""
    if len(taken) == 1 or width is None:
        return False
    if len(cells) > width:
        return True
    return width >= 3 and any(len(next(csv.reader([line.text], delimiter=delimiter), [])) >= width
                              for line in taken[1:])


def _csv_layout(header: list[str], mapping: dict[str, list[str]], path: Path) -> _CsvLayout:
    keys = [_header_key(h) for h in header]
    chosen: dict[str, int] = {}
    for name, synonyms in SYNONYMS.items():
        found = next((keys.index(s) for s in synonyms if s in keys), None)
        if found is not None:
            chosen[name] = found
    phones = _phone_columns(keys)
    for name, columns in mapping.items():
        positions = [_find_column(header, keys, column, path) for column in columns]
        if name == "phone":
            phones = [(p, None, _label_from_header(keys[p])) for p in positions]
        else:
            chosen[name] = positions[-1]
    if not chosen.keys() & {"name", "first_name", "last_name", "company"}:
        shown = ", ".join(h for h in header[:8] if h.strip()) or "nothing"
        raise ImportFileError(
            f"{path}: no column holds a name (looked for Name, First Name, Last Name or Company; "
            f"the first row has {shown}); name one with --map name=COLUMN"
        )
    kept = sorted({*chosen.values(), *(p for p, _, _ in phones), *(k for _, k, _ in phones if k is not None)})
    at = {index: position for position, index in enumerate(kept)}
    columns = {name: (header[index],) for name, index in chosen.items()}
    if phones:
        columns["phone"] = tuple(header[p] for p, _, _ in phones)
    return _CsvLayout(
        kept=tuple(kept),
        single={name: at[index] for name, index in chosen.items()},
        phones=tuple(_PhoneColumn(at[p], at[k] if k is not None else None, label) for p, k, label in phones),
        columns=columns,
    )


def _find_column(header: list[str], keys: list[str], column: str, path: Path) -> int:
    if column in header:
        return header.index(column)
    if _header_key(column) in keys:
        return keys.index(_header_key(column))
    raise ImportFileError(f"{path}: --map names column {column!r}, which is not in the header "
                          f"({', '.join(h for h in header if h.strip())})")


def _phone_columns(keys: list[str]) -> list[tuple[int, int | None, str]]:
    """Google's "Phone N - Value" (type in "Phone N - Type"/"Label"), then any header that names a phone."""
    phones: list[tuple[int, int | None, str]] = []
    for index, key in enumerate(keys):
        if google := GOOGLE_PHONE.match(key):
            n = google.group(1)
            kind = next((keys.index(k) for k in (f"phone {n} - type", f"phone {n} - label") if k in keys), None)
            phones.append((index, kind, ""))
        elif PHONE_WORDS.search(key) and not key.endswith(("type", "label")):
            phones.append((index, None, _label_from_header(key)))
    return phones


def _label_from_header(key: str) -> str:
    """ "Business Phone 2" -> "business", "Mobile Phone" -> "mobile", "Phone" -> ""."""
    label = re.sub(r"\s+", " ", LABEL_NOISE.sub(" ", key)).strip()
    return _clean_label("mobile" if label == "cell" else label)


def _clean_label(label: str) -> str:
    return label.strip().lstrip("*").strip().casefold()[:MAX_LABEL_LENGTH]


def _csv_contact(layout: _CsvLayout, cells: tuple[str, ...]) -> Contact:
    def cell(name: str) -> str:
        return cells[layout.single[name]].strip() if name in layout.single else ""

    parts = (cell("first_name"), cell("middle_name"), cell("last_name"))
    name = cell("name") or " ".join(p for p in parts if p)
    prefix = cell("prefix")
    address_as = cell("address_as") or (f"{prefix} {cell('last_name') or name}" if prefix else "")
    phones = []
    for column in layout.phones:
        label = _clean_label(cells[column.kind]) if column.kind is not None else column.label
        phones.extend(NewPhone(number, label) for number in split_numbers(cells[column.value]))
    return Contact(name=name, company=cell("company"), address_as=address_as, manner=cell("manner"),
                   stage=cell("stage"), tags=clean_tags(cell("tags")), time_zone=cell("time_zone"), note=cell("note"),
                   phones=phones)


def split_numbers(cell: str) -> list[str]:
    """Several numbers in one cell (Google's " ::: ", or ; , | and line breaks), each kept as written: text that is
    no number ("call me maybe") becomes an unverified phone, as the console keeps it; only "-" or "+" says nothing."""
    return [n.strip() for n in NUMBER_SEPARATORS.split(cell) if says_something(n)]


def says_something(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def clean_tags(text: str) -> str:
    """Tags as "a, b": Google's system groups ("* myContacts") dropped, Outlook's ";" and Google's ":::" split."""
    tags: list[str] = []
    for tag in TAG_SEPARATORS.split(text):
        tag = tag.strip()
        if tag and not tag.startswith("*") and tag not in tags:
            tags.append(tag)
    return ", ".join(tags)


# --- vCard --------------------------------------------------------------------------------------------------------

def _vcard_entries(lines: FileLines) -> Iterator[tuple[int, Any]]:
    """One entry per card, numbered by the line of its BEGIN:VCARD; lines between cards are ignored. A card with no
    END:VCARD within reach is a RowProblem, and the lines after its BEGIN are read again."""
    while (first := lines.take()) is not None:
        if first.text.strip().upper() != "BEGIN:VCARD":
            continue
        card, depth, size = [first], 1, len(first.text)
        while depth and len(card) < MAX_RECORD_LINES and size < MAX_RECORD_CHARS and (line := lines.take()) is not None:
            card.append(line)
            size += len(line.text)
            word = line.text.strip().upper()
            depth += (word == "BEGIN:VCARD") - (word == "END:VCARD")
        if depth:
            lines.give_back(card[1:])
            yield first.number, RowProblem("no END:VCARD for this card")
        elif broken := next((line for line in card if line.problem), None):
            yield first.number, RowProblem(f"line {broken.number}: {broken.problem}")
        else:
            yield first.number, "\r\n".join(line.text.rstrip("\r\n") for line in card) + "\r\n"


def _vcard_contact(text: str) -> Contact:
    import vobject  # lazy: only imports need it

    try:
        card = vobject.readOne(text, allowQP=True)  # quoted-printable: the vCard 2.1 that Android writes
    except Exception as exc:  # vobject raises ParseError, ValueError and more on malformed cards
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise RowProblem(f"not a readable vCard ({first_line})") from None
    contents = card.contents
    n = contents["n"][0].value if "n" in contents else None
    name = _text(contents["fn"][0].value) if "fn" in contents else ""
    if not name and n is not None:
        name = " ".join(p for p in (_text(n.given), _text(n.additional), _text(n.family)) if p)
    company = _text(contents["org"][0].value) if "org" in contents else ""
    prefix = _text(n.prefix) if n is not None else ""
    address_as = f"{prefix} {_text(n.family) or name}" if prefix else ""
    categories = [c.value if isinstance(c.value, list) else [c.value] for c in contents.get("categories", [])]
    tags = clean_tags(", ".join(str(tag) for values in categories for tag in values))
    note = _text(contents["note"][0].value) if "note" in contents else ""
    zone = contents["tz"][0].value if "tz" in contents else ""
    labels = {line.group: _text(line.value) for line in contents.get("x-ablabel", []) if line.group}
    phones = []
    for tel in contents.get("tel", []):
        raw = _text(tel.value)
        raw = raw[4:] if raw.lower().startswith("tel:") else raw  # vCard 4.0 writes numbers as tel: URIs
        if says_something(raw):
            phones.append(NewPhone(raw, _vcard_label(tel, labels)))
    return Contact(name=name, company=company, address_as=address_as, tags=tags, note=note,
                   time_zone=zone if isinstance(zone, str) and "/" in zone else "", phones=phones)


def _text(value: Any) -> str:
    """vobject gives ORG and CATEGORIES as lists, N parts as lists or strings."""
    if isinstance(value, list | tuple):
        value = next((v for v in value if str(v).strip()), "")
    return str(value or "").strip()


VCARD_TYPES = {"cell": "mobile", "mobile": "mobile", "iphone": "iphone", "work": "work", "home": "home",
               "main": "main", "fax": "fax", "pager": "pager", "other": "other"}


def _vcard_label(tel: Any, labels: dict[str, str]) -> str:
    """The phone's own label (iPhone's X-ABLabel, e.g. "_$!<Mobile>!$_"), else its first telling TYPE."""
    if tel.group and tel.group in labels:
        return _clean_label(labels[tel.group].removeprefix("_$!<").removesuffix(">!$_"))
    types = [t.strip().casefold() for value in tel.params.get("TYPE", []) for t in value.split(",")]
    types += [t.casefold() for t in tel.singletonparams]  # vCard 2.1: TEL;CELL;PREF
    if "fax" in types:
        return "fax"
    return next((VCARD_TYPES[t] for t in types if t in VCARD_TYPES), "")


# --- calldesk's own JSON lines --------------------------------------------------------------------------------------

def _json_entries(lines: FileLines) -> Iterator[tuple[int, Any]]:
    while (line := lines.take()) is not None:
        if line.problem:
            yield line.number, RowProblem(line.problem)
        elif line.text.strip():
            yield line.number, line.text


def _json_contact(line: str) -> Contact:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RowProblem(f"not JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise RowProblem("not JSON calldesk reads (nested too deep)") from None
    if not isinstance(record, dict):
        raise RowProblem("not a JSON object")

    def text(key: str) -> str:
        value = record.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise RowProblem(f"{key} should be text, not {_json_kind(value)}")
        return value.strip()

    listed = record.get("phones")
    if listed is not None and not isinstance(listed, str | list):
        raise RowProblem(f"phones should be a list or text, not {_json_kind(listed)}")
    phones: list[NewPhone] = []
    for phone in [listed] if isinstance(listed, str) else listed or []:
        if isinstance(phone, dict):
            raw, label = phone.get("raw") or phone.get("e164") or "", phone.get("label") or ""
            if not isinstance(raw, str) or not isinstance(label, str):
                raise RowProblem("a phone's raw, e164 and label should be text")
            phones.extend(NewPhone(n, _clean_label(label)) for n in split_numbers(raw))
        elif isinstance(phone, str) or _json_kind(phone) == "a number":
            phones.extend(NewPhone(n) for n in split_numbers(str(phone)))
        else:
            raise RowProblem(f"a phone should be text or a number, not {_json_kind(phone)}")
    return Contact(name=text("name"), company=text("company"), address_as=text("address_as"), manner=text("manner"),
                   stage=text("stage"), tags=text("tags"), time_zone=text("time_zone"), phones=phones)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "a list" if isinstance(value, list) else "an object"
