"""The role x page matrix: every URL the product has, for every role and for anonymous users.

A new page must be added to EXPECTED, or test_every_url_is_in_the_matrix fails.
"""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from complaints.services import case_open
from core.models import ExportJob
from core.roles import Role
from dispatch.models import EngineerProfile, Part
from dispatch.services import place_of_outlet, stock_receive
from followups.models import Callback, CallbackPlan
from settlement.models import PartShipment, ReturnTag, SettlementStatement, WarrantyClaim
from tests.dispatch.factories import booked, onsite_order
from tests.warranty.factories import published_schedule
from tests.workorders.factories import walk_in_order
from warranty.models import PublicHoliday
from workorders.tracking import tracking_token

pytestmark = pytest.mark.django_db

FD, HL, DP, EN, SV, AD = Role.FRONT_DESK, Role.HOTLINE, Role.DISPATCHER, Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN
ROLES = [FD, HL, DP, EN, SV, AD]
ANON = "anonymous"


def only(allowed, *, ok=200, denied=403, anon=302):
    """Expected statuses: `ok` for the allowed roles, `denied` for the others."""
    return {**{role: ok if role in allowed else denied for role in ROLES}, ANON: anon}


def every(status, *, anon=302):
    return {**dict.fromkeys(ROLES, status), ANON: anon}


