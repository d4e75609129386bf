import datetime as dt
import html
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import User
from core.roles import Role
from dispatch import selectors, views
from dispatch.models import (
    CHECKLIST,
    Appointment,
    AppointmentChange,
    EngineerProfile,
    LoanerUnit,
    Part,
    PartRequisition,
    PartStock,
    VisitReport,
)
from dispatch.services import (
    appointment_request_reassign,
    loaner_lend,
    loaner_register,
    place_of_outlet,
    stock_receive,
)
from tests.dispatch.factories import at, booked, engineer, next_workday, onsite_order
from tests.dispatch.test_services_visit import SIGNATURE
from tests.factories import UserFactory
from tests.warranty.factories import published_schedule
from workorders.lifecycle import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(network):
    return type(
        "Desk",
        (),
        {
            "hl": network.staff[Role.HOTLINE],
            "dp": network.staff[Role.DISPATCHER],
            "eng": engineer(network.a1, username="wang", base_area="徐汇区"),
            "net": network,
        },
    )


def _in_english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def _board_queries(client, day) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("dispatch-board"), {"day": day.isoformat()})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _bulk_day(outlet, clerk, dispatcher, day, engineers: int, per_engineer: int) -> None:
    """Engineers and appointments made in bulk (the board only reads them)."""
    order = onsite_order(clerk, outlet)
    rows = []
    for _ in range(engineers):
        user = UserFactory(role=Role.ENGINEER, outlets=[outlet])
        EngineerProfile.objects.create(user=user, daily_capacity=20)
        rows += [
            Appointment(
                work_order=order,
                outlet=outlet,
                engineer=user,
                starts_at=at(day, 8 + j),
                ends_at=at(day, 9 + j),
                booked_by=dispatcher,
            )
            for j in range(per_engineer)
        ]
    Appointment.objects.bulk_create(rows)


def test_the_board_is_built_in_a_fixed_number_of_queries(desk, client_for):
    day = next_workday()
    client = client_for(desk.dp)
    _bulk_day(desk.net.a1, desk.hl, desk.dp, day, engineers=2, per_engineer=2)
    few = _board_queries(client, day)
    _bulk_day(desk.net.a1, desk.hl, desk.dp, day, engineers=20, per_engineer=8)
    for _ in range(5):
        onsite_order(desk.hl, desk.net.a1)
    assert _board_queries(client, day) == few


def test_board_shows_queue_and_appointments_and_assigning_books(desk, client_for):
    waiting = onsite_order(desk.hl, desk.net.a1, priority="urgent")
    appointment = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=9, hours=1)
    client = client_for(_in_english(desk.dp))
    day = next_workday()

    page = client.get(reverse("dispatch-board"), {"day": day.isoformat()}).content.decode()
    assert f"block-{appointment.work_order.number}" in page and reverse("dispatch-board-queue") in page
    queue = client.get(reverse("dispatch-board-queue"), {"day": day.isoformat()}, headers={"HX-Request": "true"})
    assert f'data-testid="assign-{waiting.number}"' in queue.content.decode() and "<html" not in queue.content.decode()

    url = reverse("dispatch-assign", args=[waiting.pk])
    panel = client.get(url, {"day": day.isoformat()}, headers={"HX-Request": "true"})
    assert (
        panel.status_code == 200 and "wang" in panel.content.decode().lower() or desk.eng.name in panel.content.decode()
    )
    form = {"engineer": desk.eng.pk, "day": day.isoformat(), "start": "09:30", "end": "11:00"}
    checked = client.post(url, form | {"check": "1"}, headers={"HX-Request": "true"})
    assert appointment.work_order.number in checked.content.decode()  # the conflict, before saving
    assert Appointment.objects.count() == 1

    booked_response = client.post(url, form | {"start": "10:00", "book": "1"}, headers={"HX-Request": "true"})
    assert booked_response.status_code == 200 and booked_response["HX-Redirect"].startswith(reverse("dispatch-board"))
    waiting.refresh_from_db()
    assert waiting.status == Status.SCHEDULED


