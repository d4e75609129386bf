"""Warranty-cost claims: made at an in-warranty order's close, re-checked when its facts change, decided by
headquarters (or a centre the maker has delegated claims to)."""

from collections import Counter
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.permissions import require_permission
from core.scoping import scope
from core.words import said
from dispatch.models import Appointment, PartRequisition, VisitReport
from followups.models import Callback, CallbackPlan
from settlement import rules
from settlement.lifecycle import CLAIM
from settlement.models import ClaimLine, ReturnTag, SettlementPriceList, WarrantyClaim
from workorders import events
from workorders.lifecycle import Status
from workorders.models import UnitSwap, WorkOrder

C = WarrantyClaim.Status
UNDECIDED = (C.HELD, C.PENDING)


def price_list_on(day) -> SettlementPriceList | None:
    """The published price list in force on `day`."""
    return (
        SettlementPriceList.in_force_on(day).prefetch_related("labour_rates", "distance_bands", "part_prices").first()
    )


def prices_of(price_list: SettlementPriceList) -> rules.Prices:
    return rules.Prices(
        labour={(r.category, r.service_type, r.place): r.amount for r in price_list.labour_rates.all()},
        bands=tuple(
            (b.up_to_km, b.travel)
            for b in sorted(price_list.distance_bands.all(), key=lambda b: (b.up_to_km is None, b.up_to_km or 0))
        ),
        parts={p.code: p.price for p in price_list.part_prices.all()},
        exchange_handling=price_list.exchange_handling,
        return_handling=price_list.return_handling,
        repeat_days=price_list.repeat_days,
    )


def is_claimable(order: WorkOrder) -> bool:
    """A completed in-warranty order: repaired, or ended in a 三包 exchange or return."""
    return order.in_warranty and (order.repaired_at is not None or UnitSwap.objects.filter(work_order=order).exists())


def _facts(order: WorkOrder, *, closed_at: datetime, claim_id: int | None) -> tuple[rules.ClaimFacts, dict]:
    """The order's records as plain facts, and the rows the claim cites."""
    visit = (
        Appointment.objects.filter(
            work_order=order, purpose=Appointment.Purpose.SERVICE, report__signed_off_at__isnull=False
        )
        .select_related("report")
        .order_by("-report__signed_off_at")
        .first()
    )
    swap = UnitSwap.objects.filter(work_order=order).first()
    if swap is not None:
        signed, refused = bool(swap.signature), swap.signature_refused
    elif visit is not None:
        signed, refused = bool(visit.report.signature), bool(visit.report.signature_refused_reason)
    else:
        signed, refused = bool(order.pickup_signature), order.pickup_signature_refused
    callbacks = Callback.objects.filter(work_order=order)
    callback = (
        callbacks.filter(plan__trigger=CallbackPlan.Trigger.SERVICE_COMPLETED).order_by("-first_due_at", "-id").first()
    )
    outcome = callback.outcome if callback and callback.status == Callback.Status.DONE else None
    earlier = (
        WarrantyClaim.objects.filter(product_id=order.product_id, closed_at__lt=closed_at)
        .exclude(status=C.REJECTED)
        .exclude(pk=claim_id)
        .order_by("-closed_at")
        .values_list("closed_at", flat=True)
        .first()
    )
    claimed, used = _parts(order, onsite=visit is not None)
    service_at = order.repaired_at or (swap.granted_at if swap else closed_at)
    today = timezone.localdate()
    tags = list(ReturnTag.objects.filter(work_order=order).values_list("code", "status", "due_on").order_by("id"))
    facts = rules.ClaimFacts(
        category=order.product.category.code,
        service_type=order.service_type,
        onsite=visit is not None,
        closed=order.status == Status.CLOSED,
        service_day=timezone.localdate(service_at),
        in_warranty=order.in_warranty,
        warranty_end=order.warranty_end,
        signed=signed,
        signature_refused=refused,
        callback_outcome=outcome,
        callback_finding=callbacks.filter(finding=True).exists(),
        days_since_last_claim=(closed_at - earlier).days if earlier else None,
        parts_claimed=claimed,
        parts_used=used,
        distance_km=visit.report.distance_km if visit is not None else None,
        swap=swap.kind if swap else "",
        repaired=order.repaired_at is not None,
        returns_overdue=tuple(code for code, status, due in tags if status == ReturnTag.Status.TAGGED and due < today),
        returns_failed=tuple((code, status) for code, status, _due in tags if status in rules.INSPECTION_FOUND),
    )
    return facts, {"visit": visit, "callback": callback if outcome else None}


def quoted_parts(order: WorkOrder) -> Counter:
    """The parts on the order's quote, by code."""
    quoted: Counter = Counter()
    for line in order.quote_lines:
        if line.get("kind") == "part":
            quoted[line["code"]] += int(line["quantity"])
    return quoted


