"""What every subject module of dispatch.services shares."""

from datetime import datetime

from django.utils import formats, timezone

from dispatch.models import Appointment

LIVE = Appointment.LIVE  # the statuses that occupy an engineer's time


def _when(value: datetime) -> str:
    """A time as messages and notes show it, in the business time zone."""
    return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
