"""The claims pages and API: scoped to the user's outlets, constant queries, decisions with errors next to the
field they concern."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from settlement.models import WarrantyClaim
from tests.settlement.factories import published_price_list
from tests.settlement.test_services import _callback, _picked_up
from tests.warranty.factories import published_schedule
from tests.workorders.factories import walk_in_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(network):
    """Two claims at a1 (one held: refused signature) and one at b1."""
    published_schedule()
    published_price_list()
    clerk = network.staff[Role.FRONT_DESK]
    good = _callback(_picked_up(clerk, walk_in_order(clerk, network.a1))).claim
    held = _callback(_picked_up(clerk, walk_in_order(clerk, network.a1), refused=True)).claim
    from tests.factories import UserFactory

    b_clerk = UserFactory(role=Role.FRONT_DESK, outlets=[network.b1])
    other = _callback(_picked_up(b_clerk, walk_in_order(b_clerk, network.b1))).claim
    return type("Claims", (), {"good": good, "held": held, "other": other})


def test_the_list_shows_the_outlets_claims_and_what_holds_them(network, claims, client_for):
    page = client_for(network.staff[Role.FRONT_DESK]).get(reverse("claim-list"))
    assert page.status_code == 200
    assert claims.good.work_order.number in page.text and claims.held.work_order.number in page.text
    assert claims.other.work_order.number not in page.text
    assert "用户拒绝签字。" in page.text and "¥340.00" in page.text
    held_only = client_for(network.staff[Role.FRONT_DESK]).get(reverse("claim-list"), {"status": "held"})
    assert claims.good.work_order.number not in held_only.text


def test_a_centre_finds_the_outlet_as_it_types_and_the_page_carries_only_the_one_picked(network, claims, client_for):
    client = client_for(network.staff[Role.SUPERVISOR])
    page = client.get(reverse("claim-list"))
    picker = re.search(r'<select name="outlet"[^>]*>(.*?)</select>', page.text, re.S)
    assert f'data-search-url="{reverse("outlet-options")}"' in picker[0] and picker[1].count("<option") == 1
    narrowed = client.get(reverse("claim-list"), {"outlet": network.a2.pk})
    picker = re.search(r'<select name="outlet"[^>]*>(.*?)</select>', narrowed.text, re.S)
    assert f'value="{network.a2.pk}" selected>浦东网点' in picker[1] and picker[1].count("<option") == 2
    assert claims.good.work_order.number not in narrowed.text  # the claims are a1's
    # Another centre's outlet is not a filter: the page shows the centre's claims, no outlet picked.
    foreign = client.get(reverse("claim-list"), {"outlet": network.b1.pk})
    assert claims.good.work_order.number in foreign.text and "天河网点" not in foreign.text


def test_the_list_runs_a_constant_number_of_queries(network, claims, client_for):
    client = client_for(network.staff[Role.ADMIN])
    client.get(reverse("claim-list"))  # the first request reads the user's access into the cache
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("claim-list"))
    clerk = network.staff[Role.FRONT_DESK]
    for _ in range(3):
        _callback(_picked_up(clerk, walk_in_order(clerk, network.a1)))
    client.get(reverse("claim-list"))  # new staff renewed the access cache: read it again first
    with CaptureQueriesContext(connection) as more:
        assert client.get(reverse("claim-list")).status_code == 200
    assert len(more) == len(few)
    api = client.get(reverse("api-claim-list"))
    assert api.status_code == 200 and len(api.json()["results"]) == 6


def test_a_centres_claims_are_read_outlet_by_outlet_page_and_api(network, claims, client_for):
    supervisor = network.staff[Role.SUPERVISOR]  # centre A: a1 and a2
    client = client_for(supervisor)
    with CaptureQueriesContext(connection) as page_queries:
        page = client.get(reverse("claim-list"))
    assert claims.good.work_order.number in page.text and claims.other.work_order.number not in page.text
    assert page.text.index(claims.held.work_order.number) < page.text.index(claims.good.work_order.number)
    with CaptureQueriesContext(connection) as api_queries:
        api = client.get(reverse("api-claim-list"))
    assert [row["id"] for row in api.json()["results"]] == [claims.held.pk, claims.good.pk]
    for queries in (page_queries, api_queries):
        assert any("UNION ALL" in q["sql"] for q in queries)
    clerk = network.staff[Role.FRONT_DESK]
    for _ in range(3):
        _callback(_picked_up(clerk, walk_in_order(clerk, network.a1)))
    client.get(reverse("claim-list"))  # new staff renewed the access cache: read it again first
    with CaptureQueriesContext(connection) as more:
        assert client.get(reverse("claim-list")).status_code == 200
    assert len(more) == len(page_queries)  # constant outlet by outlet too


def test_the_claim_page_shows_lines_checks_what_clears_them_and_the_sources(network, claims, client_for):
    english = network.staff[Role.FRONT_DESK]
    english.language = "en"
    english.save()
    page = client_for(english).get(reverse("claim-detail", args=[claims.held.pk]))
    assert page.status_code == 200
    text = page.text
    assert 'data-testid="finding-signature"' in text and "The customer refused to sign." in text
    assert "What clears it" in text and "Part screen" in text and "¥300.00" in text
    assert "Reached: satisfied" in text  # the callback the claim relies on
    assert 'data-testid="decision-form"' not in text  # an outlet never decides its own claims
    out_of_scope = client_for(english).get(reverse("claim-detail", args=[claims.other.pk]))
    assert out_of_scope.status_code == 404


def test_headquarters_decides_in_the_page_and_a_missing_reason_is_shown_next_to_the_note(network, claims, client_for):
    client = client_for(network.staff[Role.ADMIN])
    url = reverse("claim-decide", args=[claims.held.pk])
    assert 'data-testid="decision-form"' in client.get(reverse("claim-detail", args=[claims.held.pk])).text
    refused = client.post(url, {"decision": "approve", "amount": ""})
    assert refused.status_code == 400 and "请说明为何在检查有发现的情况下仍予支付。" in refused.text
    assert WarrantyClaim.objects.get(pk=claims.held.pk).status == WarrantyClaim.Status.HELD
    done = client.post(url, {"decision": "approve", "amount": "300", "note": "回访确认，工时按标准核减"})
    assert done.status_code == 302
    claim = WarrantyClaim.objects.get(pk=claims.held.pk)
    assert claim.status == WarrantyClaim.Status.APPROVED and str(claim.approved) == "300.00"
    page = client.get(reverse("claim-detail", args=[claim.pk]))
    assert 'data-testid="decision"' in page.text and 'data-testid="audit-trail"' in page.text


def test_the_centre_supervisor_decides_only_with_the_delegation(network, claims, client_for):
    supervisor = network.staff[Role.SUPERVISOR]
    client = client_for(supervisor)
    url = reverse("claim-decide", args=[claims.good.pk])
    assert 'data-testid="decision-form"' not in client.get(reverse("claim-detail", args=[claims.good.pk])).text
    assert client.post(url, {"decision": "approve"}).status_code == 400
    network.centre_a.decides_claims = True
    network.centre_a.save()
    assert client.post(url, {"decision": "approve"}).status_code == 302
    assert WarrantyClaim.objects.get(pk=claims.good.pk).status == WarrantyClaim.Status.APPROVED
    assert client.post(reverse("claim-decide", args=[claims.other.pk]), {"decision": "approve"}).status_code == 404


def test_the_api_decides_under_the_same_rules(network, claims, client_for):
    client = client_for(network.staff[Role.ADMIN])
    url = reverse("api-claim-decision", args=[claims.good.pk])
    refused = client.post(url, {"decision": "reject"}, content_type="application/json")
    assert refused.status_code == 400 and "note" in refused.json()["error"]["fields"]
    done = client.post(url, {"decision": "reject", "note": "重复报单"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "rejected"
    detail = client.get(reverse("api-claim-detail", args=[claims.held.pk])).json()
    assert detail["findings"][0]["rule"] == "signature" and detail["findings"][0]["blocking"] is False
    assert [line["kind"] for line in detail["lines"]] == ["labour", "part"]
    clerk = client_for(network.staff[Role.FRONT_DESK])
    assert (
        clerk.post(
            reverse("api-claim-decision", args=[claims.held.pk]),
            {"decision": "approve"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert clerk.get(reverse("api-claim-detail", args=[claims.other.pk])).status_code == 404
    recheck = clerk.post(reverse("api-claim-recheck", args=[claims.held.pk]))
    assert recheck.status_code == 200 and recheck.json()["status"] == "held"


def test_the_export_is_the_lists_rows_and_the_order_page_and_home_show_the_claim(network, claims, client_for):
    client = client_for(network.staff[Role.FRONT_DESK])
    csv = client.get(reverse("export", args=["claims", "csv"]), {"status": "held"})
    text = b"".join(csv.streaming_content).decode("utf-8-sig") if csv.streaming else csv.content.decode("utf-8-sig")
    assert claims.held.work_order.number in text and claims.good.work_order.number not in text
    assert claims.other.work_order.number not in text
    refused = client.get(reverse("export", args=["claims", "csv"]), {"outlet": str(network.b1.pk)})
    assert refused.status_code == 302  # another centre's outlet: refused with a message, nothing written
    order_page = client.get(reverse("work-order-detail", args=[claims.held.work_order_id]))
    assert 'data-testid="order-claim"' in order_page.text and "用户拒绝签字。" in order_page.text
    home = client_for(network.staff[Role.ADMIN]).get(reverse("home-admin"))
    assert 'data-testid="home-claims"' in home.text
    assert (
        'data-testid="home-claims"'
        not in client_for(network.staff[Role.SUPERVISOR]).get(reverse("home-supervisor")).text
    )


def test_the_price_lists_page_shows_what_the_maker_pays(network, client_for):
    published_price_list()
    page = client_for(network.staff[Role.FRONT_DESK]).get(reverse("settlement-price-lists"))
    assert page.status_code == 200
    assert "¥300.00" in page.text and "¥60.00" in page.text and "30 公里以内" in page.text
    assert "在后台编辑" not in page.text  # the desk reads it; admins edit it
    assert "在后台编辑" in client_for(network.staff[Role.ADMIN]).get(reverse("settlement-price-lists")).text


def test_headquarters_home_counts_claims_up_to_a_cap(network, claims, client_for, monkeypatch):
    from settlement import panels

    client = client_for(network.staff[Role.ADMIN])
    home = client.get(reverse("home-admin")).text
    held = home[home.index('data-testid="home-claims"') :]
    assert 'text-bg-warning">1</span>' in held  # the one held claim, counted exactly
    monkeypatch.setattr(panels, "COUNT_CAP", 1)
    capped = client.get(reverse("home-admin")).text
    assert 'text-bg-warning">1+</span>' in capped[capped.index('data-testid="home-claims"') :]
