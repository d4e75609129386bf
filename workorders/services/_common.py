"""What every subject module of workorders.services shares."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber

from core.models import Outlet
from core.roles import Role
from core.scoping import in_scope, scope
from workorders.models import WorkOrder

OVERRIDE_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def _require_outlet(actor, outlet: Outlet) -> None:
    if not in_scope(actor, outlet.pk):
        raise PermissionDenied(_("This outlet is not one of yours."))


def _phones(raw_numbers) -> list[PhoneNumber]:
    phones, bad = [], []
    for raw in raw_numbers:
        raw = str(raw).strip()
        if not raw:
            continue
        number = PhoneNumber.from_string(raw, region="CN") if not isinstance(raw, PhoneNumber) else raw
        (phones if number.is_valid() else bad).append(number)
    if bad:
        raise ValidationError(
            {"phones": _("Not a valid phone number: %(numbers)s") % {"numbers": ", ".join(map(str, bad))}}
        )
    return phones


def _locked_in_scope(work_order: WorkOrder, actor) -> WorkOrder:
    order = scope(WorkOrder.objects.select_for_update(), actor).filter(pk=work_order.pk).first()
    if order is None:
        raise PermissionDenied(_("This work order is not in your outlets."))
    return order


SIGNATURE_PREFIX = "data:image/png;base64,"  # the on-screen signature pad's PNG
SIGNATURE_LIMIT = 200_000


def _check_signature(signature: str, signature_refused: bool, errors: dict) -> None:
    """The customer signed on the screen, or refused to (recorded, never forced)."""
    if not signature_refused and not signature.startswith(SIGNATURE_PREFIX):
        errors["signature"] = _("The customer signs on the screen (or record that they refused).")
    elif len(signature) > SIGNATURE_LIMIT:
        errors["signature"] = _("The signature image is too large.")
