"""Charge waivers."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.lifecycle import Lifecycle, move
from core.permissions import require_permission
from core.scoping import scope
from core.words import said
from workorders import events
from workorders.models import (
    ChargeWaiver,
    WorkOrder,
)
from workorders.services._common import _locked_in_scope

# A charge waiver's lifecycle (core.lifecycle): asked for, then decided once by a supervisor.
W = ChargeWaiver.Status
WAIVER = Lifecycle(
    W,
    [move("approve", {W.PENDING}, W.APPROVED), move("reject", {W.PENDING}, W.REJECTED, needs_reason=True)],
    initial={W.PENDING},
)


@transaction.atomic
def charge_waiver_request(*, work_order: WorkOrder, new_total: Decimal, reason: str, actor) -> ChargeWaiver:
    """Ask a supervisor to waive (0) or reduce the charge of an order not yet paid."""
    require_permission(actor, "workorders.add_chargewaiver")
    order = _locked_in_scope(work_order, actor)
    due = order.amount_due
    if due <= 0:
        raise ValidationError(_("Nothing is charged on this order."))
    if order.payments.exists():
        raise ValidationError(_("The order is paid already; a refund is a complaint remedy, not a waiver."))
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Give the reason for the waiver.")
    if new_total < 0 or new_total >= due:
        errors["new_total"] = _("Ask for less than ¥%(due)s (0 waives it all).") % {"due": due}
    if errors:
        raise ValidationError(errors)
    if ChargeWaiver.objects.filter(work_order=order, status=ChargeWaiver.Status.PENDING).exists():
        raise ValidationError(_("A waiver for this order is already waiting for a supervisor."))
    waiver = ChargeWaiver.objects.create(
        work_order=order,
        outlet=order.outlet,
        original_total=due,
        new_total=new_total,
        reason=reason.strip(),
        requested_by=actor,
    )
    events.order_noted(
        order,
        actor=actor,
        text=said(
            gettext_noop("Waiver asked for: ¥%(old)s → ¥%(new)s. %(reason)s"),
            old=due,
            new=new_total,
            reason=waiver.reason,
        ),
    )
    return waiver


@transaction.atomic
def charge_waiver_decide(*, waiver: ChargeWaiver, approve: bool, note: str = "", actor) -> ChargeWaiver:
    """A supervisor approves (the charge becomes the amount asked for) or rejects, with a note."""
    require_permission(actor, "workorders.decide_chargewaiver")
    found = scope(ChargeWaiver.objects.select_for_update(), actor).filter(pk=waiver.pk).first()
    if found is None:
        raise PermissionDenied(_("This work order is not in your outlets."))
    if found.status != ChargeWaiver.Status.PENDING:
        raise ValidationError(_("This waiver has been decided already."))
    if found.requested_by_id == actor.pk:
        raise PermissionDenied(_("Someone else must decide on your own request."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the waiver is rejected.")})
    order = _locked_in_scope(found.work_order, actor)
    if approve:
        if order.payments.exists():
            raise ValidationError(_("The order is paid already; a refund is a complaint remedy, not a waiver."))
        order.quote_lines = [
            *order.quote_lines,
            {
                "kind": "waiver",
                "code": "",
                "description": _("Reduction approved by %(who)s") % {"who": actor},
                "quantity": 1,
                "unit_price": str(found.new_total - found.original_total),
                "amount": str(found.new_total - found.original_total),
                "note": found.reason,
            },
        ]
        order.quote_total = found.new_total
        order.version += 1
        order.save(update_fields=["quote_lines", "quote_total", "version", "updated_at"])
    WAIVER.move(found, "approve" if approve else "reject", reason=note)
    found.decided_by, found.decided_at, found.decision_note = actor, timezone.now(), note.strip()
    found.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    events.order_noted(
        order,
        actor=actor,
        text=said(
            gettext_noop("Waiver approved: ¥%(old)s → ¥%(new)s. %(note)s")
            if approve
            else gettext_noop("Waiver rejected: ¥%(old)s → ¥%(new)s. %(note)s"),
            old=found.original_total,
            new=found.new_total,
            note=found.decision_note,
        ),
    )
    return found
