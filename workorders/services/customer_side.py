"""What the customer answers from the tracking page (portal) about the order itself: the quote.

No staff account acts here: the order's tracking token is the customer's key (checked by the page), the
timeline says it was the customer, and the audit trail records no user. A page opened before the quote or
the order changed applies nothing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.errors import ConflictError
from core.words import said
from workorders.lifecycle import TRANSITIONS, Status
from workorders.models import WorkOrder
from workorders.services._common import SIGNATURE_LIMIT, SIGNATURE_PREFIX
from workorders.services.lifecycle import _move


@transaction.atomic
def quote_answered_by_customer(
    *, order: WorkOrder, version: int, approve: bool, signature: str = "", reason: str = ""
) -> WorkOrder:
    """The customer approves the quote with a signature drawn on the screen (the repair may then start, as
    when the counter records the approval), or declines it (the order closes, as at the counter)."""
    found = WorkOrder.objects.select_for_update().select_related("outlet", "product", "customer").get(pk=order.pk)
    if found.status != Status.AWAITING_APPROVAL or found.version != version:
        raise ConflictError(_("The quote has changed since this page was opened: here it is as it is now."))
    total = found.quote_total
    if approve:
        if not signature.startswith(SIGNATURE_PREFIX):
            raise ValidationError({"signature": _("Sign in the box to approve the quote.")})
        if len(signature) > SIGNATURE_LIMIT:
            raise ValidationError({"signature": _("The signature image is too large.")})
        found.quote_signature = signature
        found.save(update_fields=["quote_signature"])
        text = said(
            gettext_noop("The customer approved the quote of ¥%(total)s on the tracking page, signed on the screen."),
            total=total,
        )
        return _move(found, TRANSITIONS["approve_quote"], current=Status.AWAITING_APPROVAL, actor=None, text=text)
    reason = reason.strip()[:500]
    if reason:
        text = said(
            gettext_noop("The customer declined the quote of ¥%(total)s on the tracking page: %(reason)s"),
            total=total,
            reason=reason,
        )
    else:
        text = said(gettext_noop("The customer declined the quote of ¥%(total)s on the tracking page."), total=total)
    return _move(found, TRANSITIONS["decline_quote"], current=Status.AWAITING_APPROVAL, actor=None, text=text)
