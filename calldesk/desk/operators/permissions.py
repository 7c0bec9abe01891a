"""Who may do what at the desk: the actions kept for team leads, and the one check every path asks (the command
line, the board, the team view and the dialogs alike; the console only uses ``may`` to hide what it would refuse).

Anyone enabled works their own calls, call-backs and complaints; the actions below are about everybody else's.
"""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import Protocol

from peewee import Expression

from calldesk.desk.errors import NotAllowed
from calldesk.i18n import N_, _
from calldesk.store.models import Operator


class Role(StrEnum):
    """What the store keeps in ``operator.role``."""

    OPERATOR = "operator"
    LEAD = "lead"


def is_lead_role(role: str) -> bool:
    """Whether a role is a team lead's: the one test of a role besides ``may`` (tests/test_one_place_per_rule.py)."""
    return role == Role.LEAD


def lead_role_condition() -> Expression:
    """SQL: operators whose role is a team lead's (``is_lead_role``)."""
    return Operator.role == Role.LEAD


class Action(Enum):
    """The desk's lead-only actions, each worded to finish "only a team lead may ..." (shown through _())."""

    MANAGE_OPERATORS = N_("manage operators")
    SIT_IN = N_("work as another operator (--operator)")
    REASSIGN_CALLBACK = N_("give a call-back to someone else")
    DISTRIBUTE_CALLBACKS = N_("distribute call-backs")
    CHANGE_OTHERS_CALLBACK = N_("change someone else's call-back")
    SEE_EVERY_CALLBACK = N_("see every call-back on the board")
    CHANGE_FAQ = N_("change the FAQ")
    REVIEW_CALL = N_("review a call")
    ACKNOWLEDGE_ESCALATION = N_("acknowledge an escalation")
    HAND_FEEDBACK = N_("hand a complaint or suggestion to someone else")
    MOVE_OTHERS_FEEDBACK = N_("move someone else's complaint or suggestion")
    SEE_EVERY_FEEDBACK = N_("see every complaint and suggestion")
    SUPERVISE_CALL = N_("listen to, whisper on or join an operator's call")
    SET_QUEUES = N_("change the queues an operator answers")


# Who may take each action: the table docs/security.md shows.
WHO_MAY: dict[Action, frozenset[Role]] = {action: frozenset({Role.LEAD}) for action in Action}


class Actor(Protocol):
    """Anyone the desk asks about: a stored operator or the view a console holds."""

    @property
    def role(self) -> str: ...

    @property
    def enabled(self) -> bool: ...


def may(actor: Actor | None, action: Action) -> bool:
    """Whether ``actor`` may take ``action``: an enabled operator whose role the table names (nobody else)."""
    return actor is not None and bool(actor.enabled) and actor.role in WHO_MAY[action]


def require(actor: Actor | None, action: Action, why: str = "") -> None:
    """Refuse ``action`` to whoever may not take it, in one line; ``why`` names the thing, as in
    "call-back 7 belongs to Ravi Kumar"."""
    if not may(actor, action):
        refusal = _("only a team lead may {action}").format(action=_(action.value))
        raise NotAllowed(_("{why}: {refusal}").format(why=why, refusal=refusal) if why else refusal)
