"""Every change to feedback and complaint cases goes through these functions."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from phonenumber_field.phonenumber import to_python

from complaints import events, rules
from complaints.lifecycle import CASE, REMEDY
from complaints.models import (
    AuthorityLimit,
    BadFaithFlag,
    CaseStep,
    ComplaintCase,
    DeadlinePolicy,
    Feedback,
    Rank,
    Remedy,
    RemedyRank,
    Severity,
)
from core.models import User
from core.notify import notification_enqueue
from core.permissions import require_permission
from core.roles import Role
from core.scoping import in_scope, outlet_staff, visible_outlets, visible_staff
from core.words import as_the_network_reads, said
from followups.models import Callback, CallbackPlan
from followups.services import callbacks_schedule
from workorders.events import order_noted
from workorders.models import Call, WorkOrder
from workorders.selectors import customer_lookup, work_order_list
from workorders.services import call_log, work_order_exchange, work_order_return


def _require_outlet(actor, outlet) -> None:
    if not in_scope(actor, outlet.pk):
        raise PermissionDenied(_("This outlet is not one of yours."))


# --- Feedback -----------------------------------------------------------------------------------


@transaction.atomic
def feedback_record(
    *,
    outlet,
    type: str,
    channel: str,
    text: str,
    customer=None,
    work_order: WorkOrder | None = None,
    praised_staff=None,
    department: str = "",
    product_model: str = "",
    actor,
) -> Feedback:
    """Record what a customer said, from any channel. Praise names the person praised; suggestions
    and product-quality information are routed to a department (信息增值)."""
    require_permission(actor, "complaints.add_feedback")
    _require_outlet(actor, outlet)
    errors = {}
    if not text.strip():
        errors["text"] = _("Write down what the customer said.")
    if type == Feedback.Type.PRAISE and (
        praised_staff is None or not visible_staff(actor).filter(pk=praised_staff.pk).exists()
    ):
        errors["praised_staff"] = _("Name the staff member who was praised.")
    if type == Feedback.Type.SUGGESTION and department not in Feedback.Department.values:
        errors["department"] = _("Route the suggestion to a department.")
    if errors:
        raise ValidationError(errors)
    feedback = Feedback(
        outlet=outlet,
        type=type,
        channel=channel,
        text=text.strip(),
        customer=customer,
        work_order=work_order,
        praised_staff=praised_staff if type == Feedback.Type.PRAISE else None,
        department=department,
        product_model=product_model.strip(),
        created_by=actor,
    )
    feedback.full_clean()
    feedback.save()
    if feedback.praised_staff is not None:
        _pass_on_praise(feedback)
    return feedback


CUSTOMER_MESSAGES_A_DAY = 3  # per order, from the tracking page


@transaction.atomic
def feedback_from_customer(*, work_order: WorkOrder, type: str, text: str) -> Feedback:
    """A complaint or a suggestion the customer writes on the order's tracking page (portal): feedback of
    the outlet like any other, on the order's timeline; the outlet's supervisors get a message, and a
    complaint is theirs to open as a case. Three a day per order at the most."""
    if type not in (Feedback.Type.COMPLAINT, Feedback.Type.SUGGESTION):
        raise ValidationError({"type": _("Choose a complaint or a suggestion.")})
    if not text.strip():
        raise ValidationError({"text": _("Write what you want to tell us.")})
    since = timezone.now() - timedelta(days=1)
    if (
        Feedback.objects.filter(
            work_order=work_order, channel=Feedback.Channel.CUSTOMER_PAGE, created_at__gte=since
        ).count()
        >= CUSTOMER_MESSAGES_A_DAY
    ):
        raise ValidationError({"text": _("We have your messages of today: the outlet will answer them first.")})
    feedback = Feedback.objects.create(
        outlet=work_order.outlet,
        type=type,
        channel=Feedback.Channel.CUSTOMER_PAGE,
        text=text.strip()[:2000],
        customer=work_order.customer,
        work_order=work_order,
        # A suggestion is routed to a department; one about a repair goes to service, which passes it on.
        department=Feedback.Department.SERVICE if type == Feedback.Type.SUGGESTION else "",
        created_by=None,
    )
    label = Feedback.Type(type).label
    order_noted(
        work_order,
        actor=None,
        text=said(gettext_noop("The customer sent a %(type)s: %(text)s"), type=label, text=feedback.text),
    )
    context = {"outlet": work_order.outlet.name, "type": label, "number": work_order.number, "text": feedback.text}
    supervisors = outlet_staff(work_order.outlet, role=Role.SUPERVISOR)
    _message_staff(supervisors, kind="customer_wrote", context=context, key=f"customer-wrote:{feedback.pk}")
    return feedback


def _pass_on_praise(feedback: Feedback) -> None:
    """Praise goes to the person praised and to the supervisors of the outlet (DOMAIN "Intake")."""
    staff = feedback.praised_staff
    context = {"staff": str(staff), "channel": Feedback.Channel(feedback.channel).label, "text": feedback.text}
    supervisors = outlet_staff(feedback.outlet, role=Role.SUPERVISOR).exclude(pk=staff.pk)
    _message_staff([staff, *supervisors], kind="praise_received", context=context, key=f"praise:{feedback.pk}")


def _message_staff(people, *, kind: str, context: dict, key: str) -> None:
    """A message to each staff member's phone, in their language (once per person and `key`)."""
    for person in people:
        notification_enqueue(
            kind=kind,
            to=str(person.phone or ""),
            context=context,
            key=f"{key}:{person.pk}",
            language=person.language,
        )


