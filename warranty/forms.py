import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, ItemRowsField, StyledForm
from core.models import in_reader_language
from warranty.engine import WHOLE_UNIT, FaultType
from warranty.models import NO_PROOF_CHOICES, SERVICE_TYPE_CHOICES, WarrantyPolicy
from warranty.selectors import category_choices, part_codes_by_name, parts_in_force

FAULT_TYPE_CHOICES = [
    (FaultType.PERFORMANCE.value, _("Performance fault")),
    (FaultType.HUMAN_DAMAGE.value, _("Human or water damage, unauthorised repair")),
    (FaultType.NO_FAULT.value, _("No fault found")),
]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # the HTML date input wants ISO


class WarrantyCheckForm(StyledForm):
    """The front desk's manual 三包 check: the same inputs as the API."""

    policy = forms.ChoiceField(label=_("Policy"))
    purchase_date = DateField(label=_("Purchase date"), required=False, widget=DATE)
    has_proof = forms.BooleanField(
        label=_("Proof of purchase (invoice or warranty card)"), required=False, initial=True
    )
    production_date = DateField(label=_("Production date from the serial/IMEI"), required=False, widget=DATE)
    fault_date = DateField(label=_("Fault reported on"), widget=DATE)
    fault_type = forms.ChoiceField(label=_("Fault type"), choices=FAULT_TYPE_CHOICES)
    component = forms.SlugField(
        label=_("Component"), initial=WHOLE_UNIT, help_text=_("whole, battery, compressor, ...")
    )
    prior_repairs = forms.IntegerField(label=_("Repairs so far in the period"), min_value=0, max_value=99, initial=0)
    parts_wait_days = forms.IntegerField(label=_("Days waited for parts"), min_value=0, max_value=3650, initial=0)
    repairer_days = forms.IntegerField(label=_("Days of repairer's own delay"), min_value=0, max_value=3650, initial=0)
    last_repair_date = DateField(label=_("Last repair completed on"), required=False, widget=DATE)
    replacement_date = DateField(label=_("Exchanged on"), required=False, widget=DATE)
    price = forms.DecimalField(label=_("Price paid"), required=False, min_value=0, max_digits=12, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy"].choices = [
            (p.code, str(p)) for p in WarrantyPolicy.objects.filter(is_active=True).order_by("code")
        ]


class FeeScheduleForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("Name in English"), max_length=100, required=False)
    effective_from = DateField(label=_("Effective from"), widget=DATE)
    visit_fee = forms.DecimalField(label=_("On-site visit fee"), min_value=0, max_digits=10, decimal_places=2)
    software_free_months = forms.IntegerField(
        label=_("Software adjustment free for (months after installation)"), min_value=0, max_value=120, required=False
    )
    software_charged_after_months = forms.IntegerField(
        label=_("Software adjustment charged after (months)"),
        min_value=0,
        max_value=120,
        required=False,
        help_text=_("Between the two limits the adjustment stays free (read in the customer's favour)."),
    )

    def clean(self):
        data = super().clean()
        free, charged = data.get("software_free_months"), data.get("software_charged_after_months")
        if free is not None and charged is not None and charged < free:
            self.add_error(
                "software_charged_after_months", _("Charged after must not come before the free period ends.")
            )
        return data


class NewFeeScheduleForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    effective_from = DateField(label=_("Effective from"), widget=DATE)


class LabourRateForm(StyledForm):
    # Categories picked by name, stored by code. Blank first choices, so an unused extra row submits nothing
    # and is skipped.
    category = forms.ChoiceField(label=_("Product category"), choices=lambda: category_choices(blank=True))
    service_type = forms.ChoiceField(label=_("Service type"), choices=[("", "---------"), *SERVICE_TYPE_CHOICES])
    amount = forms.DecimalField(label=_("Labour charge"), min_value=0, max_digits=10, decimal_places=2)


