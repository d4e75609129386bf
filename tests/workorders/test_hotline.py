import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.roles import Role
from tests.factories import UserFactory
from tests.workorders.factories import customer_with_product
from workorders.lifecycle import Status
from workorders.models import Call, MessageSlip, ProductCategory
from workorders.services import call_log, message_slip_answer, message_slip_take, work_order_receive

pytestmark = pytest.mark.django_db


def test_a_call_is_classified_and_linked_to_the_customer_by_phone(network):
    hotline = network.staff[Role.HOTLINE]
    customer, _product = customer_with_product(hotline, network.a1)
    call = call_log(
        outlet=network.a1, caller_phone="138 1234 5678", call_type="consultation", summary="问保修期", actor=hotline
    )
    assert call.customer == customer and call.get_call_type_display()


def test_phone_guidance_resolves_the_request_without_a_visit(network):
    hotline = network.staff[Role.HOTLINE]
    customer, product = customer_with_product(hotline, network.a1)
    order = work_order_receive(
        outlet=network.a1,
        customer=customer,
        product=product,
        channel="hotline",
        service_type="repair",
        fault_description="空调不制冷",
        actor=hotline,
    )
    with pytest.raises(ValidationError) as exc:
        call_log(
            outlet=network.a1,
            caller_phone="13812345678",
            call_type="service_request",
            summary="不制冷",
            phone_guidance=True,
            work_order=order,
            actor=hotline,
        )
    assert "guidance_advice" in exc.value.message_dict
    call_log(
        outlet=network.a1,
        caller_phone="13812345678",
        call_type="service_request",
        summary="不制冷",
        phone_guidance=True,
        guidance_advice="遥控器模式调到制冷",
        work_order=order,
        actor=hotline,
    )
    order.refresh_from_db()
    assert order.status == Status.AWAITING_CALLBACK
    assert order.events.last().text == "遥控器模式调到制冷"


def test_message_slip_for_a_role_reaches_its_staff_home_page_until_answered(network, client_for):
    hotline = network.staff[Role.HOTLINE]
    slip = message_slip_take(
        outlet=network.a1,
        caller_name="刘先生",
        caller_phone="13900001111",
        message="请工程师回电确认上门时间",
        best_time="下午 3 点后",
        recipient_role="engineer",
        actor=hotline,
    )
    engineer = client_for(network.staff[Role.ENGINEER])
    home = engineer.get(reverse("home"), follow=True)
    assert "请工程师回电确认上门时间" in home.text
    engineer.post(reverse("message-slip-answer", args=[slip.pk]), {"answer": "已回电，约周三上午", "next": "home"})
    slip.refresh_from_db()
    assert slip.status == MessageSlip.Status.ANSWERED and slip.answered_by == network.staff[Role.ENGINEER]
    assert "请工程师回电确认上门时间" not in engineer.get(reverse("home"), follow=True).text
    with pytest.raises(ValidationError):
        message_slip_answer(slip=slip, answer="again", actor=network.staff[Role.ENGINEER])


def test_a_slip_needs_a_recipient_at_the_outlet(network):
    hotline = network.staff[Role.HOTLINE]
    args = {"outlet": network.a1, "caller_name": "x", "caller_phone": "13900001111", "message": "m", "actor": hotline}
    with pytest.raises(ValidationError):
        message_slip_take(**args)
    with pytest.raises(ValidationError) as exc:
        message_slip_take(**args, recipient=UserFactory(role=Role.ENGINEER, outlets=[network.b1]))
    assert "recipient" in exc.value.message_dict


def test_staff_of_another_outlet_cannot_answer_a_slip(network, client_for):
    slip = message_slip_take(
        outlet=network.a1,
        caller_name="x",
        caller_phone="13900001111",
        message="m",
        recipient_role="engineer",
        actor=network.staff[Role.HOTLINE],
    )
    outsider = UserFactory(role=Role.ENGINEER, outlets=[network.b1])
    response = client_for(outsider).post(reverse("message-slip-answer", args=[slip.pk]), {"answer": "x"})
    assert response.status_code == 404


def test_hotline_page_logs_a_call_and_routes_a_slip(network, client_for):
    client = client_for(network.staff[Role.HOTLINE])
    client.post(
        reverse("hotline"),
        {
            "log_call": "1",
            "call-outlet": network.a1.pk,
            "call-caller_phone": "13812345678",
            "call-call_type": "praise",
            "call-summary": "表扬刘洋师傅",
        },
    )
    assert Call.objects.get().call_type == "praise"
    bad = client.post(
        reverse("hotline"),
        {
            "take_slip": "1",
            "slip-outlet": network.a1.pk,
            "slip-caller_name": "",
            "slip-caller_phone": "1",
            "slip-message": "",
        },
    )
    assert {"caller_name", "caller_phone", "message"} <= set(bad.context["slip_form"].errors)
    client.post(
        reverse("hotline"),
        {
            "take_slip": "1",
            "slip-outlet": network.a1.pk,
            "slip-caller_name": "刘先生",
            "slip-caller_phone": "13900001111",
            "slip-message": "回电",
            "slip-recipient": network.staff[Role.DISPATCHER].pk,
        },
    )
    assert MessageSlip.objects.get().recipient == network.staff[Role.DISPATCHER]


