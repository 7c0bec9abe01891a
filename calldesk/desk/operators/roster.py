"""Operators: who sits at a console, their role and their state."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from calldesk.desk import audit
from calldesk.desk.callbacks.status import CallbackStatus
from calldesk.desk.calls.states import OperatorEvent, OperatorState, operator_move, sources_of
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, NotAllowed, NotFound, UnknownOperator
from calldesk.desk.operators.permissions import Action, Role, is_lead_role, lead_role_condition, require
from calldesk.i18n import _
from calldesk.languages import LANGUAGES
from calldesk.store.accounts import give_login
from calldesk.store.models import CallBack, Operator, OperatorStateChange, database
from calldesk.store.prepared import Prepared

FIRST_LEAD_LOCK_ID = 0x6C65_6164  # "lead": consoles opening a new database make its first lead one at a time
# The states the figures report time in (ringing counts as available there; a disabled operator is nobody's time)
STATES = (OperatorState.AVAILABLE, OperatorState.ON_CALL, OperatorState.WRAP_UP, OperatorState.PAUSED,
          OperatorState.OFFLINE)
VIEW_COLUMNS = (Operator.id, Operator.login, Operator.name, Operator.department, Operator.role, Operator.extension,
                Operator.state, Operator.state_reason, Operator.state_since, Operator.enabled)


class OperatorView(NamedTuple):
    """Someone who sits at a console, as the desk's rules and screens read them."""

    id: int
    login: str
    name: str
    department: str
    role: str
    extension: str
    state: str
    state_reason: str
    state_since: datetime | None
    enabled: bool = True

    @property
    def is_lead(self) -> bool:
        return is_lead_role(self.role)


def view_of(operator: Operator) -> OperatorView:
    return OperatorView(*(getattr(operator, column.name) for column in VIEW_COLUMNS))


def _view_of_row(row: tuple) -> OperatorView:
    """The view of a row of VIEW_COLUMNS as the driver gives it."""
    *text, since, enabled = row
    return OperatorView(*text, state_since=Operator.state_since.python_value(since),
                        enabled=Operator.enabled.python_value(enabled))


# A PBX changes states by the thousand: these are built once (RETURNING hands back the row as written, no re-read).
# The update moves the operator only from the states the event allows, so two paths racing cannot both move them.
_MOVE_STATE = Prepared(lambda operator_id, sources, state, reason, now: Operator.update(
    state=state, state_reason=reason, state_since=now
).where((Operator.id == operator_id) & Operator.state.in_(sources)).returning(*VIEW_COLUMNS))
_OPERATOR = Prepared(lambda operator_id: Operator.select(*VIEW_COLUMNS).where(Operator.id == operator_id))
_KEEP_STATE_CHANGE = Prepared(lambda operator_id, state, reason, now: OperatorStateChange.insert(
    operator=operator_id, state=state, reason=reason, started_at=now
))


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise DeskError(f"role {role!r} is not one of {', '.join(Role)}") from None


def add_operator(desk: Desk, login: str, name: str = "", department: str = "", role: str = Role.OPERATOR,
                 extension: str = "", actor: str = "system", by: str | None = None,
                 account: str | None = None, database_login: bool = False,
                 password: str | None = None, language: str = "") -> OperatorView:
    """Create an operator; the department defaults to the first one in the config, the account (the OS user or
    database role they sign in as: desk/operators/identity.py) to the login. ``by``: the person asking, who must be a
    team lead (``actor`` names a non-person such as the demo or the command line). ``database_login``: on PostgreSQL,
    give them their own login too, with ``password`` (store/accounts.give_login), in the same transaction.
    ``language``: their interface's (hi, en), the desk's when empty."""
    actor = _acting_lead(by) or actor
    login = login.strip()
    if not login:
        raise DeskError("an operator needs a login")
    role = _role(role)
    department = department or desk.config.departments[0].id
    if desk.config.department(department) is None:
        known = ", ".join(d.id for d in desk.config.departments)
        raise DeskError(f"department {department!r} is not in the config (known: {known})")
    account = (account or login).strip()
    if language not in ("", *LANGUAGES):
        raise DeskError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    with database.atomic():
        if Operator.get_or_none(Operator.login == login) is not None:
            raise DeskError(f"operator {login!r} exists already")
        holder = Operator.get_or_none(Operator.account == account)
        if holder is not None:
            raise DeskError(f"{account!r} signs in as {holder.login} already: one account, one operator")
        operator = Operator.create(
            login=login, account=account, name=name.strip() or login, department=department, role=role.value,
            extension=extension, language=language, state=OperatorState.AVAILABLE, state_since=desk.clock.now(),
        )
        if database_login:
            give_login(account, password, is_lead_role(role))
        audit.record(desk, actor, "operator", operator.id, "create",
                     after={"login": login, "role": role.value, "account": account})
    return view_of(operator)


def sign_in(desk: Desk, login: str) -> OperatorView:
    """The operator named ``login``, enabled; who may act as them is desk/operators/identity.py's question."""
    operator = Operator.get_or_none(Operator.login == login)
    if operator is None:
        raise UnknownOperator(
            f"operator {login!r} is not known here: a lead adds them with `calldesk operator add {login}`"
        )
    if not operator.enabled:
        raise UnknownOperator(f"operator {login!r} is disabled: a team lead can run `calldesk operator enable {login}`")
    return view_of(operator)


