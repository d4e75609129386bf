from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm
from warranty.engine import WHOLE_UNIT, FaultType
from warranty.models import WarrantyPolicy

FAULT_TYPE_CHOICES = [
    (FaultType.PERFORMANCE.value, _("Performance fault")),
    (FaultType.HUMAN_DAMAGE.value, _("Human or water damage, unauthorised repair")),
    (FaultType.NO_FAULT.value, _("No fault found")),
]
DATE = forms.DateInput(attrs={"type": "date"})


class WarrantyCheckForm(StyledForm):
    """The front desk's manual 三包 check: the same inputs as the API."""

    policy = forms.ChoiceField(label=_("Policy"))
    purchase_date = forms.DateField(label=_("Purchase date"), required=False, widget=DATE)
    has_proof = forms.BooleanField(
        label=_("Proof of purchase (invoice or warranty card)"), required=False, initial=True
    )
    production_date = forms.DateField(label=_("Production date from the serial/IMEI"), required=False, widget=DATE)
    fault_date = forms.DateField(label=_("Fault reported on"), widget=DATE)
    fault_type = forms.ChoiceField(label=_("Fault type"), choices=FAULT_TYPE_CHOICES)
    component = forms.SlugField(
        label=_("Component"), initial=WHOLE_UNIT, help_text=_("whole, battery, compressor, ...")
    )
    prior_repairs = forms.IntegerField(label=_("Repairs so far in the period"), min_value=0, max_value=99, initial=0)
    parts_wait_days = forms.IntegerField(label=_("Days waited for parts"), min_value=0, max_value=3650, initial=0)
    repairer_days = forms.IntegerField(label=_("Days of repairer's own delay"), min_value=0, max_value=3650, initial=0)
    last_repair_date = forms.DateField(label=_("Last repair completed on"), required=False, widget=DATE)
    replacement_date = forms.DateField(label=_("Exchanged on"), required=False, widget=DATE)
    price = forms.DecimalField(label=_("Price paid"), required=False, min_value=0, max_digits=12, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy"].choices = [
            (p.code, str(p)) for p in WarrantyPolicy.objects.filter(is_active=True).order_by("code")
        ]
