"""core.filters.ChoiceLiteralFilter: a status or channel filter planned with its own value's statistics;
NumberLiteral and ChoiceLiteral for the conditions a partial index names."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from core.filters import ChoiceLiteral, NumberLiteral
from core.roles import Role
from tests.workorders.factories import walk_in_order
from workorders.filters import WorkOrderFilter
from workorders.models import WorkOrder
from workorders.selectors import complaint_risks


@pytest.mark.parametrize("value", ["received' OR '1'='1", "Received", "in service", "", "a;b", "é"])
def test_only_choice_codes_can_be_written_into_the_sql(value):
    with pytest.raises(ValueError):
        ChoiceLiteral(value)


def test_the_status_and_channel_are_literals_in_the_query_and_still_filter(network):
    clerk = network.staff[Role.FRONT_DESK]
    order = walk_in_order(clerk, network.a1)
    filters = WorkOrderFilter(
        {"status": "received", "channel": "walk_in"}, queryset=WorkOrder.objects.all(), user=clerk
    )
    assert filters.is_valid()
    sql, params = filters.qs.query.sql_with_params()
    assert "= ('received')" in sql and "= ('walk_in')" in sql
    assert "received" not in params and "walk_in" not in params
    assert list(filters.qs) == [order]
    refused = WorkOrderFilter({"status": "closed' --"}, queryset=WorkOrder.objects.all(), user=clerk)
    assert not refused.is_valid() and "status" in refused.errors  # not a choice: the form refuses it first


def test_the_api_filters_by_a_literal_status_too(network):
    clerk = network.staff[Role.FRONT_DESK]
    order = walk_in_order(clerk, network.a1)
    client = APIClient()
    client.force_authenticate(clerk)
    with CaptureQueriesContext(connection) as ctx:
        found = client.get(reverse("api-work-order-list"), {"status": "received"}).json()["results"]
        none = client.get(reverse("api-work-order-list"), {"status": "closed"}).json()["results"]
    assert [row["id"] for row in found] == [order.pk] and none == []
    assert any("= ('received')" in q["sql"] for q in ctx.captured_queries)
    assert client.get(reverse("api-work-order-list"), {"status": "nonsense"}).status_code == 400


@pytest.mark.parametrize("value", ["2 OR 1=1", "two", None])
def test_only_integers_are_written_into_the_sql_as_numbers(value):
    with pytest.raises((ValueError, TypeError)):
        NumberLiteral(value)


def test_complaint_risks_carry_the_values_their_partial_index_names(network):
    """wo_outlet_complaint_risk (same_fault_orders >= 2, status not closed or cancelled) serves the plan
    PostgreSQL keeps for the statement only if these are literals, not parameters."""
    clerk, supervisor = network.staff[Role.FRONT_DESK], network.staff[Role.SUPERVISOR]
    risky, calm = walk_in_order(clerk, network.a1), walk_in_order(clerk, network.a1)
    WorkOrder.objects.filter(pk=risky.pk).update(same_fault_orders=2)
    queryset = complaint_risks(user=supervisor)
    sql, params = queryset.query.sql_with_params()
    assert '"same_fault_orders" >= (2)' in sql and "'closed'" in sql and "'cancelled'" in sql
    assert "closed" not in params and "cancelled" not in params  # the params are the outlets
    assert list(queryset) == [risky] and calm not in queryset