def test_nobody_free_on_the_day_asked_for_offers_the_next_free_slot(desk, client_for):
    """The customer asked for a day the only engineer is off: the panel names the next free window and
    takes it into the form in one click."""
    day = next_workday()
    EngineerProfile.objects.filter(user=desk.eng).update(days_off=[day.weekday()])
    waiting = onsite_order(desk.hl, desk.net.a1, requested_time=at(day, 10))
    client = client_for(_in_english(desk.dp))
    url = reverse("dispatch-assign", args=[waiting.pk])
    panel = client.get(url, {"day": day.isoformat()}, headers={"HX-Request": "true"}).content.decode()
    following = day + dt.timedelta(days=1)
    assert 'data-testid="next-free"' in panel and f"Next free: {following.isoformat()} 08:30" in panel
    taken = client.get(url, {"day": following.isoformat(), "engineer": desk.eng.pk, "start": "08:30"})
    assert 'value="08:30"' in taken.content.decode() and f'value="{following.isoformat()}"' in taken.content.decode()


def test_a_refused_booking_keeps_the_form_and_shows_why(desk, client_for):
    booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=10, hours=2)
    waiting = onsite_order(desk.hl, desk.net.a1)
    client = client_for(_in_english(desk.dp))
    response = client.post(
        reverse("dispatch-assign", args=[waiting.pk]),
        {"engineer": desk.eng.pk, "day": next_workday().isoformat(), "start": "11:00", "end": "12:00"},
    )
    body = response.content.decode()
    assert "already booked" in body and 'value="11:00"' in body
    assert Appointment.objects.count() == 1


def test_orders_of_other_outlets_cannot_be_assigned(desk, client_for):
    other = onsite_order(UserFactory(role=Role.HOTLINE, outlets=[desk.net.b1]), desk.net.b1)
    assert client_for(desk.dp).get(reverse("dispatch-assign", args=[other.pk])).status_code == 404


def test_reschedule_and_reassign_on_the_appointment_page(desk, client_for):
    appointment = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=10, hours=2)
    other = engineer(desk.net.a1, username="li")
    client = client_for(desk.dp)
    day = next_workday().isoformat()

    missing_reason = client.post(
        reverse("appointment-change", args=[appointment.pk, "reschedule"]),
        {"day": day, "start": "14:00", "end": "16:00", "reason": "", "version": 1},
    )
    assert missing_reason.status_code == 400 and 'value="14:00"' in missing_reason.content.decode()
    client.post(
        reverse("appointment-change", args=[appointment.pk, "reschedule"]),
        {"day": day, "start": "14:00", "end": "16:00", "reason": "客户下午在家", "customer_agreed": "on", "version": 1},
    )
    client.post(
        reverse("appointment-change", args=[appointment.pk, "reassign"]),
        {"engineer": other.pk, "reason": "王师傅请假", "version": 2},
    )
    page = client.get(reverse("appointment-detail", args=[appointment.pk])).content.decode()
    assert "客户下午在家" in page and "王师傅请假" in page
    assert AppointmentChange.objects.filter(appointment=appointment).count() == 2
    stale = client.post(
        reverse("appointment-change", args=[appointment.pk, "reschedule"]),
        {"day": day, "start": "15:00", "end": "16:00", "reason": "x", "version": 1},
    )
    assert stale.status_code == 400  # someone changed it meanwhile


def test_engineer_runs_the_visit_from_the_phone_page(desk, client_for):
    appointment = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=10, hours=2)
    client = client_for(desk.eng)
    jobs = client.get(reverse("my-jobs"), {"day": next_workday().isoformat()}).content.decode()
    assert appointment.work_order.number in jobs and "tel:+8613812345678" in jobs

    def step(name, data=None):
        return client.post(reverse("job-step", args=[appointment.pk, name]), data or {})

    step("confirm", {"confirmation": "confirmed"})
    step("plan", {"travel_minutes": "30"})
    step("departed")
    step("arrived")
    bad = step("report", {"parts_complete": "", "diagnosis": "压缩机启动电容损坏"})
    assert bad.status_code == 400 and "压缩机启动电容损坏" in bad.content.decode()  # kept what was typed
    step(
        "report",
        {
            **{f"check_{code}": "on" for code in CHECKLIST if code != "mat_cloth"},
            "why_mat_cloth": "客户家铺了地垫",
            "proof": "proof_seen",
            "parts_complete": "on",
            "diagnosis": "压缩机启动电容损坏",
            "parts_used-item": ["capacitor", ""],
            "parts_used-amount": ["1", ""],
            "actions": "更换启动电容",
            "test_run_result": "试机正常",
        },
    )
    step("started")
    step("finished")
    step("sign-off", {"satisfied": "yes", "rating_quality": "5", "rating_attitude": "5", "signature": SIGNATURE})

    appointment.refresh_from_db()
    report = VisitReport.objects.get(appointment=appointment)
    assert appointment.status == Appointment.Status.DONE and appointment.travel_minutes == 30
    assert report.checklist["shoe_covers"] and not report.checklist["mat_cloth"]
    assert report.checklist_not_done == {"mat_cloth": "客户家铺了地垫"}
    assert report.parts_used == [{"code": "capacitor", "quantity": 1}]
    record = client.get(reverse("service-record", args=[appointment.pk])).content.decode()
    assert "更换启动电容" in record and SIGNATURE in record


