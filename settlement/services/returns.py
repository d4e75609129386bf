"""Old-part return (旧件返还): a tag on each part replaced in warranty, made at the visit or the bench repair;
the outlet ships tagged parts to its centre with a tracking number; the centre inspects each part."""

from collections import Counter
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import require_permission
from core.scoping import in_scope, scope
from settlement.lifecycle import RETURN_TAG, SHIPMENT
from settlement.models import PartShipment, ReturnTag, SettlementPriceList, WarrantyClaim
from settlement.services.claims import quoted_parts, recheck_claims_of
from workorders.models import WorkOrder

DEFAULT_RETURN_DAYS = 15  # when no price list is in force yet
RESULTS = {
    "receive": ReturnTag.Status.RECEIVED,
    "missing": ReturnTag.Status.MISSING,
    "wrong_part": ReturnTag.Status.WRONG_PART,
    "not_faulty": ReturnTag.Status.NOT_FAULTY,
}


def _return_days(day) -> int:
    days = SettlementPriceList.in_force_on(day).values_list("part_return_days", flat=True).first()
    return DEFAULT_RETURN_DAYS if days is None else days


def tags_make(*, order: WorkOrder, parts: Counter, engineer, appointment=None) -> list[ReturnTag]:
    """One tag per part replaced in warranty (the caller's transaction); made once per visit or bench repair."""
    if not order.in_warranty or not parts:
        return []
    existing = ReturnTag.objects.filter(work_order=order, appointment=appointment)
    if existing.exists():
        return list(existing)
    today = timezone.localdate()
    due = today + timedelta(days=_return_days(today))
    start = ReturnTag.objects.filter(work_order=order).count()
    codes = [code for code, quantity in sorted(parts.items()) for _unit in range(quantity)]
    return ReturnTag.objects.bulk_create(
        ReturnTag(
            code=f"JH{order.number}-{start + n}",
            work_order=order,
            outlet_id=order.outlet_id,
            appointment=appointment,
            engineer=engineer,
            part_code=code,
            due_on=due,
        )
        for n, code in enumerate(codes, start=1)
    )


def tag_on_sign_off(*, appointment, report, actor, **kwargs) -> None:
    """Subscriber of `visit_signed_off`: the parts the engineer used on site in warranty get their tags."""
    parts = Counter()
    for part in report.parts_used:
        parts[part["code"]] += int(part["quantity"])
    tags_make(order=appointment.work_order, parts=parts, engineer=appointment.engineer, appointment=appointment)


def tag_on_bench_repair(*, work_order: WorkOrder, transition, actor, **kwargs) -> None:
    """Subscriber of `work_order_transitioned`: at a walk-in's "repair finished" the parts on its in-warranty
    quote get their tags."""
    order = work_order
    if transition.name != "finish_repair" or order.channel != WorkOrder.Channel.WALK_IN:
        return
    tags_make(order=order, parts=quoted_parts(order), engineer=actor)


@transaction.atomic
def shipment_send(*, outlet, tags: list[ReturnTag], carrier: str, tracking_number: str, actor) -> PartShipment:
    """Pack tagged parts of one outlet into a shipment to its centre."""
    require_permission(actor, "settlement.add_partshipment")
    if not in_scope(actor, outlet.pk):
        raise PermissionDenied(_("This outlet is not one of yours."))
    errors = {}
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if not carrier:
        errors["carrier"] = _("Name the carrier.")
    if not tracking_number:
        errors["tracking_number"] = _("Give the tracking number.")
    elif PartShipment.objects.filter(carrier=carrier, tracking_number=tracking_number).exists():
        errors["tracking_number"] = _("This carrier's tracking number is on another shipment.")
    ids = [tag.pk for tag in tags]
    found = list(ReturnTag.objects.select_for_update().filter(pk__in=ids, outlet=outlet).order_by("id"))
    if not ids:
        errors["tags"] = _("Choose the parts in the shipment.")
    elif len(found) != len(set(ids)):
        errors["tags"] = _("Some of these parts are not this outlet's.")
    elif shipped := [t.code for t in found if t.status != ReturnTag.Status.TAGGED]:
        errors["tags"] = _("Already shipped: %(tags)s.") % {"tags": ", ".join(shipped)}
    if outlet.centre_id is None:
        errors["tags"] = _("The outlet belongs to no centre to ship to.")
    if errors:
        raise ValidationError(errors)
    shipment = PartShipment(
        outlet=outlet, centre_id=outlet.centre_id, carrier=carrier, tracking_number=tracking_number, shipped_by=actor
    )
    shipment._history_user = actor
    shipment.save()
    for tag in found:
        RETURN_TAG.move(tag, "ship")
        tag.shipment = shipment
        tag._history_user = actor
        tag.save(update_fields=["status", "shipment"])
    recheck_claims_of({tag.work_order_id for tag in found}, actor=actor)
    return shipment


def receives_shipments(actor) -> bool:
    """The centre's staff receive their outlets' shipments; headquarters any."""
    return actor.has_perm("settlement.receive_partshipment") and (
        actor.is_superuser or actor.is_headquarters or actor.centre_id is not None
    )


@transaction.atomic
def shipment_receive(*, shipment: PartShipment, results: dict[int, tuple[str, str]], actor) -> PartShipment:
    """The centre inspects every part in the shipment: `results` maps each tag's id to (result, note), a result
    of RESULTS. A part missing, wrong or not faulty needs the note; each result is on the claim."""
    require_permission(actor, "settlement.receive_partshipment")
    found = scope(PartShipment.objects.select_for_update(), actor).filter(pk=shipment.pk).first()
    if found is None or not receives_shipments(actor):
        raise PermissionDenied(_("This shipment is not for your centre."))
    if not (actor.is_superuser or actor.is_headquarters) and found.centre_id != actor.centre_id:
        raise PermissionDenied(_("This shipment is not for your centre."))
    tags = list(found.tags.select_for_update().order_by("id"))
    errors = {}
    for tag in tags:
        result, note = results.get(tag.pk, ("", ""))
        if result not in RESULTS:
            errors[f"tag_{tag.pk}"] = _("Record what was found for %(tag)s.") % {"tag": tag.code}
        elif result != "receive" and not note.strip():
            errors[f"note_{tag.pk}"] = _("Say what was found for %(tag)s.") % {"tag": tag.code}
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    for tag in tags:
        result, note = results[tag.pk]
        RETURN_TAG.move(tag, result)
        tag.inspected_by, tag.inspected_at, tag.inspection_note = actor, now, note.strip()
        tag._history_user = actor
        tag.save(update_fields=["status", "inspected_by", "inspected_at", "inspection_note"])
    SHIPMENT.move(found, "receive")
    found.received_by, found.received_at = actor, now
    found._history_user = actor
    found.save(update_fields=["status", "received_by", "received_at"])
    recheck_claims_of({tag.work_order_id for tag in tags}, actor=actor)
    return found


def hold_overdue_returns(*, today=None) -> int:
    """The daily sweep: claims of orders with a part past its ship-by day are checked again (and held)."""
    today = today or timezone.localdate()
    orders = set(
        ReturnTag.objects.filter(status=ReturnTag.Status.TAGGED, due_on__lt=today)
        .filter(work_order__claim__status=WarrantyClaim.Status.PENDING)
        .values_list("work_order_id", flat=True)
    )
    with transaction.atomic():
        recheck_claims_of(orders, actor=None)
    return len(orders)
