import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from followups.models import Callback, CallbackAttempt, CallbackPlan
from followups.services import callback_claim, callback_record, callback_sweep
from tests.factories import UserFactory
from tests.followups.test_services import _handed_back
from workorders.lifecycle import Status

pytestmark = pytest.mark.django_db


def test_a_clerk_takes_a_due_callback_from_the_queue_and_closes_the_order(network, client_for):
    order = _handed_back(network, timezone.now() - dt.timedelta(days=5))
    callback_sweep()
    callback = Callback.objects.get(work_order=order)
    hl = network.staff[Role.HOTLINE]
    client = client_for(hl)
    home = client.get(reverse("home"), follow=True).content.decode()
    assert 'data-testid="home-call-queue"' in home
    queue = client.get(reverse("call-queue")).content.decode()
    assert f"open-{callback.pk}" in queue and order.customer.name in queue
    client.post(reverse("callback-claim", args=[callback.pk]))
    page = client.get(reverse("callback-detail", args=[callback.pk])).content.decode()
    assert "对这次服务满意吗" in page and 'data-testid="outcome-form"' in page
    missing = client.post(reverse("callback-record", args=[callback.pk]), {"outcome": "dissatisfied"})
    assert missing.status_code == 400
    client.post(reverse("callback-record", args=[callback.pk]), {"outcome": "satisfied"})
    order.refresh_from_db()
    assert order.status == Status.CLOSED


def test_another_clerk_sees_who_is_calling_and_cannot_take_it(network, client_for):
    order = _handed_back(network, timezone.now() - dt.timedelta(days=5))
    callback_sweep()
    callback = Callback.objects.get(work_order=order)
    client_for(network.staff[Role.HOTLINE]).post(reverse("callback-claim", args=[callback.pk]))
    other = UserFactory(role=Role.HOTLINE, outlets=[network.a1])
    client = client_for(other)
    assert f"open-{callback.pk}" not in client.get(reverse("call-queue")).content.decode()
    client.post(reverse("callback-claim", args=[callback.pk]))
    callback.refresh_from_db()
    assert callback.claimed_by == network.staff[Role.HOTLINE]


def test_callbacks_of_other_outlets_are_not_shown(network, client_for):
    order = _handed_back(network, timezone.now() - dt.timedelta(days=5))
    callback_sweep()
    callback = Callback.objects.get(work_order=order)
    stranger = UserFactory(role=Role.HOTLINE, outlets=[network.b1])
    client = client_for(stranger)
    assert client.get(reverse("callback-detail", args=[callback.pk])).status_code == 404
    assert order.customer.name not in client.get(reverse("call-queue")).content.decode()


def test_the_call_queue_over_the_api(network, client_for):
    order = _handed_back(network, timezone.now() - dt.timedelta(days=5))
    callback_sweep()
    callback = Callback.objects.get(work_order=order)
    api = client_for(network.staff[Role.HOTLINE])
    listed = api.get(reverse("api-callback-list"), {"status": "queued"}).json()["results"]
    assert callback.pk in [c["id"] for c in listed]
    claimed = api.post(reverse("api-callback-claim", args=[callback.pk]))
    assert claimed.json()["status"] == "claimed" and claimed.json()["phones"] == ["+8613812345678"]
    refused = api.post(
        reverse("api-callback-outcome", args=[callback.pk]), {"outcome": "fault_back"}, content_type="application/json"
    )
    assert refused.status_code == 400 and "notes" in refused.json()["error"]["fields"]
    done = api.post(
        reverse("api-callback-outcome", args=[callback.pk]),
        {"outcome": "fault_back", "notes": "空调又漏水"},
        content_type="application/json",
    )
    assert done.json()["status"] == "done"
    order.refresh_from_db()
    assert order.status == Status.RECEIVED
    other = client_for(UserFactory(role=Role.HOTLINE, outlets=[network.a1]))
    assert other.post(reverse("api-callback-claim", args=[callback.pk])).status_code == 409