def test_a_late_engineer_is_prompted_to_call_before_the_agreed_time_and_records_it(desk, client_for):
    appointment = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=10, hours=2)
    page = reverse("job-detail", args=[appointment.pk])
    with time_machine.travel(at(next_workday(), 9, 20), tick=False):
        client = client_for(desk.eng)  # logged in that morning
        client.post(reverse("job-step", args=[appointment.pk, "plan"]), {"travel_minutes": "30"})
        on_time = client.get(page)
        assert on_time.status_code == 200 and 'data-testid="late-call"' not in on_time.content.decode()
    with time_machine.travel(at(next_workday(), 9, 45), tick=False):
        client.post(reverse("job-step", args=[appointment.pk, "departed"]))
        prompt = client.get(page).content.decode()
        assert 'data-testid="late-call"' in prompt and "09:58" in prompt and "10:15" in prompt
    with time_machine.travel(at(next_workday(), 9, 58), tick=False):
        client.post(reverse("job-step", args=[appointment.pk, "late-call"]))
    appointment.refresh_from_db()
    assert appointment.late_call_at == at(next_workday(), 9, 58)
    with time_machine.travel(at(next_workday(), 10, 0), tick=False):
        assert "09:58" in client.get(page).content.decode()


def test_engineers_see_only_their_own_jobs(desk, client_for):
    appointment = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp)
    colleague = engineer(desk.net.a1)
    client = client_for(colleague)
    assert client.get(reverse("job-detail", args=[appointment.pk])).status_code == 404
    assert client.get(reverse("appointment-detail", args=[appointment.pk])).status_code == 404
    assert client.post(reverse("job-step", args=[appointment.pk, "departed"])).status_code == 404


def test_engineer_profiles_are_listed_and_edited(desk, client_for):
    newcomer = UserFactory(role=Role.ENGINEER, outlets=[desk.net.a1], username="newbie")
    client = client_for(desk.dp)
    page = client.get(reverse("engineer-list")).content.decode()
    assert "edit-newbie" in page and "edit-wang" in page
    bad = client.post(
        reverse("engineer-edit", args=[newcomer.pk]),
        {"work_start": "18:00", "work_end": "09:00", "daily_capacity": "5", "active": "on"},
    )
    assert bad.status_code == 200 and not EngineerProfile.objects.filter(user=newcomer).exists()
    client.post(
        reverse("engineer-edit", args=[newcomer.pk]),
        {"work_start": "09:00", "work_end": "17:30", "daily_capacity": "5", "days_off": ["6"], "active": "on"},
    )
    profile = EngineerProfile.objects.get(user=newcomer)
    assert profile.days_off == [6] and profile.work_end == dt.time(17, 30)


def test_home_pages_show_todays_jobs_and_what_to_rearrange(desk, client_for):
    today = timezone.localdate()
    with time_machine.travel(at(today, 8), tick=False):
        appointment = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, day=today, hour=10)
        appointment_request_reassign(appointment=appointment, reason="前一单急修未完", actor=desk.eng)
        engineer_home = client_for(desk.eng).get(reverse("home"), follow=True).content.decode()
        dispatcher_home = client_for(desk.dp).get(reverse("home"), follow=True).content.decode()
    assert reverse("job-detail", args=[appointment.pk]) in engineer_home
    assert (
        "前一单急修未完" in dispatcher_home and reverse("appointment-detail", args=[appointment.pk]) in dispatcher_home
    )


