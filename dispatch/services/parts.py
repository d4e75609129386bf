"""Parts: requisitions against the outlet's stock (备件申领)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import require_permission
from core.roles import Role
from core.scoping import in_scope
from dispatch.lifecycle import REQUISITION
from dispatch.models import (
    Appointment,
    Part,
    PartRequisition,
    PartStock,
)
from dispatch.services._common import _locked_in_outlets
from dispatch.services.booking import _locked_order
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


def _stock(outlet_id: int, part_id: int) -> PartStock:
    PartStock.objects.get_or_create(outlet_id=outlet_id, part_id=part_id)
    return PartStock.objects.select_for_update().get(outlet_id=outlet_id, part_id=part_id)


def _close(requisition: PartRequisition, move: str, actor, **fields) -> PartRequisition:
    REQUISITION.move(requisition, move)
    for name, value in fields.items():
        setattr(requisition, name, value)
    requisition._history_user = actor
    requisition.save()
    return requisition


@transaction.atomic
def part_requisition_issue(*, requisition: PartRequisition, actor) -> PartRequisition:
    """Hand the parts out from the outlet's stock; never more than there is."""
    require_permission(actor, "dispatch.issue_partrequisition")
    found = _locked_requisition(requisition, actor, statuses=REQUISITION.moves["issue"].sources)
    stock = _stock(found.outlet_id, found.part_id)
    if stock.quantity < found.quantity:
        raise ValidationError(
            {
                "quantity": _("Only %(left)d of %(part)s in stock at this outlet.")
                % {"left": stock.quantity, "part": found.part}
            }
        )
    stock.quantity -= found.quantity
    stock._history_user = actor
    stock.save(update_fields=["quantity"])
    return _close(found, "issue", actor, issued_by=actor, issued_at=timezone.now())


def _settle(requisition: PartRequisition, actor, *, move: str, restock: bool) -> PartRequisition:
    """Use, return or cancel: by the job's engineer or the centre; returned parts go back to stock."""
    require_permission(actor, "dispatch.change_partrequisition")
    found = _locked_requisition(requisition, actor, statuses=REQUISITION.moves[move].sources)
    _engineer_of(found.work_order, actor)
    if restock:
        stock = _stock(found.outlet_id, found.part_id)
        stock.quantity += found.quantity
        stock._history_user = actor
        stock.save(update_fields=["quantity"])
    return _close(found, move, actor, closed_by=actor, closed_at=timezone.now())


@transaction.atomic
def part_requisition_use(*, requisition: PartRequisition, actor) -> PartRequisition:
    """The issued parts went into the product."""
    return _settle(requisition, actor, move="use", restock=False)


@transaction.atomic
def part_requisition_return(*, requisition: PartRequisition, actor) -> PartRequisition:
    """Issued parts not needed go back to stock."""
    return _settle(requisition, actor, move="return", restock=True)


@transaction.atomic
def part_requisition_cancel(*, requisition: PartRequisition, actor) -> PartRequisition:
    """Parts asked for and no longer needed, before they are issued."""
    return _settle(requisition, actor, move="cancel", restock=False)


@transaction.atomic
def stock_receive(*, outlet, part: Part, quantity: int, actor) -> PartStock:
    """Parts delivered to an outlet (or a count corrected upwards)."""
    require_permission(actor, "dispatch.change_partstock")
    if not in_scope(actor, outlet.pk):
        raise PermissionDenied(_("This outlet is not one of yours."))
    if quantity < 1:
        raise ValidationError({"quantity": _("At least 1.")})
    stock = _stock(outlet.pk, part.pk)
    stock.quantity += quantity
    stock._history_user = actor
    stock.save(update_fields=["quantity"])
    return stock
