"""Two dispatchers booking one engineer at the same time, against real PostgreSQL."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from core.errors import ConflictError
from core.roles import Role
from dispatch.models import Appointment
from dispatch.services import appointment_book
from tests.dispatch.factories import at, engineer, next_workday, onsite_order
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and the exclusion constraint"),
]


def test_two_dispatchers_booking_one_engineer_at_once_one_wins_and_the_other_is_told(migration_data, network):
    eng = engineer(network.a1)
    first_dp = network.staff[Role.DISPATCHER]
    second_dp = UserFactory(role=Role.DISPATCHER, outlets=[network.a1])
    orders = [onsite_order(network.staff[Role.HOTLINE], network.a1) for _ in range(2)]
    day = next_workday()
    barrier = threading.Barrier(2)
    results = {}

    def book(i, dispatcher, hour):
        try:
            barrier.wait()
            appointment_book(
                work_order=orders[i], engineer=eng, starts_at=at(day, hour), ends_at=at(day, hour + 2), actor=dispatcher
            )
            results[i] = "booked"
        except (ValidationError, ConflictError) as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=book, args=(0, first_dp, 10)),
        threading.Thread(target=book, args=(1, second_dp, 11)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert sorted(str(type(r).__name__) if r != "booked" else r for r in results.values()) == [
        "ValidationError",
        "booked",
    ]
    assert Appointment.objects.count() == 1
    loser = next(i for i, r in results.items() if r != "booked")
    orders[loser].refresh_from_db()
    assert orders[loser].status == "awaiting_dispatch"  # nothing half-done
