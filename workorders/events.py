"""A work order's timeline rows (WorkOrderEvent), written by these helpers only: each says what happened in
the words the timeline shows (the habit of Saleor's order/events.py)."""

from workorders.models import WorkOrder, WorkOrderEvent

Kind = WorkOrderEvent.Kind


def order_received(order: WorkOrder, *, actor) -> WorkOrderEvent:
    return WorkOrderEvent.objects.create(work_order=order, kind=Kind.CREATED, to_status=order.status, actor=actor)


def order_transitioned(order: WorkOrder, *, transition: str, from_status: str, actor, text: str = "") -> WorkOrderEvent:
    return WorkOrderEvent.objects.create(
        work_order=order,
        kind=Kind.TRANSITION,
        transition=transition,
        from_status=from_status,
        to_status=order.status,
        actor=actor,
        text=text,
    )


def order_handed_over(order: WorkOrder, *, actor, text: str) -> WorkOrderEvent:
    return WorkOrderEvent.objects.create(work_order=order, kind=Kind.HANDOVER, actor=actor, text=text)


def order_noted(order: WorkOrder, *, actor, text: str) -> WorkOrderEvent:
    """A note on the timeline: typed by staff, or written by a service saying what it did."""
    return WorkOrderEvent.objects.create(work_order=order, kind=Kind.NOTE, actor=actor, text=text)


def order_redecided(order: WorkOrder, *, actor, text: str) -> WorkOrderEvent:
    """The warranty decision made again with new facts: old and new options, and the rules used."""
    return WorkOrderEvent.objects.create(work_order=order, kind=Kind.WARRANTY, actor=actor, text=text)