@transaction.atomic
def feedback_acknowledge(*, feedback: Feedback, actor) -> Feedback:
    """The department has taken the suggestion or quality information in."""
    require_permission(actor, "complaints.change_feedback")
    found = Feedback.objects.select_for_update().filter(pk=feedback.pk, outlet__in=visible_outlets(actor)).first()
    if found is None:
        raise PermissionDenied(_("This feedback is not in your outlets."))
    if not found.department:
        raise ValidationError(_("Only feedback routed to a department is acknowledged."))
    if found.acknowledged_at is None:
        found.acknowledged_by, found.acknowledged_at = actor, timezone.now()
        found.save(update_fields=["acknowledged_by", "acknowledged_at"])
    return found


# --- Complaint cases ----------------------------------------------------------------------------


def _policy(severity: str) -> rules.DeadlinePolicy:
    row = DeadlinePolicy.objects.get(severity=severity)
    return rules.DeadlinePolicy(row.first_contact_hours, row.remedy_hours, row.close_hours)


def repeat_repairs_of(*, product, fault: str) -> int:
    """In-warranty repairs of this product for the same fault (the warranty engine decides what an
    exchange or return is worth; this only counts)."""
    history = [
        rules.Repair(day=timezone.localdate(created), fault=confirmed or described, in_warranty=in_warranty)
        for created, confirmed, described, in_warranty in WorkOrder.objects.filter(product=product).values_list(
            "created_at", "fault_confirmed", "fault_description", "in_warranty"
        )
    ]
    return rules.repeat_repairs(history, fault=fault)


def _facts(case: ComplaintCase) -> rules.CaseFacts:
    return rules.CaseFacts(
        high_severity=case.severity == Severity.HIGH,
        deadlines=rules.Deadlines(case.first_contact_due, case.remedy_due, case.close_due),
        first_contact_at=case.first_contact_at,
        remedy_agreed_at=case.remedy_agreed_at,
        repeat_repairs=case.repeat_repairs,
        already_escalated=case.escalated_at is not None,
    )


