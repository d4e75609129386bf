"""Loaner units (周转机)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import require_permission
from core.scoping import in_scope
from dispatch.lifecycle import LOANER
from dispatch.models import LoanerUnit
from dispatch.services._common import _locked_in_outlets
from workorders.models import WorkOrder


def _locked_loaner(loaner: LoanerUnit, actor) -> LoanerUnit:
    return _locked_in_outlets(
        LoanerUnit.objects, loaner.pk, actor, refusal=_("This loaner unit is not in your outlets.")
    )


@transaction.atomic
def loaner_register(*, outlet, serial: str, description: str, category=None, actor) -> LoanerUnit:
    require_permission(actor, "dispatch.add_loanerunit")
    if not in_scope(actor, outlet.pk):
        raise PermissionDenied(_("This outlet is not one of yours."))
    loaner = LoanerUnit(outlet=outlet, serial=serial.strip(), description=description.strip(), category=category)
    loaner.full_clean()
    loaner._history_user = actor
    loaner.save()
    return loaner


@transaction.atomic
def loaner_lend(*, loaner: LoanerUnit, work_order: WorkOrder, due_back, actor) -> LoanerUnit:
    """Leave a loaner with the customer of an order until an agreed date."""
    require_permission(actor, "dispatch.change_loanerunit")
    found = _locked_loaner(loaner, actor)
    if found.status != LoanerUnit.Status.AVAILABLE:
        raise ValidationError({"loaner": _("Loaner %(serial)s is not available.") % {"serial": found.serial}})
    if found.outlet_id != work_order.outlet_id:
        raise ValidationError({"loaner": _("The loaner belongs to another outlet.")})
    if due_back is None or due_back < timezone.localdate():
        raise ValidationError({"due_back": _("Agree a return date from today on.")})
    LOANER.move(found, "lend")
    found.work_order, found.lent_at, found.due_back = work_order, timezone.now(), due_back
    found._history_user = actor
    found.save()
    return found


@transaction.atomic
def loaner_return(*, loaner: LoanerUnit, actor) -> LoanerUnit:
    """The loaner is back at the outlet."""
    require_permission(actor, "dispatch.change_loanerunit")
    found = _locked_loaner(loaner, actor)
    if found.status != LoanerUnit.Status.OUT:
        raise ValidationError({"loaner": _("Loaner %(serial)s is not out.") % {"serial": found.serial}})
    LOANER.move(found, "take_back")
    found.work_order, found.lent_at, found.due_back = None, None, None
    found._history_user = actor
    found.save()
    return found


@transaction.atomic
def loaner_set_in_repair(*, loaner: LoanerUnit, in_repair: bool, actor) -> LoanerUnit:
    """A faulty loaner goes to the bench (not lent meanwhile) and comes back available."""
    require_permission(actor, "dispatch.change_loanerunit")
    found = _locked_loaner(loaner, actor)
    wanted_from = LoanerUnit.Status.AVAILABLE if in_repair else LoanerUnit.Status.IN_REPAIR
    if found.status != wanted_from:
        raise ValidationError(
            {
                "loaner": _("Loaner %(serial)s is “%(status)s”.")
                % {"serial": found.serial, "status": found.get_status_display()}
            }
        )
    LOANER.move(found, "to_repair" if in_repair else "repaired")
    found._history_user = actor
    found.save(update_fields=["status"])
    return found
