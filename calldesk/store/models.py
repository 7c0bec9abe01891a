"""The Peewee models: one table each for the desk's entities (docs/architecture.md).

Times are stored as UTC epoch seconds (``MomentField``) so both backends do arithmetic on them in SQL; Python
always sees timezone-aware datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from peewee import (
    BooleanField,
    CharField,
    DatabaseProxy,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from calldesk.store.limits import check_text

database = DatabaseProxy()


class MomentField(DoubleField):  # double precision: PostgreSQL REAL would round times to minutes
    """An aware datetime kept as UTC epoch seconds."""

    def db_value(self, value: datetime | float | None) -> float | None:
        if value is None or isinstance(value, int | float):
            return value
        if value.tzinfo is None:
            raise ValueError("naive datetime: the store only keeps timezone-aware times")
        return value.timestamp()

    def python_value(self, value: float | None) -> datetime | None:
        return None if value is None else datetime.fromtimestamp(value, UTC)


class _TextWithinLimits:
    """Text whose limits (store.limits) hold on SQLite as on PostgreSQL, checked on every value written or compared."""

    def db_value(self, value: object) -> object:
        value = super().db_value(value)
        if isinstance(value, str):
            check_text(self, value)
        return value


class ShortText(_TextWithinLimits, CharField):
    """A VARCHAR: longer text is refused on both backends, where only PostgreSQL would refuse it."""


class LongText(_TextWithinLimits, TextField):
    """Text of any length, refused alike on both backends when it holds what PostgreSQL cannot keep."""


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class SchemaVersion(BaseModel):
    version = IntegerField()
    applied_at = MomentField()


class Operator(BaseModel):
    login = ShortText(max_length=64, unique=True)
    # Who the operator is to the system, which nobody can type: the OS user (SQLite) or the database role whose
    # session this is (PostgreSQL, session_user). calldesk.desk.operators.identity reads it.
    account = ShortText(max_length=64, null=True, unique=True)
    language = ShortText(max_length=8, default="")  # the interface's language for them (hi, en); "": the desk's
    name = ShortText(max_length=200)
    department = ShortText(max_length=64)
    role = ShortText(max_length=16, default="operator")  # operator | lead
    extension = ShortText(max_length=32, default="")
    enabled = BooleanField(default=True)
    state = ShortText(max_length=16, default="available")  # available | on_call | wrap_up | paused
    state_reason = ShortText(max_length=64, default="")
    state_since = MomentField(null=True)


class QueueMember(BaseModel):
    """A queue an operator answers, and how soon: F2 serves priority 0 first (Asterisk's penalty), set by a lead."""

    operator = ForeignKeyField(Operator, backref="queue_memberships", on_delete="CASCADE")
    queue = ShortText(max_length=64)
    priority = IntegerField(default=0)

    class Meta:
        indexes = ((("operator", "queue"), True),)


class OperatorStateChange(BaseModel):
    operator = ForeignKeyField(Operator, backref="state_changes", on_delete="CASCADE")
    state = ShortText(max_length=16)
    reason = ShortText(max_length=64, default="")
    started_at = MomentField(index=True)

    class Meta:
        indexes = ((("operator", "started_at"), False),)  # an operator's state at a moment: time-in-state reports


class Client(BaseModel):
    name = ShortText(max_length=200)
    company = ShortText(max_length=200, default="")
    address_as = ShortText(max_length=200, default="")
    manner = ShortText(max_length=500, default="")
    stage = ShortText(max_length=32, default="first_contact")
    tags = ShortText(max_length=500, default="")
    time_zone = ShortText(max_length=64, default="")
    search_text = LongText(default="")  # lower-cased name, company and phone digits: what find_clients scans
    created_at = MomentField()
    updated_at = MomentField()


class Phone(BaseModel):
    client = ForeignKeyField(Client, backref="phones", on_delete="CASCADE", index=True)
    raw = ShortText(max_length=64)
    e164 = ShortText(max_length=32, null=True, index=True)
    extension = ShortText(max_length=20, default="")  # phonenumbers reads up to 20 digits after "ext."
    label = ShortText(max_length=32, default="")
    valid = BooleanField(default=False)
    reversed_digits = ShortText(max_length=64, index=True)  # for caller IDs that arrive without area code


class Call(BaseModel):
    direction = ShortText(max_length=8, default="inbound")  # inbound | outbound
    number_raw = ShortText(max_length=64)
    number_e164 = ShortText(max_length=32, null=True)
    caller_name = ShortText(max_length=200, default="")
    client = ForeignKeyField(Client, backref="calls", null=True, on_delete="SET NULL")
    queue = ShortText(max_length=64)
    status = ShortText(max_length=16)  # ringing | answered | abandoned | transferred | completed
    arrived_at = MomentField()
    answered_at = MomentField(null=True)
    ended_at = MomentField(null=True)
    wrapped_at = MomentField(null=True)
    rings = IntegerField(null=True)  # rings heard before the answer
    operator = ForeignKeyField(Operator, backref="calls", null=True, on_delete="SET NULL")
    disposition = ShortText(max_length=64, default="")
    script_steps = LongText(default="")  # comma-separated step ids ticked during the call
    phrase_hits = IntegerField(default=0)
    transferred_to = ShortText(max_length=64, default="")  # department id or operator login it went to
    offered_to = ShortText(max_length=64, default="")  # operator login a transfer reserved the call for
    transferred_from = ForeignKeyField("self", null=True, backref="onward", on_delete="SET NULL")  # the earlier leg
    consult_with = ShortText(max_length=64, default="")  # the colleague its operator is consulting (consult first)
    consult_note = LongText(default="")  # typed for that colleague: handed over with the caller, kept over a restart
    external_id = ShortText(max_length=64, null=True, unique=True)  # the PBX's id for the call
    # When the same caller next made contact (their next call's arrival), kept by the database's triggers (migration 8)
    next_contact_at = MomentField(null=True)

    class Meta:
        indexes = (
            (("status", "arrived_at"), False),
            (("client", "arrived_at"), False),
            (("operator", "answered_at"), False),
            (("arrived_at",), False),
        )


class Note(BaseModel):
    client = ForeignKeyField(Client, backref="notes", null=True, on_delete="CASCADE")
    call = ForeignKeyField(Call, backref="notes", null=True, on_delete="SET NULL")
    author = ForeignKeyField(Operator, backref="notes", null=True, on_delete="SET NULL")
    body = LongText()
    created_at = MomentField()

    class Meta:
        indexes = ((("client", "created_at"), False),)


class NoteDraft(BaseModel):
    """What the operator is typing, saved every few seconds so a killed console loses nothing."""

    operator = ForeignKeyField(Operator, on_delete="CASCADE")
    call = ForeignKeyField(Call, null=True, on_delete="CASCADE")
    client = ForeignKeyField(Client, null=True, on_delete="CASCADE")
    body = LongText()
    updated_at = MomentField()

    class Meta:
        indexes = ((("operator", "call"), True),)


class CallBack(BaseModel):
    client = ForeignKeyField(Client, backref="callbacks", null=True, on_delete="SET NULL")
    call = ForeignKeyField(Call, null=True, on_delete="SET NULL")  # the call that promised it
    number_e164 = ShortText(max_length=32, null=True)
    number_raw = ShortText(max_length=64, default="")
    reason = LongText()
    due_at = MomentField()
    sla_deadline = MomentField()
    assignee = ForeignKeyField(Operator, null=True, backref="callbacks", on_delete="SET NULL")
    pool = ShortText(max_length=64, default="")  # a department id when nobody owns it yet
    created_by = ForeignKeyField(Operator, null=True, on_delete="SET NULL")
    status = ShortText(max_length=16, default="open")  # open | done | cancelled
    attempts = IntegerField(default=0)
    outcome = ShortText(max_length=200, default="")
    version = IntegerField(default=1)  # bumped on every change, for safe concurrent edits
    created_at = MomentField()
    updated_at = MomentField()
    client_zone = ShortText(max_length=64, default="")  # the zone picked for a number spread over several
    assigned_at = MomentField(null=True)  # when the current owner or pool got it
    assigned_by = ShortText(max_length=64, default="")  # a login, or "system"
    touched_at = MomentField(null=True)  # the owner's last start, try or reschedule: untouched ones go back
    released_from = ShortText(max_length=64, default="")  # the login it went back to the pool from
    current_call = ForeignKeyField(Call, null=True, backref="+", on_delete="SET NULL")  # the try on the line
    changed_by = ShortText(max_length=64, default="")  # who made the last change: named on a stale edit
    closed_at = MomentField(null=True)

    class Meta:
        indexes = (
            (("status", "due_at"), False),
            (("status", "sla_deadline"), False),
            (("assignee", "status"), False),
            (("client", "created_at"), False),
        )


class Feedback(BaseModel):
    kind = ShortText(max_length=16)  # complaint | suggestion
    category = ShortText(max_length=64, default="")
    body = LongText()
    client = ForeignKeyField(Client, null=True, backref="feedback", on_delete="SET NULL")
    call = ForeignKeyField(Call, null=True, on_delete="SET NULL")
    owner = ForeignKeyField(Operator, null=True, on_delete="SET NULL")
    status = ShortText(max_length=16, default="open")  # open | in_progress | resolved
    deadline = MomentField()
    resolution = LongText(default="")
    created_at = MomentField()
    resolved_at = MomentField(null=True)
    created_by = ForeignKeyField(Operator, null=True, backref="+", on_delete="SET NULL")
    updated_at = MomentField(null=True)

    class Meta:
        indexes = ((("client", "status"), False), (("status", "deadline"), False))


class FaqEntry(BaseModel):
    question = LongText()
    answer = LongText()
    tags = ShortText(max_length=500, default="")
    updated_at = MomentField()


class PhraseHit(BaseModel):
    """A negative phrasing the phrase guard spotted during a call, once per phrase: it feeds the quality score."""

    call = ForeignKeyField(Call, backref="phrase_hit_rows", on_delete="CASCADE")
    phrase = ShortText(max_length=200)  # folded, so "I don't know" and "I DON’T KNOW" count once
    suggestion = LongText(default="")
    at = MomentField()

    class Meta:
        indexes = ((("call", "phrase"), True),)


class Escalation(BaseModel):
    """A live call flagged for a team lead, until a lead acknowledges it."""

    call = ForeignKeyField(Call, backref="escalations", on_delete="CASCADE")
    client = ForeignKeyField(Client, null=True, on_delete="SET NULL")
    raised_by = ForeignKeyField(Operator, null=True, backref="+", on_delete="SET NULL")
    reason = ShortText(max_length=200)
    raised_at = MomentField()
    acknowledged_by = ForeignKeyField(Operator, null=True, backref="+", on_delete="SET NULL")
    acknowledged_at = MomentField(null=True, index=True)


class Notice(BaseModel):
    """Something that changed for an operator while they were not the one changing it (a call-back given or taken,
    an escalation acknowledged, a call transferred to them), kept until they read it."""

    operator = ForeignKeyField(Operator, backref="+", on_delete="CASCADE")  # who it is for
    kind = ShortText(max_length=32)
    text = LongText()
    by = ShortText(max_length=64, default="")  # the login of who caused it; "" for the desk itself
    created_at = MomentField()
    read_at = MomentField(null=True)

    class Meta:
        indexes = ((("operator", "read_at"), False),)


class TrainingScore(BaseModel):
    """One practice call's result for a trainee, with the reasons behind each point lost or won."""

    trainee = ForeignKeyField(Operator, backref="training_scores", on_delete="CASCADE")
    scenario = ShortText(max_length=64)
    points = IntegerField()
    out_of = IntegerField()
    reasons = LongText(default="")  # JSON list of {"rule", "points", "out_of", "reason"}
    call = ForeignKeyField(Call, null=True, on_delete="SET NULL")
    started_at = MomentField()
    finished_at = MomentField()

    class Meta:
        indexes = ((("trainee", "finished_at"), False),)


class CallReview(BaseModel):
    """A team lead's score (1 to 5) of how a call was handled, with a comment: part of the quality score."""

    call = ForeignKeyField(Call, backref="reviews", unique=True, on_delete="CASCADE")
    reviewer = ForeignKeyField(Operator, null=True, backref="+", on_delete="SET NULL")
    score = IntegerField()
    comment = LongText(default="")
    reviewed_at = MomentField()


class StatsHour(BaseModel):
    """The calls of one local hour, queue and answering operator, summed once their day is closed, so a month's
    statistics read these instead of every call (calldesk/desk/stats/hours.py)."""

    basis = ShortText(max_length=160)  # what the sums depend on: time zone, thresholds, FCR window
    hour = IntegerField()  # local hours since 1970-01-01 00:00
    queue = ShortText(max_length=64)
    operator = IntegerField(default=0)  # the answering operator's id; 0 for nobody (kept if they are deleted)
    offered = IntegerField(default=0)
    answered = IntegerField(default=0)
    abandoned = IntegerField(default=0)
    short_abandoned = IntegerField(default=0)
    answered_in_time = IntegerField(default=0)
    wait_seconds = DoubleField(default=0)
    longest_wait_seconds = DoubleField(default=0)
    handled = IntegerField(default=0)
    handle_seconds = DoubleField(default=0)
    resolved_first_time = IntegerField(default=0)
    script_steps = IntegerField(default=0)
    phrase_hits = IntegerField(default=0)

    class Meta:
        indexes = ((("basis", "hour", "queue", "operator"), True),)


class StatsDay(BaseModel):
    """A closed local day whose calls are summed in StatsHour, with the count of calls that decided the sums."""

    basis = ShortText(max_length=160)
    day = IntegerField()  # local days since 1970-01-01
    calls = IntegerField()  # calls of the day and of the days its FCR window reaches into, when summed
    summed_at = MomentField()

    class Meta:
        indexes = ((("basis", "day"), True),)


class AuditEvent(BaseModel):
    actor = ShortText(max_length=64)  # an operator's login, or "system"
    entity = ShortText(max_length=32)
    entity_id = IntegerField()
    action = ShortText(max_length=32)
    before = LongText(default="")
    after = LongText(default="")
    at = MomentField(index=True)

    class Meta:
        indexes = ((("entity", "entity_id"), False),)


class JournalApplied(BaseModel):
    """A console's offline journal entry that reached the database, written in the same transaction as the change
    it made, so a replay interrupted anywhere never applies it twice (calldesk/desk/journal.py)."""

    entry_id = ShortText(max_length=36, unique=True)  # the entry's UUID
    operator = ShortText(max_length=64)  # the login whose journal it came from
    kind = ShortText(max_length=16)
    applied_at = MomentField()


ALL_MODELS: tuple[type[BaseModel], ...] = (
    SchemaVersion,
    Operator,
    OperatorStateChange,
    Client,
    Phone,
    Call,
    Note,
    NoteDraft,
    CallBack,
    Feedback,
    FaqEntry,
    AuditEvent,
    CallReview,
    StatsHour,
    StatsDay,
    PhraseHit,
    Escalation,
    TrainingScore,
    JournalApplied,
    Notice,
    QueueMember,
)