def _escalate(case: ComplaintCase, reason: str | list[dict], actor) -> None:
    """The case joins the supervisors' queue, and each supervisor of the outlet gets a message. `reason`
    is typed by a person, or the rules' reasons (core.words), kept to be read in each reader's language."""
    if isinstance(reason, list):
        case.escalation_words = reason
        reason = "; ".join(as_the_network_reads(words) for words in reason)
    case.escalated_at, case.escalation_reason = timezone.now(), reason
    case.version += 1
    case.save(update_fields=["escalated_at", "escalation_reason", "escalation_words", "version"])
    events.case_stepped(case, step=CaseStep.Step.ESCALATION, actor=actor, notes=reason)
    context = {
        "case": case.pk,
        "category": ComplaintCase.Category(case.category).label,
        "outlet": case.outlet.name,
        "reason": reason,
    }
    supervisors = outlet_staff(case.outlet, role=Role.SUPERVISOR)
    _message_staff(supervisors, kind="complaint_escalated", context=context, key=f"escalated:{case.pk}")


@transaction.atomic
def case_open(
    *,
    outlet,
    customer,
    category: str,
    severity: str,
    description: str,
    request: str = "",
    product=None,
    work_order: WorkOrder | None = None,
    handler=None,
    actor,
) -> ComplaintCase:
    """Open a complaint case with its deadlines, owned by a supervisor whoever logged it (the logger
    stays `opened_by`); high severity and repeat repairs of the same fault within warranty are
    escalated at once."""
    require_permission(actor, "complaints.add_complaintcase")
    return _case_create(
        outlet=outlet,
        customer=customer,
        category=category,
        severity=severity,
        description=description,
        request=request,
        product=product,
        work_order=work_order,
        handler=handler,
        actor=actor,
    )


def _case_create(
    *, outlet, customer, category, severity, description, request="", product=None, work_order=None, handler=None, actor
) -> ComplaintCase:
    """The case as `case_open` makes it, for an actor allowed to open it (or an event that opens it)."""
    _require_outlet(actor, outlet)
    if handler is not None and not (
        handler.role == Role.SUPERVISOR and visible_staff(actor).filter(pk=handler.pk).exists()
    ):
        raise ValidationError({"handler": _("The handler must be a supervisor of yours.")})
    handler = handler or (actor if actor.role == Role.SUPERVISOR else supervisor_on_duty(outlet))
    if not description.strip():
        raise ValidationError({"description": _("Write down the complaint.")})
    if work_order is not None and product is None:
        product = work_order.product
    opened = timezone.now()
    due = rules.deadlines(opened_at=opened, policy=_policy(severity))
    fault = (work_order.fault_confirmed or work_order.fault_description) if work_order else ""
    case = ComplaintCase(
        outlet=outlet,
        customer=customer,
        product=product,
        work_order=work_order,
        category=category,
        severity=severity,
        description=description.strip(),
        request=request.strip(),
        handler=handler,
        opened_by=actor,
        first_contact_due=due.first_contact,
        remedy_due=due.remedy,
        close_due=due.close,
        repeat_repairs=repeat_repairs_of(product=product, fault=fault) if product and fault else 0,
    )
    case.full_clean(exclude=["opened_at"])
    case.save()
    if handler != actor:
        context = {
            "case": case.pk,
            "category": ComplaintCase.Category(case.category).label,
            "outlet": outlet.name,
            "logger": str(actor),
        }
        _message_staff([handler], kind="complaint_assigned", context=context, key=f"assigned:{case.pk}")
    _tell_customer_received(case)
    reasons = rules.escalation_reasons(_facts(case), now=opened)
    if reasons:
        _escalate(case, reasons, actor)
    return case


def _tell_customer_received(case: ComplaintCase) -> None:
    """The customer hears the complaint is logged, its case number and by when someone contacts them."""
    notification_enqueue(
        kind="complaint_received",
        to=case.customer.message_phone(),
        context={
            "outlet": case.outlet.name,
            "case": case.pk,
            "product": case.product or "",
            "contact_by": f"{timezone.localtime(case.first_contact_due):%m-%d %H:%M}",
        },
        key=f"complaint-received:{case.pk}",
    )


