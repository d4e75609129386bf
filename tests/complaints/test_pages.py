import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints.models import BadFaithFlag, CaseStep, ComplaintCase, Feedback, Remedy
from complaints.services import case_open, feedback_record
from core.roles import Role
from tests.factories import UserFactory
from tests.workorders.factories import customer_with_product, walk_in_order

pytestmark = pytest.mark.django_db


def test_a_clerk_opens_a_case_offers_a_remedy_and_the_supervisor_approves_it(network, client_for):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    clerk = client_for(network.staff[Role.HOTLINE])
    missing = clerk.post(
        reverse("complaint-new"), {"number": "00000000000", "category": "delay", "severity": "low", "description": "x"}
    )
    assert missing.status_code == 200 and not ComplaintCase.objects.exists()
    clerk.post(
        reverse("complaint-new"),
        {
            "number": order.number,
            "category": "repair_quality",
            "severity": "medium",
            "description": "修完又坏",
            "request": "换机",
        },
    )
    case = ComplaintCase.objects.get()
    clerk.post(reverse("complaint-act", args=[case.pk, "step"]), {"step": "apology", "notes": "已道歉"})
    bad = clerk.post(reverse("complaint-act", args=[case.pk, "remedy"]), {"kind": "exchange", "amount": "-1"})
    assert bad.status_code == 400
    clerk.post(
        reverse("complaint-act", args=[case.pk, "remedy"]),
        {"kind": "exchange", "amount": "900", "description": "换新机"},
    )
    remedy = Remedy.objects.get()
    assert remedy.status == Remedy.Status.AWAITING_APPROVAL

    supervisor = client_for(network.staff[Role.SUPERVISOR])
    listing = supervisor.get(reverse("complaint-list")).content.decode()
    assert 'data-testid="approvals"' in listing
    page = supervisor.get(reverse("complaint-detail", args=[case.pk])).content.decode()
    assert f"approve-{remedy.pk}" in page and "已道歉" in page
    supervisor.post(reverse("remedy-decide", args=[remedy.pk]), {"approve": "yes"})
    remedy.refresh_from_db()
    assert remedy.status == Remedy.Status.APPROVED and remedy.decided_by == network.staff[Role.SUPERVISOR]
    case.refresh_from_db()
    assert case.first_contact_at is not None


def test_escalating_from_the_page_puts_the_case_in_the_supervisors_queue(network, client_for):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    clerk = client_for(network.staff[Role.HOTLINE])
    clerk.post(
        reverse("complaint-new"),
        {"number": order.number, "category": "attitude", "severity": "low", "description": "态度差"},
    )
    case = ComplaintCase.objects.get()
    empty = clerk.post(reverse("complaint-act", args=[case.pk, "escalate"]), {"reason": ""})
    assert empty.status_code == 400
    clerk.post(reverse("complaint-act", args=[case.pk, "escalate"]), {"reason": "用户要求经理出面"})
    queue = client_for(network.staff[Role.SUPERVISOR]).get(reverse("complaint-list")).content.decode()
    assert 'data-testid="escalated"' in queue and "用户要求经理出面" in queue


def test_feedback_is_recorded_from_the_page_and_routed_items_acknowledged(network, client_for):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    clerk = client_for(network.staff[Role.HOTLINE])
    praise = {
        "type": "praise",
        "channel": "callback",
        "outlet": network.a1.pk,
        "text": "刘师傅很专业",
        "number": order.number,
    }
    refused = clerk.post(reverse("feedback-new"), praise)
    assert refused.status_code == 400  # praise must name someone
    clerk.post(reverse("feedback-new"), praise | {"praised_staff": network.staff[Role.ENGINEER].pk})
    clerk.post(
        reverse("feedback-new"),
        {
            "type": "suggestion",
            "channel": "hotline",
            "outlet": network.a1.pk,
            "text": "说明书太难懂",
            "department": "rd",
        },
    )
    idea = Feedback.objects.get(type="suggestion")
    assert Feedback.objects.get(type="praise").work_order == order
    supervisor = client_for(network.staff[Role.SUPERVISOR])
    assert f"ack-{idea.pk}" in supervisor.get(reverse("feedback-list")).content.decode()
    supervisor.post(reverse("feedback-acknowledge", args=[idea.pk]))
    idea.refresh_from_db()
    assert idea.acknowledged_by == network.staff[Role.SUPERVISOR]


