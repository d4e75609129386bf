"""Intake under concurrency, against real PostgreSQL: numbers stay unique and gap-free, a double
submit makes one order and one customer."""

import threading

import pytest
from django.db import connection, connections

from core.roles import Role
from workorders.models import Customer, ProductCategory, WorkOrder
from workorders.services import intake_submit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections"),
]


def _submit(network, *, phone: str, key: str):
    return intake_submit(
        outlet=network.a1,
        phone=phone,
        customer=None,
        customer_name="并发客户",
        address="",
        product=None,
        product_fields={"category": ProductCategory.objects.get(code="tv"), "brand": "海信", "model": "H55"},
        order_fields={"channel": "hotline", "service_type": "repair", "fault_description": "无法开机"},
        idempotency_key=key,
        actor=network.staff[Role.HOTLINE],
    )


def _at_once(count: int, work) -> dict:
    barrier = threading.Barrier(count)
    results = {}

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 (the test reports what each thread met)
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_concurrent_intakes_get_unique_gap_free_numbers(migration_data, network):
    results = _at_once(6, lambda i: _submit(network, phone=f"1391234560{i}", key=f"k{i}").number)

    numbers = sorted(int(n) for n in results.values())
    assert len(numbers) == 6, results
    assert numbers == list(range(numbers[0], numbers[0] + 6))


def test_a_double_submit_at_once_makes_one_order_and_one_customer(migration_data, network):
    results = _at_once(2, lambda i: _submit(network, phone="13912345678", key="same-form").pk)

    assert len(set(results.values())) == 1, results  # both answers name the same order
    assert WorkOrder.objects.filter(idempotency_key="same-form").count() == 1
    assert Customer.objects.filter(phones__number="+8613912345678").count() == 1  # the loser's was rolled back