def get_operator(operator_id: int) -> OperatorView:
    rows = _OPERATOR.rows(operator_id=operator_id)
    if not rows:
        raise NotFound(_("operator {operator} does not exist").format(operator=operator_id))
    return _view_of_row(rows[0])


def list_operators(*, with_disabled: bool = False) -> list[OperatorView]:
    query = Operator.select().order_by(Operator.login)
    return [view_of(o) for o in (query if with_disabled else query.where(Operator.enabled))]


def _acting_lead(by: str | None) -> str | None:
    """People are managed by team leads: when a person asks (``by``), they must be an enabled lead. Without one,
    the caller is the desk's administrator (the command line of whoever holds the database's keys)."""
    if by is None:
        return None
    actor = Operator.get_or_none(Operator.login == by)
    known = actor is not None and actor.enabled
    require(actor, Action.MANAGE_OPERATORS,
            f"{actor.name} is not a team lead" if known else f"operator {by!r} is not an enabled operator here")
    return actor.login


def _known(login: str) -> Operator:
    operator = Operator.get_or_none(Operator.login == login)
    if operator is None:
        raise NotFound(f"operator {login!r} is not known here (see `calldesk operator list`)")
    return operator


def _keep_a_lead(operator: Operator, change: str) -> None:
    """A desk with no enabled lead could not manage anyone any more."""
    others = Operator.select().where(lead_role_condition() & Operator.enabled & (Operator.id != operator.id))
    if is_lead_role(operator.role) and operator.enabled and not others.exists():
        raise NotAllowed(f"{operator.login} is the only team lead: make someone else a lead before you {change}")


def set_role(desk: Desk, login: str, role: str, *, by: str | None = None) -> OperatorView:
    """Make an operator a team lead or an operator again; audited."""
    role = _role(role)
    with database.atomic():
        actor = _acting_lead(by) or "system"
        operator = _known(login)
        if operator.role != role:
            if not is_lead_role(role):
                _keep_a_lead(operator, f"make {operator.login} an operator")
            Operator.update(role=role.value).where(Operator.id == operator.id).execute()
            audit.record(desk, actor, "operator", operator.id, "set_role", before={"role": operator.role},
                         after={"role": role.value})
    return get_operator(operator.id)


def disable_operator(desk: Desk, login: str, *, by: str | None = None) -> OperatorView:
    """Stop an operator from signing in; their record and history stay. Audited."""
    with database.atomic():
        actor = _acting_lead(by) or "system"
        operator = _known(login)
        if by == operator.login:
            raise NotAllowed("you cannot disable yourself: ask another team lead")
        if operator.enabled:
            _keep_a_lead(operator, f"disable {operator.login}")
            Operator.update(enabled=False).where(Operator.id == operator.id).execute()
            move(desk, operator.id, OperatorEvent.DISABLE)  # their open console sees it and signs them out
            audit.record(desk, actor, "operator", operator.id, "disable", before={"enabled": True},
                         after={"enabled": False})
    return get_operator(operator.id)


def enable_login(desk: Desk, login: str, *, by: str | None = None) -> OperatorView:
    """The roster's part of letting a disabled operator sign in again, audited: they are offline until they do.
    Whoever enables someone asks shift.enable_operator, which also puts them back on a call left open."""
    with database.atomic():
        actor = _acting_lead(by) or "system"
        operator = _known(login)
        if not operator.enabled:
            Operator.update(enabled=True).where(Operator.id == operator.id).execute()
            move(desk, operator.id, OperatorEvent.ENABLE)
            audit.record(desk, actor, "operator", operator.id, "enable", before={"enabled": False},
                         after={"enabled": True})
    return get_operator(operator.id)


def open_callbacks_owned(operator_id: int) -> int:
    """Open call-backs still in an operator's name: what a lead hands on when they disable someone."""
    mine = (CallBack.assignee == operator_id) & (CallBack.status == CallbackStatus.OPEN)
    return CallBack.select().where(mine).count()


def move(desk: Desk, operator_id: int, event: OperatorEvent, reason: str = "",
         at: datetime | None = None) -> OperatorView:
    """Move an operator by ``event`` as the state machine allows (desk/calls/states.py), keeping the change in their
    state history; an event that changes nothing leaves them as they are. Raises Refused with the reason. ``at``: when
    the move happened, if before now (a wrap-up whose time ran out unseen: its end)."""
    now = Operator.state_since.db_value(at or desk.clock.now())
    with database.atomic():
        me = get_operator(operator_id)
        target = operator_move(event, me.state, me.name)
        if target is None:
            return me
        reason = reason if target == OperatorState.PAUSED else ""
        written = _MOVE_STATE.rows(operator_id=operator_id, sources=sources_of(event), state=target, reason=reason,
                                   now=now)
        if not written:  # another path moved them between the read and the update: judge the move again
            operator_move(event, get_operator(operator_id).state, me.name)
            return get_operator(operator_id)
        _KEEP_STATE_CHANGE.execute(operator_id=operator_id, state=target, reason=reason, now=now)
    return _view_of_row(written[0])