def test_only_a_supervisor_sets_the_bad_faith_flag_and_it_shows_on_the_case(network, client_for):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    clerk = client_for(network.staff[Role.HOTLINE])
    clerk.post(
        reverse("complaint-new"),
        {"number": order.number, "category": "charges", "severity": "low", "description": "嫌贵"},
    )
    case = ComplaintCase.objects.get()
    assert 'data-testid="bad-faith-form"' not in clerk.get(reverse("complaint-detail", args=[case.pk])).content.decode()
    refused = clerk.post(reverse("complaint-act", args=[case.pk, "bad-faith"]), {"reason": "x"})
    assert refused.status_code == 400 and not BadFaithFlag.objects.exists()
    supervisor = client_for(network.staff[Role.SUPERVISOR])
    supervisor.post(reverse("complaint-act", args=[case.pk, "bad-faith"]), {"reason": "多次以曝光要挟索赔"})
    page = client_for(network.staff[Role.HOTLINE]).get(reverse("complaint-detail", args=[case.pk])).content.decode()
    assert 'data-testid="bad-faith"' in page and "多次以曝光要挟索赔" in page


def test_the_handler_asks_for_the_confirmation_call_from_the_case_page(network, client_for):
    from tests.complaints.test_closure import _call, _remedy_agreed
    from tests.complaints.test_services import _case

    case = _case(network)
    clerk = client_for(network.staff[Role.HOTLINE])
    early = clerk.post(
        reverse("complaint-act", args=[case.pk, "confirm"]), {"lessons": "试机", "responsibility": "outlet"}
    )
    with translation.override(network.staff[Role.HOTLINE].language):
        assert early.status_code == 400 and _("Agree a remedy with the customer first.") in early.content.decode()
        satisfied = str(CaseStep.Step.SATISFACTION.label)
    _remedy_agreed(network, case)
    blank = clerk.post(reverse("complaint-act", args=[case.pk, "confirm"]), {"lessons": ""})
    assert blank.status_code == 400 and blank.context["confirm_form"].errors.keys() == {"lessons", "responsibility"}
    assert blank.status_code == 400 and 'id="id_lessons"' in blank.content.decode()
    clerk.post(
        reverse("complaint-act", args=[case.pk, "confirm"]), {"lessons": "维修后试机", "responsibility": "outlet"}
    )
    case.refresh_from_db()
    page = clerk.get(reverse("complaint-detail", args=[case.pk])).content.decode()
    assert 'data-testid="confirmation"' in page and 'data-testid="confirm-form"' not in page
    assert "维修后试机" in page and case.confirmation_callback.plan.name in page  # in the customer's callbacks
    _call(case.confirmation_callback, "satisfied", network.staff[Role.HOTLINE])
    page = clerk.get(reverse("complaint-detail", args=[case.pk])).content.decode()
    assert satisfied in page and 'data-testid="step-form"' not in page


def test_supervisors_see_open_cases_by_outlet_category_and_age(network, client_for):
    import datetime as dt

    import time_machine

    from tests.complaints.test_services import _case

    with time_machine.travel(timezone.now() - dt.timedelta(days=4)):
        _case(network, category="delay")
    _case(network, category="delay", severity="high")
    _case(network, category="charges")
    supervisor = client_for(network.staff[Role.SUPERVISOR])
    response = supervisor.get(reverse("complaint-list"))
    counts = response.context["counts"]
    assert counts["by_outlet"] == [(network.a1.name, 3)]
    with translation.override("en"):
        assert [(str(k), n) for k, n in counts["by_category"]] == [("Delay", 2), ("Charges", 1)]
        assert [n for _label, n in counts["by_age"]] == [2, 0, 1, 0]
    assert 'data-testid="open-counts"' in response.content.decode()
    only_open = supervisor.get(reverse("complaint-list"), {"status": "closed"})
    assert list(only_open.context["page"].items) == []
    home = supervisor.get(reverse("home"), follow=True).content.decode()
    assert 'data-testid="home-escalated"' in home and 'data-testid="escalated-count">1<' in home
    clerk = client_for(network.staff[Role.HOTLINE])
    assert clerk.get(reverse("complaint-list")).context["counts"] is None


