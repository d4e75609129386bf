"""Deductions and the monthly settlement statement (月结): what headquarters pays each outlet for a month."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import ComplaintCase
from core.errors import ConflictError
from core.permissions import require_permission
from core.scoping import in_scope, scope, visible_outlet_ids
from settlement.lifecycle import STATEMENT
from settlement.models import Deduction, SettlementPriceList, SettlementStatement, WarrantyClaim

ZERO = Decimal("0.00")


def deduction_rate(rule: str, day: dt.date) -> Decimal:
    """What the price list in force on `day` deducts for one event of `rule` (0 where nothing)."""
    amount = SettlementPriceList.in_force_on(day).values_list(f"deduct_{rule}", flat=True).first()
    return amount or ZERO


def _deduct(*, outlet_id: int, rule: str, source: str, work_order_id=None, note="", actor=None) -> Deduction | None:
    """The rule's deduction for one event, once (the event's `source` is unique); none where the price list
    in force deducts nothing for the rule."""
    amount = deduction_rate(rule, timezone.localdate())
    if amount <= 0 or Deduction.objects.filter(source=source).exists():
        return None
    deduction = Deduction(
        outlet_id=outlet_id,
        rule=rule,
        amount=amount,
        work_order_id=work_order_id,
        source=source,
        note=note,
        created_by=actor,
    )
    deduction._history_user = actor
    try:
        with transaction.atomic():  # a savepoint: of two processes recording one event, one row stays
            deduction.save()
    except IntegrityError:
        return None
    return deduction


def deduct_on_callback(*, callback, actor, **kwargs) -> None:
    """Subscriber of `callback_completed`: a callback that contradicts the engineer's record is deducted."""
    if callback.finding and callback.work_order_id:
        _deduct(
            outlet_id=callback.outlet_id,
            rule=Deduction.Rule.CALLBACK_FINDING,
            source=f"callback:{callback.pk}",
            work_order_id=callback.work_order_id,
            note=callback.notes,
            actor=actor,
        )


def deduct_on_sign_off(*, appointment, report, actor, **kwargs) -> None:
    """Subscriber of `visit_signed_off`: a visit that started after the agreed time is deducted."""
    if appointment.late_minutes > 0:
        _deduct(
            outlet_id=appointment.outlet_id,
            rule=Deduction.Rule.LATE_VISIT,
            source=f"visit:{appointment.pk}",
            work_order_id=appointment.work_order_id,
            note=_("%(minutes)d minutes late") % {"minutes": appointment.late_minutes},
            actor=actor,
        )


def _headquarters(actor) -> None:
    if not (actor.is_superuser or actor.is_headquarters):
        raise PermissionDenied(_("Only headquarters does this."))


@transaction.atomic
def deduction_for_complaint(*, case, note: str = "", actor) -> Deduction:
    """Headquarters deducts a complaint its handler found against the outlet (the case's responsibility):
    the price list's deduction for it, once per case; the note is the case's lessons unless one is given."""
    require_permission(actor, "settlement.add_deduction")
    _headquarters(actor)
    if not in_scope(actor, case.outlet_id):
        raise PermissionDenied(_("This complaint is not in your outlets."))
    if case.responsibility != ComplaintCase.Responsibility.OUTLET:
        raise ValidationError(
            {
                "complaint": _(
                    "Only a complaint found against the outlet is deducted: its handler records who was at fault."
                )
            }
        )
    note = note.strip() or case.lessons
    if Deduction.objects.filter(source=f"complaint:{case.pk}").exists():
        raise ValidationError(_("This complaint has been deducted already."))
    deduction = _deduct(
        outlet_id=case.outlet_id,
        rule=Deduction.Rule.COMPLAINT_UPHELD,
        source=f"complaint:{case.pk}",
        work_order_id=case.work_order_id,
        note=note,
        actor=actor,
    )
    if deduction is None:
        raise ValidationError(_("The price list in force deducts nothing for an upheld complaint."))
    return deduction


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month's first moment and the next month's, in Shanghai."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(dt.datetime.combine(first, dt.time()), zone),
        timezone.make_aware(dt.datetime.combine(following, dt.time()), zone),
    )


