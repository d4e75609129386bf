"""An export reads its rows a page at a time by key: every row once, in order, one query per page."""

import datetime as dt

import pytest
from django.utils import timezone

from core.pagination import every_row
from core.roles import Role
from tests.workorders.factories import walk_in_order
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def test_every_row_once_in_key_order_a_page_at_a_time(network, django_assert_num_queries):
    clerk = network.staff[Role.FRONT_DESK]
    orders = [walk_in_order(clerk, network.a1) for _ in range(5)]
    # Two orders share a received time: the id breaks the tie.
    same = timezone.now() - dt.timedelta(hours=1)
    WorkOrder.objects.filter(pk__in=[orders[1].pk, orders[3].pk]).update(created_at=same)
    with django_assert_num_queries(3):  # pages of 2, 2 and 1
        newest_first = [o.pk for o in every_row(WorkOrder.objects.all(), key="id", descending=True, size=2)]
    assert newest_first == sorted((o.pk for o in orders), reverse=True)
    by_time = [o.pk for o in every_row(WorkOrder.objects.all(), key=("created_at", "id"), size=2)]
    expected = sorted(orders, key=lambda o: (WorkOrder.objects.get(pk=o.pk).created_at, o.pk))
    assert by_time == [o.pk for o in expected]
    with django_assert_num_queries(3):  # 4 rows in pages of 2: a full last page costs one more, empty, query
        assert len(list(every_row(WorkOrder.objects.exclude(pk=orders[0].pk), key="id", size=2))) == 4
