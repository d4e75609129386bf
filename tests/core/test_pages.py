"""Browser pages: list query counts, forms keep input and show errors next to fields."""

import pytest
from django.urls import reverse

from core.models import Outlet, User
from core.roles import Role
from tests.factories import OutletFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rows", [3, 40])
def test_outlet_list_page_query_count_is_constant(rows, network, client_for, django_assert_num_queries):
    for i in range(rows):
        OutletFactory(code=f"q{i:03}", centre=network.centre_a)
    client = client_for(network.staff[Role.ADMIN])
    client.get(reverse("outlet-list"))  # warm the session and the permission cache
    with django_assert_num_queries(2):  # user, outlets page (session and role: from the cache)
        response = client.get(reverse("outlet-list"))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [3, 40])
def test_staff_list_page_query_count_is_constant(rows, network, client_for, django_assert_num_queries):
    for _ in range(rows):
        UserFactory(role=Role.ENGINEER, outlets=[network.a1, network.a2])
    client = client_for(network.staff[Role.ADMIN])
    client.get(reverse("staff-list"))
    # user, staff page, their groups, their outlets (session and the user's role: from the cache)
    with django_assert_num_queries(4):
        response = client.get(reverse("staff-list"))
    assert response.status_code == 200


def test_outlet_list_pages_by_keyset(network, client_for):
    for i in range(5):
        OutletFactory(code=f"p{i}", centre=network.centre_a)
    client = client_for(network.staff[Role.ADMIN])
    first = client.get(reverse("outlet-list"), {"size": 3})
    assert first.context["page"].next_after == "b1"
    second = client.get(reverse("outlet-list"), {"size": 3, "after": "b1"})
    assert [o.code for o in second.context["page"].items] == ["p0", "p1", "p2"]


def test_outlet_form_shows_errors_next_to_fields_and_keeps_input(network, client_for):
    client = client_for(network.staff[Role.ADMIN])
    response = client.post(reverse("outlet-create"), {"code": "a1", "name": "重名网点", "centre": "", "phone": "12"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"centre", "phone"}
    assert 'value="重名网点"' in response.text
    assert 'data-field="centre"' in response.text
    # The service's own rule (code unique) is shown next to its field too.
    response = client.post(reverse("outlet-create"), {"code": "a1", "name": "重名网点", "centre": network.centre_a.pk})
    assert "code" in response.context["form"].errors
    assert Outlet.objects.filter(code="a1").count() == 1


def test_admin_creates_and_edits_staff_in_the_browser(network, client_for):
    client = client_for(network.staff[Role.ADMIN])
    response = client.post(
        reverse("staff-create"),
        {
            "username": "newhl",
            "name": "新热线员",
            "role": "hotline",
            "outlets": [network.a1.pk],
            "password1": "Strong#Pass-99",
            "password2": "Strong#Pass-99",
        },
    )
    member = User.objects.get(username="newhl")
    assert response.status_code == 302 and response["Location"] == reverse("staff-detail", args=[member.pk])
    response = client.post(
        reverse("staff-edit", args=[member.pk]),
        {"name": "新热线员", "role": "dispatcher", "outlets": [network.a2.pk], "is_active": "on"},
    )
    assert response.status_code == 302
    member = User.objects.get(pk=member.pk)
    assert member.role == Role.DISPATCHER
    assert list(member.outlets.all()) == [network.a2]
    detail = client.get(reverse("staff-detail", args=[member.pk]))
    assert 'data-testid="audit-trail"' in detail.text


def test_the_staff_number_is_the_badge_customers_see_and_belongs_to_one_person(network, client_for):
    client = client_for(network.staff[Role.ADMIN])
    engineer = network.staff[Role.ENGINEER]
    assert engineer.badge == f"E{engineer.pk:06d}"  # none given: made from the account
    fields = {"name": engineer.name, "role": "engineer", "outlets": [network.a1.pk], "is_active": "on"}
    assert (
        client.post(reverse("staff-edit", args=[engineer.pk]), fields | {"staff_number": " SH-0427 "}).status_code
        == 302
    )
    engineer.refresh_from_db()
    assert engineer.staff_number == "SH-0427" and engineer.badge == "SH-0427"
    hotline = network.staff[Role.HOTLINE]
    taken = client.post(
        reverse("staff-edit", args=[hotline.pk]),
        {
            "name": hotline.name,
            "role": "hotline",
            "outlets": [network.a1.pk],
            "is_active": "on",
            "staff_number": "SH-0427",
        },
    )
    assert taken.status_code == 200 and "该工号已被其他员工使用" in taken.text
    assert "SH-0427" in client.get(reverse("staff-detail", args=[engineer.pk])).text


def test_password_mismatch_is_shown_on_the_second_field(network, client_for):
    client = client_for(network.staff[Role.ADMIN])
    response = client.post(
        reverse("staff-create"),
        {"username": "x2", "name": "某", "role": "hotline", "password1": "Strong#Pass-99", "password2": "other"},
    )
    assert "password2" in response.context["form"].errors
    assert not User.objects.filter(username="x2").exists()


def test_audit_trail_is_hidden_from_roles_without_the_permission(network, client_for):
    url = reverse("outlet-detail", args=[network.a1.pk])
    assert 'data-testid="audit-trail"' not in client_for(network.staff[Role.FRONT_DESK]).get(url).text
    assert 'data-testid="audit-trail"' in client_for(network.staff[Role.SUPERVISOR]).get(url).text


def test_navigation_lists_only_pages_the_role_can_open(network, client_for):
    for role, user in network.staff.items():
        response = client_for(user).get(reverse("home"), follow=True)
        for item in response.context["nav_items"]:
            assert client_for(user).get(reverse(item.url_name)).status_code == 200, (role, item.url_name)
    engineer_nav = client_for(network.staff[Role.ENGINEER]).get(reverse("home"), follow=True).context["nav_items"]
    assert [item.url_name for item in engineer_nav] == [
        "my-jobs",
        "work-order-list",
        "call-queue",
        "feedback-list",
        "hotline",
        "warranty-check",
        "warranty-policies",
        "fee-schedule-list",
    ]


def test_system_status_shows_the_scheduler_heartbeat(network, client_for):
    from core.tasks import scheduler_heartbeat

    client = client_for(network.staff[Role.ADMIN])
    assert (
        "has not run yet" in client.get(reverse("system-status")).text
        or "尚未" in client.get(reverse("system-status")).text
    )
    scheduler_heartbeat.apply()
    scheduler_heartbeat.apply()
    response = client.get(reverse("system-status"))
    assert response.context["beat"].beats == 2