@pytest.mark.parametrize(
    ("url_name", "role"),
    [("call-queue", Role.HOTLINE), ("api-callback-list", Role.HOTLINE), ("api-callback-list", Role.SUPERVISOR)],
)
def test_queue_queries_do_not_grow_with_rows(network, client_for, url_name, role):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(url_name)).status_code == 200
        return len(ctx.captured_queries)

    def contradicted(number):  # set-up: records the customers contradicted, the page's findings
        Callback.objects.filter(pk__in=Callback.objects.order_by("pk").values("pk")[:number]).update(finding=True)

    _handed_back(network, timezone.now() - dt.timedelta(days=5))
    _handed_back(network, timezone.now() - dt.timedelta(days=5))
    callback_sweep()
    contradicted(1)
    client = client_for(network.staff[role])
    client.get(reverse(url_name))
    few = count()
    for _ in range(5):
        _handed_back(network, timezone.now() - dt.timedelta(days=5))
    callback_sweep()
    contradicted(4)
    assert Callback.objects.filter(status="queued").count() >= 6
    assert count() == few


def test_on_time_and_completion_rates_per_outlet_and_clerk(network, client_for):
    hl = network.staff[Role.HOTLINE]
    orders = [_handed_back(network, timezone.now() - dt.timedelta(days=5)) for _ in range(3)]
    Callback.objects.exclude(plan__code="service-72h").delete()  # set-up: only the 72-hour callbacks count here
    callback_sweep()
    quick, late, unreached = (Callback.objects.get(work_order=o) for o in orders)
    for callback, outcome in [(quick, "satisfied"), (late, "satisfied"), (unreached, "not_reached")]:
        callback_claim(callback=callback, actor=hl)
        callback_record(callback=callback, outcome=outcome, actor=hl)
    # set-up: "72小时内" is the measure: the "quick" callback was first called a minute before its
    # deadline (long after it came due), the "late" one a minute after it.
    CallbackAttempt.objects.filter(callback=late).update(at=late.deadline_at + dt.timedelta(minutes=1))
    CallbackAttempt.objects.filter(callback=quick).update(at=quick.deadline_at - dt.timedelta(minutes=1))
    CallbackAttempt.objects.filter(callback=unreached).update(at=unreached.first_due_at + dt.timedelta(minutes=30))

    client = client_for(network.staff[Role.SUPERVISOR])
    page = client.get(
        reverse("callback-measures"), {"from": (timezone.localdate() - dt.timedelta(days=10)).isoformat()}
    )
    outlet = page.context["by_outlet"][0]
    assert (outlet["due"], outlet["on_time"], outlet["done"], outlet["open"]) == (3, 2, 2, 1)
    assert outlet["completion_rate"] == 66.7
    clerk = page.context["by_clerk"][0]
    assert (clerk["done"], clerk["on_time"], clerk["on_time_rate"]) == (2, 1, 50.0)
    empty = client.get(reverse("callback-measures"), {"from": "2020-01-01", "to": "2020-01-31"})
    assert empty.context["by_outlet"] == []
    assert client_for(hl).get(reverse("callback-measures")).status_code == 403


def test_an_admin_changes_a_plan_and_the_next_callbacks_follow_it(network, client_for):
    plan = CallbackPlan.objects.get(code="service-72h")
    client = client_for(network.staff[Role.ADMIN])
    assert "edit-service-72h" in client.get(reverse("callback-plans")).content.decode()
    bad = client.post(reverse("callback-plan-edit", args=[plan.pk]), {"name": "x", "offset_minutes": "-5"})
    assert bad.status_code == 200
    client.post(
        reverse("callback-plan-edit", args=[plan.pk]),
        {
            "name": "服务后 48 小时回访",
            "offset_minutes": str(48 * 60),
            "caller_role": "hotline",
            "script": "产品正常吗？",
            "max_attempts": "2",
            "retry_minutes": "60",
            "enabled": "on",
        },
    )
    plan.refresh_from_db()
    assert (plan.offset_minutes, plan.max_attempts) == (48 * 60, 2)
    handed_back_at = timezone.now()
    order = _handed_back(network, handed_back_at)
    due = Callback.objects.get(work_order=order).due_at
    assert due >= handed_back_at + dt.timedelta(hours=48) and due < handed_back_at + dt.timedelta(hours=72)