WITH_OUTLET = {FD, HL, DP, SV, AD}
# url name -> (kwargs kind, expected status per role for GET)
EXPECTED = {
    "home": (None, every(302)),
    "home-front-desk": (None, only({FD})),
    "home-hotline": (None, only({HL})),
    "home-dispatcher": (None, only({DP})),
    "home-engineer": (None, only({EN})),
    "home-supervisor": (None, only({SV})),
    "home-admin": (None, only({AD})),
    "home-none": (None, every(403)),
    "login": (None, {**dict.fromkeys(ROLES, 302), ANON: 200}),
    "logout": (None, every(405, anon=405)),
    "password_change": (None, every(200)),
    "password_change_done": (None, every(200)),
    "language-switch": (None, every(405, anon=405)),
    "outlet-list": (None, only(WITH_OUTLET)),
    "outlet-create": (None, only({AD})),
    "outlet-detail": ("outlet", only(WITH_OUTLET)),
    "outlet-options": (None, every(200)),  # an outlet picker's search: the user's own outlets only
    "outlet-edit": ("outlet", only({AD})),
    "staff-list": (None, only({SV, AD})),
    "staff-create": (None, only({AD})),
    "staff-detail": ("staff", only({SV, AD})),
    "staff-edit": ("staff", only({AD})),
    "staff-password": ("staff", only({AD})),
    "centre-list": (None, only({AD})),
    "centre-create": (None, only({AD})),
    "centre-edit": ("centre", only({AD})),
    "system-status": (None, only({AD})),
    "api-token": (None, every(405, anon=405)),
    "api-me": (None, every(200, anon=401)),
    "api-centre-list": (None, only({SV, AD}, anon=401)),
    "api-outlet-list": (None, only(WITH_OUTLET, anon=401)),
    "api-outlet-detail": ("outlet", only(WITH_OUTLET, anon=401)),
    "api-schema": (None, every(200, anon=401)),
    "api-docs": (None, every(200, anon=401)),
    "api-redoc": (None, every(200, anon=401)),
    "api-token-revoke": (None, every(405, anon=401)),
    "api-tokens": (None, every(200)),
    "api-token-revoke-page": (None, every(405, anon=405)),
    "warranty-check": (None, every(200)),
    "warranty-policies": (None, every(200)),
    "api-warranty-evaluate": (None, every(405, anon=401)),
    "api-warranty-policies": (None, every(200, anon=401)),
    "policy-version-create": ("policy", only({AD})),
    "holiday-list": (None, every(200)),
    "holiday-delete": ("holiday", every(405, anon=405)),
    "hotline": (None, every(200)),
    "message-slip-answer": ("slip", every(405, anon=405)),
    "work-order-list": (None, every(200)),
    "payment-list": (None, only({FD, SV, AD})),
    "intake": (None, only({FD, HL, AD})),
    "customer-lookup": (None, only({FD, HL, AD})),
    "warranty-preview": (None, only({FD, HL, AD})),
    "work-order-detail": ("work_order", only({FD, HL, DP, EN, SV, AD})),
    "work-order-act": ("work_order", every(405, anon=405)),
    "work-order-hand-over": ("work_order", every(405, anon=405)),
    "work-order-note": ("work_order", every(405, anon=405)),
    "work-order-quote": ("work_order", every(405, anon=405)),
    "work-order-pickup": ("work_order", every(200)),
    "work-order-agreement": ("work_order", every(405, anon=405)),
    "work-order-details": ("work_order", every(200)),
    "work-order-print": ("work_order_print", every(200)),
    "work-order-waiver": ("work_order", every(405, anon=405)),
    "waiver-decide": ("waiver", every(405, anon=405)),
    "api-work-order-waiver": ("work_order", every(405, anon=401)),
    "api-waiver-list": (None, every(200, anon=401)),
    "api-waiver-decision": ("waiver", every(405, anon=401)),
    "work-order-repair-record": ("work_order", every(405, anon=405)),
    "work-order-swap": ("work_order_swap", only({FD, EN, SV, AD})),
    "remedy-carry-out": ("loaner", every(404)),  # no such remedy: 404 after the permission, 403 before
    "api-work-order-exchange": ("work_order", every(405, anon=401)),
    "api-work-order-return": ("work_order", every(405, anon=401)),
    "api-product-categories": (None, every(200, anon=401)),
    "api-customer-lookup": (None, only({FD, HL, DP, EN, SV, AD}, anon=401)),
    "api-product-history": ("product", every(200, anon=401)),
    "api-work-order-list": (None, every(200, anon=401)),
    "api-work-order-detail": ("work_order", every(200, anon=401)),
    "api-work-order-transition": ("work_order", every(405, anon=401)),
    "api-work-order-hand-over": ("work_order", every(405, anon=401)),
    "api-work-order-note": ("work_order", every(405, anon=401)),
    "api-work-order-quote": ("work_order", every(405, anon=401)),
    "api-work-order-agreement": ("work_order", every(405, anon=401)),
    "api-work-order-details": ("work_order", every(405, anon=401)),
    "api-work-order-repair-record": ("work_order", every(405, anon=401)),
    "api-work-order-pickup": ("work_order", every(405, anon=401)),
    "api-call-list": (None, only({FD, HL, SV, AD}, anon=401)),
    "api-message-slip-list": (None, every(200, anon=401)),
    "api-message-slip-answer": ("slip", every(405, anon=401)),
    "fee-schedule-list": (None, every(200)),
    "fee-schedule-create": (None, only({AD})),
    "fee-schedule-detail": ("fee_schedule", every(200)),
    "fee-schedule-edit": ("fee_schedule", only({AD})),
    "fee-schedule-publish": ("fee_schedule", every(405, anon=405)),
    "quote-calculator": (None, every(200)),
    "api-fee-schedule-list": (None, every(200, anon=401)),
    "api-fee-schedule-detail": ("fee_schedule", every(200, anon=401)),
    "api-quote": (None, every(405, anon=401)),
    "dispatch-board": (None, only({HL, DP, SV})),
    "dispatch-board-rows": (None, only({HL, DP, SV})),
    "dispatch-board-queue": (None, only({HL, DP, SV})),
    "dispatch-week": (None, only({HL, DP, SV})),
    "reconciliation": (None, only({HL, DP, SV})),
    "api-reconciliation": (None, only({HL, DP, SV}, anon=401)),
    "outlet-reconciliation": (None, only({HL, DP, SV})),
    "api-outlet-reconciliation": (None, only({HL, DP, SV}, anon=401)),
    "dispatch-assign": ("dispatch_order", only({HL, DP, SV})),
    "appointment-detail": ("appointment", every(200)),
    "appointment-change": ("appointment_change", every(405, anon=405)),
    "service-record": ("appointment", every(200)),
    "engineer-list": (None, only({HL, DP, SV, AD})),
    "parts": (None, every(200)),
    "requisition-act": ("requisition_act", every(405, anon=405)),
    "loaners": (None, every(200)),
    "stock": (None, every(200)),
    "stock-place-options": (None, every(200)),  # a place picker's search: the user's own places only
    "track": ("tracking", every(200, anon=200)),  # the customer's link: the token is the key, no login
    "sms-reply": ("sms_secret", every(405, anon=405)),
    "track-wechat": ("tracking", every(404, anon=404)),  # only with a WeChat official account configured
    "book-outlets": (None, every(200, anon=200)),  # the customer's self-service booking: no login
    "book": ("outlet_code", every(200, anon=200)),
    "book-poster": (
        "outlet_code",
        only(WITH_OUTLET),
    ),  # staff of the outlet print it  # posted by the SMS provider; a secret in the address
    "stock-detail": ("stock_row", every(200)),
    "stock-transfers": (None, every(200)),
    "stock-transfer-act": ("transfer_act", every(405, anon=405)),
    "api-reorder-point": (None, every(405, anon=401)),
    "api-stock-movements": ("stock_row", every(200, anon=401)),
    "api-transfer-list": (None, every(200, anon=401)),
    "api-transfer-action": ("transfer_act", every(405, anon=401)),
    "loaner-act": ("loaner_act", every(405, anon=405)),
    "loaner-lend": ("work_order", every(405, anon=405)),
    "engineer-edit": ("engineer", only({DP, SV, AD})),
    "my-jobs": (None, only({EN})),
    "job-detail": ("appointment", only({EN})),
    "job-step": ("job_step", every(405, anon=405)),
    "api-engineer-list": (None, only({HL, DP, SV, AD}, anon=401)),
    "api-part-list": (None, every(200, anon=401)),
    "api-part-stock": (None, every(200, anon=401)),
    "api-requisition-list": (None, every(200, anon=401)),
    "api-requisition-action": ("requisition_act", every(405, anon=401)),
    "api-loaner-list": (None, every(200, anon=401)),
    "api-loaner-action": ("loaner_act", every(405, anon=401)),
    "api-engineer-profile": ("engineer", every(405, anon=401)),
    "api-dispatch-board": (None, only({HL, DP, SV}, anon=401)),
    "api-dispatch-queue": (None, only({HL, DP, SV}, anon=401)),
    "api-engineer-suggestions": ("dispatch_order", only({HL, DP, SV}, anon=401)),
    "api-appointment-list": (None, every(200, anon=401)),
    "api-appointment-check": (None, every(405, anon=401)),
    "api-appointment-detail": ("appointment", every(200, anon=401)),
    "api-appointment-reschedule": ("appointment", every(405, anon=401)),
    "api-appointment-reassign": ("appointment", every(405, anon=401)),
    "api-appointment-unbook": ("appointment", every(405, anon=401)),
    "api-visit-step": ("job_step", every(405, anon=401)),
    "call-queue": (None, every(200)),
    "complaint-list": (None, every(200)),
    "complaint-new": (None, only({FD, HL, SV})),
    "complaint-detail": ("case", every(200)),
    "complaint-act": ("case_act", every(405, anon=405)),
    "remedy-decide": ("remedy", every(405, anon=405)),
    "feedback-list": (None, every(200)),
    "api-feedback-list": (None, every(200, anon=401)),
    "api-complaint-list": (None, every(200, anon=401)),
    "api-complaint-detail": ("case", every(200, anon=401)),
    "api-complaint-action": ("case_act", every(405, anon=401)),
    "api-remedy-decision": ("remedy", every(405, anon=401)),
    "feedback-new": (None, every(405, anon=405)),
    "feedback-acknowledge": ("remedy", every(405, anon=405)),
    "callback-new": (None, only({HL, EN, SV})),
    "callback-measures": (None, only({SV, AD})),
    "kpi-dashboard": (None, only({SV, AD})),
    "kpi-scorecards": (None, only({SV, AD})),
    "kpi-export": ("kpi_export", only({SV, AD})),
    "callback-plans": (None, every(200)),
    "callback-plan-edit": ("plan", only({AD})),
    "api-callback-list": (None, every(200, anon=401)),
    "api-callback-claim": ("callback", every(405, anon=401)),
    "api-callback-outcome": ("callback", every(405, anon=401)),
    "callback-detail": ("callback", every(200)),
    "callback-claim": ("callback", every(405, anon=405)),
    "callback-claim-others": ("callback", every(405, anon=405)),
    "callback-record": ("callback", every(405, anon=405)),
    "claim-list": (None, only({FD, SV, AD})),
    "claim-detail": ("claim", only({FD, SV, AD})),
    "claim-decide": ("claim", every(405, anon=405)),
    "claim-recheck": ("claim", every(405, anon=405)),
    "api-claim-list": (None, only({FD, SV, AD}, anon=401)),
    "api-claim-detail": ("claim", only({FD, SV, AD}, anon=401)),
    "api-claim-decision": ("claim", every(405, anon=401)),
    "api-claim-recheck": ("claim", every(405, anon=401)),
    "returns": (None, only({FD, SV, AD})),
    "settlement-price-lists": (None, only({FD, SV, AD})),
    "statement-list": (None, only({FD, SV, AD})),
    "statement-detail": ("statement", only({FD, SV, AD})),
    "statement-print": ("statement", only({FD, SV, AD})),
    "statement-xlsx": ("statement", only({FD, SV, AD})),
    "complaint-deduction": (None, every(405, anon=405)),
    "api-statement-list": (None, only({FD, SV, AD}, anon=401)),
    "api-statement-detail": ("statement", only({FD, SV, AD}, anon=401)),
    "api-statement-answer": ("statement", every(405, anon=401)),
    "api-statement-reply": ("statement", every(405, anon=401)),
    "api-statement-issue": (None, every(405, anon=401)),
    "api-deduction-list": (None, only({FD, SV, AD}, anon=401)),
    "shipment-detail": ("shipment", only({FD, SV, AD})),
    "return-tag-labels": ("tag_order", only({FD, SV, AD})),
    "api-return-tag-list": (None, only({FD, SV, AD}, anon=401)),
    "api-shipment-list": (None, only({FD, SV, AD}, anon=401)),
    "api-shipment-detail": ("shipment", only({FD, SV, AD}, anon=401)),
    "api-shipment-inspection": ("shipment", every(405, anon=401)),
    "admin:index": (None, only({AD}, denied=302)),
    "export": ("export", every(200)),  # each export's own permission: tests/core/test_exports_access.py
    "api-export": ("export", every(200, anon=401)),
    # An export job is its owner's alone (the front desk's here); a queued one has nothing to download yet.
    "export-jobs": (None, every(200)),
    "export-job": ("export_job", only({FD}, denied=404)),
    "export-download": ("export_job", every(404)),
    "api-export-job": ("export_job", only({FD}, denied=404, anon=401)),
    "api-export-download": ("export_job", every(404, anon=401)),
}