def _parts(order: WorkOrder, *, onsite: bool) -> tuple[dict, dict]:
    """Parts the outlet claims (drawn from stock for the job by requisition; without requisitions, what the
    visit report or the bench quote lists) and parts recorded as used (the visit reports on site; at the
    bench the requisitions marked used, or the quote where the job drew none)."""
    drawn: Counter = Counter()
    used_by_requisition: Counter = Counter()
    for code, quantity, status in PartRequisition.objects.filter(
        work_order=order, status__in=[PartRequisition.Status.ISSUED, PartRequisition.Status.USED]
    ).values_list("part__code", "quantity", "status"):
        drawn[code] += quantity
        if status == PartRequisition.Status.USED:
            used_by_requisition[code] += quantity
    on_reports: Counter = Counter()
    for parts in VisitReport.objects.filter(appointment__work_order=order, signed_off_at__isnull=False).values_list(
        "parts_used", flat=True
    ):
        for part in parts:
            on_reports[part["code"]] += int(part["quantity"])
    quoted = quoted_parts(order)
    if onsite:
        return dict(drawn or on_reports), dict(on_reports)
    return dict(drawn or quoted), dict(used_by_requisition if drawn else quoted)


def _price_and_check(claim: WarrantyClaim, order: WorkOrder) -> None:
    """(Re)compute the claim's lines, amount and findings from the order's records and its price list."""
    facts, cited = _facts(order, closed_at=claim.closed_at, claim_id=claim.pk)
    if claim.price_list_id is None or not claim.price_list.in_use:
        claim.price_list = price_list_on(facts.service_day)
    if claim.price_list is None:
        lines = []
        findings = [
            rules.Finding(
                "price_missing",
                said(
                    gettext_noop("No settlement price list is in force on %(day)s."), day=facts.service_day.isoformat()
                ),
                said(gettext_noop("Headquarters publishes a price list, then re-checks the claim.")),
                blocking=True,
            )
        ]
    else:
        prices = prices_of(claim.price_list)
        lines, findings = rules.claim_lines(prices, facts)
        findings = rules.check(facts, repeat_days=prices.repeat_days) + findings
    claim.visit, claim.callback = cited["visit"], cited["callback"]
    claim.distance_km = facts.distance_km
    claim.in_warranty, claim.warranty_end, claim.service_day = facts.in_warranty, facts.warranty_end, facts.service_day
    claim.claimed = sum((line.amount for line in lines), rules.ZERO)
    claim.findings = [f.stored() for f in findings]
    claim.checked_at = timezone.now()
    claim.save()
    claim.lines.all().delete()
    ClaimLine.objects.bulk_create(
        ClaimLine(
            claim=claim,
            kind=line.kind,
            code=line.code,
            words=line.words,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.amount,
        )
        for line in lines
    )
    if claim.price_list is not None and not claim.price_list.in_use:
        SettlementPriceList.objects.filter(pk=claim.price_list_id).update(in_use=True)


def _settle_status(claim: WarrantyClaim) -> None:
    if claim.findings and claim.status == C.PENDING:
        CLAIM.move(claim, "hold")
    elif not claim.findings and claim.status == C.HELD:
        CLAIM.move(claim, "clear")
    claim.save(update_fields=["status"])


def claim_open(order: WorkOrder, *, actor=None) -> WarrantyClaim | None:
    """The order's claim, made (or re-checked) at its close; None for an order the maker does not pay."""
    existing = WarrantyClaim.objects.select_for_update().filter(work_order=order).first()
    if existing is not None:
        if existing.status in UNDECIDED:
            _recheck(existing, order, actor=actor)
        return existing
    if not is_claimable(order):
        return None
    claim = WarrantyClaim(
        work_order=order,
        outlet_id=order.outlet_id,
        product_id=order.product_id,
        status=C.PENDING,
        claimed=rules.ZERO,
        closed_at=timezone.now(),
        service_day=timezone.localdate(),
        in_warranty=order.in_warranty,
        checked_at=timezone.now(),
    )
    claim._history_user = actor
    _price_and_check(claim, order)
    if claim.findings:
        claim.status = C.HELD
        claim.save(update_fields=["status"])
    return claim


def _recheck(claim: WarrantyClaim, order: WorkOrder, *, actor) -> WarrantyClaim:
    claim._history_user = actor
    if order.status == Status.CLOSED and claim.findings and any(f["rule"] == "order_open" for f in claim.findings):
        claim.closed_at = timezone.now()  # closed again: the repeat window counts from this close
    _price_and_check(claim, order)
    _settle_status(claim)
    return claim


def claim_on_transition(*, work_order, transition, actor, **kwargs) -> None:
    """Subscriber of `work_order_transitioned`: a claim at an in-warranty order's close; a reopened or
    re-closed order's undecided claim checked again."""
    if transition.target == Status.CLOSED:
        claim_open(work_order, actor=actor)
        return
    claim = WarrantyClaim.objects.select_for_update().filter(work_order=work_order, status__in=UNDECIDED).first()
    if claim is not None:
        _recheck(claim, work_order, actor=actor)


