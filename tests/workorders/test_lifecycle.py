"""The transition table: every allowed transition, a sample of refused ones, roles, history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import ConflictError
from core.roles import Role
from tests.factories import UserFactory
from tests.workorders.factories import walk_in_order
from workorders.lifecycle import TRANSITIONS, Status, allowed, work_order_transitioned
from workorders.models import WorkOrder, WorkOrderEvent
from workorders.services import work_order_transition

pytestmark = pytest.mark.django_db


def _order_in(status, network):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    WorkOrder.objects.filter(pk=order.pk).update(status=status)  # test set-up only
    order.refresh_from_db()
    return order


def _actor_for(transition, network):
    return network.staff[sorted(transition.roles, key=list(Role).index)[0]]


@pytest.mark.parametrize(
    ("name", "source"),
    [(t.name, s) for t in TRANSITIONS.values() for s in sorted(t.sources)],
)
def test_every_allowed_transition_moves_and_is_recorded(name, source, network):
    transition = TRANSITIONS[name]
    order = _order_in(source, network)
    actor = _actor_for(transition, network)
    moved = work_order_transition(
        work_order=order, transition=name, actor=actor, reason="测试原因", by_service=transition.made_by is not None
    )
    assert moved.status == transition.target
    event = WorkOrderEvent.objects.filter(work_order=order, kind="transition").get()
    assert (event.from_status, event.to_status, event.actor, event.transition) == (
        source,
        transition.target,
        actor,
        name,
    )


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("close", Status.RECEIVED),
        ("finish_repair", Status.RECEIVED),
        ("schedule", Status.CLOSED),
        ("reopen", Status.IN_SERVICE),
        ("hand_back", Status.CANCELLED),
        ("cancel", Status.IN_SERVICE),
    ],
)
def test_illegal_transitions_are_refused_with_a_message(name, status, network):
    order = _order_in(status, network)
    with pytest.raises(ValidationError) as exc:
        work_order_transition(work_order=order, transition=name, actor=network.staff[Role.ADMIN], reason="x")
    assert "transition" in exc.value.message_dict
    order.refresh_from_db()
    assert order.status == status
    assert not WorkOrderEvent.objects.filter(work_order=order, kind="transition").exists()


def test_a_role_outside_the_table_is_refused(network):
    order = _order_in(Status.AWAITING_DISPATCH, network)
    with pytest.raises(PermissionDenied):
        work_order_transition(work_order=order, transition="schedule", actor=network.staff[Role.FRONT_DESK])


def test_transitions_owned_by_another_app_are_not_offered_or_made_bare(network):
    order = _order_in(Status.AWAITING_DISPATCH, network)
    assert "schedule" not in [t.name for t in allowed(Status.AWAITING_DISPATCH, Role.DISPATCHER)]
    with pytest.raises(ValidationError) as exc:
        work_order_transition(work_order=order, transition="schedule", actor=network.staff[Role.DISPATCHER])
    assert "transition" in exc.value.message_dict


def test_unknown_transition_and_missing_reason(network):
    order = _order_in(Status.RECEIVED, network)
    with pytest.raises(ValidationError):
        work_order_transition(work_order=order, transition="teleport", actor=network.staff[Role.ADMIN])
    with pytest.raises(ValidationError) as exc:
        work_order_transition(work_order=order, transition="cancel", actor=network.staff[Role.FRONT_DESK])
    assert "reason" in exc.value.message_dict


def test_staff_of_another_outlet_cannot_move_the_order(network):
    order = _order_in(Status.RECEIVED, network)
    outsider = UserFactory(role=Role.FRONT_DESK, outlets=[network.b1])
    with pytest.raises(PermissionDenied):
        work_order_transition(work_order=order, transition="cancel", actor=outsider, reason="x")


def test_a_stale_version_is_a_conflict(network):
    order = _order_in(Status.RECEIVED, network)
    with pytest.raises(ConflictError):
        work_order_transition(
            work_order=order, transition="start_service", actor=network.staff[Role.FRONT_DESK], expected_version=99
        )


def test_the_transition_is_announced_inside_the_transaction(network):
    seen = []

    def receiver(sender, work_order, transition, event, actor, **kwargs):
        seen.append((work_order.status, transition.name, event.pk is not None))

    work_order_transitioned.connect(receiver)
    try:
        order = _order_in(Status.RECEIVED, network)
        work_order_transition(work_order=order, transition="start_service", actor=network.staff[Role.FRONT_DESK])
    finally:
        work_order_transitioned.disconnect(receiver)
    assert seen == [(Status.IN_SERVICE, "start_service", True)]


def test_allowed_lists_what_a_role_may_do_now():
    assert [t.name for t in allowed(Status.RECEIVED, Role.DISPATCHER)] == [
        "request_dispatch",
        "start_service",
        "cancel",
    ]
    assert allowed(Status.CLOSED, Role.ENGINEER) == []
