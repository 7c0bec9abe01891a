"""A trainee plays scripted practice calls on the desk and gets a score with reasons, kept per trainee."""

from __future__ import annotations

from datetime import timedelta

import pytest

from calldesk.cli.train import play_in_terminal
from calldesk.desk.callbacks.promises import CallbackRequest, create_callback
from calldesk.desk.calls import handling
from calldesk.desk.clients import notes
from calldesk.desk.coach.faq_seed import seed_faq
from calldesk.desk.coach.script import greeting_step_ids, script_for_call
from calldesk.desk.coach.training import (
    TrainingSession,
    find_scenario,
    parse_scenario,
    shipped_scenarios,
    trainee_for,
    training_results,
)
from calldesk.desk.errors import DeskError
from calldesk.store.models import Client


def test_the_shipped_scenarios_cover_the_handbooks_situations(config):
    names = {s.name for s in shipped_scenarios()}
    assert {"friendly_faq", "angry_caller", "refund_request", "needs_callback"} <= names
    for scenario in shipped_scenarios():
        assert scenario.lines and scenario.queue in config.queues
        assert set(scenario.dispositions) <= set(config.dispositions)
    assert find_scenario("needs_callback").callback_after_line == 2


def test_a_trainee_who_follows_the_handbook_scores_full_marks(desk, clock):
    tara = trainee_for(desk, "tara")
    session = TrainingSession(desk, tara.id, find_scenario("needs_callback"))
    call_id = session.start()
    assert Client.get(Client.name == "Rohan Mehta").company == "Mehta Hotels"  # a known client rings
    clock.advance(4)
    session.answer()
    handling.record_script_steps(call_id, greeting_step_ids(script_for_call(desk, call_id)))
    assert "60 air conditioners" in session.next_line()
    assert session.say("Good afternoon Mr Mehta, congratulations on the new hotel!") == []
    assert "what discount" in session.next_line().lower()  # only the sales team can answer: a call-back is due
    clock.advance(40)
    create_callback(desk, tara.id, CallbackRequest(reason="Quote for 60 AC units", call_id=call_id,
                                                   due_at=clock.now() + timedelta(hours=2)))
    session.say("Our sales team will call you back by 17:00 today with the figures.")
    while session.next_line():  # the caller says all they wanted
        pass
    notes.add_note(desk, tara.id, None, call_id, "60 AC units for Mehta Hotels; sales to quote by 17:00")
    handling.wrap_up(desk, call_id, tara.id, "Call-back promised")
    score = session.finish()
    assert (score.points, score.out_of) == (100, 100), score.items
    assert [item.rule for item in score.items] == ["greeting", "phrases", "callback", "wrap_up"]
    assert "call-back offered after 0:40" in score.items[2].reason
    [kept] = training_results(desk, tara.id)
    assert (kept.scenario, kept.points) == ("needs_callback", 100)


def test_a_trainee_who_breaks_the_rules_is_told_why(desk, clock):
    sam = trainee_for(desk, "sam")
    session = TrainingSession(desk, sam.id, find_scenario("needs_callback"))
    call_id = session.start()
    session.answer()
    session.next_line()
    session.next_line()
    hits = session.say("I don't know. That's not my job, please hold.")
    assert [h.phrase for h in hits] == ["I don't know", "That's not my job"]
    clock.advance(minutes=4, seconds=5)
    handling.end_call(desk, call_id, sam.id)
    score = session.finish()
    by_rule = {item.rule: item for item in score.items}
    assert score.points == 5
    assert by_rule["greeting"].points == 0
    assert "Acme Appliances Customer Support, this is sam.” / “How may I help you, Mr Mehta?”" in \
        by_rule["greeting"].reason
    assert by_rule["phrases"].points == 5 and "“i don't know” (instead: Let me find out" in by_rule["phrases"].reason
    assert by_rule["callback"].points == 0 and "they waited 4:05" in by_rule["callback"].reason
    assert by_rule["wrap_up"].points == 0 and "no wrap-up" in by_rule["wrap_up"].reason
    assert session.finish() is score  # finishing twice keeps one score
    assert [r.points for r in training_results(desk)] == [5]


def test_a_late_call_back_earns_half_the_points(desk, clock):
    tara = trainee_for(desk, "tara")
    session = TrainingSession(desk, tara.id, find_scenario("needs_callback"))
    call_id = session.start()
    session.answer()
    session.next_line()
    session.next_line()
    clock.advance(minutes=3)
    create_callback(desk, tara.id, CallbackRequest(reason="Quote", call_id=call_id,
                                                   due_at=clock.now() + timedelta(hours=1)))
    callback = {i.rule: i for i in session.finish().items}["callback"]
    assert callback.points == 10 and "only after 3:00 on hold" in callback.reason


@pytest.mark.parametrize(("text", "problem"), [
    ("title: T\ncaller: {name: X}\nlines: [Hi]\n", "x.yaml:2: caller needs at least a number"),
    ("title: T\ncaller: {number: '1'}\nlines: []\n", "x.yaml:3: lines are a list"),
    ("title: T\ncaller: {number: '1'}\nlines: [Hi]\ncallback_after_line: 5\n", "expected a line number from 1 to 1"),
    ("title: T\ncaller: {number: '1'}\nlines: [Hi]\nmood: grim\n", "x.yaml:4: unknown key 'mood'"),
    ("title: T\nlines: [Hi]\n", "missing 'caller'"),
])
def test_a_bad_scenario_file_is_one_line_naming_the_place(text, problem):
    with pytest.raises(DeskError) as error:
        parse_scenario(text, "x", "x.yaml")
    assert problem in str(error.value)


def test_calldesk_train_plays_a_call_in_the_terminal(desk):
    seed_faq(desk)
    tara = trainee_for(desk, "tara")
    typed = iter(["/step 1 2", "Good afternoon Ms Verma!", "/faq documents",
                  "You need a photo ID and an address proof.", "", "/note Asked about documents and premium",
                  "/wrap Nonsense", "/wrap Information given"])
    shown: list[str] = []
    assert play_in_terminal(desk, tara, find_scenario("friendly_faq"), read=lambda _: next(typed),
                            write=shown.append) == 0
    output = "\n".join(shown)
    assert "Caller: Hello! I've decided to buy the premium package" in output
    assert "Q: What documents do I need to buy this product?" in output
    assert "disposition 'Nonsense' is not in the config" in output
    assert "Score: 100/100" in output
    assert training_results(desk, tara.id)[0].points == 100


def test_keys_pressed_without_listening_to_the_caller_do_not_score_full_marks(desk, clock):
    """ctrl+n twice, F5, F6: the greeting ticked, a call-back promised and the call wrapped up before the caller
    said a word of what they wanted."""
    tara = trainee_for(desk, "tara")
    scenario = find_scenario("needs_callback")
    session = TrainingSession(desk, tara.id, scenario)
    call_id = session.start()
    session.answer()
    handling.record_script_steps(call_id, greeting_step_ids(script_for_call(desk, call_id)))
    create_callback(desk, tara.id, CallbackRequest(reason="x", call_id=call_id,
                                                   due_at=clock.now() + timedelta(hours=2)))
    notes.add_note(desk, tara.id, None, call_id, "x")
    handling.wrap_up(desk, call_id, tara.id, "Call-back promised")
    score = session.finish()
    by_rule = {item.rule: item for item in score.items}
    assert by_rule["callback"].points == 0 and "never got to ask" in by_rule["callback"].reason
    assert "0 of the caller's" in by_rule["wrap_up"].reason
    assert score.points <= 100 - 20 - 15, score.items
