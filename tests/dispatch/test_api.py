import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from dispatch.models import CHECKLIST, Appointment, EngineerProfile, Part
from tests.dispatch.factories import at, booked, engineer, next_workday, onsite_order
from tests.dispatch.test_pages import _bulk_day
from tests.dispatch.test_services_visit import SIGNATURE
from tests.factories import UserFactory
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
            "eng": engineer(network.a1, username="wang"),
            "net": network,
        },
    )


def _window(hour, hours=2):
    day = next_workday()
    return {"starts_at": at(day, hour).isoformat(), "ends_at": at(day, hour + hours).isoformat()}


def test_book_check_and_conflict_over_the_api(desk, client_for):
    order, other = onsite_order(desk.hl, desk.net.a1), onsite_order(desk.hl, desk.net.a1)
    api = client_for(desk.dp)
    url = reverse("api-appointment-list")

    created = api.post(
        url, {"work_order": order.pk, "engineer": desk.eng.pk, **_window(10)}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "booked" and created.json()["work_order_number"] == order.number
    check = api.post(
        reverse("api-appointment-check"),
        {"work_order": other.pk, "engineer": desk.eng.pk, **_window(11)},
        content_type="application/json",
    )
    assert order.number in check.json()["problems"][0]
    clash = api.post(
        url, {"work_order": other.pk, "engineer": desk.eng.pk, **_window(11)}, content_type="application/json"
    )
    assert clash.status_code == 400 and "starts_at" in clash.json()["error"]["fields"]
    assert Appointment.objects.count() == 1


def test_an_engineer_of_another_network_cannot_be_booked(desk, client_for):
    stranger = engineer(desk.net.b1)
    order = onsite_order(desk.hl, desk.net.a1)
    response = client_for(desk.dp).post(
        reverse("api-appointment-list"),
        {"work_order": order.pk, "engineer": stranger.pk, **_window(10)},
        content_type="application/json",
    )
    assert response.status_code == 400 and "engineer" in response.json()["error"]["fields"]


def test_reschedule_reassign_and_unbook_over_the_api(desk, client_for):
    appointment = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=10)
    other = engineer(desk.net.a1)
    api = client_for(desk.dp)
    moved = api.post(
        reverse("api-appointment-reschedule", args=[appointment.pk]),
        {**_window(14), "reason": "客户改时间", "customer_agreed": True, "version": 1},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["changes"][0]["reason"] == "客户改时间"
    stale = api.post(
        reverse("api-appointment-reassign", args=[appointment.pk]),
        {"engineer": other.pk, "reason": "x", "customer_agreed": True, "version": 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    given = api.post(
        reverse("api-appointment-reassign", args=[appointment.pk]),
        {"engineer": other.pk, "reason": "就近派工", "customer_agreed": True, "version": 2},
        content_type="application/json",
    )
    assert given.json()["engineer_id"] == other.pk and len(given.json()["changes"]) == 2
    back = api.post(
        reverse("api-appointment-unbook", args=[appointment.pk]),
        {"reason": "客户出差"},
        content_type="application/json",
    )
    assert back.json()["status"] == "cancelled"
    appointment.work_order.refresh_from_db()
    assert appointment.work_order.status == Status.AWAITING_DISPATCH


def test_engineers_list_only_their_own_appointments_and_run_the_visit(desk, client_for):
    mine = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=10)
    colleague = engineer(desk.net.a1)
    booked(onsite_order(desk.hl, desk.net.a1), colleague, desk.dp, hour=10)
    api = client_for(desk.eng)
    listed = api.get(reverse("api-appointment-list")).json()["results"]
    assert [a["id"] for a in listed] == [mine.pk]

    def step(name, body):
        return api.post(reverse("api-visit-step", args=[mine.pk, name]), body, content_type="application/json")

    assert step("confirm", {"confirmation": "confirmed"}).status_code == 200
    assert step("plan", {"travel_minutes": 20}).json()["planned_departure_at"]
    for event in ("departed", "arrived"):
        assert step("event", {"event": event}).status_code == 200
    bad = step("report", {"checklist": {"teleport": True}})
    assert bad.status_code == 400 and "checklist" in bad.json()["error"]["fields"]
    report = step(
        "report",
        {
            "checklist": dict.fromkeys(CHECKLIST, True) | {"test_run": False},
            "checklist_not_done": {"mat_cloth": "", "shoe_covers": ""},
            "no_test_run": True,
            "home_damage": "门框蹭掉漆",
            "home_damage_compensation": "50.00",
            "proof": "barcode",
            "diagnosis": "门封条老化",
            "actions": "更换门封条",
            "parts_used": [{"code": "door_seal", "quantity": 1}],
        },
    )
    assert report.json()["report"]["parts_used"] == [{"code": "door_seal", "quantity": 1}]
    assert report.json()["report"]["no_test_run"] is True
    assert report.json()["report"]["home_damage_compensation"] == "50.00"
    assert mine.work_order.complaints.get().remedies.get().status == "awaiting_approval"
    for event in ("started", "finished"):
        step("event", {"event": event})
    unsigned = step("sign-off", {"satisfied": True})
    assert unsigned.status_code == 400 and "signature" in unsigned.json()["error"]["fields"]
    signed = step("sign-off", {"satisfied": True, "rating_quality": 5, "rating_attitude": 5, "signature": SIGNATURE})
    assert signed.json()["status"] == "done" and signed.json()["report"]["signed_off_at"]
    other_job = client_for(colleague).post(
        reverse("api-visit-step", args=[mine.pk, "event"]), {"event": "departed"}, content_type="application/json"
    )
    assert other_job.status_code == 404


def test_a_late_engineer_records_the_call_and_the_customer_takes_another_time_over_the_api(desk, client_for):
    mine = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=10)

    def step(api, name, body=None):
        return api.post(reverse("api-visit-step", args=[mine.pk, name]), body or {}, content_type="application/json")

    with time_machine.travel(at(next_workday(), 9, 50), tick=False):
        api = client_for(desk.eng)
        step(api, "plan", {"travel_minutes": 25})
        late = step(api, "event", {"event": "departed"}).json()["running_late"]
        assert (late["minutes"], late["call_at"][11:16]) == (15, "09:58")
    with time_machine.travel(at(next_workday(), 9, 58), tick=False):
        assert step(api, "late-call").json()["late_call_at"]
    with time_machine.travel(at(next_workday(), 10, 9), tick=False):
        assert step(api, "event", {"event": "arrived"}).json()["late_minutes"] == 9
        both = step(
            api,
            "lateness",
            {"apology_made": True, "gift_given": False, "customer_refused": True, "another_time": True, "note": "x"},
        )
        assert both.status_code == 400 and "another_time" in both.json()["error"]["fields"]
        put_off = step(
            api, "lateness", {"apology_made": True, "gift_given": False, "another_time": True, "note": "客户赶时间"}
        )
    assert put_off.json()["status"] == "cancelled"
    mine.work_order.refresh_from_db()
    assert mine.work_order.status == Status.AWAITING_DISPATCH


def test_an_engineer_resolves_a_booked_job_by_phone_guidance_over_the_api(desk, client_for):
    mine = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=10)
    api = client_for(desk.eng)
    url = reverse("api-visit-step", args=[mine.pk, "phone-guidance"])
    assert api.post(url, {}, content_type="application/json").status_code == 400
    released = api.post(url, {"advice": "教客户重置遥控器"}, content_type="application/json")
    assert released.json()["status"] == "cancelled"
    mine.work_order.refresh_from_db()
    assert mine.work_order.status == Status.AWAITING_CALLBACK