def supervisor_on_duty(outlet):
    """Who owns a complaint logged at `outlet`: of its own supervisors (else its centre's, else
    headquarters'), the active one with the fewest open cases (no duty roster yet: active means on duty)."""
    supervisors = User.objects.filter(groups__name=Role.SUPERVISOR, is_active=True)
    open_cases = Count("complaint_cases", filter=~Q(complaint_cases__status=ComplaintCase.Status.CLOSED))
    for among in (Q(outlets=outlet), Q(centre_id=outlet.centre_id), Q(is_headquarters=True)):
        found = supervisors.filter(among).annotate(open_cases=open_cases).order_by("open_cases", "pk").first()
        if found is not None:
            return found
    raise ValidationError(
        _("No supervisor can take complaints for %(outlet)s: ask an admin to add one.") % {"outlet": outlet.name}
    )


@transaction.atomic
def case_open_for(*, key: str, outlet=None, caller_phone: str = "", actor, **fields) -> ComplaintCase:
    """Open a case from what the clerk has: a work order number, or the customer's phone (then the
    case belongs to `outlet`, or to the clerk's only outlet). A complaint call (`caller_phone`) is
    logged on the hotline's call log in the same step, naming the case it opened."""
    case = _case_open_for(key=(key or caller_phone).strip(), outlet=outlet, actor=actor, **fields)
    if caller_phone:
        call_log(
            outlet=case.outlet,
            caller_phone=caller_phone,
            call_type=Call.Type.COMPLAINT,
            summary=case.description,
            outcome=_("Complaint case #%(case)s opened") % {"case": case.pk},
            work_order=case.work_order,
            actor=actor,
        )
    return case


def _case_open_for(*, key: str, outlet=None, actor, **fields) -> ComplaintCase:
    order = work_order_list(user=actor).filter(number=key).first() if key else None
    if order is not None:
        return case_open(outlet=order.outlet, customer=order.customer, work_order=order, actor=actor, **fields)
    phone = to_python(key, region="CN")
    customers = list(customer_lookup(user=actor, query=key)) if phone and phone.is_valid() else []
    if len(customers) != 1:
        message = (
            _("Several customers have this phone: use the work order number.")
            if customers
            else _("No work order with this number in your outlets, and no customer with this phone.")
        )
        raise ValidationError({"number": message})
    if outlet is None:
        mine = list(visible_outlets(actor)[:2])
        if len(mine) != 1:
            raise ValidationError({"outlet": _("Pick the outlet that handles the complaint.")})
        outlet = mine[0]
    return case_open(outlet=outlet, customer=customers[0], actor=actor, **fields)


def _locked_case(case: ComplaintCase, actor) -> ComplaintCase:
    found = ComplaintCase.objects.select_for_update().filter(pk=case.pk, outlet__in=visible_outlets(actor)).first()
    if found is None:
        raise PermissionDenied(_("This complaint is not in your outlets."))
    if found.status == ComplaintCase.Status.CLOSED:
        raise ValidationError(_("The case is closed."))
    return found


FIRST_CONTACT_STEPS = {CaseStep.Step.APOLOGY, CaseStep.Step.HEARD}


@transaction.atomic
def case_step_record(*, case: ComplaintCase, step: str, notes: str = "", actor) -> CaseStep:
    """One handling step on the case's timeline. Satisfaction is confirmed by the customer on a
    callback, not recorded here."""
    require_permission(actor, "complaints.add_casestep")
    found = _locked_case(case, actor)
    if step not in CaseStep.Step.values or step in (CaseStep.Step.SATISFACTION, CaseStep.Step.ESCALATION):
        raise ValidationError({"step": _("Pick a handling step.")})
    if step == CaseStep.Step.REMEDY and not found.remedies.exclude(status=Remedy.Status.REJECTED).exists():
        raise ValidationError({"step": _("Record the remedy offered first.")})
    now = timezone.now()
    if step in FIRST_CONTACT_STEPS and found.first_contact_at is None:
        found.first_contact_at = now
    if step == CaseStep.Step.REMEDY and found.remedy_agreed_at is None:
        found.remedy_agreed_at = now
    found.version += 1
    found.save(update_fields=["first_contact_at", "remedy_agreed_at", "version"])
    return events.case_stepped(found, step=step, actor=actor, notes=notes.strip())


