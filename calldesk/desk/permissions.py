"""Who may do what at the desk: the actions kept for team leads, and the one check every path asks (the command
line, the board, the team view and the dialogs alike; the console only uses ``may`` to hide what it would refuse).

Anyone enabled works their own calls, call-backs and complaints; the actions below are about everybody else's.
"""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import Protocol

from calldesk.desk.errors import NotAllowed


class Role(StrEnum):
    """What the store keeps in ``operator.role``."""

    OPERATOR = "operator"
    LEAD = "lead"


class Action(Enum):
    """The desk's lead-only actions, each worded to finish "only a team lead may ..."."""

    MANAGE_OPERATORS = "manage operators"
    SIT_IN = "work as another operator (--operator)"
    REASSIGN_CALLBACK = "give a call-back to someone else"
    DISTRIBUTE_CALLBACKS = "distribute call-backs"
    CHANGE_OTHERS_CALLBACK = "change someone else's call-back"
    SEE_EVERY_CALLBACK = "see every call-back on the board"
    CHANGE_FAQ = "change the FAQ"
    REVIEW_CALL = "review a call"
    ACKNOWLEDGE_ESCALATION = "acknowledge an escalation"
    HAND_FEEDBACK = "hand a complaint or suggestion to someone else"
    MOVE_OTHERS_FEEDBACK = "move someone else's complaint or suggestion"
    SEE_EVERY_FEEDBACK = "see every complaint and suggestion"


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
        raise NotAllowed(f"{why}: " * bool(why) + f"only a team lead may {action.value}")
