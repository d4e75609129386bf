"""Parts requisitions (备件申领): issued from the job's engineer's van when it holds enough, else from
the outlet; old parts taken out go to the defective bin of the same place."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import require_permission
from core.roles import Role
from dispatch.lifecycle import REQUISITION
from dispatch.models import Appointment, Part, PartRequisition, PartStock, StockMovement, StockPlace
from dispatch.services._common import _locked_in_outlets
from dispatch.services.booking import _locked_order
from dispatch.services.stock import move_parts, place_of_outlet
from workorders.lifecycle import OPEN_STATUSES
from workorders.models import WorkOrder


def _engineer_of(order: WorkOrder, actor) -> None:
    """Engineers ask for parts only for jobs booked with them."""
    if actor.role == Role.ENGINEER and not Appointment.objects.filter(work_order=order, engineer=actor).exists():
        raise PermissionDenied(_("This is not one of your jobs."))


@transaction.atomic
def part_requisition_request(
    *, work_order: WorkOrder, part: Part, quantity: int, note: str = "", actor
) -> PartRequisition:
    """Ask for parts for a job before the visit (or for the bench)."""
    require_permission(actor, "dispatch.add_partrequisition")
    order = _locked_order(work_order, actor)
    _engineer_of(order, actor)
    if order.status not in OPEN_STATUSES:
        raise ValidationError(_("The order is closed."))
    if not part.active:
        raise ValidationError({"part": _("This part is no longer in the catalogue.")})
    if quantity < 1:
        raise ValidationError({"quantity": _("At least 1.")})
    requisition = PartRequisition(
        work_order=order, outlet=order.outlet, part=part, quantity=quantity, note=note.strip(), requested_by=actor
    )
    requisition._history_user = actor
    requisition.save()
    return requisition


def _locked_requisition(requisition: PartRequisition, actor, *, statuses) -> PartRequisition:
    rows = PartRequisition.objects.select_related("part", "work_order")
    found = _locked_in_outlets(rows, requisition.pk, actor, refusal=_("This requisition is not in your outlets."))
    if found.status not in statuses:
        raise ValidationError(
            _("Not possible while the requisition is “%(status)s”.")
            % {"status": PartRequisition.Status(found.status).label}
        )
    return found


def _source(requisition: PartRequisition) -> tuple[StockPlace, PartStock]:
    """The van of the job's engineer when it holds enough of the part, else the outlet; the stock row
    locked."""
    engineer_id = (
        Appointment.objects.filter(work_order_id=requisition.work_order_id)
        .exclude(status=Appointment.Status.CANCELLED)
        .order_by("-starts_at")
        .values_list("engineer_id", flat=True)
        .first()
    )
    van = (
        StockPlace.objects.filter(level=StockPlace.Level.VAN, engineer_id=engineer_id).first() if engineer_id else None
    )
    if van is not None:
        row = (
            PartStock.objects.select_for_update()
            .filter(place=van, part_id=requisition.part_id, bin=PartStock.Bin.GOOD)
            .first()
        )
        if row is not None and row.quantity >= requisition.quantity:
            return van, row
    outlet = place_of_outlet(requisition.outlet)
    PartStock.objects.get_or_create(place=outlet, part_id=requisition.part_id, bin=PartStock.Bin.GOOD)
    return outlet, PartStock.objects.select_for_update().get(
        place=outlet, part_id=requisition.part_id, bin=PartStock.Bin.GOOD
    )


def _close(requisition: PartRequisition, move: str, actor, **fields) -> PartRequisition:
    REQUISITION.move(requisition, move)
    for name, value in fields.items():
        setattr(requisition, name, value)
    requisition._history_user = actor
    requisition.save()
    return requisition


@transaction.atomic
def part_requisition_issue(*, requisition: PartRequisition, actor) -> PartRequisition:
    """Hand the parts out from the engineer's van or the outlet; never more than there is."""
    require_permission(actor, "dispatch.issue_partrequisition")
    found = _locked_requisition(requisition, actor, statuses=REQUISITION.moves["issue"].sources)
    place, stock = _source(found)
    if stock.quantity < found.quantity:
        raise ValidationError(
            {
                "quantity": _("Only %(left)d of %(part)s in stock at this outlet or the engineer's van.")
                % {"left": stock.quantity, "part": found.part}
            }
        )
    move_parts(place, found.part, -found.quantity, StockMovement.Reason.ISSUED, actor, requisition=found)
    return _close(found, "issue", actor, issued_by=actor, issued_at=timezone.now(), drawn_from=place)


def _settle(requisition: PartRequisition, actor, *, move: str) -> PartRequisition:
    """Use, return or cancel: by the job's engineer or the centre. Returned parts go back where they
    were taken from; a used part's old one goes to that place's defective bin."""
    require_permission(actor, "dispatch.change_partrequisition")
    found = _locked_requisition(requisition, actor, statuses=REQUISITION.moves[move].sources)
    _engineer_of(found.work_order, actor)
    place = found.drawn_from or place_of_outlet(found.outlet)
    if move == "return":
        move_parts(place, found.part, found.quantity, StockMovement.Reason.RETURNED, actor, requisition=found)
    elif move == "use":
        move_parts(
            place,
            found.part,
            found.quantity,
            StockMovement.Reason.OLD_PART,
            actor,
            bin=PartStock.Bin.DEFECTIVE,
            requisition=found,
        )
    return _close(found, move, actor, closed_by=actor, closed_at=timezone.now())


@transaction.atomic
def part_requisition_use(*, requisition: PartRequisition, actor) -> PartRequisition:
    """The issued parts went into the product."""
    return _settle(requisition, actor, move="use")


@transaction.atomic
def part_requisition_return(*, requisition: PartRequisition, actor) -> PartRequisition:
    """Issued parts not needed go back to stock."""
    return _settle(requisition, actor, move="return")


@transaction.atomic
def part_requisition_cancel(*, requisition: PartRequisition, actor) -> PartRequisition:
    """Parts asked for and no longer needed, before they are issued."""
    return _settle(requisition, actor, move="cancel")
