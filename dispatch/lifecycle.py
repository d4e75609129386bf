"""The lifecycles of appointments, part requisitions, stock transfers and loaner units, declared once (core.lifecycle).

The services check who may act and what else a move needs; `<LIFECYCLE>.move` is the only writer of
each status. A new appointment is booked; a new requisition requested; a new loaner available.
"""

from core.lifecycle import Lifecycle, move
from dispatch.models import Appointment, LoanerUnit, PartRequisition, StockTransfer

A = Appointment.Status
APPOINTMENT = Lifecycle(
    A,
    [
        move("depart", {A.BOOKED}, A.ON_SITE),  # the engineer sets off: the visit is under way
        move("finish", {A.ON_SITE}, A.DONE),  # signed off, or the product taken to the bench
        move("no_show", {A.ON_SITE}, A.NO_SHOW),  # nobody home after 5 minutes
        move("refuse", {A.ON_SITE}, A.REFUSED, needs_reason=True),  # refused after a late arrival
        # Under 15 minutes late and the customer is in a hurry: another time, booked by the dispatcher.
        move("put_off", {A.ON_SITE}, A.CANCELLED, needs_reason=True),
        move("cancel", {A.BOOKED}, A.CANCELLED, needs_reason=True),  # taken back, or its order cancelled
    ],
    initial={A.BOOKED},
)

R = PartRequisition.Status
REQUISITION = Lifecycle(
    R,
    [
        move("issue", {R.REQUESTED}, R.ISSUED),  # taken from the engineer's van or the outlet
        move("use", {R.ISSUED}, R.USED),  # went into the product
        move("return", {R.ISSUED}, R.RETURNED),  # back to stock
        move("cancel", {R.REQUESTED}, R.CANCELLED),  # no longer needed before issue
    ],
    initial={R.REQUESTED},
)

T = StockTransfer.Status
TRANSFER = Lifecycle(
    T,
    [
        move("ship", {T.REQUESTED}, T.SHIPPED),  # taken from the source's bin
        move("receive", {T.SHIPPED}, T.RECEIVED),  # added to the destination's bin
        move("cancel", {T.REQUESTED}, T.CANCELLED, needs_reason=True),  # not sent
    ],
    initial={T.REQUESTED},
)

L = LoanerUnit.Status
LOANER = Lifecycle(
    L,
    [
        move("lend", {L.AVAILABLE}, L.OUT),
        move("take_back", {L.OUT}, L.AVAILABLE),
        move("to_repair", {L.AVAILABLE}, L.IN_REPAIR),
        move("repaired", {L.IN_REPAIR}, L.AVAILABLE),
    ],
    initial={L.AVAILABLE},
)