def test_parts_asked_on_the_job_page_issued_at_the_parts_desk_and_used(desk, client_for):
    appointment = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp)
    part = Part.objects.create(code="capacitor", name="启动电容")
    engineer_client = client_for(desk.eng)
    engineer_client.post(reverse("job-step", args=[appointment.pk, "request-part"]), {"part": part.pk, "quantity": 2})
    requisition = PartRequisition.objects.get()

    desk_client = client_for(_in_english(desk.dp))
    empty = desk_client.post(reverse("requisition-act", args=[requisition.pk, "issue"]), follow=True)
    assert "Only 0 of" in empty.content.decode()  # no stock: refused with the reason, nothing issued
    desk_client.post(
        reverse("stock"),
        {
            "form": "receive",
            "receive-place": f"outlet-{desk.net.a1.pk}",
            "receive-part": part.pk,
            "receive-quantity": 5,
        },
    )
    page = desk_client.get(reverse("parts")).content.decode()
    assert f"issue-{requisition.pk}" in page
    desk_client.post(reverse("requisition-act", args=[requisition.pk, "issue"]))
    engineer_client = client_for(desk.eng)
    job = engineer_client.get(reverse("job-detail", args=[appointment.pk])).content.decode()
    assert "启动电容" in job
    engineer_client.post(
        reverse("requisition-act", args=[requisition.pk, "use"]),
        {"next": reverse("job-detail", args=[appointment.pk])},
    )
    requisition.refresh_from_db()
    assert requisition.status == PartRequisition.Status.USED
    assert PartStock.objects.get(part=part, bin=PartStock.Bin.GOOD).quantity == 3
    assert PartStock.objects.get(part=part, bin=PartStock.Bin.DEFECTIVE).quantity == 2  # the old parts taken out


def test_loaners_page_registers_units_and_shows_overdue_ones(desk, client_for):
    client = client_for(desk.dp)
    client.post(reverse("loaners"), {"outlet": desk.net.a1.pk, "serial": "LN-9", "description": "周转冰箱"})
    loaner = LoanerUnit.objects.get(serial="LN-9")
    order = onsite_order(desk.hl, desk.net.a1)
    loaner_lend(loaner=loaner, work_order=order, due_back=timezone.localdate(), actor=desk.dp)
    LoanerUnit.objects.filter(pk=loaner.pk).update(due_back=timezone.localdate() - dt.timedelta(days=2))  # set-up
    page = client.get(reverse("loaners")).content.decode()
    assert 'data-testid="overdue"' in page and order.number in page
    client.post(reverse("loaner-act", args=[loaner.pk, "return"]))
    client.post(reverse("loaner-act", args=[loaner.pk, "repair"]))
    loaner.refresh_from_db()
    assert loaner.status == LoanerUnit.Status.IN_REPAIR
    with pytest.raises(ValidationError):
        loaner_lend(loaner=loaner, work_order=order, due_back=timezone.localdate(), actor=desk.dp)
    client.post(reverse("loaner-act", args=[loaner.pk, "repaired"]))
    loaner.refresh_from_db()
    assert loaner.status == LoanerUnit.Status.AVAILABLE


def test_pull_back_from_the_job_page(desk, client_for):
    appointment = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp)
    loaner = loaner_register(outlet=desk.net.a1, serial="LN-7", description="周转空调", actor=desk.dp)
    client = client_for(desk.eng)
    for step in ("departed", "arrived"):
        client.post(reverse("job-step", args=[appointment.pk, step]))
    client.post(
        reverse("job-step", args=[appointment.pk, "report"]), {"parts_complete": "on", "diagnosis": "压缩机故障"}
    )
    assert 'data-testid="pull-back-form"' in client.get(reverse("job-detail", args=[appointment.pk])).content.decode()
    missing = client.post(
        reverse("job-step", args=[appointment.pk, "pull-back"]),
        {"condition": "外观完好", "return_date": next_workday(3).isoformat(), "loaner": loaner.pk},
    )
    assert missing.status_code == 400 and "外观完好" in missing.content.decode()
    client.post(
        reverse("job-step", args=[appointment.pk, "pull-back"]),
        {
            "condition": "外观完好",
            "return_date": next_workday(3).isoformat(),
            "loaner": loaner.pk,
            "signature": SIGNATURE,
        },
    )
    appointment.refresh_from_db()
    loaner.refresh_from_db()
    assert appointment.status == Appointment.Status.DONE and loaner.status == LoanerUnit.Status.OUT
    receipt = client.get(reverse("service-record", args=[appointment.pk])).content.decode()
    assert 'data-testid="pull-back-receipt"' in receipt and "外观完好" in receipt and "LN-7" in receipt


def test_engineers_see_the_on_site_orders_booked_with_them_not_every_one(desk, client_for):
    mine = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp).work_order
    not_mine = onsite_order(desk.hl, desk.net.a1)
    listed = client_for(desk.eng).get(reverse("work-order-list")).content.decode()
    assert mine.number in listed and not_mine.number not in listed
    assert client_for(desk.eng).get(reverse("work-order-detail", args=[not_mine.pk])).status_code == 404
    assert client_for(desk.eng).get(reverse("api-work-order-detail", args=[not_mine.pk])).status_code == 404
    assert not_mine.number in client_for(desk.dp).get(reverse("work-order-list")).content.decode()


