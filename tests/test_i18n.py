"""The interface's catalogs: every string the console shows (its own, and the refusals and words the rules hand up)
has its Hindi, the shipped .mo is the .po compiled, and the desk's `language` picks the console's words, dates and
default script; the command line, which never picks a language, keeps its English."""

from __future__ import annotations

import gettext
import io
import runpy
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from calldesk import i18n
from calldesk.config import ConfigError, load_config
from calldesk.languages import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "calldesk/locale/hi/LC_MESSAGES/calldesk.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
SOURCES = runpy.run_path(str(ROOT / "scripts/i18n.py"))["SOURCES"]  # what scripts/i18n.py extracts


@pytest.fixture(autouse=True)
def _english_again():
    yield
    i18n.use_language("en")


def _console_msgids() -> set[str]:
    """Every msgid the package passes to _(), N_() or ngettext() (the console's and the rules' below it), as Babel
    extracts them."""
    return {message[0] if isinstance(message, tuple) else message
            for source in SOURCES
            for _, _, message, *_ in extract_from_dir(str(ROOT / source), method_map=[("**.py", "python")],
                                                      keywords=KEYWORDS)}


def _hindi():
    with PO.open("rb") as source:
        return read_po(source)


def test_every_string_the_console_shows_has_its_hindi():
    catalog = _hindi()
    untranslated = sorted(
        msgid for msgid in _console_msgids()
        if msgid not in catalog or catalog[msgid].fuzzy or not all(
            catalog[msgid].string if isinstance(catalog[msgid].string, tuple) else (catalog[msgid].string,))
    )
    assert not untranslated, f"translate in {PO.relative_to(ROOT)} (scripts/i18n.py adds them): {untranslated}"


def test_the_shipped_mo_is_the_po_compiled():
    compiled = io.BytesIO()
    write_mo(compiled, _hindi())
    compiled.seek(0)
    with MO.open("rb") as shipped:
        assert gettext.GNUTranslations(shipped)._catalog == gettext.GNUTranslations(compiled)._catalog, (
            "run: .venv/bin/python scripts/i18n.py compile")


def test_every_translation_keeps_the_placeholders_of_its_english():
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}

    for message in _hindi():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert fields(text) == fields(ids[0]), message.id


def test_hindi_is_read_from_the_catalog_and_english_is_the_code_itself():
    assert i18n.use_language("hi") == "hi"
    assert i18n._("Answer") == "कॉल लें"
    assert i18n.ngettext("{count} notice", "{count} notices", 3).format(count=3) == "3 सूचनाएँ"
    assert i18n.use_language("en") == "en"
    assert i18n._("Answer") == "Answer"
    assert i18n.use_language("fr") == "en"  # not a language of the console: English


def test_the_rules_words_are_extracted_too():
    msgids = _console_msgids()
    assert "only a team lead may {action}" in msgids  # calldesk/desk/operators/permissions.py
    assert "First contact" in msgids and "Incoming call, {queue}: {outcome}" in msgids  # the dossier's words


def test_dates_are_written_with_the_languages_month_and_day_names():
    moment = datetime(2026, 11, 11, 10, 53, tzinfo=UTC)
    assert i18n.format_moment(moment, i18n.DAY_TIME) == "11 Nov 10:53"  # what strftime("%d %b %H:%M") wrote
    assert i18n.format_moment(moment, i18n.WEEKDAY_TIME) == "Wed 10:53"
    assert i18n.format_count(1234567) == "1,234,567"
    i18n.use_language("hi")
    assert i18n.format_moment(moment, i18n.DAY_TIME) == "11 नव॰ 10:53"
    assert i18n.format_moment(moment, i18n.WEEKDAY_TIME) == "बुध 10:53"
    assert i18n.format_count(1234567) == "12,34,567"


def test_a_due_time_reads_in_the_consoles_language():
    from calldesk.desk.callbacks.times import describe_left, describe_moment

    now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert describe_moment(now + timedelta(days=1), UTC, now, weekday=True) == "tomorrow Sat 09:00"
    assert describe_moment(now + timedelta(days=12), UTC, now) == "09 Dec 09:00"
    i18n.use_language("hi")
    assert describe_moment(now + timedelta(days=1), UTC, now, weekday=True) == "कल शनि 09:00"
    assert describe_moment(now + timedelta(days=12), UTC, now) == "09 दिस॰ 09:00"
    assert describe_left(-3 * 86_400) == "-3दि 00घं"


def test_a_refusal_of_the_rules_reads_in_the_consoles_language_and_the_command_lines_stays_english():
    from calldesk.desk.errors import NotAllowed
    from calldesk.desk.operators.permissions import Action, require

    operator = type("Operator", (), {"role": "operator", "enabled": True})()
    with pytest.raises(NotAllowed) as english:
        require(operator, Action.REASSIGN_CALLBACK, "call-back 7 is yours")
    assert str(english.value) == "call-back 7 is yours: only a team lead may give a call-back to someone else"
    i18n.use_language("hi")
    with pytest.raises(NotAllowed) as hindi:
        require(operator, Action.REASSIGN_CALLBACK)
    assert str(hindi.value) == "किसी और को कॉल-बैक सौंपना टीम लीड का काम है"


