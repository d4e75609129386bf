"""Fee schedule pages and API: admins edit drafts and publish; everyone reads and quotes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.roles import Role
from tests.warranty.factories import published_schedule
from warranty.models import FeeSchedule
from warranty.services import fee_schedule_mark_used

pytestmark = pytest.mark.django_db


def _formset(prefix, rows, extra=1):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows) + extra), f"{prefix}-INITIAL_FORMS": str(len(rows))}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def test_admin_creates_a_draft_edits_it_and_publishes(network, client_for):
    current = published_schedule()
    client = client_for(network.staff[Role.ADMIN])
    response = client.post(reverse("fee-schedule-create"), {"name": "2027 收费标准", "effective_from": "2027-01-01"})
    draft = FeeSchedule.objects.get(name="2027 收费标准")
    assert response["Location"] == reverse("fee-schedule-edit", args=[draft.pk])
    assert draft.labour_rates.count() == current.labour_rates.count()

    form = client.get(reverse("fee-schedule-edit", args=[draft.pk]))
    assert form.status_code == 200 and 'name="labour-0-amount"' in form.text
    data = {"name": "2027 收费标准", "effective_from": "2027-01-01", "visit_fee": "60.00"}
    data |= _formset(
        "labour",
        [
            {"category": "phone", "service_type": "repair", "amount": "90.00"},
            {"category": "phone", "service_type": "software_adjustment", "amount": "30.00", "DELETE": "on"},
        ],
    )
    data |= _formset(
        "parts",
        [
            {"code": "screen", "name": "屏幕总成", "category": "phone", "price": "520.00"},
            {"code": "battery", "name": "电池", "category": "phone", "price": "129.50", "DELETE": "on"},
        ],
    )
    response = client.post(reverse("fee-schedule-edit", args=[draft.pk]), data)
    assert response.status_code == 302, (
        response.context["labour"].errors,
        response.context["parts"].errors,
        response.context["form"].errors,
        response.context["form"].non_field_errors(),
    )
    assert [(r.service_type, r.amount) for r in draft.labour_rates.all()] == [("repair", Decimal("90.00"))]
    assert list(draft.part_prices.values_list("code", "price")) == [("screen", Decimal("520.00"))]

    client.post(reverse("fee-schedule-publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == FeeSchedule.Status.PUBLISHED and draft.published_by == network.staff[Role.ADMIN]
    detail = client.get(reverse("fee-schedule-detail", args=[draft.pk]))
    assert 'data-testid="audit-trail"' in detail.text


def test_bad_rows_are_shown_next_to_their_fields_and_nothing_is_saved(network, client_for):
    schedule = published_schedule()
    client = client_for(network.staff[Role.ADMIN])
    data = {"name": "x", "effective_from": "2026-01-01", "visit_fee": "-1"}
    data |= _formset("labour", [{"category": "phone", "service_type": "repair", "amount": "abc"}])
    data |= _formset("parts", [])
    response = client.post(reverse("fee-schedule-edit", args=[schedule.pk]), data)
    assert response.status_code == 200
    assert 'data-field="labour-0-amount"' in response.text
    assert "visit_fee" in response.context["form"].errors
    assert 'value="abc"' in response.text
    schedule.refresh_from_db()
    assert schedule.name == "2026 收费标准"


def test_a_schedule_in_use_cannot_be_edited_in_the_browser(network, client_for):
    schedule = published_schedule()
    fee_schedule_mark_used(schedule=schedule)
    client = client_for(network.staff[Role.ADMIN])
    response = client.get(reverse("fee-schedule-edit", args=[schedule.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("fee-schedule-detail", args=[schedule.pk])


def test_other_roles_do_not_see_drafts(network, client_for):
    draft = FeeSchedule.objects.create(name="草稿", effective_from=dt.date(2027, 1, 1))
    clerk = client_for(network.staff[Role.FRONT_DESK])
    assert "草稿" not in clerk.get(reverse("fee-schedule-list")).text
    assert clerk.get(reverse("fee-schedule-detail", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("versions", [1, 6])
def test_fee_pages_run_a_constant_number_of_queries(versions, network, client_for, django_assert_num_queries):
    for i in range(versions):
        published_schedule(effective_from=dt.date(2020 + i, 1, 1))
    schedule = FeeSchedule.objects.first()
    client = client_for(network.staff[Role.FRONT_DESK])
    client.get(reverse("fee-schedule-list"))
    with django_assert_num_queries(3):  # user, in force, list (session, permissions and role: cached)
        client.get(reverse("fee-schedule-list"))
    client.get(reverse("fee-schedule-detail", args=[schedule.pk]))
    # user, schedule, labour, parts (the category names: kept reference data)
    with django_assert_num_queries(4):
        client.get(reverse("fee-schedule-detail", args=[schedule.pk]))


def test_quote_page_prices_a_job(network, client_for):
    published_schedule()
    client = client_for(network.staff[Role.FRONT_DESK])
    response = client.post(
        reverse("quote-calculator"),
        {
            "category": "phone",
            "service_type": "repair",
            "parts-item": ["screen", "battery"],
            "parts-amount": ["", "2"],
            "onsite": "on",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.context["result"].quote.total == Decimal("888.00")  # 80 + 50 + 499 + 2 x 129.50
    assert "<html" not in response.text and "¥888.00" in response.text
    by_name = client.post(
        reverse("quote-calculator"),
        {
            "category": "phone",
            "service_type": "repair",
            "parts-item": ["屏幕总成", "电池"],
            "parts-amount": ["", "2"],
            "onsite": "on",
        },
        HTTP_HX_REQUEST="true",
    )
    assert by_name.context["result"].quote.total == Decimal("888.00")  # the same parts, typed by name


def test_quote_page_errors_name_the_field(network, client_for):
    published_schedule()
    client = client_for(network.staff[Role.FRONT_DESK])
    response = client.post(
        reverse("quote-calculator"),
        {"category": "phone", "service_type": "repair", "parts-item": "nope", "parts-amount": ""},
    )
    assert "parts" in response.context["form"].errors
    response = client.post(
        reverse("quote-calculator"),
        {"category": "phone", "service_type": "repair", "parts-item": "屏幕总成", "parts-amount": "0"},
    )
    assert "parts" in response.context["form"].errors


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_quote_and_schedules(network):
    schedule = published_schedule()
    client = _api(network.staff[Role.ENGINEER])
    response = client.post(
        reverse("api-quote"),
        {
            "category": "phone",
            "service_type": "repair",
            "parts": [{"code": "screen", "quantity": 1}],
            "card_prices": {"screen": "450.00"},
            "on": "2026-06-01",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"] == "530.00"
    assert body["schedule"]["id"] == schedule.pk
    assert [line["kind"] for line in body["lines"]] == ["labour", "part"]
    detail = client.get(reverse("api-fee-schedule-detail", args=[schedule.pk])).json()
    assert {p["code"] for p in detail["part_prices"]} == {"screen", "battery"}
    assert [s["id"] for s in client.get(reverse("api-fee-schedule-list")).json()] == [schedule.pk]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"category": "tv", "service_type": "repair"}, "service_type"),
        ({"category": "phone", "service_type": "repair", "parts": [{"code": "x", "quantity": 0}]}, "parts"),
        ({"category": "phone", "service_type": "teleport"}, "service_type"),
        ({"category": "phone", "service_type": "repair", "card_prices": {"screen": "-1"}}, "card_prices"),
    ],
)
def test_api_quote_bad_input_is_400_with_the_field(network, payload, field):
    published_schedule()
    response = _api(network.staff[Role.ENGINEER]).post(reverse("api-quote"), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_saving_without_changes_keeps_every_row(network, client_for):
    schedule = published_schedule()
    client = client_for(network.staff[Role.ADMIN])
    page = client.get(reverse("fee-schedule-edit", args=[schedule.pk]))
    labour = page.context["labour"]
    parts = page.context["parts"]
    data = {"name": schedule.name, "effective_from": "2026-01-01", "visit_fee": "50.00"}
    data |= _formset("labour", [f.initial for f in labour.forms if f.initial])
    data |= _formset("parts", [f.initial for f in parts.forms if f.initial])
    assert client.post(reverse("fee-schedule-edit", args=[schedule.pk]), data).status_code == 302
    assert schedule.labour_rates.count() == 2 and schedule.part_prices.count() == 2
    backwards = client.post(
        reverse("fee-schedule-edit", args=[schedule.pk]),
        data | {"software_free_months": "3", "software_charged_after_months": "1"},
    )
    assert "software_charged_after_months" in backwards.context["form"].errors
    client.post(
        reverse("fee-schedule-edit", args=[schedule.pk]),
        data | {"software_free_months": "2", "software_charged_after_months": "6"},
    )
    schedule.refresh_from_db()
    assert (schedule.software_free_months, schedule.software_charged_after_months) == (2, 6)


def test_edit_form_shows_dates_as_iso_and_blank_extra_rows(network, client_for):
    schedule = published_schedule()
    page = client_for(network.staff[Role.ADMIN]).get(reverse("fee-schedule-edit", args=[schedule.pk]))
    assert 'value="2026-01-01"' in page.text
    extra = page.context["labour"].forms[-1]
    assert extra["service_type"].value() in (None, "")
