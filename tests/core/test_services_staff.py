import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.audit import audit_trail
from core.models import User
from core.roles import Role
from core.services import outlet_save, user_create, user_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _create(actor, **overrides):
    data = {
        "username": "newclerk",
        "name": "新员工",
        "password": "Strong#Pass-99",
        "role": Role.FRONT_DESK,
        "outlets": [],
        "actor": actor,
    }
    data.update(overrides)
    return user_create(**data)


def test_user_create_gives_one_role_group_and_scope(network):
    user = _create(network.staff[Role.ADMIN], outlets=[network.a1])
    assert user.role == Role.FRONT_DESK
    assert [g.name for g in user.groups.all()] == ["front_desk"]
    assert list(user.outlets.all()) == [network.a1]
    assert user.check_password("Strong#Pass-99")
    assert not user.is_staff


def test_user_create_rejects_weak_password_with_field_message(network):
    with pytest.raises(ValidationError) as exc:
        _create(network.staff[Role.ADMIN], password="123")
    assert "password" in exc.value.message_dict
    assert not User.objects.filter(username="newclerk").exists()


def test_user_create_rejects_duplicate_username_case_insensitively(network):
    with pytest.raises(ValidationError) as exc:
        _create(network.staff[Role.ADMIN], username="FD")
    assert "username" in exc.value.message_dict


def test_non_admin_cannot_create_staff(network):
    with pytest.raises(PermissionDenied):
        _create(network.staff[Role.SUPERVISOR])


def test_centre_admin_cannot_hand_out_other_centres_outlets_or_hq(network):
    centre_admin = UserFactory(role=Role.ADMIN, centre=network.centre_a)
    with pytest.raises(ValidationError) as exc:
        _create(centre_admin, outlets=[network.b1])
    assert "outlets" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _create(centre_admin, is_headquarters=True)
    assert "is_headquarters" in exc.value.message_dict
    assert not User.objects.filter(username="newclerk").exists()


def test_headquarters_and_centre_together_is_refused(network):
    with pytest.raises(ValidationError):
        _create(network.staff[Role.ADMIN], is_headquarters=True, centre=network.centre_a)


def test_user_update_changes_role_and_is_audited(network):
    admin, clerk = network.staff[Role.ADMIN], network.staff[Role.FRONT_DESK]
    user_update(
        user=clerk,
        name="王芳芳",
        role=Role.HOTLINE,
        outlets=[network.a1, network.a2],
        centre=None,
        is_headquarters=False,
        is_active=True,
        actor=admin,
    )
    clerk = User.objects.get(pk=clerk.pk)
    assert clerk.role == Role.HOTLINE
    trail = audit_trail(clerk)
    by_admin = [entry for entry in trail if entry.who == admin]
    by_field = {c.field: (c.old, c.new) for entry in reversed(by_admin) for c in entry.changes}
    assert by_field[str(User._meta.get_field("name").verbose_name)][1] == "王芳芳"
    assert "浦东网点" in by_field[str(User._meta.get_field("outlets").verbose_name)][1]
    assert str(Role.HOTLINE.label) in by_field[str(User._meta.get_field("groups").verbose_name)][1]


def test_admin_cannot_change_own_role(network):
    admin = network.staff[Role.ADMIN]
    with pytest.raises(ValidationError):
        user_update(
            user=admin,
            name=admin.name,
            role=Role.FRONT_DESK,
            outlets=[],
            centre=None,
            is_headquarters=True,
            is_active=True,
            actor=admin,
        )


def test_outlet_edit_is_in_the_audit_trail_with_old_and_new(network):
    admin = network.staff[Role.ADMIN]
    outlet_save(
        outlet=network.a1,
        code="a1",
        name="徐汇旗舰网点",
        centre=network.centre_a,
        address=network.a1.address,
        actor=admin,
    )
    entry = audit_trail(network.a1)[0]
    assert entry.who == admin
    assert [(c.old, c.new) for c in entry.changes] == [("徐汇网点", "徐汇旗舰网点")]


def test_audit_trail_runs_a_fixed_number_of_queries(network, django_assert_max_num_queries):
    admin, clerk = network.staff[Role.ADMIN], network.staff[Role.FRONT_DESK]
    for i in range(15):
        user_update(
            user=clerk,
            name=f"名字{i}",
            role=Role.FRONT_DESK,
            outlets=[network.a1] if i % 2 else [network.a2],
            centre=None,
            is_headquarters=False,
            is_active=True,
            actor=admin,
        )
    with django_assert_max_num_queries(8):
        trail = audit_trail(User.objects.get(pk=clerk.pk))
    assert len(trail) > 15