def test_a_notice_is_written_in_its_readers_language_whoever_causes_it(desk):
    from calldesk.desk.callbacks.promises import CallbackRequest, create_callback, reassign_callbacks
    from calldesk.desk.clients import directory
    from calldesk.desk.operators import roster
    from calldesk.desk.operators.identity import first_console
    from calldesk.desk.operators.notices import notices_of

    lead = first_console(desk, "lina")  # an English console, as the command line is
    meera = roster.add_operator(desk, "meera", "Meera Iyer", "support", language="hi")
    ravi = roster.add_operator(desk, "ravi", "Ravi Kumar", "support")
    rahul = directory.create_client(desk, "Rahul Sharma", [directory.NewPhone("+91 98765 43210")])
    promised = create_callback(desk, ravi.id, CallbackRequest(
        reason="Invoice copy", client_id=rahul, due_at=desk.clock.now() + timedelta(hours=1)))
    reassign_callbacks(desk, lead.id, [(promised, 1)], "meera")
    assert [n.text for n in notices_of(meera.id)] == [f"Rahul Sharma का कॉल-बैक {promised} अब आपके ज़िम्मे है"]
    assert [n.text for n in notices_of(ravi.id)] == [f"call-back {promised} for Rahul Sharma was handed to meera"]


def test_the_console_chooses_the_operators_language_then_the_desks():
    assert i18n.choose_language("", "hi") == "hi"
    assert i18n.choose_language("en", "hi") == "en"
    assert i18n.choose_language(None, "", "hi") == "hi"
    assert i18n.choose_language("", "") == "en"
    assert set(LANGUAGES) == {"en", "hi"}


def test_a_hindi_desk_greets_in_the_handbooks_words_when_config_gives_no_script(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("language: hi\n", encoding="utf-8")
    config = load_config(path)
    greeting = config.script[0].steps
    assert config.language == "hi"
    assert "मैं {operator}, {company} {department} से" in greeting[0]
    assert "मैं आपकी क्या सहायता कर सकता/सकती हूँ?" in greeting[1]
    assert config.unknown_caller == "सर/मैडम" and config.greeting_times["morning"] == "नमस्ते"
    assert {s.situation for s in config.scripts} == {"call_back", "transfer", "angry_caller", "refund_request"}


def test_an_english_desk_keeps_its_defaults_and_a_given_script_wins(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("company: Acme\n", encoding="utf-8")
    english = load_config(path)
    assert english.language == "en" and english.script[0].stage == "Greeting" and english.scripts == ()
    assert english.unknown_caller == "sir or madam"
    path.write_text("language: hi\nscript:\n  - stage: Hello\n    steps: [\"Hi, {client}\"]\n", encoding="utf-8")
    assert load_config(path).script[0].stage == "Hello"
    assert load_config(path, language="hi").script[0].stage == "Hello"  # the file's words are Hindi already


def test_the_demo_in_hindi_on_the_english_example_config_speaks_hindi_to_the_client():
    """`calldesk demo --language hi` beside the shipped config.yaml: its scripts are English words, so they give way."""
    english = load_config(ROOT / "config.yaml")
    hindi = load_config(ROOT / "config.yaml", language="hi")
    assert english.unknown_caller == "sir or madam" and english.script[0].stage == "Greeting"
    assert hindi.unknown_caller == "सर/मैडम" and hindi.script[0].stage == "अभिवादन"
    assert hindi.company == english.company and hindi.departments == english.departments  # the rest is the file's


def test_an_unknown_language_is_refused_with_its_line(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("company: Acme\nlanguage: fr\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config.yaml:2: language: expected one of en, hi, got 'fr'"):
        load_config(path)


def test_a_hindi_desk_seeds_the_handbooks_faq_in_hindi_first():
    from calldesk.desk.coach.faq_seed import DEMO_FAQ, demo_faq

    hindi = demo_faq("hi")
    assert hindi[0][0] == "इस उत्पाद को खरीदने के लिए मेरे पास कौन से दस्तावेज़ होने चाहिए?"
    assert "नियमित और प्रीमियम पैकेज में क्या अंतर है?" in [q for q, _, _ in hindi[:4]]
    assert len({q for q, _, _ in hindi}) == len(hindi)  # the Hindi entries the English set had are not doubled
    assert demo_faq("en") == DEMO_FAQ


def test_a_practice_calls_score_gives_its_reasons_in_the_trainees_language(desk, clock):
    from calldesk.desk.calls import handling
    from calldesk.desk.coach.training import TrainingSession, find_scenario, trainee_for

    i18n.use_language("hi")  # the trainee's console
    sam = trainee_for(desk, "sam")
    session = TrainingSession(desk, sam.id, find_scenario("needs_callback"))
    call_id = session.start()
    session.answer()
    session.next_line()
    session.next_line()  # the caller asks for a call-back
    session.say("I don't know.")
    clock.advance(minutes=4, seconds=5)
    handling.end_call(desk, call_id, sam.id)
    by_rule = {item.rule: item.reason for item in session.finish().items}
    assert by_rule["phrases"].startswith("1 नकारात्मक वाक्यांश: “i don't know” (इसके बजाय: ")
    assert by_rule["callback"].endswith("उन्होंने 4:05 प्रतीक्षा की")
    assert by_rule["wrap_up"].startswith("रैप-अप बाकी है: कॉल समाप्त कीजिए (F6) और परिणाम चुनिए")


def test_a_missed_call_waits_in_the_pool_in_the_desks_language(desk):
    """The call-back a hung-up caller leaves is read by whoever in the pool calls back: in the desk's words."""
    from calldesk.desk.calls import queue
    from calldesk.store.models import CallBack

    hindi_desk = type(desk)(desk.config._replace(language="hi"), desk.clock)
    call = queue.ring_call(hindi_desk, "+91 98765 43210", "sales")
    desk.clock.advance(83)
    queue.abandon_call(hindi_desk, call)
    assert CallBack.get(CallBack.call == call).reason == "मिस्ड कॉल: sales में 1:23 इंतज़ार के बाद कॉलर ने फ़ोन रख दिया"
