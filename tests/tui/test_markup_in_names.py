"""Text from callers, the PBX and colleagues is shown as typed: Textual markup in a name or a note is neither obeyed
(a click action, a link, a colour) nor a crash (an unbalanced tag), on every screen that shows it."""

from __future__ import annotations

from test_desk_flows import SIZE, dossier_text, settle
from textual.widgets import DataTable

from calldesk.desk.callbacks.promises import CallbackRequest, create_callback
from calldesk.desk.calls import queue
from calldesk.desk.clients import directory, notes
from calldesk.desk.operators import roster
from calldesk.tui.widgets.script_pane import ScriptPane

NAME = "[b]Rahul[/b] [/] [@click=app.quit]Sharma[/]"
CALLER = "[red]Priya[/red] [link=file:///etc/passwd]x[/link] [/"
NOTE = "Said: [/bold] and [@click=app.quit] -- literally"


async def test_markup_in_a_name_a_caller_id_and_a_note_is_shown_as_typed_on_every_screen(desk, asha, clock, run_app):
    colleague = roster.add_operator(desk, "ravi", "[/]Ravi [@click=app.quit]", "support")
    client_id = directory.create_client(desk, NAME, [directory.NewPhone("+91 98765 43210")], address_as=NAME)
    notes.add_note(desk, colleague.id, client_id, None, NOTE)
    create_callback(desk, colleague.id, CallbackRequest(client_id=client_id, reason=NOTE,
                                                        due_at=clock.now(), owner="asha"))
    queue.ring_call(desk, "+91 98765 43210", "support", caller_name=CALLER)
    queue.ring_call(desk, "+91 98450 12345", "support", caller_name=CALLER)
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#queue", DataTable).row_count == 2
        await pilot.press("f2")
        await settle(pilot)
        shown = dossier_text(app)
        assert "[b]Rahul[/b]" in shown and "[@click=app.quit]Sharma[/]" in shown and NOTE in shown
        assert NAME in " ".join(app.screen.query_one("#script", ScriptPane).lines_text())
        await pilot.press(*NOTE)
        for key in ("ctrl+e", "f8", "f4", "f5", "f6"):  # dialogs titled with the caller, or listing colleagues
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is not app.desk_screen, key
            await pilot.press("escape")
            await settle(pilot)
        for key in ("f9", "f10", "ctrl+t", "ctrl+f"):
            await pilot.press(key)
            await settle(pilot)
            if key == "ctrl+f":
                await pilot.press(*"rahul")
                await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        app.notify(f"{CALLER} is waiting")  # a toast naming a caller
        await settle(pilot)
        assert app.is_running  # no markup was obeyed as an action, none crashed a screen
