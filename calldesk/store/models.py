"""The Peewee models: one table each for the entities of DESIGN.md section 6.

Times are stored as UTC epoch seconds (``MomentField``) so both backends do arithmetic on them in SQL; Python
always sees timezone-aware datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from peewee import (
    BooleanField,
    CharField,
    DatabaseProxy,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

database = DatabaseProxy()


class MomentField(FloatField):
    """An aware datetime kept as UTC epoch seconds."""

    def db_value(self, value: datetime | float | None) -> float | None:
        if value is None or isinstance(value, int | float):
            return value
        if value.tzinfo is None:
            raise ValueError("naive datetime: the store only keeps timezone-aware times")
        return value.timestamp()

    def python_value(self, value: float | None) -> datetime | None:
        return None if value is None else datetime.fromtimestamp(value, UTC)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class SchemaVersion(BaseModel):
    version = IntegerField()
    applied_at = MomentField()


class Operator(BaseModel):
    login = CharField(max_length=64, unique=True)
    name = CharField(max_length=200)
    department = CharField(max_length=64)
    role = CharField(max_length=16, default="operator")  # operator | lead
    extension = CharField(max_length=32, default="")
    enabled = BooleanField(default=True)
    state = CharField(max_length=16, default="available")  # available | on_call | wrap_up | paused
    state_reason = CharField(max_length=64, default="")
    state_since = MomentField(null=True)


class OperatorStateChange(BaseModel):
    operator = ForeignKeyField(Operator, backref="state_changes", on_delete="CASCADE")
    state = CharField(max_length=16)
    reason = CharField(max_length=64, default="")
    started_at = MomentField(index=True)


class Client(BaseModel):
    name = CharField(max_length=200)
    company = CharField(max_length=200, default="")
    address_as = CharField(max_length=200, default="")
    manner = CharField(max_length=500, default="")
    stage = CharField(max_length=32, default="first_contact")
    tags = CharField(max_length=500, default="")
    time_zone = CharField(max_length=64, default="")
    search_text = TextField(default="")  # lower-cased name, company and phone digits: what find_clients scans
    created_at = MomentField()
    updated_at = MomentField()


class Phone(BaseModel):
    client = ForeignKeyField(Client, backref="phones", on_delete="CASCADE", index=True)
    raw = CharField(max_length=64)
    e164 = CharField(max_length=32, null=True, index=True)
    extension = CharField(max_length=16, default="")
    label = CharField(max_length=32, default="")
    valid = BooleanField(default=False)
    reversed_digits = CharField(max_length=32, index=True)  # for caller IDs that arrive without area code


class Call(BaseModel):
    direction = CharField(max_length=8, default="inbound")  # inbound | outbound
    number_raw = CharField(max_length=64)
    number_e164 = CharField(max_length=32, null=True)
    caller_name = CharField(max_length=200, default="")
    client = ForeignKeyField(Client, backref="calls", null=True, on_delete="SET NULL")
    queue = CharField(max_length=64)
    status = CharField(max_length=16)  # ringing | answered | abandoned | transferred | completed
    arrived_at = MomentField()
    answered_at = MomentField(null=True)
    ended_at = MomentField(null=True)
    wrapped_at = MomentField(null=True)
    rings = IntegerField(null=True)  # rings heard before the answer
    operator = ForeignKeyField(Operator, backref="calls", null=True, on_delete="SET NULL")
    disposition = CharField(max_length=64, default="")
    script_steps = TextField(default="")  # comma-separated step ids ticked during the call
    phrase_hits = IntegerField(default=0)
    transferred_to = CharField(max_length=64, default="")  # department id or operator login it went to
    offered_to = CharField(max_length=64, default="")  # operator login a transfer reserved the call for
    external_id = CharField(max_length=64, null=True, unique=True)  # the PBX's id for the call

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
    body = TextField()
    created_at = MomentField()

    class Meta:
        indexes = ((("client", "created_at"), False),)


class NoteDraft(BaseModel):
    """What the operator is typing, saved every few seconds so a killed console loses nothing."""

    operator = ForeignKeyField(Operator, on_delete="CASCADE")
    call = ForeignKeyField(Call, null=True, on_delete="CASCADE")
    client = ForeignKeyField(Client, null=True, on_delete="CASCADE")
    body = TextField()
    updated_at = MomentField()

    class Meta:
        indexes = ((("operator", "call"), True),)


class CallBack(BaseModel):
    client = ForeignKeyField(Client, backref="callbacks", null=True, on_delete="SET NULL")
    call = ForeignKeyField(Call, null=True, on_delete="SET NULL")  # the call that promised it
    number_e164 = CharField(max_length=32, null=True)
    number_raw = CharField(max_length=64, default="")
    reason = TextField()
    due_at = MomentField()
    sla_deadline = MomentField()
    assignee = ForeignKeyField(Operator, null=True, backref="callbacks", on_delete="SET NULL")
    pool = CharField(max_length=64, default="")  # a department id when nobody owns it yet
    created_by = ForeignKeyField(Operator, null=True, on_delete="SET NULL")
    status = CharField(max_length=16, default="open")  # open | done | cancelled
    attempts = IntegerField(default=0)
    outcome = CharField(max_length=200, default="")
    version = IntegerField(default=1)  # bumped on every change, for safe concurrent edits
    created_at = MomentField()
    updated_at = MomentField()

    class Meta:
        indexes = (
            (("status", "due_at"), False),
            (("assignee", "status"), False),
            (("client", "created_at"), False),
        )


class Feedback(BaseModel):
    kind = CharField(max_length=16)  # complaint | suggestion
    category = CharField(max_length=64, default="")
    body = TextField()
    client = ForeignKeyField(Client, null=True, backref="feedback", on_delete="SET NULL")
    call = ForeignKeyField(Call, null=True, on_delete="SET NULL")
    owner = ForeignKeyField(Operator, null=True, on_delete="SET NULL")
    status = CharField(max_length=16, default="open")  # open | in_progress | resolved
    deadline = MomentField()
    resolution = TextField(default="")
    created_at = MomentField()
    resolved_at = MomentField(null=True)

    class Meta:
        indexes = ((("client", "status"), False),)


class FaqEntry(BaseModel):
    question = TextField()
    answer = TextField()
    tags = CharField(max_length=500, default="")
    updated_at = MomentField()


class AuditEvent(BaseModel):
    actor = CharField(max_length=64)  # an operator's login, or "system"
    entity = CharField(max_length=32)
    entity_id = IntegerField()
    action = CharField(max_length=32)
    before = TextField(default="")
    after = TextField(default="")
    at = MomentField(index=True)

    class Meta:
        indexes = ((("entity", "entity_id"), False),)


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
)
