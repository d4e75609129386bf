"""The lifecycle: transitions, hand-over and notes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.errors import ConflictError
from core.notify import notification_enqueue
from core.permissions import require_permission
from core.scoping import in_scope
from core.words import said
from workorders import events
from workorders.lifecycle import TRANSITIONS, Status, Transition, work_order_transitioned
from workorders.models import (
    WorkOrder,
    WorkOrderEvent,
)
from workorders.services._common import OVERRIDE_ROLES, _locked_in_scope
from workorders.services.entitlement import redecide


@transaction.atomic
def work_order_transition(
    *,
    work_order: WorkOrder,
    transition: str,
    actor,
    reason: str = "",
    expected_version: int | None = None,
    override_incomplete: bool = False,
    by_service: bool = False,
) -> WorkOrder:
    """Move a work order along the lifecycle; the one place a status changes.

    `by_service` is set by the services of other apps that own a transition (`made_by`)."""
    require_permission(actor, "workorders.change_workorder")
    step = TRANSITIONS.get(transition)
    if step is None:
        raise ValidationError({"transition": _("Unknown action “%(name)s”.") % {"name": transition}})
    order = _locked_in_scope(work_order, actor)
    if expected_version is not None and order.version != expected_version:
        raise ConflictError(_("Someone else changed this work order meanwhile; reload it and try again."))
    current = Status(order.status)
    _check_step(step, current=current, actor=actor, reason=reason, by_service=by_service)
    _check_guards(order, transition, actor, override_incomplete)
    text = reason.strip()
    if override_incomplete and order.missing_info:
        text = "; ".join(filter(None, [text, _("Sent with missing information (override).")]))
    return _move(order, step, current=current, actor=actor, text=text)


def _move(order: WorkOrder, step: Transition, *, current: Status, actor, text) -> WorkOrder:
    """The checked step applied to the locked order: status, stamps, timeline, decision, subscribers.
    `actor` is None when the customer acts from the tracking page (workorders.services.customer_side)."""
    order.status = step.target
    order.version += 1
    changed = ["status", "version", "updated_at"]
    if step.name == "approve_quote":
        order.quote_approved_at, order.quote_approved_by = timezone.now(), actor
        changed += ["quote_approved_at", "quote_approved_by"]
    if step.name == "finish_repair":
        order.repaired_at = timezone.now()  # the 30-day repair guarantee runs from it
        changed.append("repaired_at")
    order.save(update_fields=changed)
    if step.name == "finish_repair" and order.channel == WorkOrder.Channel.WALK_IN and order.notify_by_phone:
        _notify_ready(order)
    event = events.order_transitioned(order, transition=step.name, from_status=current, actor=actor, text=text)
    # The clocks start, stop or run on with the new status: the decision follows them.
    redecide(order, actor=actor, cause=said(gettext_noop("Status changed to “%(status)s”"), status=step.target.label))
    work_order_transitioned.send(sender=WorkOrder, work_order=order, transition=step, event=event, actor=actor)
    return order


def _check_step(step: Transition, *, current: Status, actor, reason: str, by_service: bool) -> None:
    """The transition table's own rules: from where, by whom, with a reason, and on which page."""
    if current not in step.sources:
        raise ValidationError(
            {
                "transition": _("“%(action)s” is not possible while the order is “%(status)s”.")
                % {"action": step.label, "status": current.label}
            }
        )
    if actor.role not in step.roles:
        raise PermissionDenied(_("Your role may not “%(action)s”.") % {"action": step.label})
    if step.needs_reason and not reason.strip():
        raise ValidationError({"reason": _("Give a reason for “%(action)s”.") % {"action": step.label}})
    if step.made_by is not None and not by_service:
        raise ValidationError(
            {"transition": _("“%(action)s” is done on %(where)s.") % {"action": step.label, "where": step.made_by}}
        )


def _check_guards(order: WorkOrder, transition: str, actor, override_incomplete: bool) -> None:
    if transition == "request_dispatch" and order.missing_info:
        if not override_incomplete:
            raise ValidationError(
                {
                    "missing_info": _("Complete the missing information first: %(missing)s.")
                    % {"missing": ", ".join(order.missing_info_labels)}
                }
            )
        if actor.role not in OVERRIDE_ROLES:
            raise PermissionDenied(_("Only a supervisor may send an incomplete order to dispatch."))
    if transition == "start_service" and order.status == Status.RECEIVED:
        if order.damage_waiver_required and order.damage_waiver_signed_at is None:
            raise ValidationError({"damage_waiver": _("The customer must sign the water/drop damage waiver first.")})
        if order.channel == WorkOrder.Channel.WALK_IN and not order.in_warranty and order.quote_approved_at is None:
            raise ValidationError({"quote": _("Out of warranty: the customer must approve a quote before the repair.")})
        if order.channel == WorkOrder.Channel.WALK_IN and not order.data_loss_acknowledged:
            raise ValidationError(
                {"data_loss_acknowledged": _("The customer must acknowledge the data-loss warning first.")}
            )


@transaction.atomic
def work_order_hand_over(*, work_order: WorkOrder, new_owner, actor, reason: str) -> WorkOrder:
    """Give the order a new responsible owner (一票到底: an explicit, recorded act)."""
    require_permission(actor, "workorders.change_workorder")
    order = _locked_in_scope(work_order, actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the hand-over.")})
    if not in_scope(new_owner, order.outlet_id) or not new_owner.is_active:
        raise ValidationError({"new_owner": _("The new owner must be active staff of this order's outlet.")})
    previous = order.owner
    order.owner = new_owner
    order.version += 1
    order.save(update_fields=["owner", "version", "updated_at"])
    events.order_handed_over(
        order,
        actor=actor,
        text=said(gettext_noop("%(old)s → %(new)s: %(reason)s"), old=previous, new=new_owner, reason=reason.strip()),
    )
    return order


@transaction.atomic
def work_order_add_note(*, work_order: WorkOrder, text: str, actor) -> WorkOrderEvent:
    require_permission(actor, "workorders.view_workorder")
    order = _locked_in_scope(work_order, actor)
    if not text.strip():
        raise ValidationError({"text": _("Write something.")})
    return events.order_noted(order, actor=actor, text=text.strip())


def _notify_ready(order: WorkOrder) -> None:
    """Tell the customer the product is ready: into the outbox with this change (sent by the beat task)."""
    notification_enqueue(
        kind="ready_for_pickup",
        to=order.customer.message_phone(),
        context={"product": order.product, "outlet": order.outlet.name, "code": order.pickup_code},
        key=f"ready:{order.pk}:{order.version}",
    )