@transaction.atomic
def statements_issue(*, month: dt.date, actor, centre_id: int | None = None) -> list[SettlementStatement]:
    """Headquarters issues each outlet's statement for a month that is over (every outlet, or one centre's):
    every approved claim and every deduction up to the month's end not on an earlier statement (later ones
    wait for the next month). Once issued, a month is frozen: an outlet's statement is issued once. A constant
    number of queries, however many outlets."""
    require_permission(actor, "settlement.issue_settlementstatement")
    _headquarters(actor)
    first = month.replace(day=1)
    _start, end = month_bounds(first)
    if end > timezone.now():
        raise ValidationError({"month": _("The month is not over yet.")})
    outlets = visible_outlet_ids(actor)
    claims = WarrantyClaim.objects.filter(
        status=WarrantyClaim.Status.APPROVED, statement__isnull=True, decided_at__lt=end
    )
    deductions = Deduction.objects.filter(statement__isnull=True, created_at__lt=end)
    if outlets is not None:
        claims, deductions = claims.filter(outlet_id__in=outlets), deductions.filter(outlet_id__in=outlets)
    if centre_id is not None:
        claims, deductions = claims.filter(outlet__centre_id=centre_id), deductions.filter(outlet__centre_id=centre_id)
    issued = set(SettlementStatement.objects.filter(month=first).values_list("outlet_id", flat=True))
    claimed = {
        row["outlet_id"]: row
        for row in claims.exclude(outlet_id__in=issued)
        .values("outlet_id")
        .annotate(n=Count("id"), total=Sum("approved"))
    }
    deducted = dict(
        deductions.exclude(outlet_id__in=issued)
        .values("outlet_id")
        .annotate(total=Sum("amount"))
        .values_list("outlet_id", "total")
    )
    statements = []
    for outlet_id in sorted(set(claimed) | set(deducted)):
        claims_total = claimed.get(outlet_id, {}).get("total") or ZERO
        deductions_total = deducted.get(outlet_id) or ZERO
        statements.append(
            SettlementStatement(
                outlet_id=outlet_id,
                month=first,
                claim_count=claimed.get(outlet_id, {}).get("n", 0),
                claims_total=claims_total,
                deductions_total=deductions_total,
                payable=claims_total - deductions_total,
                issued_by=actor,
            )
        )
    try:
        with transaction.atomic():  # a savepoint: another headquarters clerk may issue the same month at once
            SettlementStatement.objects.bulk_create(statements)
    except IntegrityError as exc:
        raise ConflictError(_("Someone issued these statements meanwhile; reload the page.")) from exc
    made = [s.outlet_id for s in statements]
    of_outlet = SettlementStatement.objects.filter(outlet_id=OuterRef("outlet_id"), month=first).values("id")[:1]
    claims.filter(outlet_id__in=made).update(statement=Subquery(of_outlet))
    deductions.filter(outlet_id__in=made).update(statement=Subquery(of_outlet))
    return statements


@transaction.atomic
def statement_answer(*, statement: SettlementStatement, agree: bool, reason: str = "", actor) -> SettlementStatement:
    """The outlet signs off its statement in the product: agrees, or disputes with the reason."""
    require_permission(actor, "settlement.answer_settlementstatement")
    found = scope(SettlementStatement.objects.select_for_update(), actor).filter(pk=statement.pk).first()
    if found is None:
        raise PermissionDenied(_("This statement is not in your outlets."))
    if not actor.outlets.filter(pk=found.outlet_id).exists():  # not its centre or headquarters
        raise PermissionDenied(_("The outlet answers its own statement."))
    reason = reason.strip()
    if not agree and not reason:
        raise ValidationError({"reason": _("Say what is disputed.")})
    STATEMENT.move(found, "agree" if agree else "dispute", reason=reason)
    found.answered_by, found.answered_at, found.dispute_reason = actor, timezone.now(), "" if agree else reason
    found._history_user = actor
    found.save(update_fields=["status", "answered_by", "answered_at", "dispute_reason"])
    return found


@transaction.atomic
def statement_reply(*, statement: SettlementStatement, reply: str, actor) -> SettlementStatement:
    """Headquarters answers a disputed statement (what it found, what it corrects on the next month's
    statement); the statement goes back to the outlet to agree or dispute again."""
    require_permission(actor, "settlement.issue_settlementstatement")
    _headquarters(actor)
    found = SettlementStatement.objects.select_for_update().get(pk=statement.pk)
    reply = reply.strip()
    if not reply:
        raise ValidationError({"reply": _("Write the reply to the outlet.")})
    STATEMENT.move(found, "reply", reason=reply)
    found.reply, found.replied_by, found.replied_at = reply, actor, timezone.now()
    found._history_user = actor
    found.save(update_fields=["status", "reply", "replied_by", "replied_at"])
    return found
