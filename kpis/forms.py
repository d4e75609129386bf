import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, StyledForm
from core.models import ServiceCentre
from core.scoping import visible_outlets
from kpis.selectors import Scope
from workorders.models import ProductCategory

PERIODS = [
    ("this_month", _("This month")),
    ("last_month", _("Last month")),
    ("this_quarter", _("This quarter")),
    ("last_quarter", _("Last quarter")),
    ("custom", _("From – until")),
]


def period_dates(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of a named period around `today`."""
    month_start = today.replace(day=1)
    quarter_start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    if period == "last_month":
        end = month_start - dt.timedelta(days=1)
        return end.replace(day=1), end
    if period == "this_quarter":
        return quarter_start, today
    if period == "last_quarter":
        end = quarter_start - dt.timedelta(days=1)
        return end.replace(month=3 * ((end.month - 1) // 3) + 1, day=1), end
    return month_start, today


class KpiFilterForm(StyledForm):
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, initial="this_month", required=False)
    start = DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    centre = forms.ModelChoiceField(label=_("Service centre"), queryset=None, required=False)
    outlet = forms.ModelChoiceField(label=_("Outlet"), queryset=None, required=False)
    category = forms.ModelChoiceField(label=_("Product category"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        outlets = visible_outlets(user)
        self.fields["outlet"].queryset = outlets.order_by("code")
        self.fields["centre"].queryset = ServiceCentre.objects.filter(outlets__in=outlets.values("pk")).distinct()
        self.fields["category"].queryset = ProductCategory.objects.order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom":
            start, end = data.get("start"), data.get("end")
            if start is None:
                self.add_error("start", _("Give the first day."))
            if end is None:
                self.add_error("end", _("Give the last day."))
            if start and end and end < start:
                self.add_error("end", _("The last day is before the first."))
        return data

    def scope(self) -> Scope:
        """The outlets (yours, narrowed by centre or outlet), the period in Asia/Shanghai days, the category."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        period = data.get("period") or "this_month"
        if period == "custom":
            first, last = data["start"], data["end"]
        else:
            first, last = period_dates(period, timezone.localdate())
        outlets = visible_outlets(self.user)
        if data.get("centre"):
            outlets = outlets.filter(centre=data["centre"])
        if data.get("outlet"):
            outlets = outlets.filter(pk=data["outlet"].pk)
        tz = timezone.get_default_timezone()
        return Scope(
            outlets=outlets,
            since=dt.datetime.combine(first, dt.time(), tzinfo=tz),
            until=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz),
            category_id=data["category"].pk if data.get("category") else None,
        )