def test_praise_shows_on_the_home_page_of_the_person_and_their_supervisor(network, client_for):
    from complaints.services import feedback_record

    en = network.staff[Role.ENGINEER]
    feedback_record(
        outlet=network.a1,
        type="praise",
        channel="on_site",
        text="师傅很细心",
        praised_staff=en,
        actor=network.staff[Role.HOTLINE],
    )
    assert "师傅很细心" in client_for(en).get(reverse("home"), follow=True).content.decode()
    supervisor_home = client_for(network.staff[Role.SUPERVISOR]).get(reverse("home"), follow=True).content.decode()
    assert 'data-testid="home-praise"' in supervisor_home and str(en) in supervisor_home
    assert (
        'data-testid="home-praise"'
        not in client_for(network.staff[Role.DISPATCHER]).get(reverse("home"), follow=True).content.decode()
    )


def test_a_complaint_without_a_work_order_is_opened_from_the_customers_phone(network, client_for):
    from tests.workorders.factories import customer_with_product

    customer, _product = customer_with_product(network.staff[Role.FRONT_DESK], network.a1, phones=("13912345678",))
    clerk = client_for(network.staff[Role.HOTLINE])
    fields = {"category": "attitude", "severity": "low", "description": "电话里态度差"}
    unknown = clerk.post(reverse("complaint-new"), {"number": "13900000000", **fields})
    assert unknown.status_code == 200 and unknown.context["form"].errors["number"]
    clerk.post(reverse("complaint-new"), {"number": "139 1234 5678", **fields})
    case = ComplaintCase.objects.get()
    assert case.customer == customer and case.work_order is None and case.outlet == network.a1
    # The supervisor works for the whole centre: the outlet must be named.
    supervisor = client_for(network.staff[Role.SUPERVISOR])
    ask = supervisor.post(reverse("complaint-new"), {"number": "13912345678", **fields})
    assert ask.context["form"].errors["outlet"]
    supervisor.post(reverse("complaint-new"), {"number": "13912345678", "outlet": network.a2.pk, **fields})
    assert ComplaintCase.objects.filter(outlet=network.a2, customer=customer).exists()
    clerk = client_for(network.staff[Role.HOTLINE])
    api = clerk.post(
        reverse("api-complaint-list"), {"customer_phone": "13912345678", **fields}, content_type="application/json"
    )
    assert api.status_code == 201 and api.json()["work_order"] is None
    neither = clerk.post(reverse("api-complaint-list"), fields, content_type="application/json")
    assert neither.status_code == 400


def test_a_complaint_call_on_the_hotline_links_to_a_new_case(network, client_for):
    from workorders.services import call_log

    hl = network.staff[Role.HOTLINE]
    call_log(outlet=network.a1, caller_phone="13912345678", call_type="complaint", summary="投诉态度", actor=hl)
    call_log(outlet=network.a1, caller_phone="13912345679", call_type="consultation", summary="咨询", actor=hl)
    page = client_for(hl).get(reverse("hotline")).content.decode()
    assert page.count(reverse("complaint-new") + "?order=") == 1 and "?order=13912345678" in page


def test_a_repeat_repair_case_shows_what_the_warranty_allows_now(network, client_for):
    from tests.complaints.test_services import _case
    from tests.workorders.factories import customer_with_product
    from workorders.services import work_order_receive

    fd = network.staff[Role.FRONT_DESK]
    customer, product = customer_with_product(fd, network.a1)
    orders = [
        work_order_receive(
            outlet=network.a1,
            customer=customer,
            product=product,
            channel="walk_in",
            service_type="repair",
            fault_description="不开机",
            data_loss_acknowledged=True,
            actor=fd,
        )
        for _ in range(2)
    ]
    repeat = _case(network, customer=customer, work_order=orders[-1])
    page = client_for(network.staff[Role.SUPERVISOR]).get(reverse("complaint-detail", args=[repeat.pk]))
    options = page.context["entitlement"].decision.options
    assert "exchange" in options and 'data-testid="entitlement"' in page.content.decode()
    plain = _case(network)  # its own order is the first repair of the fault
    plain_page = client_for(network.staff[Role.HOTLINE]).get(reverse("complaint-detail", args=[plain.pk]))
    assert plain_page.context["entitlement"].decision.options == ("free_repair",)


