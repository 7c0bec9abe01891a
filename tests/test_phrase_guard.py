"""While the operator types, the phrase guard spots the handbook's negative phrasings and offers positive ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from calldesk.config import ConfigError, load_config
from calldesk.desk.calls import queue
from calldesk.desk.coach.phrase_guard import PhraseGuard, guard_for, phrase_hits_of_call, record_phrase_hits
from calldesk.desk.operators.identity import first_console
from calldesk.store.models import Call
from calldesk.tui.widgets.phrase_hints import PhraseHints


@pytest.fixture
def guard(config) -> PhraseGuard:
    return guard_for(config)


def phrases(guard: PhraseGuard, text: str) -> list[str]:
    hits = guard.check(text)
    for hit in hits:
        assert text[hit.start:hit.end] == hit.phrase  # offsets point at exactly what was typed
    return [hit.phrase for hit in hits]


def test_i_dont_know_is_caught_in_any_case_spelling_or_spacing_with_the_handbooks_alternative(guard):
    for typed in ("I don't know.", "i DON'T KNOW!", "I don’t know", "I dont   know", "Sorry, I\ndon't know"):
        assert len(phrases(guard, typed)) == 1, typed
    [hit] = guard.check("Honestly, I don't know, madam.")
    assert hit.suggestion == "Let me find out who can answer this; may I call you back in a few minutes?"
    assert (hit.start, hit.end) == (10, 22)


def test_not_my_job_and_the_company_will_never_get_the_handbooks_alternatives(guard):
    [job] = guard.check("That's not my job, sir.")
    assert job.phrase == "That's not my job"
    assert job.suggestion == "May I transfer you to the department that will help you?"
    [never] = guard.check("The company will never do that.")
    assert never.phrase == "The company will never do that"
    assert "discuss the options with my supervisor" in never.suggestion


def test_bare_no_and_never_are_softer_prompts_but_ordinary_words_are_left_alone(guard):
    assert phrases(guard, "No, we can't.") == ["No"]
    assert phrases(guard, "Well, no.") == ["no"]
    assert phrases(guard, "We never close on Sundays") == ["never"]
    assert "what you can do" in guard.check("No.")[0].suggestion
    for innocent in ("Our know-how is the best in town", "Nobody else will charge less", "No problem at all",
                     "no-one waits here", "I know how to fix it", "We have a notebook for you", "Nevertheless"):
        assert phrases(guard, innocent) == [], innocent


def test_hindi_patterns_are_caught_with_devanagari_word_boundaries(guard):
    assert phrases(guard, "मुझे इस प्रश्न का उत्तर नहीं पता।") == ["मुझे इस प्रश्न का उत्तर नहीं पता"]
    assert phrases(guard, "माफ़ कीजिए, यह मेरा काम नहीं है।") == ["यह मेरा काम नहीं"]
    assert phrases(guard, "कंपनी ऐसा कभी नहीं करेगी") == ["कंपनी ऐसा कभी नहीं करेगी"]
    assert phrases(guard, "नहीं, धन्यवाद") == ["नहीं"]
    [hit] = guard.check("पता नहीं")
    assert "वापस कॉल" in hit.suggestion
    assert phrases(guard, "कोई समस्या नहीं।") == []  # "no problem": नहीं closing a sentence is not a bare no
    assert phrases(guard, "नहींतो") == []  # part of a longer word


def test_offsets_survive_unicode_folding(guard):
    text = "ﬁne: I DON\u200dT KNOW and e\u0301 “no”"
    assert phrases(guard, text) == ["I DON\u200dT KNOW", "no"]
    composed = "Café. Nó. I don't know"
    assert phrases(guard, composed) == ["I don't know"]


def test_mixed_text_in_both_languages_lists_hits_in_order(guard):
    text = "I don't know. मुझे नहीं पता. That is not my job."
    assert phrases(guard, text) == ["I don't know", "मुझे नहीं पता", "That is not my job"]


def test_a_custom_phrasebook_replaces_the_defaults(tmp_path: Path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "phrasebook:\n"
        "  - phrases: [\"calm down\"]\n"
        "    suggest: \"I understand; let's sort this out together.\"\n"
        "  - pattern: 'impossible|can.?t be done'\n"
        "    suggest: \"Here is what we can do.\"\n", encoding="utf-8")
    guard = guard_for(load_config(path))
    assert [h.phrase for h in guard.check("Please CALM DOWN. It can't be done.")] == ["CALM DOWN", "can't be done"]
    assert guard.check("I don't know") == []


@pytest.mark.parametrize(("entry", "problem"), [
    ("  - phrases: [x]\n", "phrasebook[0].suggest: missing"),
    ("  - pattern: '(unclosed'\n    suggest: y\n", "phrasebook[0].pattern: not a regular expression"),
    ("  - phrases: [x]\n    pattern: x\n    suggest: y\n", "give either 'phrases'"),
    ("  - phrases: [x]\n    suggest: y\n    bare: maybe\n", "phrasebook[0].bare: expected true or false"),
])
def test_a_bad_phrasebook_entry_is_a_config_error_naming_the_line(tmp_path: Path, entry: str, problem: str):
    path = tmp_path / "config.yaml"
    path.write_text("company: Acme\nphrasebook:\n" + entry, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config.yaml:\d+: ") as error:
        load_config(path)
    assert problem in str(error.value)


def test_hits_are_stored_on_the_call_once_per_phrase(desk, guard):
    asha = first_console(desk, "asha")
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    queue.claim_call(desk, call_id, asha.id)
    assert record_phrase_hits(desk, call_id, guard.check("I don't know")) == 1
    assert record_phrase_hits(desk, call_id, guard.check("I DON’T know. Not my job.")) == 2
    assert Call.get_by_id(call_id).phrase_hits == 2
    assert phrase_hits_of_call(call_id) == ["i don't know", "not my job"]


class HintsApp(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield PhraseHints(id="hints")

    def on_mount(self) -> None:
        config = load_config(Path(__file__).resolve().parent.parent / "config.yaml")
        self.query_one(PhraseHints).show_hits(guard_for(config).check(self.text))


def test_the_script_pane_hints_show_each_phrase_and_its_alternative(snap_compare):
    text = "I don't know, that's not my job. I DON'T KNOW. मुझे नहीं पता"
    assert snap_compare(HintsApp(text), terminal_size=(70, 10))


async def test_the_hints_hide_when_the_text_is_clean():
    app = HintsApp("Let me find out for you.")
    async with app.run_test(size=(60, 6)):
        hints = app.query_one(PhraseHints)
        assert hints.hint_count == 0 and not hints.display
        hints.show_hits(guard_for(load_config(Path(__file__).resolve().parent.parent / "config.yaml"))
                        .check("never"))
        assert hints.hint_count == 1 and hints.display