def test_suggestions_and_queue(desk, client_for):
    order = onsite_order(desk.hl, desk.net.a1)
    api = client_for(desk.dp)
    ranked = api.get(reverse("api-engineer-suggestions", args=[order.pk])).json()
    assert ranked[0]["engineer_id"] == desk.eng.pk and ranked[0]["reasons"]
    queue = api.get(reverse("api-dispatch-queue")).json()
    assert [o["number"] for o in queue] == [order.number]
    assert client_for(desk.eng).get(reverse("api-dispatch-queue")).status_code == 403


def test_board_api_is_built_in_a_fixed_number_of_queries(desk, client_for):
    day = next_workday()
    api = client_for(desk.dp)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(reverse("api-dispatch-board"), {"day": day.isoformat()})
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()

    _bulk_day(desk.net.a1, desk.hl, desk.dp, day, engineers=2, per_engineer=2)
    few, _body = count()
    _bulk_day(desk.net.a1, desk.hl, desk.dp, day, engineers=15, per_engineer=6)
    many, body = count()
    assert many == few
    assert sum(len(row["appointments"]) for row in body["engineers"]) == 2 * 2 + 15 * 6
    # Each engineer as the engineers endpoint shows them (skills and outlets by code).
    listed = {e["engineer_id"]: e for e in api.get(reverse("api-engineer-list")).json()["results"]}
    for row in body["engineers"]:
        engineer = row["engineer"]
        assert engineer == listed[engineer["engineer_id"]] and engineer["outlets"] == [desk.net.a1.code]
    # Its times are written as every endpoint writes them (local time, ISO 8601).
    block = next(a for row in body["engineers"] for a in row["appointments"])
    detail = api.get(reverse("api-appointment-detail", args=[block["id"]])).json()
    assert (block["starts_at"], block["ends_at"]) == (detail["starts_at"], detail["ends_at"])
    assert block["starts_at"].endswith("+08:00")


