"""Demo data for `seed_demo`: the call queue with due, overdue and future callbacks."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from followups.models import Callback
from followups.services import callback_sweep


@transaction.atomic
def seed() -> str:
    """The work orders' demo made the callbacks (72-hour, 2-hour, after purchase) through the services;
    here some of them are made to have come due an hour or two days ago, and the sweep queues them."""
    if Callback.objects.exclude(status=Callback.Status.SCHEDULED).exists():
        return "callbacks: present"
    now = timezone.now()
    scheduled = list(
        Callback.objects.filter(status=Callback.Status.SCHEDULED).order_by("id").values_list("pk", flat=True)
    )
    due = scheduled[0::3]  # a third due now, a third overdue, a third still ahead
    overdue = scheduled[1::3]
    Callback.objects.filter(pk__in=due).update(due_at=now - dt.timedelta(minutes=30))
    Callback.objects.filter(pk__in=overdue).update(due_at=now - dt.timedelta(days=2))
    queued = callback_sweep(now=now)
    return f"callbacks: {queued} in the queue, {len(scheduled) - queued} ahead"
