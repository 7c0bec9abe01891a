"""Operators: who sits at a console, their role and their state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from calldesk.desk import audit
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, UnknownOperator
from calldesk.store.models import Operator, OperatorStateChange, database

ROLES = ("operator", "lead")
STATES = ("available", "on_call", "wrap_up", "paused")


@dataclass(frozen=True)
class OperatorView:
    id: int
    login: str
    name: str
    department: str
    role: str
    extension: str
    state: str
    state_reason: str
    state_since: datetime | None

    @property
    def is_lead(self) -> bool:
        return self.role == "lead"


def view_of(operator: Operator) -> OperatorView:
    return OperatorView(
        id=operator.id, login=operator.login, name=operator.name, department=operator.department,
        role=operator.role, extension=operator.extension, state=operator.state,
        state_reason=operator.state_reason, state_since=operator.state_since,
    )


def add_operator(desk: Desk, login: str, name: str = "", department: str = "", role: str = "operator",
                 extension: str = "", actor: str = "system") -> OperatorView:
    """Create an operator; the department defaults to the first one in the config."""
    login = login.strip()
    if not login:
        raise DeskError("an operator needs a login")
    if role not in ROLES:
        raise DeskError(f"role {role!r} is not one of {', '.join(ROLES)}")
    department = department or desk.config.departments[0].id
    if desk.config.department(department) is None:
        known = ", ".join(d.id for d in desk.config.departments)
        raise DeskError(f"department {department!r} is not in the config (known: {known})")
    with database.atomic():
        if Operator.get_or_none(Operator.login == login) is not None:
            raise DeskError(f"operator {login!r} exists already")
        operator = Operator.create(
            login=login, name=name.strip() or login, department=department, role=role, extension=extension,
            state="available", state_since=desk.clock.now(),
        )
        audit.record(desk, actor, "operator", operator.id, "create", after={"login": login, "role": role})
    return view_of(operator)


def sign_in(desk: Desk, login: str) -> OperatorView:
    """The operator at this console. On a database with no operators the first one becomes a lead."""
    operator = Operator.get_or_none(Operator.login == login)
    if operator is None:
        if Operator.select().exists():
            raise UnknownOperator(
                f"operator {login!r} is not known here: a lead adds them with `calldesk operator add {login}`"
            )
        return add_operator(desk, login, role="lead")
    if not operator.enabled:
        raise UnknownOperator(f"operator {login!r} is disabled")
    return view_of(operator)


def get_operator(operator_id: int) -> OperatorView:
    return view_of(Operator.get_by_id(operator_id))


def list_operators() -> list[OperatorView]:
    return [view_of(o) for o in Operator.select().where(Operator.enabled).order_by(Operator.login)]


def set_state(desk: Desk, operator_id: int, state: str, reason: str = "") -> OperatorView:
    """Change an operator's state and keep the change in the state history."""
    if state not in STATES:
        raise DeskError(f"state {state!r} is not one of {', '.join(STATES)}")
    now = desk.clock.now()
    with database.atomic():
        Operator.update(state=state, state_reason=reason, state_since=now).where(
            Operator.id == operator_id
        ).execute()
        OperatorStateChange.create(operator=operator_id, state=state, reason=reason, started_at=now)
    return get_operator(operator_id)
