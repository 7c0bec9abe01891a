"""F5: offer a call-back during the call instead of leaving the caller on hold.

A quick choice or a typed time ("14:30", "tue 10:00", "in 45m"), read out on both clocks (mine and the client's);
the reason; the owner (me, another operator, a department's pool). A time past the inquiry deadline needs the
confirmation box ticked. Everything is checked here as it is typed; ``submit`` then creates the call-back (on the
database thread) and a refusal is shown in the dialog, which stays open.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, Static

from calldesk.desk.callbacks.promises import CallbackRequest, DuePreview, OfferContext, preview_due
from calldesk.desk.callbacks.times import (
    QUICK_CHOICES,
    DueTimeNotUnderstood,
    describe_moment,
    parse_due_text,
    quick_choice_time,
)
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.i18n import N_, _
from calldesk.time_zones import zone_named

Submit = Callable[[CallbackRequest], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class CallbackOffered:
    """What the dialog promised: the new call-back's id and how its time reads for both people."""

    callback_id: int
    request: CallbackRequest
    operator_time: str
    client_time: str
    owner: str


class CallbackOfferModal(ModalScreen[CallbackOffered | None]):
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+y", "promise_past_deadline", N_("Promise past the deadline"), show=False),
        # from any field: a list takes enter only while it is open (space or down opens it)
        Binding("enter", "promise", N_("Promise"), priority=True, show=False),
    ]

    def __init__(self, desk: Desk, offer: OfferContext, submit: Submit) -> None:
        """``submit`` creates the call-back and returns its id, raising ``DeskError`` when a rule says no."""
        super().__init__()
        self.desk = desk
        self.offer = offer
        self.submit = submit
        self.zone = desk.zone  # the desk's clock: what "14:30" typed on "my clock" means
        self.due: datetime | None = None
        self.preview: DuePreview | None = None

    def compose(self) -> ComposeResult:
        offer = self.offer
        with Vertical(classes="dialog", id="callback-offer") as dialog:
            dialog.border_title = _("Call-back") + f" · {escape(offer.caller)}" if offer.caller else _("Call-back")
            with Grid(classes="form"):
                yield Label(_("Reason"))
                yield Input(id="cb-reason", placeholder=_("what you will call back about (required)"), compact=True)
                yield Label(_("When"))
                yield Select([(_(label), key) for key, label in QUICK_CHOICES], value=QUICK_CHOICES[0][0],
                             allow_blank=False, id="cb-quick", compact=True)
                yield Label(_("or at"))
                yield Input(id="cb-typed", placeholder=_("14:30, tue 10:00, in 45m"), compact=True)
                yield Label(_("typed on"))
                yield Select([(_("my clock"), "mine"), (_("the client's clock"), "client")], value="mine",
                             allow_blank=False, id="cb-clock", compact=True)
                if offer.needs_zone_choice:
                    yield Label(_("client zone"))
                    yield Select([(zone, zone) for zone in offer.client_zones], prompt=_("ask the client: which?"),
                                 id="cb-zone", compact=True)
                yield Label(_("Owner"))
                yield Select([(owner.label, owner.key) for owner in offer.owners], value=offer.owners[0].key,
                             allow_blank=False, id="cb-owner", compact=True)
            yield Static(id="cb-preview")
            yield Checkbox(_("promise it past the deadline anyway"), id="cb-confirm", compact=True)
            yield Label("", id="cb-error", classes="dialog-error")
            yield Label(_("enter: promise   tab: next field   space: open a list   escape: cancel"),
                        classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#cb-confirm", Checkbox).display = False
        self.query_one("#cb-reason", Input).focus()
        self._update_preview()

    # --- the due time, re-read on every change ------------------------------------------------------

    @on(Input.Changed, "#cb-typed")
    @on(Select.Changed)
    def _changed(self) -> None:
        self._update_preview()

    def _client_zone_name(self) -> str:
        if self.offer.needs_zone_choice:
            value = self.query_one("#cb-zone", Select).value
            return value if isinstance(value, str) else ""
        return self.offer.client_zones[0] if self.offer.client_zones else ""

    def _due_time(self) -> datetime | None:
        """The due time the fields say; raises ``DueTimeNotUnderstood`` for a typed time it cannot read."""
        now = self.desk.clock.now()
        client_zone = zone_named(self._client_zone_name()) or self.zone
        typed = self.query_one("#cb-typed", Input).value
        if typed.strip():
            on_client_clock = self.query_one("#cb-clock", Select).value == "client"
            return parse_due_text(typed, now, client_zone if on_client_clock else self.zone)
        choice = str(self.query_one("#cb-quick", Select).value)
        return quick_choice_time(choice, now, client_zone, self.desk.config.callback_window)

    def _update_preview(self) -> None:
        shown = self.query_one("#cb-preview", Static)
        confirm = self.query_one("#cb-confirm", Checkbox)
        try:
            self.due = self._due_time()
        except DueTimeNotUnderstood as exc:
            self.due, self.preview = None, None
            shown.update(Content.styled(str(exc), "$error"))
            confirm.display = False
            return
        if self.due is None:
            self.preview = None
            shown.update(Content.styled(_("Too late for «later today»: pick another time."), "$warning"))
            confirm.display = False
            return
        self.preview = preview_due(self.desk, self.offer, self.due, self._client_zone_name(), self.zone)
        parts: list[str | tuple[str, str]] = [
            _("You: "), (self.preview.operator_time, "bold"), "   " + _("Client: "), (self.preview.client_time, "bold")]
        if self.preview.problem:
            parts += ["\n", (self.preview.problem, "$error")]
        elif self.preview.past_deadline:
            deadline = describe_moment(self.offer.deadline, self.zone, self.desk.clock.now(), weekday=True)
            parts += ["\n", (_("After the {hours}-hour deadline ({deadline}): ctrl+y (or tick the box) to promise it "
                               "anyway.").format(hours=f"{self.desk.config.inquiry_sla_hours:g}", deadline=deadline),
                             "$warning")]
        shown.update(Content.assemble(*parts))
        confirm.display = self.preview.past_deadline and not self.preview.problem

    # --- promising -----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool:
        return action != "promise" or not any(select.expanded for select in self.query(Select))

    def action_promise(self) -> None:
        self.promise()

    def _refuse(self, message: str, focus: str | None = None) -> None:
        self.query_one("#cb-error", Label).update(Content(message))  # plain: the message may quote typed text
        if focus:
            self.query_one(focus).focus()

    def _request(self) -> CallbackRequest | None:
        reason = self.query_one("#cb-reason", Input).value.strip()
        if not reason:
            self._refuse(_("A reason is needed: what will you call back about?"), "#cb-reason")
            return None
        if self.offer.needs_zone_choice and not self._client_zone_name():
            self._refuse(_("Ask the client which time zone they are in, and pick it."), "#cb-zone")
            return None
        if self.due is None or self.preview is None:
            self._refuse(_("Pick a quick choice or type a time the desk can read."), "#cb-typed")
            return None
        if self.preview.problem:
            self._refuse(self.preview.problem, "#cb-typed")
            return None
        confirmed = self.query_one("#cb-confirm", Checkbox).value
        if self.preview.past_deadline and not confirmed:
            self._refuse(_("Past the inquiry deadline: ctrl+y (or tick the box) confirms; or pick an earlier time."))
            return None
        return CallbackRequest(
            reason=reason, due_at=self.due, owner=str(self.query_one("#cb-owner", Select).value),
            call_id=self.offer.call_id, client_id=self.offer.client_id, client_zone=self._client_zone_name(),
            confirm_past_deadline=self.preview.past_deadline and confirmed,
        )

    @work(exclusive=True, group="callback-offer")
    async def promise(self) -> None:
        request = self._request()
        if request is None or self.preview is None:
            return
        self._refuse("")
        try:
            callback_id = await self.submit(request)
        except DeskError as exc:
            self._refuse(str(exc))
            return
        owner = next((o.label for o in self.offer.owners if o.key == request.owner), request.owner)
        self.dismiss(CallbackOffered(callback_id, request, self.preview.operator_time, self.preview.client_time,
                                     owner))

    def action_promise_past_deadline(self) -> None:
        if self.preview is not None and self.preview.past_deadline:
            self.query_one("#cb-confirm", Checkbox).value = True
        self.promise()

    def action_cancel(self) -> None:
        self.dismiss(None)
