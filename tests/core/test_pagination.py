"""core.pagination: keyset pages, and those of several outlets read outlet by outlet and merged."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from core.pagination import keyset_page
from core.roles import Role
from core.scoping import scope, visible_outlet_ids
from tests.workorders.factories import walk_in_order
from workorders.models import WorkOrder


def _pages(queryset, **options) -> list[list[int]]:
    pages, after = [], None
    while True:
        page = keyset_page(queryset, key="id", after=after, size=3, descending=True, **options)
        pages.append([order.pk for order in page.items])
        if not page.next_after:
            return pages
        after = page.next_after


def test_a_centres_pages_merged_by_outlet_are_the_pages_of_the_plain_query(network):
    admin = network.staff[Role.ADMIN]  # headquarters logs orders at any outlet
    for outlet in [network.a1, network.a1, network.a2, network.b1, network.a1, network.a2, network.a2, network.b1]:
        walk_in_order(admin, outlet)
    supervisor = network.staff[Role.SUPERVISOR]
    outlets = visible_outlet_ids(supervisor)
    theirs = scope(WorkOrder.objects.select_related("outlet"), supervisor)
    plain = _pages(theirs)
    assert sorted(outlets) == sorted([network.a1.pk, network.a2.pk])
    assert plain == _pages(theirs, outlet_ids=outlets) and [len(page) for page in plain] == [3, 3]
    newest_first = list(theirs.order_by("-id").values_list("pk", flat=True))
    assert sum(plain, []) == newest_first and len(newest_first) == 6  # b1's orders are not the centre's
    with CaptureQueriesContext(connection) as ctx:
        page = keyset_page(theirs, key="id", after=None, size=3, descending=True, outlet_ids=outlets)
        assert [order.outlet.code for order in page.items]  # the rows come with what the queryset selects
    assert len(ctx.captured_queries) == 2  # the merged keys, then their rows
    assert "UNION ALL" in ctx.captured_queries[0]["sql"]


def test_filters_apply_to_every_outlets_part_and_an_empty_page_reads_no_rows(network):
    admin = network.staff[Role.ADMIN]
    kept = [walk_in_order(admin, network.a1), walk_in_order(admin, network.a2)]
    walk_in_order(admin, network.a1, priority="urgent")
    supervisor = network.staff[Role.SUPERVISOR]
    normal = scope(WorkOrder.objects.filter(priority="normal"), supervisor)
    assert _pages(normal, outlet_ids=visible_outlet_ids(supervisor)) == [[kept[1].pk, kept[0].pk]]
    with CaptureQueriesContext(connection) as ctx:
        none = keyset_page(normal.filter(status="closed"), key="id", after=None, descending=True, outlet_ids=[1, 2])
    assert none.items == [] and none.next_after is None and len(ctx.captured_queries) == 1


def test_one_outlet_or_every_outlet_reads_the_plain_way(network):
    clerk = network.staff[Role.FRONT_DESK]
    walk_in_order(clerk, network.a1)
    for outlet_ids in ([network.a1.pk], None):
        with CaptureQueriesContext(connection) as ctx:
            keyset_page(WorkOrder.objects.all(), key="id", after=None, descending=True, outlet_ids=outlet_ids)
        assert len(ctx.captured_queries) == 1 and "UNION" not in ctx.captured_queries[0]["sql"]


def test_the_apis_pages_of_a_centre_are_found_by_outlet_and_follow_on(network):
    admin = network.staff[Role.ADMIN]
    for outlet in [network.a1, network.a2, network.b1, network.a1, network.a2, network.a1, network.b1]:
        walk_in_order(admin, outlet)
    supervisor = network.staff[Role.SUPERVISOR]
    client = APIClient()
    client.force_authenticate(supervisor)
    expected = list(scope(WorkOrder.objects.order_by("-id"), supervisor).values_list("pk", flat=True))
    pages, url, params = [], reverse("api-work-order-list"), {"page_size": 2}
    while url:
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(url, params).json()
        assert any("UNION ALL" in q["sql"] for q in ctx.captured_queries)
        pages.append([row["id"] for row in body["results"]])
        url, params = body["next"], None
    assert pages == [expected[0:2], expected[2:4], expected[4:5]]
    back = client.get(body["previous"]).json()  # back a page: read the plain way
    assert [row["id"] for row in back["results"]] == expected[2:4]


def test_a_search_or_a_name_reads_the_plain_way_a_status_outlet_by_outlet(network, client_for):
    admin = network.staff[Role.ADMIN]
    order = walk_in_order(admin, network.a2)
    supervisor = network.staff[Role.SUPERVISOR]
    api = APIClient()
    api.force_authenticate(supervisor)
    cases = [
        ({"status": "received", "q": "", "responsible": ""}, True),  # the form sends its blank fields too
        ({"category": order.product.category_id}, True),
        ({"q": order.number, "status": "received"}, False),
        ({"responsible": "员工"}, False),
        ({"received_from": "2026-01-01"}, False),
    ]
    for params, merged in cases:
        for get in (client_for(supervisor).get, api.get):
            url = reverse("work-order-list" if get != api.get else "api-work-order-list")
            with CaptureQueriesContext(connection) as ctx:
                response = get(url, {**params, "size": 20} if get != api.get else params)
            assert response.status_code in (200, 302)
            assert any("UNION ALL" in q["sql"] for q in ctx.captured_queries) == merged, (url, params)


def test_a_centres_list_and_api_run_a_constant_number_of_queries_outlet_by_outlet(network, client_for):
    admin = network.staff[Role.ADMIN]
    supervisor = network.staff[Role.SUPERVISOR]
    page, api = client_for(supervisor), APIClient()
    api.force_authenticate(supervisor)
    requests = [(page, reverse("work-order-list")), (api, reverse("api-work-order-list"))]

    def counts():
        measured = []
        for client, url in requests:
            client.get(url)  # the access read into the cache first (new orders' outlets renew it)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            measured.append(len(ctx.captured_queries))
        return measured

    walk_in_order(admin, network.a1)
    few = counts()
    for outlet in [network.a1, network.a2, network.a2, network.a1, network.a2]:
        walk_in_order(admin, outlet)
    assert counts() == few
