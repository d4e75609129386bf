"""The issue's journey: a clerk opens the call queue, takes a 72-hour callback, the customer is not
satisfied, and the order is reopened."""

import datetime as dt

import pytest
from django.utils import timezone

from core.roles import Role
from followups.models import Callback
from followups.services import callback_sweep
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, OutletFactory, UserFactory
from tests.followups.test_services import _handed_back
from workorders.lifecycle import Status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_dissatisfied_72_hour_callback_reopens_the_order(migration_data, live_server, page):
    outlet = OutletFactory(name="上海徐汇网点")
    clerk = UserFactory(username="e2e-callbacks", role=Role.HOTLINE, outlets=[outlet])
    network = type(
        "Net", (), {"a1": outlet, "staff": {Role.FRONT_DESK: UserFactory(role=Role.FRONT_DESK, outlets=[outlet])}}
    )
    order = _handed_back(network, timezone.now() - dt.timedelta(days=4))
    callback_sweep()
    callback = Callback.objects.get(work_order=order)

    log_in(page, live_server.url, clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/callbacks/")
    page.click(f"[data-testid=open-{callback.pk}]")
    page.click("[data-testid=claim]")
    page.wait_for_selector("[data-testid=outcome-form]")
    assert "满意" in page.inner_text("[data-testid=script]")
    page.check("[data-testid=outcome-form] input[value=dissatisfied]")
    page.fill("[data-testid=outcome-form] textarea[name=notes]", "空调还是有异响")
    page.click("[data-testid=outcome-form] button[type=submit]")
    page.wait_for_selector("[data-testid=call-queue]")

    order.refresh_from_db()
    callback.refresh_from_db()
    assert callback.status == Callback.Status.DONE and callback.outcome == "dissatisfied"
    assert order.status == Status.RECEIVED
    assert "空调还是有异响" in order.events.get(transition="reopen").text
