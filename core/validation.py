"""Validation the apps share: model values without queries, plausible dates."""

from datetime import date, datetime

from django.core.exceptions import BadRequest, ValidationError
from django.db import models
from django.utils.translation import gettext as _


def validate_values(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> None:
    """`full_clean()` without its queries: each field's own rules (choices, lengths, required) and
    the model's `clean()`.

    Left to the database: relations (a service sets them from rows it has loaded, and foreign keys
    refuse any other), unique fields and constraints. full_clean() asks the database about each of
    these in a query of its own, a dozen queries for one work order.
    """
    relations = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    instance.full_clean(exclude=[*relations, *exclude], validate_unique=False, validate_constraints=False)


# The days a person can mean in this business: no product, order or report predates 1980, and nothing is
# planned past 2099. Outside them a date is a typo or a probe, and arithmetic on it (a week after
# 9999-12-31, a time zone in year 342) would fail or give nonsense.
EARLIEST_DAY = date(1980, 1, 1)
LATEST_DAY = date(2099, 12, 31)


def plausible_day(value: date | datetime) -> None:
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_range",
            params={"earliest": EARLIEST_DAY.isoformat(), "latest": LATEST_DAY.isoformat()},
        )


def parse_day(text: str | None) -> date | None:
    """A day from a query parameter (YYYY-MM-DD); None when there is none. A day that is not one, or not
    plausible, is the client's mistake: BadRequest (400, with the reason)."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BadRequest(_("Write the day as YYYY-MM-DD.")) from None
    try:
        plausible_day(day)
    except ValidationError as refusal:
        raise BadRequest(refusal.messages[0]) from None
    return day
