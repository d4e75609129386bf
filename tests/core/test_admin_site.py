"""The data administration (issue 20, items 2 and 13): no way to a superuser, the outbox masked."""

import pytest
from django.urls import reverse

from core.models import Notification
from core.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _change_form(user, **changes):
    data = {
        "username": user.username,
        "name": user.name,
        "phone": "",
        "language": "zh-hans",
        "outlets": [o.pk for o in user.outlets.all()],
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "08:00:00",
    }
    return data | changes


def test_the_admin_role_cannot_make_anyone_a_superuser(network, client_for):
    admin_user = network.staff[Role.ADMIN]
    clerk = network.staff[Role.FRONT_DESK]
    client = client_for(admin_user)
    url = reverse("admin:core_user_change", args=[clerk.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="is_superuser"' not in page.text and 'name="groups"' not in page.text

    for target in (clerk, admin_user):
        client.post(
            reverse("admin:core_user_change", args=[target.pk]),
            _change_form(target, is_superuser="on", is_staff="on", user_permissions=[1, 2], groups=[1]),
        )

    clerk.refresh_from_db()
    admin_user.refresh_from_db()
    assert not clerk.is_superuser and not clerk.is_staff and not clerk.user_permissions.exists()
    assert not admin_user.is_superuser and list(admin_user.groups.values_list("name", flat=True)) == ["admin"]
    assert list(clerk.groups.values_list("name", flat=True)) == ["front_desk"]


def test_a_superusers_account_is_not_the_admin_roles_to_change(network, client_for):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = client_for(network.staff[Role.ADMIN])

    page = client.get(reverse("admin:core_user_change", args=[root.pk]))
    password = client.get(reverse("admin:auth_user_password_change", args=[root.pk]))

    assert page.status_code == 200 and 'name="username"' not in page.text  # view only
    assert password.status_code == 403


def test_a_superuser_may_grant_superuser(network, client_for):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    clerk = network.staff[Role.FRONT_DESK]

    client_for(root).post(
        reverse("admin:core_user_change", args=[clerk.pk]), _change_form(clerk, is_superuser="on", groups=[])
    )

    clerk.refresh_from_db()
    assert clerk.is_superuser


def test_the_admin_role_reads_the_outbox_masked_and_edits_message_templates(network, client_for):
    note = Notification.objects.create(
        kind="ready_for_pickup", to="+8613812345678", message="取机码 909923。", idempotency_key="k"
    )
    client = client_for(network.staff[Role.ADMIN])

    listing = client.get(reverse("admin:core_notification_changelist"))
    detail = client.get(reverse("admin:core_notification_change", args=[note.pk]))
    template = client.get(reverse("admin:core_messagetemplate_add"))
    index = client.get(reverse("admin:index"))

    assert listing.status_code == detail.status_code == template.status_code == 200
    for page in (listing, detail):
        assert "138****5678" in page.text and "13812345678" not in page.text
    assert "909923" not in detail.text and "取机码 ******" in detail.text
    assert "售后服务工单 · 数据管理" in index.text
    supervisor = client_for(network.staff[Role.SUPERVISOR])
    assert supervisor.get(reverse("admin:core_notification_changelist")).status_code in (302, 403)