def test_engineer_profile_put(desk, client_for):
    newcomer = UserFactory(role=Role.ENGINEER, outlets=[desk.net.a1])
    api = client_for(desk.dp)
    body = {"skills": ["tv", "air_conditioner"], "work_start": "09:00", "work_end": "17:00", "daily_capacity": 5}
    response = api.put(reverse("api-engineer-profile", args=[newcomer.pk]), body, content_type="application/json")
    assert response.status_code == 200 and sorted(response.json()["skills"]) == ["air_conditioner", "tv"]
    assert EngineerProfile.objects.get(user=newcomer).daily_capacity == 5
    unknown = api.put(
        reverse("api-engineer-profile", args=[newcomer.pk]),
        body | {"skills": ["rocket"]},
        content_type="application/json",
    )
    assert unknown.status_code == 400
    assert (
        client_for(desk.eng)
        .put(reverse("api-engineer-profile", args=[newcomer.pk]), body, content_type="application/json")
        .status_code
        == 403
    )


def test_parts_and_loaners_over_the_api(desk, client_for):
    appointment = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=10)
    Part.objects.create(code="capacitor", name="启动电容")
    asked = client_for(desk.eng).post(
        reverse("api-requisition-list"),
        {"work_order": appointment.work_order_id, "part": "capacitor", "quantity": 2},
        content_type="application/json",
    )
    assert asked.status_code == 201, asked.content
    pk = asked.json()["id"]
    centre = client_for(desk.dp)  # one test client: each client_for logs it in as someone else
    short = centre.post(reverse("api-requisition-action", args=[pk, "issue"]))
    assert short.status_code == 400 and "quantity" in short.json()["error"]["fields"]
    received = centre.post(
        reverse("api-part-stock"),
        {"place": f"outlet-{desk.net.a1.pk}", "part": "capacitor", "quantity": 5},
        content_type="application/json",
    )
    assert received.json()["quantity"] == 5 and received.json()["place"] == f"outlet-{desk.net.a1.pk}"
    assert centre.post(reverse("api-requisition-action", args=[pk, "issue"])).json()["status"] == "issued"
    made = centre.post(
        reverse("api-loaner-list"),
        {"outlet": desk.net.a1.pk, "serial": "LN-1", "description": "周转空调"},
        content_type="application/json",
    )
    assert made.status_code == 201
    lent = centre.post(
        reverse("api-loaner-action", args=[made.json()["id"], "lend"]),
        {"work_order": appointment.work_order_id, "due_back": next_workday(3).isoformat()},
        content_type="application/json",
    )
    assert lent.json()["status"] == "out" and lent.json()["work_order_number"] == appointment.work_order.number

    engineer_api = client_for(desk.eng)
    assert engineer_api.post(reverse("api-requisition-action", args=[pk, "issue"])).status_code == 403
    assert engineer_api.post(reverse("api-requisition-action", args=[pk, "use"])).json()["status"] == "used"
    stock = {s["bin"]: s["quantity"] for s in engineer_api.get(reverse("api-part-stock")).json()["results"]}
    assert stock == {"good": 3, "defective": 2}  # the old parts taken out wait in the defective bin
    assert engineer_api.post(reverse("api-loaner-list"), {}, content_type="application/json").status_code == 403


