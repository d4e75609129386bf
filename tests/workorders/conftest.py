import pytest
from django.utils import translation

from core.roles import Role


@pytest.fixture
def english(network):
    """For tests that assert the English texts: the staff read English, the services speak it."""
    for user in network.staff.values():
        user.language = "en"
        user.save(update_fields=["language"])
    with translation.override("en"):
        yield


@pytest.fixture
def clerk(network):
    return network.staff[Role.FRONT_DESK]
