"""A work order's timeline rows (WorkOrderEvent), written by these helpers only: each says what happened in
the words the timeline shows (the habit of Saleor's order/events.py).

What a service says is passed as `core.words.said(gettext_noop("..."), **params)` and kept as the message and its
parameters, so each reader sees it in their own language; `text` keeps it as the network reads it
(Chinese) for exports and searches. What staff type is kept as typed."""

from core.words import as_the_network_reads
from workorders.models import WorkOrder, WorkOrderEvent

Kind = WorkOrderEvent.Kind
Words = str | dict  # typed text, or a message from core.words.said


def _fields(words: Words) -> dict:
    if isinstance(words, dict):
        return {"text": as_the_network_reads(words), "message": words}
    return {"text": words}


def order_received(order: WorkOrder, *, actor) -> WorkOrderEvent:
    return WorkOrderEvent.objects.create(work_order=order, kind=Kind.CREATED, to_status=order.status, actor=actor)


def order_transitioned(
    order: WorkOrder, *, transition: str, from_status: str, actor, text: Words = ""
) -> WorkOrderEvent:
    return WorkOrderEvent.objects.create(
        work_order=order,
        kind=Kind.TRANSITION,
        transition=transition,
        from_status=from_status,
        to_status=order.status,
        actor=actor,
        **_fields(text),
    )


def order_handed_over(order: WorkOrder, *, actor, text: Words) -> WorkOrderEvent:
    return WorkOrderEvent.objects.create(work_order=order, kind=Kind.HANDOVER, actor=actor, **_fields(text))


def order_noted(order: WorkOrder, *, actor, text: Words) -> WorkOrderEvent:
    """A note on the timeline: typed by staff, or written by a service saying what it did."""
    return WorkOrderEvent.objects.create(work_order=order, kind=Kind.NOTE, actor=actor, **_fields(text))


def order_redecided(order: WorkOrder, *, actor, text: Words) -> WorkOrderEvent:
    """The warranty decision made again with new facts: old and new options, and the rules used."""
    return WorkOrderEvent.objects.create(work_order=order, kind=Kind.WARRANTY, actor=actor, **_fields(text))
