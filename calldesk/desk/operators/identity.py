"""Who sits at the console: the operator mapped to the account the system vouches for (store/accounts.py), never a
typed login.

A login given with --operator, $CALLDESK_OPERATOR or the config's default_operator only chooses whom a team lead
works as; the demo and training let anyone choose (they change nothing that matters). On PostgreSQL the owner of
calldesk's tables, who can change anything there anyway, is the desk's administrator: they act as themself, or as
the operator they choose. The first lead of a new desk is made once, under a lock (``make_first_lead``).
"""

from __future__ import annotations

from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, UnknownOperator
from calldesk.desk.operators.permissions import Action, Role, lead_role_condition, require
from calldesk.desk.operators.roster import FIRST_LEAD_LOCK_ID, OperatorView, add_operator, sign_in
from calldesk.store.accounts import account_kind, is_administrator, session_account
from calldesk.store.database import one_at_a_time
from calldesk.store.models import Operator


def who_acts(desk: Desk, chosen: str | None = None, *, anyone_may_choose: bool = False) -> OperatorView | None:
    """The operator this session acts as; None for the database's administrator acting as themself. ``chosen``
    (a typed login) is honoured for a team lead, the administrator, or where ``anyone_may_choose``."""
    account = session_account()
    me = Operator.get_or_none(Operator.account == account)
    if me is None and (anyone_may_choose or is_administrator()):
        return sign_in(desk, chosen) if chosen else None
    if me is None:
        raise UnknownOperator(
            f"{account_kind()} {account!r} is not an operator here: a team lead maps it with "
            f"`calldesk operator add LOGIN{' --os-user ' + account if account_kind() == 'OS user' else ''}`")
    mine = sign_in(desk, me.login)  # refuses a disabled operator in one line
    if chosen is None or chosen == mine.login:
        return mine
    if not anyone_may_choose:
        require(mine, Action.SIT_IN, f"you are {mine.login} ({account_kind()} {account})")
    return sign_in(desk, chosen)


def make_first_lead(desk: Desk, login: str, account: str, *, name: str = "",
                    password: str | None = None) -> OperatorView:
    """Make the first team lead of a desk that has none (`calldesk db init --lead`), signing in as ``account`` (on
    PostgreSQL a login of their own, with ``password``): exactly one, however many start at once. Refused when the
    desk has a lead already."""
    with one_at_a_time(FIRST_LEAD_LOCK_ID):
        lead = Operator.get_or_none(lead_role_condition())
        if lead is not None:
            raise DeskError(f"this desk has a team lead already ({lead.login}): a lead adds operators with "
                            "`calldesk operator add`")
        return add_operator(desk, login, name, role=Role.LEAD, account=account, actor=_session_name(),
                            database_login=True, password=password)


def first_console(desk: Desk, chosen: str | None) -> OperatorView | None:
    """The first console on a new desk makes its first lead, named ``chosen`` or after the account; None when the
    desk has operators already, and the usual sign-in follows."""
    if Operator.select().exists():
        return None  # the usual case, without taking the lock
    with one_at_a_time(FIRST_LEAD_LOCK_ID):
        if Operator.select().exists():
            return None
        return add_operator(desk, chosen or session_account(), role=Role.LEAD, account=session_account(),
                            actor=_session_name())


def _session_name() -> str:
    return f"{account_kind()} {session_account()}"  # who made the first lead, as the audit names them
