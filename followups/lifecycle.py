"""The callback lifecycle, declared once (core.lifecycle). The sweep, the claim and a cancelled order move
many rows or race for one: they move by `CALLBACK.update` (one conditional UPDATE); an outcome moves one row.
A new callback is scheduled."""

from core.lifecycle import Lifecycle, move
from followups.models import Callback

C = Callback.Status
CALLBACK = Lifecycle(
    C,
    [
        move("come_due", {C.SCHEDULED}, C.QUEUED),  # the sweep: due now, into the call queue
        move("claim", {C.QUEUED, C.CLAIMED}, C.CLAIMED),  # a clerk takes it (an expired or own claim again)
        move("release", {C.CLAIMED}, C.QUEUED),  # a claim ran out unanswered
        move("complete", {C.CLAIMED}, C.DONE),  # the customer was reached
        move("retry", {C.CLAIMED}, C.SCHEDULED),  # not reached: again at the next calling time
        move("fail", {C.CLAIMED}, C.FAILED),  # not reached after every attempt: for the supervisor
        move("cancel", {C.SCHEDULED, C.QUEUED}, C.CANCELLED),  # its order was cancelled
    ],
    initial={C.SCHEDULED},
)
