"""Sweepers and clerks at the same time, against real PostgreSQL."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from core.errors import ConflictError
from core.roles import Role
from followups.models import Callback, CallbackPlan
from followups.services import callback_claim, callback_sweep
from tests.factories import UserFactory
from tests.workorders.factories import customer_with_product

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED and row locks"),
]


def _due_callbacks(network, n: int) -> None:
    customer, _product = customer_with_product(network.staff[Role.FRONT_DESK], network.a1, purchase_date=None)
    plan = CallbackPlan.objects.get(code="service-72h")
    past = timezone.now() - dt.timedelta(minutes=5)
    Callback.objects.bulk_create(
        Callback(
            plan=plan, outlet=network.a1, customer=customer, due_at=past, first_due_at=past, idempotency_key=f"load:{i}"
        )
        for i in range(n)
    )


def _together(workers):
    barrier = threading.Barrier(len(workers))
    results = [None] * len(workers)

    def run(i, work):
        try:
            barrier.wait()
            results[i] = work()
        except Exception as exc:  # noqa: BLE001 - reported in the assertion
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_four_sweepers_queue_10_000_due_callbacks_exactly_once(migration_data, network):
    _due_callbacks(network, 10_000)
    results = _together([lambda: callback_sweep(batch=100) for _ in range(4)])
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 10_000  # no row queued twice, none left behind
    assert Callback.objects.filter(status=Callback.Status.QUEUED).count() == 10_000


def test_two_clerks_claiming_one_callback_exactly_one_gets_it(migration_data, network):
    _due_callbacks(network, 1)
    callback_sweep()
    callback = Callback.objects.get()
    clerks = [UserFactory(role=Role.HOTLINE, outlets=[network.a1]) for _ in range(2)]
    results = _together([lambda c=c: callback_claim(callback=callback, actor=c) for c in clerks])
    assert sorted(type(r).__name__ for r in results) == ["Callback", "ConflictError"]
    winner = next(r for r in results if not isinstance(r, ConflictError))
    assert Callback.objects.get().claimed_by == winner.claimed_by