def recheck_claims_of(order_ids, *, actor) -> None:
    """Check again the undecided claims of these orders (their old parts were shipped or inspected)."""
    claims = WarrantyClaim.objects.select_for_update().filter(work_order_id__in=order_ids, status__in=UNDECIDED)
    for claim in claims.select_related("work_order__product__category").order_by("id"):
        _recheck(claim, claim.work_order, actor=actor)


def recheck_on_callback(*, callback, actor, **kwargs) -> None:
    """Subscriber of `callback_completed`: the callback a claim waits for has been made."""
    if callback.work_order_id is None:
        return
    claim = WarrantyClaim.objects.select_for_update().filter(work_order_id=callback.work_order_id).first()
    if claim is not None and claim.status in UNDECIDED:
        _recheck(claim, WorkOrder.objects.get(pk=callback.work_order_id), actor=actor)


def _locked_claim(claim: WarrantyClaim, actor) -> WarrantyClaim:
    found = scope(WarrantyClaim.objects.select_for_update(), actor).filter(pk=claim.pk).first()
    if found is None:
        raise PermissionDenied(_("This claim is not in your outlets."))
    return found


@transaction.atomic
def claim_recheck(*, claim: WarrantyClaim, actor) -> WarrantyClaim:
    """Check an undecided claim again now (after a price list is published or a record is corrected)."""
    require_permission(actor, "settlement.view_warrantyclaim")
    found = _locked_claim(claim, actor)
    if found.status not in UNDECIDED:
        raise ValidationError(_("This claim has been decided already."))
    return _recheck(found, found.work_order, actor=actor)


def decides_claims(actor) -> bool:
    """Headquarters decides claims; a centre's staff only when headquarters has delegated claims to the centre."""
    if not actor.has_perm("settlement.decide_warrantyclaim"):
        return False
    return actor.is_superuser or actor.is_headquarters or bool(actor.centre_id and actor.centre.decides_claims)


def may_decide(actor, claim: WarrantyClaim) -> bool:
    """Whether `actor` decides this claim: headquarters every claim, a delegated centre its outlets'. Never the
    claim's own outlet."""
    if not decides_claims(actor):
        return False
    return actor.is_superuser or actor.is_headquarters or claim.outlet.centre_id == actor.centre_id


@transaction.atomic
def claim_decide(
    *, claim: WarrantyClaim, decision: str, note: str = "", amount: Decimal | None = None, actor
) -> WarrantyClaim:
    """Approve (at the amount claimed, or `amount` with the reason: an adjustment) or reject with the reason."""
    require_permission(actor, "settlement.decide_warrantyclaim")
    found = _locked_claim(claim, actor)
    if not may_decide(actor, found):
        raise PermissionDenied(_("Only headquarters, or a centre the maker has delegated claims to, decides claims."))
    if found.status not in UNDECIDED:
        raise ValidationError(_("This claim has been decided already."))
    note = note.strip()
    if decision == "reject":
        if not note:
            raise ValidationError({"note": _("Say why the claim is rejected.")})
        CLAIM.move(found, "reject", reason=note)
    elif decision == "approve":
        blocking = [f for f in found.findings if f.get("blocking")]
        if blocking:
            raise ValidationError(
                _("The claim cannot be approved until this is cleared: %(what)s")
                % {"what": "; ".join(text for _rule, text, _clears in found.finding_texts if text)}
            )
        if amount is not None and amount < 0:
            raise ValidationError({"amount": _("The amount cannot be negative.")})
        adjusted = amount is not None and amount != found.claimed
        if adjusted and not note:
            raise ValidationError({"note": _("Say why the amount differs from the claim.")})
        if found.status == C.HELD and not note:
            raise ValidationError({"note": _("Say why the claim is paid despite what the checks found.")})
        CLAIM.move(found, "approve_held" if found.status == C.HELD else "approve", reason=note)
        found.approved = amount if amount is not None else found.claimed
    else:
        raise ValidationError({"decision": _("Approve or reject.")})
    found.decided_by, found.decided_at, found.decision_note = actor, timezone.now(), note
    found._history_user = actor
    found.save()
    order = found.work_order
    if found.status == C.REJECTED:
        text = said(gettext_noop("Warranty-cost claim rejected: %(note)s"), note=note)
    elif found.adjusted:
        text = said(
            gettext_noop("Warranty-cost claim approved at ¥%(amount)s instead of ¥%(claimed)s: %(note)s"),
            amount=found.approved,
            claimed=found.claimed,
            note=note,
        )
    else:
        text = said(gettext_noop("Warranty-cost claim approved: ¥%(amount)s."), amount=found.approved)
    events.order_noted(order, actor=actor, text=text)
    return found
