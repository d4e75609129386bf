"""The lifecycles of settlement (core.lifecycle). A warranty-cost claim is held (a check found
something) or waits for approval; re-checks move it between the two; headquarters decides once. An old part's
tag is shipped, then inspected at the centre; a shipment is received once every part in it is inspected. An
outlet's monthly statement is issued, then agreed or disputed by the outlet."""

from core.lifecycle import Lifecycle, move
from settlement.models import PartShipment, ReturnTag, SettlementStatement, WarrantyClaim

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

T = ReturnTag.Status
RETURN_TAG = Lifecycle(
    T,
    [
        move("ship", {T.TAGGED}, T.SHIPPED),
        # The centre's inspection of each part in a shipment.
        move("receive", {T.SHIPPED}, T.RECEIVED),
        move("missing", {T.SHIPPED}, T.MISSING),
        move("wrong_part", {T.SHIPPED}, T.WRONG_PART),
        move("not_faulty", {T.SHIPPED}, T.NOT_FAULTY),
    ],
    initial={T.TAGGED},
)

S = PartShipment.Status
SHIPMENT = Lifecycle(S, [move("receive", {S.SHIPPED}, S.RECEIVED)], initial={S.SHIPPED})

M = SettlementStatement.Status
STATEMENT = Lifecycle(
    M,
    [
        move("agree", {M.ISSUED}, M.AGREED),
        move("dispute", {M.ISSUED}, M.DISPUTED, needs_reason=True),
        move("reply", {M.DISPUTED}, M.ISSUED, needs_reason=True),  # headquarters answers: back to the outlet
    ],
    initial={M.ISSUED},
)
