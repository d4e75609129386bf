"""The lifecycles of complaint cases and remedies, declared once (core.lifecycle). A new case is open; a new
remedy is proposed (within the handler's authority) or waits for approval, as rules.needs_approval says."""

from complaints.models import ComplaintCase, Remedy
from core.lifecycle import Lifecycle, move

C = ComplaintCase.Status
CASE = Lifecycle(
    C,
    [
        # The remedy is carried out: the confirmation call is asked for (again, when one never got through).
        move("ask_confirmation", {C.OPEN, C.AWAITING_CONFIRMATION}, C.AWAITING_CONFIRMATION),
        move("confirm", {C.AWAITING_CONFIRMATION}, C.CLOSED),  # "satisfied" on that call: the only way to close
        move("reopen", {C.AWAITING_CONFIRMATION}, C.OPEN),  # anything else on that call
    ],
    initial={C.OPEN},
)

R = Remedy.Status
REMEDY = Lifecycle(
    R,
    [
        move("approve", {R.AWAITING_APPROVAL}, R.APPROVED),
        move("reject", {R.AWAITING_APPROVAL}, R.REJECTED, needs_reason=True),
    ],
    initial={R.PROPOSED, R.AWAITING_APPROVAL},  # as rules.needs_approval says,
)