def test_the_customers_other_due_callbacks_are_taken_in_the_same_call(network, client_for):
    first = _handed_back(network, timezone.now() - dt.timedelta(days=6))
    callback_sweep()
    callbacks = list(Callback.objects.filter(customer=first.customer, status="queued"))
    assert len(callbacks) >= 2  # the 72-hour one and the customer's purchase callback
    client = client_for(network.staff[Role.HOTLINE])
    client.post(reverse("callback-claim", args=[callbacks[0].pk]))
    client.post(reverse("callback-claim-others", args=[callbacks[0].pk]))
    assert set(Callback.objects.filter(customer=first.customer).values_list("status", flat=True)) == {"claimed"}


def test_the_queue_pages_by_due_time_fifty_at_a_time(network, client_for):
    plan = CallbackPlan.objects.get(code="service-72h")
    customer = _handed_back(network, timezone.now() - dt.timedelta(days=5)).customer
    due = timezone.now() - dt.timedelta(hours=1)
    # 60 queued callbacks, ten of them due at the very same moment as the fiftieth: the page break
    # falls inside the tie and must neither repeat nor skip any of them.
    made = Callback.objects.bulk_create(
        Callback(
            plan=plan,
            outlet=network.a1,
            customer=customer,
            due_at=due + dt.timedelta(minutes=min(n, 45)),
            first_due_at=due,
            status=Callback.Status.QUEUED,
            idempotency_key=f"page:{n}",
        )
        for n in range(60)
    )
    client = client_for(network.staff[Role.HOTLINE])

    first = client.get(reverse("call-queue"))
    second = client.get(reverse("call-queue"), {"after": first.context["page"].next_after})

    shown = [c.pk for c in first.context["page"].items] + [c.pk for c in second.context["page"].items]
    assert len(first.context["page"].items) == 50 and second.context["page"].next_after is None
    queued = sorted(made, key=lambda c: (c.due_at, c.pk))
    assert shown[: len(queued)] == [c.pk for c in queued][: len(shown)]
    assert {c.pk for c in made} <= set(shown)
    assert 'data-testid="next-page"' in first.content.decode()
    assert client.get(reverse("call-queue"), {"after": "not-a-time,1"}).status_code == 200  # a bad cursor: empty


def test_planned_callbacks_show_on_the_order_page_and_in_the_upcoming_tab(network, client_for):
    order = _handed_back(network, timezone.now())
    callback = Callback.objects.get(work_order=order, plan__code="service-72h")
    client = client_for(network.staff[Role.HOTLINE])
    page = client.get(reverse("work-order-detail", args=[order.pk])).content.decode()
    assert 'data-testid="order-callback-service-72h"' in page
    assert timezone.localtime(callback.deadline_at).strftime("%H:%M") in page  # the deadline is shown

    def upcoming():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("call-queue"), {"tab": "upcoming"})
        return response, len(ctx.captured_queries)

    response, few = upcoming()
    assert callback.pk in [c.pk for c in response.context["page"].items]
    listed = len(response.context["page"].items)
    assert callback.pk not in [c.pk for c in client.get(reverse("call-queue")).context["page"].items]  # not due
    for _ in range(3):
        _handed_back(network, timezone.now())
    response, more = upcoming()
    assert len(response.context["page"].items) == 4 * listed and more == few
    other = client_for(UserFactory(role=Role.HOTLINE, outlets=[network.b1]))
    assert list(other.get(reverse("call-queue"), {"tab": "upcoming"}).context["page"].items) == []


