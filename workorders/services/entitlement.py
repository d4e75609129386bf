"""The 三包 decision of an order, made from the facts the product has already given: its earlier repairs
(the same unit at any outlet, 全国联保), the order's own legal clocks, the proof and the fault. It is made
at intake, made again when a fact changes and every morning for orders whose clocks run; a re-decision
that changes the options is written on the timeline with the rules it used."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.words import joined, said
from warranty.engine import FREE_OPTIONS, Case, FaultType, options_words, stored_reason_words
from warranty.services import Evaluation, policy_evaluate
from workorders import events
from workorders.clocks import WARN_DAYS, Clocks, clocks_of
from workorders.lifecycle import OPEN_STATUSES, Status
from workorders.models import Product, WorkOrder, WorkOrderEvent
from workorders.services._common import _locked_in_scope

# Earlier orders of one unit read for a decision, newest first: a unit repaired more often is a case for
# the complaint desk, not for counting further.
UNIT_HISTORY_LIMIT = 50


def same_unit(product: Product) -> Q:
    """The orders of one physical unit: this product's, and those of any product of the same category with
    its serial/IMEI (the unit registered again, for another customer record or at another outlet). The
    products are found first (by id, by serial: both indexed), then their orders (by product)."""
    unit = Q(pk=product.pk) if product.pk else Q(pk__in=[])
    if product.serial:
        unit |= Q(serial=product.serial, category_id=product.category_id)
    return Q(product_id__in=Product.objects.filter(unit).values("pk"))


def unit_history(product: Product) -> QuerySet:
    """Every order of the unit, newest first (the product history the order page and the API show)."""
    return (
        WorkOrder.objects.filter(same_unit(product))
        .select_related("outlet")
        .only(
            "number",
            "status",
            "created_at",
            "repaired_at",
            "in_warranty",
            "fault_type",
            "fault_component",
            "fault_confirmed",
            "fault_description",
            "outlet__name",
        )
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class Facts:
    prior_repairs: int  # earlier free repairs of the same part for a performance fault
    counted: list[dict]  # those repairs, as the order shows them
    last_repair_date: date | None  # the latest earlier repair of the same part, free or paid
    clocks: Clocks
    same_fault_orders: int = 0  # earlier orders of the unit for the same part, repaired or not


def facts_of(order: WorkOrder, *, today: date, read_history: bool = True) -> Facts:
    """What the unit's history and the order's own status changes say, read on `today`. `read_history`
    False: the unit has no history to read (its product was registered with this order and has no serial
    that could name an earlier record of it)."""
    received_at = order.created_at or timezone.now()
    same_fault = []
    if read_history:
        same_fault = list(
            unit_history(order.product)
            .filter(created_at__lt=received_at, fault_component=order.fault_component)
            .exclude(pk=order.pk)
            .exclude(status=Status.CANCELLED)[:UNIT_HISTORY_LIMIT]
        )
    earlier = [o for o in same_fault if o.repaired_at and o.repaired_at < received_at]
    counted = [o for o in earlier if o.in_warranty and o.fault_type == FaultType.PERFORMANCE]
    changes = []
    if order.pk:
        changes = [
            (timezone.localdate(at), to_status)
            for at, to_status in order.events.filter(kind=WorkOrderEvent.Kind.TRANSITION)
            .order_by("at", "id")
            .values_list("at", "to_status")
        ]
    return Facts(
        prior_repairs=len(counted),
        counted=[
            {
                "id": o.pk,
                "number": o.number,
                "repaired_on": timezone.localdate(o.repaired_at).isoformat(),
                "outlet": o.outlet.name,
            }
            for o in counted
        ],
        last_repair_date=max((timezone.localdate(o.repaired_at) for o in earlier), default=None),
        clocks=clocks_of(timezone.localdate(received_at), changes, today=today),
        same_fault_orders=len(same_fault),
    )


def evaluate(
    product: Product,
    *,
    fault_type: FaultType,
    fault_date: date,
    facts: Facts | None = None,
    today=None,
    price=None,
):
    """The product's 三包 decision under its category's policy (None when the category has none); with
    `price`, the refund terms of a return for that price."""
    policy = product.category.warranty_policy
    if policy is None:
        return None
    facts = facts or Facts(prior_repairs=0, counted=[], last_repair_date=None, clocks=Clocks())
    case = Case(
        purchase_date=product.purchase_date,
        fault_date=fault_date,
        fault_type=fault_type,
        has_proof=product.proof != Product.Proof.NONE and product.purchase_date is not None,
        production_date=product.production_date,
        prior_repairs=facts.prior_repairs,
        parts_wait_days=facts.clocks.parts_wait_days,
        repairer_days=facts.clocks.repairer_days,
        last_repair_date=facts.last_repair_date,
        replacement_date=product.replaced_on,
        price=price,
    )
    return policy_evaluate(policy=policy, case=case, today=today or fault_date)


def decision_fields(order: WorkOrder, *, today: date | None = None, read_history: bool = True) -> dict:
    """The order's warranty decision and clocks, as the fields it stores (the order is not saved)."""
    today = today or timezone.localdate()
    facts, evaluation = _evaluated(order, today=today, read_history=read_history)
    fields = {
        "warranty_counted": facts.counted,
        "same_fault_orders": facts.same_fault_orders,
        "parts_wait_days": facts.clocks.parts_wait_days,
        "repairer_days": facts.clocks.repairer_days,
        "clock_limit_on": None,
    }
    if evaluation is None:
        return {
            **fields,
            "warranty_version": None,
            "warranty_options": [],
            "warranty_reasons": [],
            "warranty_end": None,
            "in_warranty": False,
        }
    decision = evaluation.decision
    in_warranty = bool(FREE_OPTIONS & set(decision.options))
    if in_warranty and order.status in OPEN_STATUSES:
        fields["clock_limit_on"] = facts.clocks.limit_day(
            today=today,
            parts_limit=evaluation.version.parts_wait_limit_days,
            repairer_limit=evaluation.version.repairer_delay_limit_days,
        )
    return {
        **fields,
        "warranty_version": evaluation.version,
        "warranty_options": [str(o) for o in decision.options],
        "warranty_reasons": [r.stored() for r in decision.reasons],
        "warranty_end": decision.warranty_end,
        "in_warranty": in_warranty,
    }