class PartPriceForm(StyledForm):
    code = forms.SlugField(label=_("Part code"), max_length=40)
    name = forms.CharField(label=_("Part name"), max_length=100)
    name_en = forms.CharField(label=_("Part name in English"), max_length=100, required=False)
    category = forms.ChoiceField(
        label=_("Product category"), choices=lambda: category_choices(blank=True), required=False
    )
    price = forms.DecimalField(label=_("Price"), min_value=0, max_digits=10, decimal_places=2)


LabourRateFormSet = forms.formset_factory(LabourRateForm, extra=2, can_delete=True)
PartPriceFormSet = forms.formset_factory(PartPriceForm, extra=3, can_delete=True)


def formset_rows(formset) -> list[dict]:
    """The filled-in, not deleted rows of a valid formset."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")  # blank extra rows clean to {}
    ]


class PartRowsField(ItemRowsField):
    """Parts and quantities, a row each, the part typed by its name in either language (suggested as one
    types) or its code -> [(code, quantity)]. `parts` gives the parts to know (PartPrice or Part rows): the
    fee schedule in force's by default. A part it does not know stays as typed, for the quote or the
    report to name."""

    def __init__(self, *, parts=None, **kwargs):
        super().__init__(
            item_label=_("Part"),
            amount_label=_("Quantity"),
            amount=forms.IntegerField(min_value=1),
            blank_amount=1,
            **kwargs,
        )
        self.parts = parts or (lambda: parts_in_force(timezone.localdate()))
        self.widget.suggestions = lambda: [(part.label, part.code) for part in self.parts()]

    def clean(self, value) -> list[tuple[str, int]]:
        rows = super().clean(value)
        codes = part_codes_by_name(self.parts()) if rows else {}
        return [(codes.get(item) or codes.get(item.casefold()) or item, quantity) for item, quantity in rows]


def part_rows(parts: list[dict]) -> list[tuple[str, int]]:
    """Saved parts ({code, quantity[, name, name_en]}) as a PartRowsField shows them: by name."""
    return [(in_reader_language(p.get("name") or p["code"], p.get("name_en", "")), p["quantity"]) for p in parts]


CHARGE_NAMES = {"labour": lambda: _("Labour"), "visit": lambda: _("On-site visit fee")}


def _charges_by_name() -> dict[str, str]:
    """What a person may type for labour or the visit fee on a warranty card, in either language."""
    names = {"labour": "labour", "visit": "visit"}
    for language in (settings.LANGUAGE_CODE, "en"):
        with translation.override(language):
            names |= {
                str(CHARGE_NAMES["labour"]()).casefold(): "labour",
                str(CHARGE_NAMES["visit"]()).casefold(): "visit",
            }
    return names


class CardPricesField(ItemRowsField):
    """The prices on the customer's warranty card, a row each: labour, the on-site visit fee or a part (by
    name or code) and the card's price -> {"labour" | "visit" | part code: Decimal}. Per item, the lower
    of the card and the schedule applies (DOMAIN "Charges")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Prices on the customer's warranty card"))
        kwargs.setdefault("help_text", _("Where the card names a lower price than the fee schedule, it applies."))
        super().__init__(
            item_label=_("Item on the card"),
            amount_label=_("Card price (¥)"),
            amount=forms.DecimalField(min_value=0, max_digits=10, decimal_places=2),
            **kwargs,
        )
        self.widget.suggestions = lambda: [
            *((str(name()), code) for code, name in CHARGE_NAMES.items()),
            *((part.label, part.code) for part in parts_in_force(timezone.localdate())),
        ]

    def clean(self, value) -> dict[str, Decimal]:
        rows = super().clean(value)
        if not rows:
            return {}
        codes = _charges_by_name() | part_codes_by_name(parts_in_force(timezone.localdate()))
        prices = {}
        for item, price in rows:
            code = codes.get(item) or codes.get(item.casefold())
            if code is None:
                raise forms.ValidationError(
                    _("“%(item)s” is not labour, the visit fee or a part of the fee schedule in force."),
                    params={"item": item},
                )
            prices[code] = price
        return prices


