"""During a call the operator finds the answer in the FAQ as they type; team leads keep the FAQ up to date."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyboard import type_text
from modal_host import ModalHost, settle
from textual.widgets import OptionList

from calldesk.cli import main
from calldesk.desk.coach import faq
from calldesk.desk.coach.faq_seed import DEMO_FAQ, seed_faq
from calldesk.desk.errors import DeskError, NotAllowed
from calldesk.desk.operators import roster
from calldesk.store.models import AuditEvent, FaqEntry
from calldesk.tui.modals.faq_search import FaqSearchModal

pytestmark = pytest.mark.database_logins  # on PostgreSQL: one at a time (tests/conftest.py)


@pytest.fixture
def lead(desk) -> roster.OperatorView:
    return roster.add_operator(desk, "meera", "Meera Iyer", "support", role="lead")


@pytest.fixture
def operator(desk) -> roster.OperatorView:
    return roster.add_operator(desk, "ravi", "Ravi Kumar", "sales")


def questions(desk, query: str) -> list[str]:
    return [hit.question for hit in faq.search_faq(desk, query)]


def test_the_demo_faq_answers_the_handbooks_questions_as_the_operator_types(desk):
    assert seed_faq(desk) == len(DEMO_FAQ) >= 24
    assert seed_faq(desk) == 0  # seeding twice adds nothing
    assert questions(desk, "documents")[0] == "What documents do I need to buy this product?"
    assert questions(desk, "regular premium")[0] == \
        "What is the difference between the regular and the premium package?"
    assert questions(desk, "bulk disc")[0] == "Is there a discount for bulk purchases?"
    assert questions(desk, "activ")[0] == "How do I activate the application?"  # a word being typed
    assert questions(desk, "HOW DO I ACTIVATE THE APPLICATION?")[0] == "How do I activate the application?"
    assert questions(desk, "दस्तावेज़")[0].startswith("इस उत्पाद को खरीदने")
    assert questions(desk, "zebra") == []


def test_a_match_in_the_question_ranks_above_one_in_the_answer(desk, lead):
    in_answer = faq.add_faq(desk, lead.id, "Can I pay later?", "Yes: choose the instalment plan at checkout.")
    in_question = faq.add_faq(desk, lead.id, "How does the instalment plan work?", "Pay in 3, 6 or 12 months.")
    in_tags = faq.add_faq(desk, lead.id, "Monthly payments", "See the EMI options.", tags="instalment")
    ranked = [hit.id for hit in faq.search_faq(desk, "instalment")]
    assert ranked == [in_question, in_tags, in_answer]


def test_punctuation_and_quotes_in_a_query_are_harmless(desk):
    seed_faq(desk)
    for query in ('"', "'", "refund*", "AND OR NOT", "o'reilly -- ; drop table faq_entry", "(", "e:*"):
        faq.search_faq(desk, query)
    assert set(questions(desk, "refund?")[:2]) == {"When will I get my refund?", "How do I ask for a refund?"}
    assert len(questions(desk, "")) == 20  # F7 opens on entries to browse


def test_only_leads_change_the_faq_and_every_change_is_audited(desk, lead, operator):
    with pytest.raises(NotAllowed):
        faq.add_faq(desk, operator.id, "Q?", "A.")
    entry = faq.add_faq(desk, lead.id, "Do you deliver on Sundays?", "No deliveries on Sundays.", "delivery")
    with pytest.raises(NotAllowed):
        faq.edit_faq(desk, operator.id, entry, answer="x")
    faq.edit_faq(desk, lead.id, entry, answer="Sunday deliveries in metro cities, 10:00 to 14:00.")
    assert questions(desk, "sunday metro") == ["Do you deliver on Sundays?"]  # the index follows the edit
    with pytest.raises(DeskError, match="needs an answer"):
        faq.edit_faq(desk, lead.id, entry, answer="  ")
    faq.remove_faq(desk, lead.id, entry)
    assert questions(desk, "sunday") == []
    actions = [e.action for e in AuditEvent.select().where(AuditEvent.entity == "faq").order_by(AuditEvent.id)]
    assert actions == ["create", "update", "remove"]


def test_import_reads_yaml_and_markdown_and_updates_known_questions(desk, lead, tmp_path):
    yaml_file = tmp_path / "faq.yaml"
    yaml_file.write_text(
        "faq:\n"
        "  - question: Do you sell spare parts?\n"
        "    answer: Yes, for every model of the last ten years.\n"
        "    tags: [parts, service]\n"
        "  - question: क्या आप रविवार को खुले हैं?\n"
        "    answer: नहीं, सोमवार से शनिवार।\n", encoding="utf-8")
    result = faq.import_faq(desk, lead.id, faq.read_faq_file(yaml_file))
    assert (result.added, result.updated, result.unchanged) == (2, 0, 0)
    md_file = tmp_path / "faq.md"
    md_file.write_text(
        "# Acme FAQ\n\n## Service\n\n### Do you sell spare parts?\n\nYes, and we post them within 2 days.\n\n"
        "### How do I clean the filter?\n\nOpen the front flap and rinse it.\n\n```\n# not a heading\n```\n",
        encoding="utf-8")
    result = faq.import_faq(desk, lead.id, faq.read_faq_file(md_file))
    assert (result.added, result.updated, result.unchanged) == (1, 1, 0)
    [parts] = faq.search_faq(desk, "spare parts")
    assert parts.answer == "Yes, and we post them within 2 days."
    [flt] = faq.search_faq(desk, "filter")
    assert flt.tags == "Service" and "# not a heading" in flt.answer
    assert faq.import_faq(desk, lead.id, faq.read_faq_file(md_file)).unchanged == 2


@pytest.mark.parametrize(("name", "text", "problem"), [
    ("bad.yaml", "- question: Q\n  answer: [1, 2\n", "bad.yaml:3: YAML syntax error"),
    ("bad.yaml", "- question: Q\n", "bad.yaml:1: entry needs a text 'answer'"),
    ("bad.yaml", "- question: Q\n  answer: A\n  colour: red\n", "unknown key 'colour'"),
    ("bad.md", "## Question one\n\n## Question two\nAnswer\n", "bad.md:1: the question 'Question one' has no"),
    ("bad.txt", "", "no FAQ entries found"),
    ("bad.csv", "question,answer\n", "expected a .yaml, .yml or .md file"),
])
def test_a_bad_faq_file_is_one_line_naming_the_place(tmp_path, name, text, problem):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeskError) as error:
        faq.read_faq_file(path)
    assert problem in str(error.value)


def test_calldesk_import_faq_from_the_command_line(tmp_path, capsys):
    db = tmp_path / "desk.db"
    config = Path(__file__).resolve().parent.parent / "config.yaml"
    md_file = tmp_path / "faq.md"
    md_file.write_text("## Where is my order?\n\nTrack it in the app under Orders.\n", encoding="utf-8")
    common = ["--config", str(config), "--db", str(db)]
    assert main(["db", "init", "--lead", "meera", *common]) == 0  # the OS user running the tests
    assert main(["import", "faq", str(md_file), *common]) == 0
    assert "1 added, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert main(["operator", "add", "ravi", *common]) == 0
    assert main(["import", "faq", str(md_file), *common, "--operator", "ravi"]) == 1  # meera working as ravi
    assert "only a team lead may change the FAQ" in capsys.readouterr().err
    assert main(["import", "faq", str(tmp_path / "missing.md"), *common]) == 2  # the user's mistake
    assert "missing.md: no such file" in capsys.readouterr().err
    assert FaqEntry.select().count() == 1


async def test_f7_dialog_finds_an_answer_and_hands_it_to_the_notes(desk, operator):
    seed_faq(desk)
    app = ModalHost(FaqSearchModal(desk, operator))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_text(pilot, "bulk")
        await settle(pilot)
        results = app.screen.query_one("#faq-results", OptionList)
        assert str(results.get_option_at_index(0).prompt) == "Is there a discount for bulk purchases?"
        await pilot.press("enter")  # shows the answer and moves to it
        await settle(pilot)
        assert app.focused.id == "faq-answer"
        await pilot.press("enter")  # into the notes
        await settle(pilot)
    assert isinstance(app.result, str) and app.result.startswith("Yes. From 5 units of the same model")


async def test_f7_ctrl_t_inserts_and_escape_inserts_nothing(desk, operator):
    seed_faq(desk)
    app = ModalHost(FaqSearchModal(desk, operator, query="activate"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
    assert "scan the QR code" in app.result
    app = ModalHost(FaqSearchModal(desk, operator))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")  # not a lead: no editing
        await pilot.press("escape")
        await settle(pilot)
    assert app.result is None


async def test_a_lead_adds_an_entry_from_the_f7_dialog(desk, lead):
    app = ModalHost(FaqSearchModal(desk, lead))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause(0.1)  # the dialog's worker waits for the edit dialog: no settling here
        await type_text(pilot, "Do you repair microwaves?")
        await pilot.press("tab", *"Yes, every brand.", "ctrl+s")
        await settle(pilot)
        assert str(app.screen.query_one("#faq-results", OptionList).get_option_at_index(0).prompt) == \
            "Do you repair microwaves?"
    assert questions(desk, "microwave") == ["Do you repair microwaves?"]
