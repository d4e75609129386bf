"""People who see many outlets get an outlet picker that searches as they type: the list page carries only the
outlet picked (a network's 400 options made a list page's filter form cost more than its query), and the
search answers only the user's own outlets."""

import pytest
from django.urls import reverse

from core.roles import Role
from tests.factories import OutletFactory

pytestmark = pytest.mark.django_db


def test_headquarters_list_page_carries_only_the_outlet_picked(network, client_for):
    for n in range(30):
        OutletFactory(code=f"x{n:02d}", name=f"远郊网点{n}", centre=network.centre_b)
    client = client_for(network.staff[Role.ADMIN])
    page = client.get(reverse("work-order-list")).content.decode()
    picker = page[page.index('<select name="outlet"') : page.index("</select>", page.index('name="outlet"'))]
    assert 'data-search-url="/outlets/options/"' in picker and picker.count("<option") == 1  # the empty choice
    picked = client.get(reverse("work-order-list"), {"outlet": network.b1.pk}).content.decode()
    picker = picked[picked.index('name="outlet"') : picked.index("</select>", picked.index('name="outlet"'))]
    assert picker.count("<option") == 2 and f'value="{network.b1.pk}" selected' in picker


@pytest.mark.parametrize("page", ["dispatch-board", "reconciliation", "outlet-reconciliation", "claim-list"])
def test_the_daily_pages_and_the_claims_pick_the_outlet_the_same_way(page, network, client_for):
    for n in range(30):
        OutletFactory(code=f"y{n:02d}", name=f"远郊网点{n}", centre=network.centre_a)
    client = client_for(network.staff[Role.SUPERVISOR])  # centre A: 32 outlets
    text = client.get(reverse(page)).content.decode()
    picker = text[text.index('<select name="outlet"') : text.index("</select>", text.index('name="outlet"'))]
    assert 'data-search-url="/outlets/options/"' in picker and picker.count("<option") == 1
    text = client.get(reverse(page), {"outlet": network.a2.pk}).content.decode()
    picker = text[text.index('<select name="outlet"') : text.index("</select>", text.index('name="outlet"'))]
    assert picker.count("<option") == 2 and f'value="{network.a2.pk}" selected>浦东网点' in picker


def test_an_outlets_staff_keep_the_plain_list(network, client_for):
    page = client_for(network.staff[Role.FRONT_DESK]).get(reverse("work-order-list")).content.decode()
    assert "data-search-url" not in page


def test_the_search_answers_the_users_own_outlets_by_code_or_name(network, client_for):
    supervisor = network.staff[Role.SUPERVISOR]  # centre A: a1 and a2
    found = client_for(supervisor).get(reverse("outlet-options"), {"q": "网点"}).json()["results"]
    assert {row["value"] for row in found} == {network.a1.pk, network.a2.pk}
    assert client_for(supervisor).get(reverse("outlet-options"), {"q": "b1"}).json()["results"] == []
    by_code = client_for(network.staff[Role.ADMIN]).get(reverse("outlet-options"), {"q": "b1"}).json()["results"]
    assert by_code == [{"value": network.b1.pk, "text": network.b1.name}]


def test_the_searches_read_a_constant_number_of_queries(network, client_for, django_assert_max_num_queries):
    for n in range(30):
        OutletFactory(code=f"q{n:02d}", name=f"查询网点{n}", centre=network.centre_b)
    client = client_for(network.staff[Role.ADMIN])
    client.get(reverse("outlet-options"))  # the session and permissions read once
    with django_assert_max_num_queries(3):  # session, user, the outlets
        assert len(client.get(reverse("outlet-options"), {"q": "查询"}).json()["results"]) == 20
    client.get(reverse("stock-place-options"))
    with django_assert_max_num_queries(5):  # session, user, warehouses, outlets, vans
        client.get(reverse("stock-place-options"), {"q": "查询"})
