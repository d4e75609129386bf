import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, SearchSelect, StyledForm, sees_many_outlets
from core.models import User
from core.scoping import visible_outlets
from dispatch import selectors, services
from dispatch.models import CHECKLIST, Appointment, LoanerUnit, Part, PartStock, StockPlace, VisitReport
from warranty.forms import CardPricesField, PartRowsField, card_price_rows, part_rows
from workorders.models import Payment, ProductCategory, WorkOrder

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M")


def _engineer_choices(user, outlet):
    return User.objects.filter(pk__in=selectors.engineers(user=user, outlet=outlet).values("user_id")).order_by("name")


class WindowForm(StyledForm):
    """A day and a from-until time, read as an aware window in the local time zone."""

    day = DateField(label=_("Day"), widget=DATE)
    start = forms.TimeField(label=_("From"), widget=TIME)
    end = forms.TimeField(label=_("Until"), widget=TIME)

    def clean(self):
        data = super().clean()
        if all(data.get(f) for f in ("day", "start", "end")):
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(data["day"], data["start"]))
            data["ends_at"] = timezone.make_aware(dt.datetime.combine(data["day"], data["end"]))
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end", _("The window must end after it starts."))
        return data


class BookingForm(WindowForm):
    engineer = forms.ModelChoiceField(label=_("Engineer"), queryset=User.objects.none())

    field_order = ["engineer", "day", "start", "end"]

    def __init__(self, *args, user, order: WorkOrder, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = _engineer_choices(user, order.outlet)


class ChangeForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=500)
    customer_agreed = forms.BooleanField(label=_("The customer agreed"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class RescheduleForm(WindowForm, ChangeForm):
    field_order = ["day", "start", "end", "reason", "customer_agreed"]


class ReassignForm(ChangeForm):
    engineer = forms.ModelChoiceField(label=_("New engineer"), queryset=User.objects.none())

    field_order = ["engineer", "reason", "customer_agreed"]

    def __init__(self, *args, user, appointment: Appointment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = _engineer_choices(user, appointment.work_order.outlet).exclude(
            pk=appointment.engineer_id
        )


class UnbookForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class EngineerProfileForm(StyledForm):
    skills = forms.ModelMultipleChoiceField(
        label=_("Product skills"),
        queryset=ProductCategory.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    service_types = forms.MultipleChoiceField(
        label=_("Service types"),
        choices=WorkOrder.ServiceType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    work_start = forms.TimeField(label=_("Working hours from"), widget=TIME)
    work_end = forms.TimeField(label=_("Working hours until"), widget=TIME)
    days_off = forms.TypedMultipleChoiceField(
        label=_("Days off"), choices=WEEKDAYS, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    daily_capacity = forms.IntegerField(label=_("Jobs per day"), min_value=1, max_value=50)
    base_area = forms.CharField(label=_("Base area"), max_length=100, required=False)
    active = forms.BooleanField(label=_("Active"), required=False)


# --- The engineer's visit page -----------------------------------------------------------------


class ConfirmForm(StyledForm):
    confirmation = forms.ChoiceField(
        label=_("Outcome of the call"), choices=Appointment.Confirmation.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("What the customer said"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(StyledForm):
    travel_minutes = forms.IntegerField(label=_("Travel time (minutes)"), min_value=1, max_value=600)


class ReassignRequestForm(StyledForm):
    reason = forms.CharField(label=_("Why another engineer should go"), max_length=500)


class TakeLoanerForm(StyledForm):
    loaner = forms.ModelChoiceField(label=_("Loaner to take along"), queryset=None, required=False)

    def __init__(self, *args, outlet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaner"].queryset = LoanerUnit.objects.filter(outlet=outlet, status=LoanerUnit.Status.AVAILABLE)


class LendForm(StyledForm):
    """A loaner for the customer of an order whose repair waits (the legal clocks panel)."""

    loaner = forms.ModelChoiceField(label=_("Loaner"), queryset=None)
    due_back = DateField(label=_("Due back"), widget=DATE)

    def __init__(self, *args, outlet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaner"].queryset = LoanerUnit.objects.filter(outlet=outlet, status=LoanerUnit.Status.AVAILABLE)


class LatenessForm(StyledForm):
    apology_made = forms.BooleanField(label=_("Apologised to the customer"), required=False)
    gift_given = forms.BooleanField(label=_("Gave a small gift (over 15 minutes late)"), required=False)
    another_time = forms.BooleanField(
        label=_("The customer is in a hurry and takes another time (back to dispatch)"), required=False
    )
    customer_refused = forms.BooleanField(label=_("The customer still refuses the service"), required=False)
    note = forms.CharField(label=_("What the customer said"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PhoneGuidanceForm(StyledForm):
    advice = forms.CharField(label=_("Guidance given"), widget=forms.Textarea(attrs={"rows": 2}))


class LateCallForm(StyledForm):
    """Nothing to fill in: the button records the call."""


class NoShowForm(StyledForm):
    note_left = forms.BooleanField(label=_("Note left at the door"), required=False)
    centre_informed = forms.BooleanField(label=_("Centre informed"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(StyledForm):
    proof = forms.ChoiceField(
        label=_("Proof of purchase"), choices=[("", "—"), *VisitReport.Proof.choices], required=False
    )
    parts_complete = forms.BooleanField(label=_("Parts complete and untampered"), required=False, initial=True)
    tamper_note = forms.CharField(
        label=_("Missing parts or tampering found"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    tamper_acknowledged = forms.BooleanField(label=_("The customer acknowledged the finding"), required=False)
    diagnosis = forms.CharField(label=_("Diagnosis"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    human_damage = forms.BooleanField(label=_("Human damage found (not covered by the warranty)"), required=False)
    human_damage_acknowledged = forms.BooleanField(label=_("The customer acknowledged the damage"), required=False)
    parts_used = PartRowsField(
        label=_("Parts used"), parts=lambda: list(Part.objects.filter(active=True).order_by("name"))
    )
    card_prices = CardPricesField()
    home_damage = forms.CharField(
        label=_("Damage caused in the home (floor, furniture, product)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Compensated at its price; the centre approves the amount. Never promise more."),
    )
    home_damage_compensation = forms.DecimalField(
        label=_("Compensation agreed (¥)"), min_value=0, max_digits=10, decimal_places=2, required=False
    )
    fee_consent = forms.BooleanField(
        label=_("Fee schedule shown; the customer agreed to the charges before the work"), required=False
    )
    # The total on the page when consent was ticked: charges that change on saving need consent again.
    consent_total = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=10, decimal_places=2)
    actions = forms.CharField(label=_("Actions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    distance_km = forms.IntegerField(
        label=_("Distance from the outlet (km, one way)"), min_value=0, max_value=2000, required=False
    )
    test_run_result = forms.CharField(
        label=_("Test run and full inspection"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    no_test_run = forms.BooleanField(
        label=_("No time for a test run: the customer gets a callback in 2 hours"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in CHECKLIST.items():
            self.fields[f"check_{code}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"check_{code}"].widget.attrs["class"] = "form-check-input"
            if code != "test_run":  # the test run is answered by its result or "no time for a test run"
                self.fields[f"why_{code}"] = forms.CharField(
                    label=_("Not done: why (%(item)s)") % {"item": label}, required=False, max_length=200
                )
                self.fields[f"why_{code}"].widget.attrs.update(
                    {"placeholder": _("Not done? Why (e.g. not applicable)"), "class": "form-control form-control-sm"}
                )

    def checklist_rows(self) -> list[tuple]:
        """(done checkbox, reason field or the no-test-run checkbox) per checklist item, in order."""
        return [
            (self[f"check_{code}"], self["no_test_run"] if code == "test_run" else self[f"why_{code}"])
            for code in CHECKLIST
        ]

    @classmethod
    def initial_from(cls, report: VisitReport | None, quote_total=None) -> dict:
        """The saved report, and the charges on the page as the total a consent ticked now agrees to."""
        if report is None:
            return {"parts_complete": True, "consent_total": quote_total}
        initial = {f: getattr(report, f) for f in cls.base_fields if f not in ("parts_used", "consent_total")}
        initial["consent_total"] = quote_total
        initial["parts_used"] = part_rows(report.parts_used)
        initial["card_prices"] = card_price_rows(report.card_prices)
        initial |= {f"check_{code}": done for code, done in report.checklist.items()}
        initial |= {f"why_{code}": reason for code, reason in report.checklist_not_done.items()}
        return initial

    def clean_parts_used(self):
        return [{"code": code, "quantity": quantity} for code, quantity in self.cleaned_data["parts_used"]]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["checklist"] = {code: data.pop(f"check_{code}") for code in CHECKLIST}
        data["checklist_not_done"] = {code: data.pop(f"why_{code}") for code in CHECKLIST if f"why_{code}" in data}
        return data


class SignOffForm(StyledForm):
    satisfied = forms.TypedChoiceField(
        label=_("Is the customer satisfied?"),
        choices=[("yes", _("Satisfied")), ("no", _("Not satisfied: another visit is needed"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    rating_quality = forms.TypedChoiceField(
        label=_("Repair quality"),
        choices=[("", "—")] + [(i, i) for i in range(5, 0, -1)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    rating_attitude = forms.TypedChoiceField(
        label=_("Service attitude"),
        choices=[("", "—")] + [(i, i) for i in range(5, 0, -1)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    comment = forms.CharField(label=_("Customer's comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    signature = forms.CharField(required=False, widget=forms.HiddenInput)
    signature_refused_reason = forms.CharField(label=_("The customer did not sign, because"), required=False)
    payment_method = forms.ChoiceField(
        label=_("Payment method"), choices=[("", "—"), *Payment.Method.choices], required=False
    )
    bill_later = forms.BooleanField(label=_("Bill the charges later"), required=False)


class RequisitionForm(StyledForm):
    part = forms.ModelChoiceField(label=_("Spare part"), queryset=Part.objects.filter(active=True))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=99, initial=1)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PlaceField(forms.ChoiceField):
    """A stock place named by its key (``outlet-<id>``…), offered among the user's places (or searched as
    typed, for people who see many); the form turns it into the place in `clean_<name>` with the user's
    scope checked again, so any well-formed key may come in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=(), **kwargs)

    def valid_value(self, value) -> bool:
        level, _sep, owner = str(value).partition("-")
        return level in StockPlace.Level.values and owner.isdigit()


class _StockForm(StyledForm):
    """Forms that name stock places: their choices are the user's places (one set of queries)."""

    place_fields: tuple[str, ...] = ()

    def __init__(self, *args, user, places=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if sees_many_outlets(user):  # a network's 1,200 places: searched as typed, the one picked carried
            for name in self.place_fields:
                self.fields[name].widget = SearchSelect(reverse_lazy("stock-place-options"), {"class": "form-select"})
                self.fields[name].choices = [("", "---------"), *self._picked(name)]
            return
        choices = places if places is not None else selectors.place_choices(user)
        for name in self.place_fields:
            self.fields[name].choices = [("", "---------"), *choices]

    def _picked(self, name: str) -> list[tuple[str, str]]:
        key = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
        try:
            return [(key, str(services.place_for_key(key, self.user)))] if key else []
        except ValidationError:
            return []

    def _place(self, name: str):
        return services.place_for_key(self.cleaned_data[name], self.user)

    def clean_place(self):
        return self._place("place")

    def clean_source(self):
        return self._place("source")

    def clean_destination(self):
        return self._place("destination")


class StockReceiveForm(_StockForm):
    place_fields = ("place",)
    place = PlaceField(label=_("Delivered to"))
    part = forms.ModelChoiceField(label=_("Spare part"), queryset=Part.objects.filter(active=True))
    quantity = forms.IntegerField(label=_("Quantity received"), min_value=1, max_value=10000)
    note = forms.CharField(label=_("Delivery note"), max_length=200, required=False)


class ReorderPointForm(StyledForm):
    outlet = forms.ModelChoiceField(label=_("Outlet"), queryset=None)
    part = forms.ModelChoiceField(label=_("Spare part"), queryset=Part.objects.filter(active=True))
    reorder_point = forms.IntegerField(
        label=_("Reorder point"), min_value=0, max_value=10000, help_text=_("0: never reorder.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outlet"].queryset = visible_outlets(user).order_by("code")


class TransferRequestForm(_StockForm):
    place_fields = ("source", "destination")
    source = PlaceField(label=_("Ship from"))
    destination = PlaceField(label=_("Ship to"))
    part = forms.ModelChoiceField(label=_("Spare part"), queryset=Part.objects.filter(active=True))
    bin = forms.ChoiceField(label=_("Bin"), choices=PartStock.Bin.choices, initial=PartStock.Bin.GOOD)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=10000)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class StockCountForm(StyledForm):
    counted = forms.IntegerField(label=_("Counted"), min_value=0, max_value=100000)
    note = forms.CharField(label=_("Why it differs"), max_length=200)


class LoanerForm(StyledForm):
    outlet = forms.ModelChoiceField(label=_("Outlet"), queryset=None)
    serial = forms.CharField(label=_("Serial / barcode / IMEI"), max_length=64)
    description = forms.CharField(label=_("Description"), max_length=100)
    category = forms.ModelChoiceField(label=_("Category"), queryset=ProductCategory.objects.all(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outlet"].queryset = visible_outlets(user).order_by("code")


class PullBackForm(StyledForm):
    condition = forms.CharField(label=_("Condition of the product taken"), widget=forms.Textarea(attrs={"rows": 2}))
    accessories = forms.CharField(label=_("Accessories taken"), required=False)
    return_date = DateField(label=_("Agreed return date"), widget=DATE)
    loaner = forms.ModelChoiceField(label=_("Loaner left with the customer"), queryset=None, required=False)
    signature = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, outlet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaner"].queryset = LoanerUnit.objects.filter(outlet=outlet, status=LoanerUnit.Status.AVAILABLE)