@transaction.atomic
def case_escalate(*, case: ComplaintCase, reason: str, actor) -> ComplaintCase:
    """Hand the case to a supervisor (deputy manager or above), with the reason."""
    require_permission(actor, "complaints.change_complaintcase")
    found = _locked_case(case, actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for escalating.")})
    if found.escalated_at is not None:
        raise ValidationError(_("The case is with a supervisor already."))
    _escalate(found, reason.strip(), actor)
    return found


def cases_escalate_overdue(*, now: datetime | None = None) -> int:
    """Beat: cases that missed a deadline go to a supervisor (one transaction per case)."""
    now = now or timezone.now()
    escalated = 0
    candidates = ComplaintCase.objects.exclude(status=ComplaintCase.Status.CLOSED).filter(
        escalated_at__isnull=True, first_contact_due__lt=now
    )
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            case = ComplaintCase.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if case is None or case.escalated_at is not None:
                continue
            reasons = rules.escalation_reasons(_facts(case), now=now)
            if reasons:
                _escalate(case, reasons, case.handler)
                escalated += 1
    return escalated


# --- Closure: only the customer, on a confirmation callback, says the case is resolved ------------


@transaction.atomic
def case_request_confirmation(*, case: ComplaintCase, lessons: str, responsibility: str, actor) -> ComplaintCase:
    """The remedy is carried out: record who was at fault and the lessons learned, and ask for the callback
    in which the customer confirms they are satisfied (followups' call queue). Only that call closes the
    case. A case found against the outlet is offered to headquarters for the settlement deduction."""
    require_permission(actor, "complaints.change_complaintcase")
    found = _locked_case(case, actor)
    if not found.may_ask_confirmation:
        raise ValidationError(_("A confirmation call is already in the call queue."))
    errors = {}
    if not lessons.strip():
        errors["lessons"] = _("Write down the lessons learned.")
    if responsibility not in ComplaintCase.Responsibility.values:
        errors["responsibility"] = _("Say who was at fault.")
    if found.remedy_agreed_at is None:
        errors["__all__"] = _("Agree a remedy with the customer first.")
    elif found.remedies.filter(status=Remedy.Status.AWAITING_APPROVAL).exists():
        errors["__all__"] = _("A remedy is still waiting for approval.")
    if errors:
        raise ValidationError(errors)
    plan = CallbackPlan.objects.filter(trigger=CallbackPlan.Trigger.COMPLAINT_CONFIRMATION, enabled=True).first()
    if plan is None:
        raise ValidationError(_("The complaint confirmation callback plan is switched off: ask an admin."))
    source = f"case:{found.pk}:{found.version}"
    callbacks_schedule(
        trigger=plan.trigger,
        customer=found.customer,
        outlet=found.outlet,
        product=found.product,
        work_order=found.work_order,
        source=source,
    )
    found.confirmation_callback = Callback.objects.get(idempotency_key=f"{plan.code}:{source}")
    CASE.move(found, "ask_confirmation")
    found.lessons, found.responsibility = lessons.strip(), responsibility
    found.version += 1
    found.save(update_fields=["confirmation_callback", "status", "lessons", "responsibility", "version"])
    events.case_noted(found, actor=actor, notes=_("Confirmation callback asked for."))
    return found


def close_on_confirmation(*, callback: Callback, actor, **kwargs) -> None:
    """Subscriber of followups' `callback_completed`: "satisfied" closes the case the call was made
    for; anything else reopens it and, if no supervisor has it yet, escalates it."""
    case = (
        ComplaintCase.objects.select_for_update()
        .filter(confirmation_callback=callback, status=ComplaintCase.Status.AWAITING_CONFIRMATION)
        .first()
    )
    if case is None:
        return
    case.version += 1
    if callback.outcome == Callback.Outcome.SATISFIED:
        CASE.move(case, "confirm")
        case.closed_at = timezone.now()
        case.save(update_fields=["status", "closed_at", "version"])
        events.case_stepped(case, step=CaseStep.Step.SATISFACTION, actor=actor, notes=callback.notes)
        return
    CASE.move(case, "reopen")
    case.save(update_fields=["status", "version"])
    said = _("Not satisfied on the confirmation call: %(notes)s") % {"notes": callback.notes}
    events.case_noted(case, actor=actor, notes=said)
    if case.escalated_at is None:
        _escalate(case, said, actor)


# --- Remedies and the bottom line ---------------------------------------------------------------


def authority_of(user) -> Decimal | None:
    limit = AuthorityLimit.objects.filter(role=getattr(user.role, "value", "")).values_list("max_amount", flat=True)
    return limit.first()


def rank_of(user) -> str:
    """A supervisor at headquarters, a supervisor, or anyone else who handles cases."""
    if user.role != Role.SUPERVISOR:
        return Rank.HANDLER
    return Rank.HEADQUARTERS if user.is_headquarters else Rank.SUPERVISOR


def rank_for(kind: str) -> str:
    """The rank that grants a kind of remedy (data); a kind without a row needs a supervisor."""
    return RemedyRank.objects.filter(kind=kind).values_list("rank", flat=True).first() or Rank.SUPERVISOR


@transaction.atomic
def remedy_propose(*, case: ComplaintCase, kind: str, amount: Decimal, description: str = "", actor) -> Remedy:
    """Offer a remedy. Within the handler's authority it stands; above it a supervisor approves."""
    require_permission(actor, "complaints.add_remedy")
    return _remedy_create(_locked_case(case, actor), kind=kind, amount=amount, description=description, actor=actor)


def _remedy_create(found: ComplaintCase, *, kind: str, amount: Decimal, description: str, actor) -> Remedy:
    if kind not in Remedy.Kind.values:
        raise ValidationError({"kind": _("Pick a remedy.")})
    if amount < 0:
        raise ValidationError({"amount": _("The value cannot be negative.")})
    needs = rules.needs_approval(
        amount=amount, limit=authority_of(actor), kind_rank=rank_for(kind), proposer_rank=rank_of(actor)
    )
    return Remedy.objects.create(
        case=found,
        kind=kind,
        amount=amount,
        description=description.strip(),
        status=Remedy.Status.AWAITING_APPROVAL if needs else Remedy.Status.PROPOSED,
        proposed_by=actor,
    )


@transaction.atomic
def remedy_decide(*, remedy: Remedy, approve: bool, note: str = "", actor) -> Remedy:
    """A supervisor approves or rejects a remedy above the handler's authority; above the
    supervisor's own authority only headquarters decides."""
    require_permission(actor, "complaints.change_remedy")
    found = (
        Remedy.objects.select_for_update()
        .select_related("case")
        .filter(pk=remedy.pk, case__outlet__in=visible_outlets(actor))
        .first()
    )
    if found is None:
        raise PermissionDenied(_("This complaint is not in your outlets."))
    if found.status != Remedy.Status.AWAITING_APPROVAL:
        raise ValidationError(_("This remedy is not waiting for approval."))
    if found.proposed_by_id == actor.pk:
        raise PermissionDenied(_("Someone else must decide on your own request."))
    if approve and not rules.may_approve(
        amount=found.amount, limit=authority_of(actor), kind_rank=rank_for(found.kind), approver_rank=rank_of(actor)
    ):
        raise PermissionDenied(_("Above your authority: headquarters decides."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the remedy is rejected.")})
    REMEDY.move(found, "approve" if approve else "reject", reason=note)
    found.decided_by, found.decided_at, found.decision_note = actor, timezone.now(), note.strip()
    found.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return found


def compensate_home_damage(*, appointment, report, actor, **kwargs) -> None:
    """Subscriber of `dispatch.signals.home_damage_recorded`: damage the engineer caused in the home is
    compensated at its price (照价赔偿). The engineer never promises compensation: the agreed amount is
    a compensation remedy on a case of the order (opened once, owned by a supervisor), waiting for
    approval by rank like any other."""
    order = appointment.work_order
    case = (
        ComplaintCase.objects.select_for_update()
        .filter(work_order=order, category=ComplaintCase.Category.HOME_DAMAGE)
        .exclude(status=ComplaintCase.Status.CLOSED)
        .first()
    )
    if case is None:
        case = _case_create(
            outlet=order.outlet,
            customer=order.customer,
            work_order=order,
            category=ComplaintCase.Category.HOME_DAMAGE,
            severity=Severity.MEDIUM,
            description=report.home_damage,
            request=_("Compensation at its price: ¥%(amount)s") % {"amount": report.home_damage_compensation},
            actor=actor,
        )
    _remedy_create(
        case,
        kind=Remedy.Kind.MONEY,
        amount=report.home_damage_compensation,
        description=report.home_damage,
        actor=actor,
    )


SWAP_REMEDIES = {Remedy.Kind.EXCHANGE: work_order_exchange, Remedy.Kind.RETURN: work_order_return}


@transaction.atomic
def remedy_carry_out(*, remedy: Remedy, actor, **details):
    """Carry out an approved return or exchange remedy on the case's order, outside what 三包 grants: the
    order's return/exchange service does it, with the approval named as its ground."""
    found = (
        Remedy.objects.select_for_update(of=("self",))
        .select_related("case", "decided_by", "proposed_by")
        .filter(pk=remedy.pk, case__outlet__in=visible_outlets(actor))
        .first()
    )
    if found is None:
        raise PermissionDenied(_("This complaint is not in your outlets."))
    # Approved, or proposed by someone of the rank that grants it (it then stands).
    granted = found.status in (Remedy.Status.APPROVED, Remedy.Status.PROPOSED)
    if found.kind not in SWAP_REMEDIES or not granted:
        raise ValidationError(_("Only an approved return or exchange remedy is carried out here."))
    order = WorkOrder.objects.filter(pk=found.case.work_order_id).first()
    if order is None:
        raise ValidationError(_("The complaint names no work order to carry the remedy out on."))
    ground = _("Complaint %(case)s: %(remedy)s approved by %(who)s on %(day)s") % {
        "case": found.case_id,
        "remedy": found.get_kind_display(),
        "who": found.decided_by or found.proposed_by,
        "day": timezone.localdate(found.decided_at or found.proposed_at),
    }
    swap = SWAP_REMEDIES[found.kind](work_order=order, remedy=ground, actor=actor, **details)
    carried_out = _("Remedy carried out: slip %(number)s.") % {"number": swap.number}
    events.case_noted(found.case, actor=actor, notes=carried_out)
    return swap


@transaction.atomic
def customer_flag_bad_faith(*, customer, reason: str, actor) -> BadFaithFlag:
    """Only a supervisor sets the bottom line on a customer, with the reason; it shows on every case."""
    require_permission(actor, "complaints.flag_bad_faith")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    if BadFaithFlag.objects.filter(customer=customer, active=True).exists():
        raise ValidationError(_("The customer is flagged already."))
    return BadFaithFlag.objects.create(customer=customer, reason=reason.strip(), set_by=actor)