def test_a_purchase_callback_that_finds_a_fault_starts_a_prefilled_work_order(network, client_for):
    from tests.workorders.factories import customer_with_product

    hotline = network.staff[Role.HOTLINE]
    customer, product = customer_with_product(hotline, network.a1, purchase_date=timezone.localdate())
    callback = Callback.objects.filter(product=product, plan__trigger="purchase").order_by("due_at").first()
    callback_sweep(now=callback.due_at)
    client = client_for(hotline)
    client.post(reverse("callback-claim", args=[callback.pk]))
    answered = client.post(
        reverse("callback-record", args=[callback.pk]), {"outcome": "fault_back", "notes": "冰箱冷藏室不制冷"}
    )
    assert answered.status_code == 302 and answered.url.startswith(reverse("intake"))
    form = client.get(answered.url)
    assert 'data-testid="prefilled"' in form.text
    initial = form.context["form"].initial
    assert (initial["customer"], initial["product"], initial["fault_description"]) == (
        customer.pk,
        product.pk,
        "冰箱冷藏室不制冷",
    )
    callback.refresh_from_db()
    assert (callback.outcome, callback.notes) == ("fault_back", "冰箱冷藏室不制冷")  # the finding, recorded
    other = Callback.objects.filter(product=product, plan__trigger="purchase").exclude(pk=callback.pk).first()
    callback_sweep(now=other.due_at)
    api = client_for(hotline)
    api.post(reverse("api-callback-claim", args=[other.pk]))
    over_api = api.post(
        reverse("api-callback-outcome", args=[other.pk]),
        {"outcome": "fault_back", "notes": "还是不制冷"},
        content_type="application/json",
    )
    assert over_api.json()["starts_work_order"] is True  # the API says the same: open an order for it
    stranger = client_for(UserFactory(role=Role.HOTLINE, outlets=[network.b1]))
    assert "prefilled" not in stranger.get(answered.url).text  # another outlet's customer: nothing shown


def test_the_call_queue_exports_as_shown_to_each_clerk(network, client_for):
    import csv
    import io

    order = _handed_back(network, timezone.now() - dt.timedelta(days=5))
    callback_sweep()
    export = reverse("export", args=["callbacks", "csv"])

    def rows(user, **query):
        body = b"".join(client_for(user).get(export, query).streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(body)))

    clerk_rows = rows(network.staff[Role.HOTLINE])
    assert clerk_rows[0][:3] == ["应回访时间", "最迟完成时间", "回访计划"]
    ordered = [row for row in clerk_rows[1:] if row[8] == order.number]
    assert len(ordered) == 1 and ordered[0][6] == "138 1234 5678"
    assert len(rows(network.staff[Role.HOTLINE], tab="upcoming")) >= 1  # the header, and what is planned
    assert rows(network.staff[Role.ADMIN])[1][6] == "138****5678"  # masked, as on the admin's screen
    assert len(rows(UserFactory(role=Role.HOTLINE, outlets=[network.b1]))) == 1  # another outlet: header only


def test_a_centres_callbacks_are_read_outlet_by_outlet_in_the_api(network, client_for):
    orders = [_handed_back(network, timezone.now() - dt.timedelta(days=5)) for _ in range(4)]
    Callback.objects.filter(work_order=orders[1]).update(outlet=network.b1)  # another centre's
    Callback.objects.filter(work_order=orders[2]).update(outlet=network.a2)
    centre_a = list(
        Callback.objects.filter(outlet__in=[network.a1, network.a2]).order_by("-id").values_list("id", flat=True)
    )
    assert len(centre_a) >= 3 and Callback.objects.filter(outlet=network.b1).exists()
    client = client_for(network.staff[Role.SUPERVISOR])  # centre A: a1 and a2
    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("api-callback-list"), {"page_size": 2}).json()
    assert any("UNION ALL" in q["sql"] for q in queries)
    listed, page = [row["id"] for row in first["results"]], first
    while page["next"]:
        page = client.get(page["next"]).json()
        listed += [row["id"] for row in page["results"]]
    assert listed == centre_a