def test_board_api_gives_a_page_of_engineers_and_the_next_page(desk, client_for):
    day = next_workday()
    _bulk_day(desk.net.a1, desk.hl, desk.dp, day, engineers=6, per_engineer=2)
    everyone = list(EngineerProfile.objects.order_by("user__name", "user_id").values_list("user_id", flat=True))
    api = client_for(desk.dp)
    url, seen, counts = f"{reverse('api-dispatch-board')}?day={day.isoformat()}&page_size=3", [], set()
    api.get(url)  # warm the permission cache
    while url:
        with CaptureQueriesContext(connection) as ctx:
            body = api.get(url).json()
        counts.add(len(ctx.captured_queries))
        seen += [row["engineer"]["engineer_id"] for row in body["engineers"]]
        assert all(
            len(row["appointments"]) == 2 for row in body["engineers"] if row["engineer"]["engineer_id"] != desk.eng.pk
        )
        url = body["next"]
    assert seen == everyone and len(counts) == 1
    whole = api.get(reverse("api-dispatch-board"), {"day": day.isoformat()}).json()
    assert whole["next"] is None and [row["engineer"]["engineer_id"] for row in whole["engineers"]] == everyone
    for wrong in ("0", "201", "x"):
        refused = api.get(reverse("api-dispatch-board"), {"page_size": wrong})
        assert refused.status_code == 400 and "page_size" in refused.json()["error"]["fields"]


def test_a_centres_appointments_are_read_outlet_by_outlet_unless_an_engineer_narrows_them(network, client_for):
    everywhere = [network.a1, network.b1, network.a2]
    clerk = UserFactory(role=Role.HOTLINE, outlets=everywhere)
    dispatcher = UserFactory(role=Role.DISPATCHER, outlets=everywhere)
    made = {}
    for hour, outlet in zip((9, 11, 13), everywhere, strict=True):  # a1, b1 (another centre), a2, in that order
        made[outlet.code] = booked(onsite_order(clerk, outlet), engineer(outlet), dispatcher, hour=hour)
    client = client_for(network.staff[Role.SUPERVISOR])  # centre A: a1 and a2
    with CaptureQueriesContext(connection) as queries:
        listed = client.get(reverse("api-appointment-list")).json()["results"]
    assert [row["id"] for row in listed] == [made["a2"].pk, made["a1"].pk]
    assert any("UNION ALL" in q["sql"] for q in queries)
    with CaptureQueriesContext(connection) as queries:
        one = client.get(reverse("api-appointment-list"), {"engineer": made["a1"].engineer_id}).json()["results"]
    assert [row["id"] for row in one] == [made["a1"].pk]
    assert not any("UNION ALL" in q["sql"] for q in queries)
