"""A warranty-cost claim's lifecycle, declared once (core.lifecycle). A new claim is held (a check found
something) or waits for approval; re-checks move it between the two; headquarters decides once."""

from core.lifecycle import Lifecycle, move
from settlement.models import WarrantyClaim

C = WarrantyClaim.Status
CLAIM = Lifecycle(
    C,
    [
        move("hold", {C.PENDING}, C.HELD),  # a re-check found something
        move("clear", {C.HELD}, C.PENDING),  # a re-check found nothing
        move("approve", {C.PENDING}, C.APPROVED),
        # A held claim paid all the same: only for findings that are not blocking, with the reason.
        move("approve_held", {C.HELD}, C.APPROVED, needs_reason=True),
        move("reject", {C.HELD, C.PENDING}, C.REJECTED, needs_reason=True),
    ],
    initial={C.HELD, C.PENDING},
)
