"""Scorecards: the same measures per engineer and per clerk."""

from django.db.models import (
    Count,
    Q,
    Sum,
)
from django.utils.translation import gettext_lazy as _

from complaints.models import ComplaintCase, Feedback
from core.models import User
from dispatch.models import Appointment, AppointmentChange
from followups.selectors import measures as callback_measures
from kpis.selectors.base import (
    Column,
    Scope,
    Section,
    _cases_opened,
    _feedback,
    _grouped,
    _merge,
    _orders_received,
    _pct,
    _ratio,
    _signed_off,
    _visits,
)


def _people_rows(grouped: dict, names: dict, derive) -> tuple[list[dict], dict]:
    rows = [derive({"person": names.get(pk, "?"), **values}) for pk, values in grouped.items() if pk is not None]
    rows.sort(key=lambda row: row["person"])
    total: dict = {}
    for row in rows:
        for key, value in row.items():
            if key != "person" and (value is None or isinstance(value, int)):  # counts and sums, not rates
                total[key] = total.get(key, 0) + (value or 0)
    return rows, (derive({"person": str(_("All")), **total}) if rows else {})


def _names(ids) -> dict:
    return {
        pk: name or username
        for pk, name, username in User.objects.filter(pk__in=ids).values_list("pk", "name", "username")
    }


def engineers(scope: Scope) -> Section:
    """Per engineer: visits, arrivals on time, no-shows, sign-off ratings, unsigned records, pull-backs,
    praise (three grouped queries and one for the names)."""
    visits = _visits(scope)
    arrived = Q(arrived_at__isnull=False)
    by_visit = _grouped(
        visits,
        "engineer",
        # distinct: the join with the changes repeats an appointment once per change
        visits=Count("id", filter=arrived, distinct=True),
        on_time=Count("id", filter=arrived & Q(late_minutes=0), distinct=True),
        no_show=Count("id", filter=Q(status=Appointment.Status.NO_SHOW), distinct=True),
        reschedules=Count("changes", filter=Q(changes__kind=AppointmentChange.Kind.RESCHEDULE), distinct=True),
    )
    reports = _grouped(
        _signed_off(scope),
        "appointment__engineer",
        sign_offs=Count("id"),
        rated=Count("rating_quality"),
        quality_sum=Sum("rating_quality"),
        attitude_sum=Sum("rating_attitude"),
        not_signed=Count("id", filter=Q(signature="")),
        pulled_back=Count("id", filter=Q(pulled_back=True)),
    )
    praise = _grouped(
        _feedback(scope, type=Feedback.Type.PRAISE).filter(praised_staff__in=visits.values("engineer")),
        "praised_staff",
        praise=Count("id"),
    )
    defaults = {
        "visits": 0,
        "on_time": 0,
        "no_show": 0,
        "reschedules": 0,
        "sign_offs": 0,
        "rated": 0,
        "quality_sum": 0,
        "attitude_sum": 0,
        "not_signed": 0,
        "pulled_back": 0,
        "praise": 0,
    }
    grouped = _merge(by_visit, reports, praise, defaults=defaults)

    def derive(row):
        row["on_time_pct"] = _pct(row["on_time"], row["visits"])
        row["quality"] = _ratio(row["quality_sum"] or 0, row["rated"], 2)
        row["attitude"] = _ratio(row["attitude_sum"] or 0, row["rated"], 2)
        return row

    rows, total = _people_rows(grouped, _names(grouped), derive)
    return Section(
        key="engineers",
        title=str(_("Engineer scorecards")),
        definition=str(_("Each field engineer's visits in the period (appointments starting in it) and sign-offs.")),
        figures=[],
        columns=[
            Column("person", str(_("Engineer"))),
            Column("visits", str(_("Visits"))),
            Column("on_time_pct", str(_("On time")), "%"),
            Column("no_show", str(_("Not home"))),
            Column("reschedules", str(_("Reschedules"))),
            Column("sign_offs", str(_("Sign-offs"))),
            Column("quality", str(_("Repair quality"))),
            Column("attitude", str(_("Service attitude"))),
            Column("not_signed", str(_("Not signed"))),
            Column("pulled_back", str(_("Pulled back"))),
            Column("praise", str(_("Praise"))),
        ],
        rows=rows,
        total=total or None,
        chart={"column": "attitude", "label": "person"},
    )


def clerks(scope: Scope) -> Section:
    """Per clerk: orders taken in, callbacks made and on time, complaint cases handled and closed, praise."""
    received_orders = _grouped(_orders_received(scope), "created_by", orders=Count("id"))
    calls = callback_measures(outlets=scope.outlets, since=scope.since, until=scope.until)["by_clerk_id"]
    cases = _grouped(
        _cases_opened(scope),
        "handler",
        cases=Count("id"),
        cases_closed=Count("id", filter=Q(status=ComplaintCase.Status.CLOSED)),
    )
    praise = _grouped(_feedback(scope, type=Feedback.Type.PRAISE), "praised_staff", praise=Count("id"))
    people = set(received_orders) | set(calls) | set(cases)
    praise = {pk: values for pk, values in praise.items() if pk in people}
    defaults = {"orders": 0, "callbacks": 0, "callbacks_on_time": 0, "cases": 0, "cases_closed": 0, "praise": 0}
    grouped = _merge(received_orders, calls, cases, praise, defaults=defaults)
    staff = _names(grouped)

    def derive(row):
        row["callbacks_on_time_pct"] = _pct(row["callbacks_on_time"], row["callbacks"])
        return row

    rows, total = _people_rows(grouped, staff, derive)
    return Section(
        key="clerks",
        title=str(_("Clerk scorecards")),
        definition=str(_("Orders taken in, callbacks completed (and called on time), complaint cases handled.")),
        figures=[],
        columns=[
            Column("person", str(_("Staff member"))),
            Column("orders", str(_("Orders received"))),
            Column("callbacks", str(_("Callbacks completed"))),
            Column("callbacks_on_time_pct", str(_("Called on time")), "%"),
            Column("cases", str(_("Complaint cases"))),
            Column("cases_closed", str(_("Closed"))),
            Column("praise", str(_("Praise"))),
        ],
        rows=rows,
        total=total or None,
        chart={"column": "orders", "label": "person"},
    )


SCORECARDS = {"engineers": engineers, "clerks": clerks}
