"""Each export is read by the roles that read its list, and by nobody else (the role x export matrix)."""

import pytest
from django.conf import settings
from django.urls import reverse

from core.roles import Role

pytestmark = pytest.mark.django_db

FD, HL, DP, EN, SV, AD = Role.FRONT_DESK, Role.HOTLINE, Role.DISPATCHER, Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN
READERS = {
    "work-orders": {FD, HL, DP, EN, SV, AD},
    "payments": {FD, SV, AD},
    "callbacks": {FD, HL, DP, EN, SV, AD},
    "complaint-cases": {FD, HL, DP, EN, SV, AD},
    "part-requisitions": {FD, HL, DP, EN, SV, AD},
    "claims": {FD, SV, AD},
}


def test_every_export_is_in_the_matrix():
    assert set(settings.EXPORTS) == set(READERS)


@pytest.mark.parametrize("name", sorted(READERS))
def test_each_role_exports_what_it_may_list(name, network, client):
    got = {}
    for role in [FD, HL, DP, EN, SV, AD]:
        client.force_login(network.staff[role], backend="core.permissions.PermissionBackend")
        got[role] = client.get(reverse("export", args=[name, "csv"])).status_code
    assert got == {role: 200 if role in READERS[name] else 403 for role in got}
    client.logout()
    assert client.get(reverse("export", args=[name, "csv"])).status_code == 302  # to the login page