def test_the_stock_page_shows_prices_from_the_fee_schedule_in_force(desk, client_for):
    published_schedule()
    screen = Part.objects.create(code="screen", name="屏幕总成")
    stock_receive(place=place_of_outlet(desk.net.a1), part=screen, quantity=2, actor=desk.dp)
    assert "¥499.00" in client_for(desk.dp).get(reverse("stock")).content.decode()


def test_the_board_escapes_what_customers_and_engineers_typed(desk, client_for):
    appointment = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=9, hours=1)
    customer = appointment.work_order.customer
    customer.name = '<script>alert("x")</script>'
    customer.save(update_fields=["name"])
    Appointment.objects.filter(pk=appointment.pk).update(reassign_requested='"><img src=x onerror=alert(1)>')
    page = client_for(desk.dp).get(reverse("dispatch-board"), {"day": next_workday().isoformat()}).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page and "flagged" in page


def _engineer_rows(page: str) -> list[int]:
    return [
        int(pk) for pk in re.findall(r'<div class="d-flex gap-2 mb-1 align-items-center" data-engineer="(\d+)"', page)
    ]


def _more_url(page: str) -> str | None:
    found = re.search(r'hx-get="([^"]+)" hx-trigger="revealed"', page)
    return html.unescape(found.group(1)) if found else None


def test_the_board_shows_its_engineers_a_page_at_a_time(desk, client_for, monkeypatch):
    monkeypatch.setattr(selectors, "BOARD_PAGE", 3)
    day = next_workday()
    _bulk_day(desk.net.a1, desk.hl, desk.dp, day, engineers=7, per_engineer=1)
    # Names that repeat: the pages' order is by name, then by user id.
    names = ["李", "王", "李", "张", "王", "李", "赵", "王"]
    for profile, name in zip(EngineerProfile.objects.order_by("pk"), names, strict=True):
        User.objects.filter(pk=profile.user_id).update(name=name)
    everyone = list(EngineerProfile.objects.order_by("user__name", "user_id").values_list("user_id", flat=True))
    client = client_for(desk.dp)

    page = client.get(reverse("dispatch-board"), {"day": day.isoformat()}).content.decode()
    seen, more, counts = _engineer_rows(page), _more_url(page), set()
    assert len(seen) == 3 and "block-" in page
    while more:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(more, headers={"HX-Request": "true"})
        counts.add(len(ctx.captured_queries))
        rows = response.content.decode()
        assert response.status_code == 200 and "<html" not in rows
        seen += _engineer_rows(rows)
        more = _more_url(rows)
    assert seen == everyone and len(counts) == 1  # every engineer once, in order; each page the same queries
    assert client.get(reverse("dispatch-board-rows"), {"after": "x"}).status_code == 404
    # A cursor naming someone who is not one of these engineers (another centre's) gives no rows.
    stranger = engineer(desk.net.b1, username="stranger")
    User.objects.filter(pk=stranger.pk).update(name="")  # set-up: would sort before every name here
    assert _engineer_rows(client.get(reverse("dispatch-board-rows"), {"after": stranger.pk}).content.decode()) == []
    assert (
        _engineer_rows(client.get(reverse("dispatch-board-rows"), {"day": day.isoformat()}).content.decode())
        == (everyone[:3])
    )


def test_the_boards_queue_shows_the_top_of_the_queue_in_a_fixed_number_of_queries(desk, client_for, monkeypatch):
    monkeypatch.setattr(views, "BOARD_QUEUE_CARDS", 3)
    client = client_for(_in_english(desk.dp))
    url = reverse("dispatch-board-queue")

    def queue() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"day": next_workday().isoformat()}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    onsite_order(desk.hl, desk.net.a1)
    queue()  # warm the session and the permission cache
    few, _page = queue()
    normal = [onsite_order(desk.hl, desk.net.a1) for _ in range(4)]
    urgent = onsite_order(desk.hl, desk.net.a1, priority="urgent")
    many, page = queue()
    assert many == few
    shown = re.findall(r'data-testid="assign-([^"]+)"', page)
    assert shown[0] == urgent.number and len(shown) == 3 and normal[-1].number not in shown
    assert 'data-testid="queue-count">6<' in page and "The first 3 are shown" in page
