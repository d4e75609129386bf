"""What every subject module of dispatch.services shares."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils import formats, timezone

from core.scoping import visible_outlets
from dispatch.models import Appointment

LIVE = Appointment.LIVE  # the statuses that occupy an engineer's time


def _when(value: datetime) -> str:
    """A time as messages and notes show it, in the business time zone."""
    return formats.date_format(timezone.localtime(value), "Y-m-d H:i")


def _locked_in_outlets(rows, pk: int, actor, *, refusal: str):
    """The row `pk` of `rows`, locked for this transaction, if it belongs to one of the actor's outlets;
    otherwise PermissionDenied with `refusal`."""
    found = rows.select_for_update().filter(pk=pk, outlet__in=visible_outlets(actor)).first()
    if found is None:
        raise PermissionDenied(refusal)
    return found
