"""django-simple-history's managers with their class made once (core.audit.keep_history_manager_classes)."""

import pytest
from simple_history.manager import HistoryManager

from core.models import Outlet

pytestmark = pytest.mark.django_db


def test_history_is_recorded_and_read_through_one_manager_class(network):
    outlet = Outlet.objects.get(pk=network.a1.pk)
    outlet.name = "徐汇新网点"
    outlet.save()
    first, second = outlet.history, Outlet.objects.get(pk=network.b1.pk).history
    assert type(first) is type(second) and isinstance(first, HistoryManager)
    assert first.instance == outlet and second.instance.pk == network.b1.pk  # each its own instance
    assert [h.name for h in first.all()][:2] == ["徐汇新网点", "徐汇网点"]
    assert first.most_recent().name == "徐汇新网点"  # the queryset's and manager's own methods
    assert all(h.instance_type is Outlet for h in first.all())
