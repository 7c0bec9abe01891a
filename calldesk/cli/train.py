"""`calldesk train`: practice calls from a scenario, scored on the etiquette rules; scores kept per trainee.

Practice runs on a training database of its own (in the user data folder, or --db), so practice calls never mix
with real ones. The practice call plays on the real desk; `--terminal` plays it line by line in the terminal instead.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from calldesk.cli.context import CommandError, chosen_login, desk_errors, open_desk

TRAINING_DB = "training.db"
FIRST_SCENARIO = "friendly_faq"  # the gentlest call, for a trainee who names none
HELP = (
    "Type what you say to the caller (Enter alone: the caller's next line). Commands:\n"
    "  /step N [N...]     tick script steps by number     /faq WORDS         search the FAQ\n"
    "  /note TEXT         keep a note on the call         /callback WHEN REASON   promise a call-back (\"in 30m\")\n"
    "  /wrap DISPOSITION  end the call and wrap up        /quit              stop without a score"
)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "train", parents=[common], help="practice calls, scored on the etiquette rules",
        description="Play a practice call from a scenario (a shipped one by name, or a .yaml file) and get a score "
                    "with reasons. Scores are kept per trainee (--operator) in the training database.",
    )
    parser.add_argument("scenario", nargs="?", help=f"scenario name or file (default: {FIRST_SCENARIO})")
    parser.add_argument("--list", action="store_true", help="list the shipped scenarios")
    parser.add_argument("--scores", action="store_true", help="show the trainee's kept scores")
    parser.add_argument("--terminal", action="store_true", help="play the call as text in this terminal")
    parser.set_defaults(run=run)


def training_url(args: argparse.Namespace) -> str | None:
    """--db when given, else the training database in the user data folder."""
    if getattr(args, "db", None):
        return None  # open_desk reads --db itself
    from platformdirs import user_data_path

    return f"sqlite:///{user_data_path('calldesk') / TRAINING_DB}"


def run(args: argparse.Namespace) -> int:
    from calldesk.desk.coach.faq_seed import seed_faq
    from calldesk.desk.coach.training import find_scenario, shipped_scenarios, trainee_for, training_results
    from calldesk.desk.errors import DeskError
    from calldesk.store.accounts import session_account

    try:  # a scenario the user names is read before the training database is opened, and its mistake is status 2
        scenario = None if args.list or args.scores else find_scenario(args.scenario or FIRST_SCENARIO)
    except DeskError as exc:
        raise CommandError(str(exc), status=2) from None
    desk = open_desk(args, training_url(args))
    with desk_errors():
        if args.list:
            for shipped in shipped_scenarios():
                print(f"{shipped.name:<16} {shipped.title}")
            return 0
        seed_faq(desk)  # scenarios ask what the demo FAQ answers
        trainee = trainee_for(desk, chosen_login(args, desk.config) or session_account())
        if args.scores:
            for result in training_results(desk, trainee.id):
                print(f"{result.finished_at:%Y-%m-%d %H:%M}  {result.scenario:<16} {result.points:>3}/{result.out_of}")
            return 0
        if args.terminal:
            return play_in_terminal(desk, trainee, scenario)
    return play_on_the_desk(desk, trainee, scenario)


def play_on_the_desk(desk, trainee, scenario) -> int:
    """The practice call on the console itself: the caller's words arrive with ctrl+l; wrap-up shows the score."""
    from calldesk.desk.coach.training import TrainingSession
    from calldesk.tui.app import CalldeskApp

    app = CalldeskApp(desk, trainee, training=TrainingSession(desk, trainee.id, scenario))
    app.run()
    return app.return_code or 0


def play_in_terminal(desk, trainee, scenario, read: Callable[[str], str] = input,
                     write: Callable[[str], None] = print) -> int:
    """The practice call as a conversation in the terminal: the caller's lines, the trainee's replies and commands."""
    from calldesk.desk.coach.training import TrainingSession

    session = TrainingSession(desk, trainee.id, scenario)
    session.start()
    session.answer()
    write(f"== {scenario.title} ==\n{scenario.briefing}\n{HELP}\n"
          f"Dispositions: {', '.join(desk.config.dispositions)}\n")
    steps = _script(desk, session.call_id, trainee)
    for number, step in enumerate(steps, start=1):
        write(f"  {number:>2}. [{step.stage}] {step.text}")
    write(f"\nCaller: {session.next_line()}")
    while True:
        try:
            typed = read("You: ").strip()
        except EOFError:
            write("\nStopped: no score kept.")
            return 1
        if typed in ("/quit", "/q"):
            write("Stopped: no score kept.")
            return 1
        if typed.startswith("/"):
            if _command(desk, session, trainee, steps, typed, write):
                break
            continue
        for hit in session.say(typed) if typed else []:
            write(f"  ! “{hit.phrase}”: try “{hit.suggestion}”")
        line = session.next_line()
        write(f"Caller: {line}" if line else "(The caller waits for you to wrap up: /wrap DISPOSITION)")
    score = session.finish()
    write(f"\nScore: {score.points}/{score.out_of}")
    for item in score.items:
        write(f"  {item.rule:<9} {item.points:>3}/{item.out_of}  {item.reason}")
    return 0


def _script(desk, call_id, trainee):
    from calldesk.desk.coach.script import render_script, script_context_for_call, script_for_call

    department = desk.config.department(trainee.department)
    context = script_context_for_call(desk, call_id, trainee.name, department.name if department else "")
    return render_script(desk.config, context, desk.clock.now(), script_for_call(desk, call_id))


def _command(desk, session, trainee, steps, typed: str, write: Callable[[str], None]) -> bool:
    """Run one slash command; True when the call is wrapped up. Refusals are shown and the call goes on."""
    from calldesk.desk.callbacks.promises import CallbackRequest, create_callback
    from calldesk.desk.callbacks.times import parse_due_text
    from calldesk.desk.calls.handling import get_call, record_script_steps, wrap_up
    from calldesk.desk.clients.notes import add_note
    from calldesk.desk.coach.faq import search_faq
    from calldesk.desk.errors import DeskError

    name, _, rest = typed[1:].partition(" ")
    rest = rest.strip()
    try:
        if name == "step":
            picked = {steps[int(n) - 1].id for n in rest.replace(",", " ").split() if n.isdigit()
                      and 0 < int(n) <= len(steps)}
            record_script_steps(session.call_id, get_call(desk, session.call_id).script_steps | picked)
            write(f"  ticked {len(picked)} step(s)")
        elif name == "note":
            add_note(desk, trainee.id, get_call(desk, session.call_id).client_id, session.call_id, rest)
            for hit in session.say(rest):
                write(f"  ! “{hit.phrase}”: try “{hit.suggestion}”")
        elif name == "faq":
            for entry in search_faq(desk, rest, limit=3):
                write(f"  Q: {entry.question}\n  A: {entry.answer}")
        elif name == "callback":
            when, _, reason = rest.partition(" ")
            if rest.startswith("in "):
                amount, _, reason = rest[3:].partition(" ")
                when = f"in {amount}"
            due = parse_due_text(when, desk.clock.now(), desk.zone)
            create_callback(desk, trainee.id, CallbackRequest(reason=reason, due_at=due, call_id=session.call_id))
            write(f"  call-back promised for {due.astimezone(desk.zone):%a %H:%M}")
        elif name == "wrap":
            wrap_up(desk, session.call_id, trainee.id, rest)
            return True
        else:
            write(HELP)
    except DeskError as exc:
        write(f"  {exc}")
    return False