def card_price_rows(prices: dict) -> list[tuple[str, str]]:
    """Saved card prices ({code: price}) as a CardPricesField shows them: by name."""
    if not prices:
        return []
    names = {part.code: part.label for part in parts_in_force(timezone.localdate())}
    names |= {code: str(name()) for code, name in CHARGE_NAMES.items()}
    return [(names.get(code, code), price) for code, price in prices.items()]


class QuoteForm(StyledForm):
    category = forms.ChoiceField(label=_("Product category"), choices=category_choices)
    service_type = forms.ChoiceField(label=_("Service type"), choices=SERVICE_TYPE_CHOICES)
    parts = PartRowsField(label=_("Parts"))
    onsite = forms.BooleanField(label=_("On-site visit"), required=False)
    in_warranty = forms.BooleanField(label=_("In warranty"), required=False)
    installation_date = DateField(label=_("Installed on"), required=False, widget=DATE)


class PolicyVersionForm(StyledForm):
    effective_from = DateField(label=_("Effective from"), widget=DATE)
    return_days = forms.IntegerField(label=_("Return period (days)"), min_value=0, max_value=365)
    exchange_days = forms.IntegerField(label=_("Exchange period (days)"), min_value=0, max_value=365)
    warranty_months = forms.IntegerField(label=_("Whole-unit warranty (months)"), min_value=0, max_value=240)
    component_months = forms.CharField(
        label=_("Main parts and accessories (months)"),
        required=False,
        help_text=_("Component code = months, separated by commas, e.g. “battery=6, charger=12”."),
    )
    repairs_before_exchange = forms.IntegerField(label=_("Repairs before exchange or return"), min_value=1, max_value=9)
    parts_wait_limit_days = forms.IntegerField(label=_("Parts waiting limit (days)"), min_value=0, max_value=365)
    repairer_delay_limit_days = forms.IntegerField(label=_("Repairer delay limit (days)"), min_value=0, max_value=365)
    repair_guarantee_days = forms.IntegerField(label=_("Repair guarantee (days)"), min_value=0, max_value=365)
    depreciation_rate_per_day = forms.DecimalField(
        label=_("Depreciation per day"),
        min_value=0,
        max_value=1,
        max_digits=7,
        decimal_places=5,
        help_text=_("A fraction of the price: 0.005 is 0.5% a day."),
    )
    no_proof_rule = forms.ChoiceField(label=_("Without proof of purchase"), choices=NO_PROOF_CHOICES)
    no_proof_grace_days = forms.IntegerField(label=_("Days added to the production date"), min_value=0, max_value=365)
    holiday_roll_over = forms.BooleanField(
        label=_("A period ending on a public holiday runs to the next working day"), required=False
    )
    exchange_restarts_period = forms.BooleanField(label=_("An exchange restarts the period"), required=False)

    def clean_component_months(self) -> dict[str, int]:
        periods = {}
        for item in filter(
            None, (p.strip() for p in self.cleaned_data["component_months"].replace("，", ",").split(","))
        ):
            code, _sep, months = (part.strip() for part in item.partition("="))
            if not re.fullmatch(r"[a-z0-9_]+", code) or not months.isdigit() or int(months) > 240:
                raise forms.ValidationError(
                    _("“%(item)s”: write a component code, an equals sign and months (0-240)."), params={"item": item}
                )
            periods[code] = int(months)
        return periods


def component_months_text(periods: dict[str, int]) -> str:
    return ", ".join(f"{code}={months}" for code, months in periods.items())


class HolidayForm(StyledForm):
    date = DateField(label=_("Date"), widget=DATE)
    name = forms.CharField(label=_("Name"), max_length=60)
