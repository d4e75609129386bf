"""Permissions and outlets of a user (core/permissions.py): read once, then from the cache, stale at once
when a grant or a scope changes."""

import logging

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.urls import reverse

from core import permissions
from core.models import User
from core.roles import Role
from core.scoping import visible_outlet_ids
from core.services import outlet_save, user_update
from tests.factories import OutletFactory

pytestmark = pytest.mark.django_db

DISPATCH = "dispatch.dispatch_appointment"


def fresh(user: User) -> User:
    """The user as the next request loads it (permissions are read per user object)."""
    return User.objects.get(pk=user.pk)


def test_permissions_are_read_in_one_query_then_from_the_cache(network, django_assert_num_queries):
    dispatcher = network.staff[Role.DISPATCHER]
    with django_assert_num_queries(1):
        read = permissions.read_permissions(dispatcher)
    assert DISPATCH in read and "core.add_user" not in read
    fresh(dispatcher).has_perm(DISPATCH)  # makes the cache's generation if there is none yet
    fresh(dispatcher).has_perm(DISPATCH)  # keeps the permissions and outlets
    user = fresh(dispatcher)
    with django_assert_num_queries(0):
        assert user.has_perm(DISPATCH) is True
        assert not user.has_perm("core.add_user")
        assert user.get_all_permissions() == read
        assert visible_outlet_ids(user) == [network.a1.pk]
        assert user.role == Role.DISPATCHER  # every page's navigation asks it


def test_a_new_role_counts_at_once(network):
    admin, dispatcher = network.staff[Role.ADMIN], network.staff[Role.DISPATCHER]
    assert fresh(dispatcher).has_perm(DISPATCH)
    assert fresh(dispatcher).has_perm(DISPATCH)  # cached
    user_update(
        user=dispatcher,
        name=dispatcher.name,
        role=Role.ENGINEER,
        outlets=[network.a1],
        centre=None,
        is_headquarters=False,
        is_active=True,
        actor=admin,
    )
    now = fresh(dispatcher)
    assert not now.has_perm(DISPATCH)
    assert now.has_perm("dispatch.visit_appointment")
    assert now.role == Role.ENGINEER


def test_a_role_group_renamed_or_a_superuser_flag_count_at_once(network):
    engineer = network.staff[Role.ENGINEER]
    assert fresh(engineer).role == Role.ENGINEER and fresh(engineer).role == Role.ENGINEER  # cached
    group = Group.objects.get(name=Role.ENGINEER.value)
    group.name = "retired engineers"
    group.save()
    assert fresh(engineer).role is None
    group.name = Role.ENGINEER.value
    group.save()
    assert fresh(engineer).role == Role.ENGINEER
    engineer.groups.clear()
    assert fresh(engineer).role is None
    User.objects.filter(pk=engineer.pk).update(is_superuser=True)  # no signal: the row itself says so
    assert fresh(engineer).role == Role.ADMIN


def test_a_list_of_staff_with_their_groups_needs_no_cache(network, django_assert_num_queries):
    staff = list(User.objects.filter(username__in=["fd", "sv"]).prefetch_related("groups").order_by("username"))
    with django_assert_num_queries(0):
        assert [member.role for member in staff] == [Role.FRONT_DESK, Role.SUPERVISOR]


def test_a_group_losing_a_permission_and_a_user_given_one_count_at_once(network):
    dispatcher, clerk = network.staff[Role.DISPATCHER], network.staff[Role.FRONT_DESK]
    assert fresh(dispatcher).has_perm(DISPATCH) and fresh(dispatcher).has_perm(DISPATCH)
    assert not fresh(clerk).has_perm(DISPATCH) and not fresh(clerk).has_perm(DISPATCH)
    permission = Permission.objects.get(codename="dispatch_appointment")
    Group.objects.get(name=Role.DISPATCHER.value).permissions.remove(permission)
    assert not fresh(dispatcher).has_perm(DISPATCH)
    clerk.user_permissions.add(permission)
    assert fresh(clerk).has_perm(DISPATCH)


def test_a_deactivated_user_has_no_permissions_whatever_is_cached(network):
    dispatcher = network.staff[Role.DISPATCHER]
    assert fresh(dispatcher).has_perm(DISPATCH) and fresh(dispatcher).has_perm(DISPATCH)
    User.objects.filter(pk=dispatcher.pk).update(is_active=False)  # no signal: the row itself says so
    assert not fresh(dispatcher).has_perm(DISPATCH)
    assert fresh(dispatcher).get_all_permissions() == set()


def test_without_the_cache_the_database_answers(network, monkeypatch):
    dispatcher = network.staff[Role.DISPATCHER]

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "set", down)
    assert fresh(dispatcher).has_perm(DISPATCH)
    assert not fresh(network.staff[Role.FRONT_DESK]).has_perm(DISPATCH)
    assert fresh(dispatcher).role == Role.DISPATCHER
    permissions.forget_all()  # nor does a change of a grant fail


def test_outlets_given_taken_or_opened_count_at_once(network):
    clerk, supervisor = network.staff[Role.FRONT_DESK], network.staff[Role.SUPERVISOR]
    for _ in range(2):  # the second from the cache
        assert visible_outlet_ids(fresh(clerk)) == [network.a1.pk]
        assert visible_outlet_ids(fresh(supervisor)) == [network.a1.pk, network.a2.pk]
    clerk.outlets.add(network.b1)
    assert visible_outlet_ids(fresh(clerk)) == [network.a1.pk, network.b1.pk]
    clerk.outlets.remove(network.a1)
    assert visible_outlet_ids(fresh(clerk)) == [network.b1.pk]
    opened = OutletFactory(code="a3", centre=network.centre_a)
    assert visible_outlet_ids(fresh(supervisor)) == [network.a1.pk, network.a2.pk, opened.pk]
    outlet_save(outlet=opened, code="a3", name="新网点", centre=network.centre_b, actor=network.staff[Role.ADMIN])
    assert visible_outlet_ids(fresh(supervisor)) == [network.a1.pk, network.a2.pk]


def test_a_cache_outage_is_one_warning_with_its_length_not_a_traceback_a_request(network, client_for, caplog):
    # Penetration test (issue 20, item 12): Redis killed under load logged 773 tracebacks in 20 s.
    from django.test import override_settings

    from core.logging import cache_outage

    client = client_for(network.staff[Role.DISPATCHER])
    dead = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    caplog.set_level(logging.WARNING)

    with override_settings(CACHES=dead):
        for _ in range(20):
            assert client.get(reverse("work-order-list")).status_code == 200
    assert client.get(reverse("work-order-list")).status_code == 200  # the cache answers again

    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.name for r in warnings] == ["outages", "outages"]
    assert "unavailable" in warnings[0].getMessage() and "available again after" in warnings[1].getMessage()
    assert not any(r.exc_info for r in warnings) and cache_outage.since is None