def _all_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield "admin:index"  # Django's admin checks its own permissions per model
                continue
            yield from _all_url_names(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    missing = sorted(set(_all_url_names()) - set(EXPECTED))
    assert missing == [], f"pages missing from the access matrix: {missing}"


def _appointment(network):
    engineer_user = network.staff[EN]
    EngineerProfile.objects.get_or_create(user=engineer_user)
    order = onsite_order(network.staff[HL], network.a1)
    return booked(order, engineer_user, network.staff[DP])


def _kwargs(kind, network):
    if kind == "dispatch_order":
        return {"pk": onsite_order(network.staff[HL], network.a1).pk}
    if kind == "appointment":
        return {"pk": _appointment(network).pk}
    if kind == "appointment_change":
        return {"pk": _appointment(network).pk, "action": "reschedule"}
    if kind == "job_step":
        return {"pk": _appointment(network).pk, "step": "confirm"}
    if kind == "requisition_act":
        return {"pk": 1, "action": "issue"}
    if kind == "transfer_act":
        return {"pk": 1, "action": "ship"}
    if kind == "stock_row":
        part = Part.objects.create(code="belt", name="皮带")
        return {
            "pk": stock_receive(place=place_of_outlet(network.a1), part=part, quantity=1, actor=network.staff[SV]).pk
        }
    if kind in ("loaner", "waiver"):
        return {"pk": 1}
    if kind == "loaner_act":
        return {"pk": 1, "action": "return"}
    if kind == "callback":
        order = walk_in_order(network.staff[FD], network.a1)
        plan = CallbackPlan.objects.get(code="service-72h")
        callback = Callback.objects.create(
            plan=plan,
            outlet=network.a1,
            customer=order.customer,
            work_order=order,
            due_at=order.created_at,
            first_due_at=order.created_at,
            status=Callback.Status.QUEUED,
            idempotency_key="matrix",
        )
        return {"pk": callback.pk}
    if kind in ("case", "case_act"):
        order = walk_in_order(network.staff[FD], network.a1)
        case = case_open(
            outlet=network.a1,
            customer=order.customer,
            work_order=order,
            category="delay",
            severity="low",
            description="等太久",
            actor=network.staff[HL],
        )
        return {"pk": case.pk} if kind == "case" else {"pk": case.pk, "action": "step"}
    if kind == "remedy":
        return {"pk": 1}
    if kind == "statement":
        statement = SettlementStatement.objects.create(
            outlet=network.a1,
            month=dt.date(2026, 10, 1),
            claim_count=0,
            claims_total=0,
            deductions_total=0,
            payable=0,
            issued_by=network.staff[AD],
        )
        return {"pk": statement.pk}
    if kind in ("shipment", "tag_order"):
        order = walk_in_order(network.staff[FD], network.a1)
        tag = ReturnTag.objects.create(
            code="JH-matrix-1",
            work_order=order,
            outlet=network.a1,
            engineer=network.staff[FD],
            part_code="screen",
            due_on=timezone.localdate(),
        )
        if kind == "tag_order":
            return {"order_pk": order.pk}
        shipment = PartShipment.objects.create(
            outlet=network.a1, centre=network.centre_a, carrier="SF", tracking_number="1", shipped_by=network.staff[FD]
        )
        ReturnTag.objects.filter(pk=tag.pk).update(status="shipped", shipment=shipment)
        return {"pk": shipment.pk}
    if kind == "claim":
        order = walk_in_order(network.staff[FD], network.a1)
        now = timezone.now()
        claim = WarrantyClaim.objects.create(
            work_order=order,
            outlet=network.a1,
            product=order.product,
            status=WarrantyClaim.Status.PENDING,
            claimed=0,
            in_warranty=True,
            service_day=now.date(),
            closed_at=now,
            checked_at=now,
        )
        return {"pk": claim.pk}
    if kind == "export":
        return {"name": "work-orders", "fmt": "csv"}
    if kind == "export_job":
        job = ExportJob.objects.create(
            owner=network.staff[FD], export="work-orders", format="csv", language="zh-hans", expires_at=timezone.now()
        )
        return {"pk": job.pk}
    if kind == "kpi_export":
        return {"section": "delight", "fmt": "csv"}
    if kind == "plan":
        return {"pk": CallbackPlan.objects.get(code="service-72h").pk}
    if kind == "engineer":
        return {"user_pk": network.staff[EN].pk}
    if kind == "fee_schedule":
        return {"pk": published_schedule().pk}
    if kind == "slip":
        return {"pk": 1}
    if kind == "work_order_print":
        return {"pk": walk_in_order(network.staff[FD], network.a1).pk, "document": "repair-record"}
    if kind == "work_order":
        return {"pk": walk_in_order(network.staff[FD], network.a1).pk}
    if kind == "outlet_code":
        return {"outlet_code": network.a1.code}
    if kind == "sms_secret":
        return {"secret": "any"}
    if kind == "tracking":
        return {"token": tracking_token(walk_in_order(network.staff[FD], network.a1).pk)}
    if kind == "work_order_swap":
        return {"pk": walk_in_order(network.staff[FD], network.a1).pk, "kind": "exchange"}
    if kind == "product":
        return {"pk": walk_in_order(network.staff[FD], network.a1).product_id}
    if kind == "policy":
        return {"code": "phone"}
    if kind == "holiday":
        return {"pk": PublicHoliday.objects.create(date=dt.date(2026, 10, 1), name="国庆节").pk}
    return {
        None: {},
        "outlet": {"pk": network.a1.pk},
        "staff": {"pk": network.staff[FD].pk},
        "centre": {"pk": network.centre_a.pk},
    }[kind]


@pytest.mark.parametrize("url_name", sorted(EXPECTED))
def test_role_page_matrix(url_name, network, client):
    kind, expected = EXPECTED[url_name]
    url = reverse(url_name, kwargs=_kwargs(kind, network))
    got = {}
    for who in [*ROLES, ANON]:
        client.logout()
        if who != ANON:
            client.force_login(network.staff[who], backend="core.permissions.PermissionBackend")
        got[who] = client.get(url).status_code
    assert got == expected


def test_anonymous_page_redirects_to_login(client):
    response = client.get(reverse("outlet-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
def test_home_redirects_each_role_to_its_own_home(role, network, client_for):
    response = client_for(network.staff[role]).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(f"home-{role.value.replace('_', '-')}")