def evaluation_for(order: WorkOrder, *, price=None) -> Evaluation | None:
    """The decision as the engine gives it today (dates, refund terms for `price`): for a return or an
    exchange."""
    return _evaluated(order, today=timezone.localdate(), price=price)[1]


def _evaluated(order: WorkOrder, *, today: date, price=None, read_history=True) -> tuple[Facts, Evaluation | None]:
    """The order's facts read today and the engine's decision on them (the fault dates from the intake)."""
    facts = facts_of(order, today=today, read_history=read_history)
    fault_date = timezone.localdate(order.created_at) if order.created_at else today
    terms = {"facts": facts, "today": today, "price": price}
    return facts, evaluate(order.product, fault_type=FaultType(order.fault_type), fault_date=fault_date, **terms)


DECISION_FIELDS = [
    "warranty_version",
    "warranty_options",
    "warranty_reasons",
    "warranty_end",
    "in_warranty",
    "warranty_counted",
    "same_fault_orders",
    "parts_wait_days",
    "repairer_days",
    "clock_limit_on",
]


# Reasons that only restate a figure (the warranty end moved by the days in repair): a new figure is not
# a new decision.
FIGURE_REASONS = frozenset({"warranty_extended", "holiday_roll_over"})


def _decision_of(order: WorkOrder) -> tuple:
    return list(order.warranty_options), [r["code"] for r in order.warranty_reasons if r["code"] not in FIGURE_REASONS]


def redecide(order: WorkOrder, *, actor, cause: dict, today: date | None = None) -> bool:
    """Make the locked order's decision again and save it; a different decision (other options or other
    rules) is written on the timeline, old and new, with the rules used, in each reader's language (`cause`
    is words: core.words.said). True when it changed."""
    before = _decision_of(order)
    for field, value in decision_fields(order, today=today).items():
        setattr(order, field, value)
    changed = before != _decision_of(order)
    if changed:
        order.version += 1
    order.save(update_fields=[*DECISION_FIELDS, "version", "updated_at"])
    if changed:
        change = said(
            gettext_noop("%(cause)s: %(old)s → %(new)s."),
            cause=cause,
            old=options_words(before[0]),
            new=options_words(order.warranty_options),
        )
        rules = joined([stored_reason_words(r) for r in order.warranty_reasons], " ")
        events.order_redecided(order, actor=actor, text=joined([change, rules], "\n"))
    return changed


@transaction.atomic
def work_order_redecide(*, work_order: WorkOrder, actor, cause: dict) -> WorkOrder:
    order = _locked_in_scope(work_order, actor)
    redecide(order, actor=actor, cause=cause)
    return order


def clocks_sweep(*, today: date | None = None) -> int:
    """Beat, every morning: open in-warranty orders whose running clock has passed its limit are decided
    again (one transaction each). While a clock runs its limit day stays where the last decision put it,
    so no other order needs reading. Returns how many decisions changed."""
    today = today or timezone.localdate()
    changed = 0
    running = WorkOrder.objects.filter(clock_limit_on__lte=today, status__in=OPEN_STATUSES)
    for pk in running.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            order = WorkOrder.objects.select_for_update(skip_locked=True).select_related("product__category")
            order = order.filter(pk=pk).first()
            if order is not None:
                changed += redecide(
                    order, actor=None, cause=said(gettext_noop("Daily check of the legal clocks")), today=today
                )
    return changed


def clocks_shown(order: WorkOrder, *, today: date | None = None) -> dict | None:
    """The legal clocks of an in-warranty order as the page and the API show them, read today from the
    timeline already loaded (`order.timeline`, selectors.timeline): no query of its own."""
    version = order.warranty_version
    if not order.in_warranty or version is None:
        return None
    today = today or timezone.localdate()
    changes = [
        (timezone.localdate(e.at), e.to_status) for e in order.timeline if e.kind == WorkOrderEvent.Kind.TRANSITION
    ]
    clocks = clocks_of(timezone.localdate(order.created_at), changes, today=today)
    limits = {"parts_limit": version.parts_wait_limit_days, "repairer_limit": version.repairer_delay_limit_days}
    limit_on = clocks.limit_day(today=today, **limits) if order.status in OPEN_STATUSES else None
    days_left = (limit_on - today).days - 1 if limit_on else None  # days still within the limit
    return {
        "parts_wait_days": clocks.parts_wait_days,
        "parts_wait_limit_days": limits["parts_limit"],
        "parts_running": clocks.parts_running,
        "repairer_days": clocks.repairer_days,
        "repairer_delay_limit_days": limits["repairer_limit"],
        "repairer_running": clocks.repairer_running,
        "limit_on": limit_on,
        "days_left": days_left,
        "warning": days_left is not None and days_left < WARN_DAYS,
    }


def clocks_warning_day(today: date | None = None) -> date:
    """Orders whose clock runs out on or before this day are shown to the supervisor."""
    return (today or timezone.localdate()) + timedelta(days=WARN_DAYS)