def test_a_complaint_call_opens_the_case_and_logs_the_call_in_one_step(network, client_for):
    from workorders.models import Call

    hotline = network.staff[Role.HOTLINE]
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)  # the customer's phone: 138 1234 5678
    clerk = client_for(hotline)
    desk = clerk.get(reverse("hotline")).text
    assert 'data-testid="complaint-call"' in desk
    empty = clerk.post(reverse("complaint-new"), {"category": "delay", "severity": "low", "description": "x"})
    assert empty.status_code == 200 and "number" in empty.context["form"].errors
    opened = clerk.post(
        reverse("complaint-new"),
        {
            "caller_phone": "138 1234 5678",
            "category": "attitude",
            "severity": "medium",
            "description": "前台态度很差",
            "request": "道歉",
        },
    )
    case = ComplaintCase.objects.get()
    assert opened.url == reverse("complaint-detail", args=[case.pk])
    assert (case.customer, case.opened_by, case.handler) == (order.customer, hotline, network.staff[Role.SUPERVISOR])
    call = Call.objects.get()
    assert (call.call_type, call.summary, call.taken_by) == ("complaint", "前台态度很差", hotline)
    assert f"#{case.pk}" in call.outcome


def test_a_complaint_call_over_the_api(network, client_for):
    from workorders.models import Call

    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    answer = client_for(network.staff[Role.HOTLINE]).post(
        reverse("api-complaint-list"),
        {
            "caller_phone": "13812345678",
            "work_order": order.pk,
            "category": "delay",
            "severity": "low",
            "description": "等太久",
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert Call.objects.get().work_order == order and answer.json()["handler"] == str(network.staff[Role.SUPERVISOR])


def test_complaint_cases_export_under_the_lists_status_filter(network, client_for):
    import csv
    import io

    from tests.complaints.test_services import _case
    from tests.factories import UserFactory

    case = _case(network, description="=1+1 修了两次还是不开机")
    export = reverse("export", args=["complaint-cases", "csv"])

    def rows(user, **query):
        response = client_for(user).get(export, query)
        return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    supervisor = network.staff[Role.SUPERVISOR]
    listed = rows(supervisor)
    assert listed[0][:3] == ["投诉单", "立案时间", "网点"] and listed[1][0] == f"#{case.pk}"
    assert listed[1][9] == "'=1+1 修了两次还是不开机"  # never a formula
    assert len(rows(supervisor, status="closed")) == 1 and len(rows(supervisor, status=case.status)) == 2
    assert client_for(supervisor).get(export, {"status": "nonsense"}).status_code == 302
    assert len(rows(UserFactory(role=Role.SUPERVISOR, centre=network.centre_b))) == 1  # another centre's


def test_a_centres_cases_and_feedback_are_read_outlet_by_outlet_page_and_api(network, client_for):
    supervisor = network.staff[Role.SUPERVISOR]  # centre A: a1 and a2
    clerk = UserFactory(username="hl-all", role=Role.HOTLINE, outlets=[network.a1, network.a2, network.b1])
    UserFactory(username="sv-b", role=Role.SUPERVISOR, centre=network.centre_b)  # owns b1's complaints
    cases, feedback = {}, {}
    for name, outlet in (("a1", network.a1), ("b1", network.b1), ("a2", network.a2)):  # made in this order
        customer, _product = customer_with_product(clerk, outlet, phones=(f"1390000{len(cases):04d}",))
        cases[name] = case_open(
            outlet=outlet, customer=customer, category="delay", severity="low", description=f"案-{name}", actor=clerk
        )
        feedback[name] = feedback_record(
            outlet=outlet, type="suggestion", channel="hotline", text=f"建议-{name}", department="rd", actor=clerk
        )
    client = client_for(supervisor)
    with CaptureQueriesContext(connection) as queries:
        case_page = client.get(reverse("complaint-list"))
        feedback_page = client.get(reverse("feedback-list"))
        case_api = client.get(reverse("api-complaint-list"))
        feedback_api = client.get(reverse("api-feedback-list"))
    assert case_page.status_code == feedback_page.status_code == 200
    link = {name: reverse("complaint-detail", args=[case.pk]) for name, case in cases.items()}
    assert link["b1"] not in case_page.text and "建议-b1" not in feedback_page.text
    assert case_page.text.index(link["a2"]) < case_page.text.index(link["a1"])
    assert feedback_page.text.index("建议-a2") < feedback_page.text.index("建议-a1")
    assert [row["id"] for row in case_api.json()["results"]] == [cases["a2"].pk, cases["a1"].pk]
    assert [row["id"] for row in feedback_api.json()["results"]] == [feedback["a2"].pk, feedback["a1"].pk]
    assert sum("UNION ALL" in q["sql"] for q in queries) == 4