@pytest.mark.parametrize("rows", [1, 8])
def test_hotline_page_and_lists_run_a_constant_number_of_queries(rows, network, client_for, django_assert_num_queries):
    hotline = network.staff[Role.HOTLINE]
    for i in range(rows):
        call_log(
            outlet=network.a1, caller_phone="13812345678", call_type="consultation", summary=f"问题{i}", actor=hotline
        )
        message_slip_take(
            outlet=network.a1,
            caller_name="x",
            caller_phone="13900001111",
            message=f"m{i}",
            recipient_role="hotline",
            actor=hotline,
        )
    client = client_for(hotline)
    client.get(reverse("hotline"))
    # user, 2x default outlet, slips, calls, 2x outlet choices, recipients (the session, and the user's
    # permissions, role and outlets: from the cache)
    with django_assert_num_queries(8):
        response = client.get(reverse("hotline"))
    assert len(response.context["slips"]) == rows


def test_a_slip_answered_meanwhile_is_a_message_not_a_500(network, client_for, monkeypatch):
    # Penetration test (issue 20, item 5): two clerks answer one slip at once; the second one read the
    # page while the slip was still open.
    slip = message_slip_take(
        outlet=network.a1,
        caller_name="刘先生",
        caller_phone="13900001111",
        message="请回电",
        recipient_role="hotline",
        actor=network.staff[Role.HOTLINE],
    )
    message_slip_answer(slip=slip, answer="first", actor=network.staff[Role.HOTLINE])
    monkeypatch.setattr(
        "workorders.selectors.open_slips_for", lambda user: MessageSlip.objects.all()
    )  # as read before the first answer

    response = client_for(network.staff[Role.HOTLINE]).post(
        reverse("message-slip-answer", args=[slip.pk]),
        {"answer": "second"},
        HTTP_REFERER="http://testserver/hotline/",
        follow=True,
    )

    assert response.status_code == 200 and response.redirect_chain[0][0] == "http://testserver/hotline/"
    assert "该留言条已回复。" in response.text
    slip.refresh_from_db()
    assert slip.answer == "first"


def test_the_call_form_names_the_order_its_guidance_resolves(network, client_for):
    from tests.dispatch.factories import onsite_order

    hotline = network.staff[Role.HOTLINE]
    order = onsite_order(hotline, network.a1)
    elsewhere = onsite_order(UserFactory(role=Role.HOTLINE, outlets=[network.b1]), network.b1)
    client = client_for(hotline)
    call = {
        "log_call": "1",
        "call-outlet": network.a1.pk,
        "call-caller_phone": "13812345678",
        "call-call_type": "service_request",
        "call-summary": "空调不制冷",
        "call-phone_guidance": "on",
        "call-guidance_advice": "切换到制冷模式",
    }
    refused = client.post(reverse("hotline"), {**call, "call-number": elsewhere.number})
    assert "number" in refused.context["call_form"].errors and not Call.objects.exists()  # another outlet's
    client.post(reverse("hotline"), {**call, "call-number": order.number})
    order.refresh_from_db()
    assert order.status == Status.AWAITING_CALLBACK and Call.objects.get().work_order == order


def test_guidance_to_a_caller_with_several_products_asks_which_one(network, client_for):
    """The form comes back offering the caller's products by name; the one picked gets the order that
    the 2-hour callback closes."""
    from workorders.services import product_register

    hotline = network.staff[Role.HOTLINE]
    customer, phone = customer_with_product(hotline, network.a1)
    washer = product_register(
        customer=customer,
        category=ProductCategory.objects.get(code="washing_machine"),
        brand="海尔",
        model="EG100",
        serial="HW-778",
        actor=hotline,
    )
    client = client_for(hotline)
    call = {
        "log_call": "1",
        "call-outlet": network.a1.pk,
        "call-caller_phone": "13812345678",
        "call-call_type": "service_request",
        "call-summary": "洗衣机不排水",
        "call-phone_guidance": "on",
        "call-guidance_advice": "清理排水泵过滤器",
    }
    asked = client.post(reverse("hotline"), call)
    form = asked.context["call_form"]
    assert "product" in form.errors and not Call.objects.exists()
    offered = asked.content.decode()
    assert "海尔 EG100 · HW-778" in offered and "华为 X1 · SN123456" in offered
    client.post(reverse("hotline"), {**call, "call-product": washer.pk})
    made = Call.objects.get().work_order
    assert (made.product, made.status) == (washer, Status.AWAITING_CALLBACK)


def test_a_complaint_is_not_logged_as_a_call_alone(network, client_for):
    """The call form offers no "complaint" type: the complaint button opens the case with its call; the
    API refuses it the same way."""
    from rest_framework.test import APIClient

    hotline = network.staff[Role.HOTLINE]
    page = client_for(hotline).get(reverse("hotline")).content.decode()
    assert 'value="complaint"' not in page and 'data-testid="complaint-call"' in page
    api = APIClient()
    api.force_authenticate(hotline)
    call = {"outlet": network.a1.pk, "caller_phone": "13812345678", "call_type": "complaint", "summary": "投诉"}
    refused = api.post(reverse("api-call-list"), call, format="json")
    assert refused.status_code == 400 and "call_type" in refused.json()["error"]["fields"]
    assert not Call.objects.exists()
