"""The PBX's part of consult first (desk/calls/consult.py holds the rule): Asterisk's attended transfer through AMI
(telephony/ami.py: Atxfer, then Hangup of the operator's line to complete or CancelAtxfer to return), or, for any
other PBX, the command config.yaml's ``consult_hook`` names, run as ``COMMAND start|complete|return CALL
OPERATOR_EXTENSION COLLEAGUE_EXTENSION PBX_ID`` (docs/pbx-hooks.md). Neither: the console says why in one line.
"""

from __future__ import annotations

import subprocess
from typing import Any, Protocol

from calldesk.desk.calls.consult import Consult
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.i18n import N_

UNAVAILABLE = N_("Consult first needs the PBX: set call_source: ami, or consult_hook in config.yaml")
HOOK_TIMEOUT_SECONDS = 10.0  # the operator waits for it: as long as the PBX is given to answer an AMI action


class ConsultLine(Protocol):
    """What a PBX does for a consult; each step raises a DeskError in one line when the PBX refuses."""

    def start_consult(self, consult: Consult) -> None:
        """Hold the caller and ring the colleague from the operator's phone."""

    def complete_consult(self, consult: Consult) -> None:
        """Connect the caller to the colleague; the operator leaves."""

    def cancel_consult(self, consult: Consult) -> None:
        """Hang up on the colleague; the operator is back with the caller."""


class ConsultHook:
    """A PBX without AMI: its own command makes each step of the consult."""

    def __init__(self, command: tuple[str, ...], timeout: float = HOOK_TIMEOUT_SECONDS) -> None:
        self.command = command
        self.timeout = timeout

    def start_consult(self, consult: Consult) -> None:
        self._run("start", consult)

    def complete_consult(self, consult: Consult) -> None:
        self._run("complete", consult)

    def cancel_consult(self, consult: Consult) -> None:
        self._run("return", consult)

    def _run(self, step: str, consult: Consult) -> None:
        # an argument list, never a shell: nothing a caller chose (a name, a number) is ever passed
        argv = [*self.command, step, str(consult.call_id), consult.operator_extension, consult.colleague_extension,
                consult.pbx_id]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=self.timeout, check=False)
        except FileNotFoundError:
            raise DeskError(f"the consult hook {self.command[0]} does not exist") from None
        except PermissionError:
            raise DeskError(f"the consult hook {self.command[0]} may not be run (not executable)") from None
        except subprocess.TimeoutExpired:
            raise DeskError(f"the consult hook did not finish within {self.timeout:g} s") from None
        if done.returncode:
            said = next((line.strip() for line in done.stderr.splitlines() if line.strip()), "")
            raise DeskError(f"the consult hook failed ({step}, exit {done.returncode})" + (f": {said}" if said
                                                                                           else ""))


def consult_line(desk: Desk, source: Any) -> ConsultLine | None:
    """The PBX that makes a consult for this console: Asterisk's AMI, else the configured hook; None for neither."""
    if hasattr(source, "start_consult"):
        return source
    return ConsultHook(desk.config.consult_hook) if desk.config.consult_hook else None
