"""Visit report and sign-off."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch import rules
from dispatch.lifecycle import APPOINTMENT
from dispatch.models import (
    CHECKLIST,
    Appointment,
    LoanerUnit,
    Part,
    VisitReport,
)
from dispatch.services.engineer_side import _own, _save_visit
from dispatch.services.loaners import loaner_lend, loaner_return
from dispatch.signals import home_damage_recorded, visit_signed_off
from workorders.lifecycle import Status
from workorders.models import Payment, WorkOrder
from workorders.services import (
    payment_take,
    work_order_add_note,
    work_order_price_on_site,
    work_order_reassess_warranty,
    work_order_record_repair,
    work_order_transition,
)


def _as_catalogued(parts: list[dict]) -> list[dict]:
    """Each part as the catalogue knows it, typed by its code or its name in either language; kept with
    its code and both names, so the sign-off and the printed record name it in the reader's language.
    A part the catalogue lacks stays as typed."""
    typed = {p["code"] for p in parts}
    if not typed:
        return parts
    known = {}
    for part in Part.objects.filter(Q(code__in=typed) | Q(name__in=typed) | Q(name_en__in=typed)):
        for key in (part.code, part.name, part.name_en):
            known.setdefault(key, part)
    catalogued = []
    for p in parts:
        part = known.get(p["code"])
        names = {"code": part.code, "name": part.name, "name_en": part.name_en} if part else {}
        catalogued.append(p | names)
    return catalogued


@transaction.atomic
def visit_report_save(
    *,
    appointment: Appointment,
    checklist: dict,
    proof: str,
    parts_complete: bool,
    tamper_note: str = "",
    tamper_acknowledged: bool = False,
    diagnosis: str = "",
    human_damage: bool = False,
    human_damage_acknowledged: bool = False,
    fee_consent: bool = False,
    consent_total=None,
    parts_used: list[dict] = (),
    actions: str = "",
    distance_km: int | None = None,
    test_run_result: str = "",
    checklist_not_done: dict | None = None,
    no_test_run: bool = False,
    card_prices: dict | None = None,
    home_damage: str = "",
    home_damage_compensation=None,
    actor,
) -> VisitReport:
    """What was found and done. Human damage takes the job out of free service; chargeable work
    is priced from the fee schedule in force (with the on-site visit) for the customer to agree: the
    consent (`fee_consent`, to the `consent_total` shown) holds only for the charges as priced now."""
    found = _own(appointment, actor, statuses=[Appointment.Status.ON_SITE])
    if found.arrived_at is None:
        raise ValidationError(_("Record your arrival first."))
    parts = _as_catalogued(rules.parts_used(parts_used))
    not_done = {code: str(reason).strip() for code, reason in (checklist_not_done or {}).items() if str(reason).strip()}
    errors = rules.visit_report_problems(
        checklist=checklist,
        not_done=not_done,
        no_test_run=no_test_run,
        checklist_items=CHECKLIST,
        proof=proof,
        proofs=VisitReport.Proof.values,
        parts_complete=parts_complete,
        tamper_note=tamper_note,
        tamper_acknowledged=tamper_acknowledged,
        human_damage=human_damage,
        human_damage_acknowledged=human_damage_acknowledged,
        parts=parts,
    )
    if distance_km is not None and not 0 <= distance_km <= 2000:
        errors["distance_km"] = _("A distance from 0 to 2000 km.")
    if home_damage.strip() and home_damage_compensation is None:
        errors["home_damage_compensation"] = _("Agree the compensation at its price with the customer.")
    if home_damage_compensation is not None and (home_damage_compensation < 0 or not home_damage.strip()):
        errors["home_damage"] = _("Describe the damage the compensation is for.")
    if errors:
        raise ValidationError(errors)
    report = VisitReport.objects.filter(appointment=found).first() or VisitReport(appointment=found, updated_by=actor)
    damage_changed = (home_damage.strip(), home_damage_compensation) != (
        report.home_damage,
        report.home_damage_compensation,
    )
    if report.signed_off_at is not None:
        raise ValidationError(_("The customer has signed off; the report can no longer change."))
    order = found.work_order
    if human_damage != report.human_damage:
        order = work_order_reassess_warranty(work_order=order, human_damage=human_damage, actor=actor)
    if not order.in_warranty:
        priced = [(p["code"], p["quantity"]) for p in parts]
        agreed = consent_total if fee_consent else None
        order = work_order_price_on_site(
            work_order=order, parts=priced, agreed_total=agreed, card_prices=card_prices, actor=actor
        )
    report.checklist = {code: bool(checklist.get(code)) for code in CHECKLIST}
    report.checklist_not_done, report.no_test_run = not_done, no_test_run
    report.card_prices = {code: str(price) for code, price in (card_prices or {}).items()}
    report.home_damage, report.home_damage_compensation = home_damage.strip(), home_damage_compensation
    report.proof, report.parts_complete = proof, parts_complete
    report.tamper_note, report.tamper_acknowledged = tamper_note.strip(), tamper_acknowledged
    report.diagnosis, report.human_damage = diagnosis.strip(), human_damage
    report.human_damage_acknowledged = human_damage_acknowledged
    report.fee_consent = not order.in_warranty and order.quote_approved_at is not None
    report.parts_used, report.actions, report.test_run_result = parts, actions.strip(), test_run_result.strip()
    report.distance_km = distance_km
    report.updated_by = actor
    report._history_user = actor
    report.save()
    if damage_changed and report.home_damage:
        home_damage_recorded.send(sender=VisitReport, appointment=found, report=report, actor=actor)
    return report


@transaction.atomic
def visit_sign_off(
    *,
    appointment: Appointment,
    satisfied: bool,
    rating_quality: int | None = None,
    rating_attitude: int | None = None,
    comment: str = "",
    signature: str = "",
    signature_refused_reason: str = "",
    payment_method: str = "",
    bill_later: bool = False,
    actor,
) -> VisitReport:
    """The customer sees the service record, rates it and signs (or refuses, with the reason).
    Satisfied: the order is handed back and waits for its callback. Not satisfied: another visit."""
    found = _own(appointment, actor, statuses=[Appointment.Status.ON_SITE])
    returning = found.purpose == Appointment.Purpose.RETURN
    report = _report_to_sign(found, returning=returning, actor=actor)
    order = WorkOrder.objects.get(pk=found.work_order_id)
    due = order.amount_due if satisfied else 0
    errors = rules.sign_off_problems(
        signature=signature,
        signature_refused_reason=signature_refused_reason,
        rating_quality=rating_quality,
        rating_attitude=rating_attitude,
        amount_due=due,
        bill_later=bill_later,
        payment_method=payment_method,
        payment_methods=Payment.Method.values,
    )
    if errors:
        raise ValidationError(errors)
    if signature_refused_reason.strip():
        signature = ""
    if due > 0 and not bill_later:
        payment_take(work_order=order, amount=due, method=payment_method, actor=actor)
    report.rating_quality, report.rating_attitude, report.comment = rating_quality, rating_attitude, comment.strip()
    report.signature, report.signature_refused_reason = signature, signature_refused_reason.strip()
    report.satisfied, report.billed_later, report.signed_off_at = satisfied, bill_later and due > 0, timezone.now()
    report.updated_by = actor
    report._history_user = actor
    report.save()
    _carry_out_sign_off(order, report, returning=returning, satisfied=satisfied, comment=comment, actor=actor)
    APPOINTMENT.move(found, "finish")
    _save_visit(found, actor, ["status"])
    visit_signed_off.send(sender=Appointment, appointment=found, report=report, actor=actor)
    return report


def _report_to_sign(appointment: Appointment, *, returning: bool, actor) -> VisitReport:
    """The visit report the customer signs: the work finished and the diagnosis written (a product brought
    back from the bench has its report on the first visit, so the return visit starts an empty one)."""
    report = VisitReport.objects.select_for_update().filter(appointment=appointment).first()
    if appointment.finished_at is None:
        raise ValidationError(_("Record that the work is finished first."))
    if returning and report is None:
        report = VisitReport(appointment=appointment, updated_by=actor)
    if report is None or not (report.diagnosis or returning):
        raise ValidationError({"diagnosis": _("Write the diagnosis in the visit report first.")})
    unanswered = checklist_unanswered(report)
    if unanswered:
        raise ValidationError(
            {
                "checklist": _("Answer the visit checklist first (done, or why not): %(items)s.")
                % {"items": ", ".join(str(CHECKLIST[code]) for code in unanswered)}
            }
        )
    return report


def checklist_unanswered(report: VisitReport | None) -> list[str]:
    """The checklist items the report leaves unanswered (all of them before there is a report)."""
    if report is None:
        return list(CHECKLIST)
    return rules.checklist_unanswered(
        checklist=report.checklist,
        not_done=report.checklist_not_done,
        no_test_run=report.no_test_run,
        test_run_result=report.test_run_result,
        items=CHECKLIST,
    )


def _carry_out_sign_off(order: WorkOrder, report: VisitReport, *, returning, satisfied, comment, actor) -> None:
    """What a sign-off does to the order: the repair record (a repair visit), the loaner swapped back (a
    return), and the order handed back (satisfied) or sent for another visit (not satisfied)."""
    if not returning:
        parts = ", ".join(f"{p['code']} ×{p['quantity']}" for p in report.parts_used)
        work_order_record_repair(
            work_order=order,
            fault_confirmed=report.diagnosis,
            cause=order.cause,
            actions_taken=report.actions,
            parts_replaced=parts,
            actor=actor,
        )
    if returning:
        for loaner in LoanerUnit.objects.filter(work_order=order, status=LoanerUnit.Status.OUT):
            loaner_return(loaner=loaner, actor=actor)  # swapped back when the product comes home
    if satisfied:
        if not returning:
            work_order_transition(work_order=order, transition="finish_repair", actor=actor)
        work_order_transition(work_order=order, transition="hand_back", actor=actor)
    else:
        work_order_transition(
            work_order=order,
            transition="revisit",
            actor=actor,
            reason=_("Customer not satisfied at sign-off: %(comment)s") % {"comment": comment.strip() or "-"},
        )


@transaction.atomic
def visit_pull_back(
    *,
    appointment: Appointment,
    condition: str,
    accessories: str,
    signature: str,
    return_date,
    loaner: LoanerUnit | None = None,
    actor,
) -> VisitReport:
    """拉修: the product cannot be fixed in the home. It goes to the bench with a receipt the customer
    signs (condition and accessories listed); a loaner may stay; the return is another appointment."""
    found = _own(appointment, actor, statuses=[Appointment.Status.ON_SITE])
    report = VisitReport.objects.select_for_update().filter(appointment=found).first()
    if found.arrived_at is None:
        raise ValidationError(_("Record your arrival first."))
    if found.purpose != Appointment.Purpose.SERVICE:
        raise ValidationError(_("Only a service visit can take the product away."))
    if report is None or not report.diagnosis:
        raise ValidationError({"diagnosis": _("Write the diagnosis in the visit report first.")})
    errors = {}
    if not condition.strip():
        errors["condition"] = _("Describe the product's condition as taken.")
    if not signature.startswith(rules.SIGNATURE_PREFIX) or len(signature) > rules.SIGNATURE_MAX:
        errors["signature"] = _("The customer signs the receipt on the screen.")
    if return_date is None or return_date < timezone.localdate():
        errors["return_date"] = _("Agree a return date from today on.")
    if errors:
        raise ValidationError(errors)
    order = WorkOrder.objects.get(pk=found.work_order_id)
    if order.status == Status.SCHEDULED:
        work_order_transition(work_order=order, transition="start_service", actor=actor)  # on the bench now
    if loaner is not None:
        loaner_lend(loaner=loaner, work_order=order, due_back=return_date, actor=actor)
    report.pulled_back, report.loaner = True, loaner
    report.pull_back_condition, report.pull_back_accessories = condition.strip(), accessories.strip()
    report.pull_back_return_date, report.pull_back_signature = return_date, signature
    report.updated_by = actor
    report._history_user = actor
    report.save()
    found.finished_at = found.finished_at or timezone.now()
    APPOINTMENT.move(found, "finish")
    found.outcome_note = _("Taken back for repair; return agreed for %(day)s.") % {"day": return_date}
    text = found.outcome_note
    if loaner is not None:
        text = _("%(text)s Loaner %(serial)s left with the customer.") % {"text": text, "serial": loaner.serial}
    work_order_add_note(work_order=order, text=text, actor=actor)
    _save_visit(found, actor, ["status", "finished_at", "outcome_note"])
    return report
