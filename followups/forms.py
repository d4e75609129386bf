from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm
from followups.models import Callback, CallbackPlan


class OutcomeForm(StyledForm):
    outcome = forms.ChoiceField(
        label=_("Outcome of the call"), choices=Callback.Outcome.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(label=_("What the customer said"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CallbackRequestForm(StyledForm):
    number = forms.CharField(label=_("Work order number"), max_length=20)
    trigger = forms.ChoiceField(
        label=_("Callback"),
        choices=[
            (CallbackPlan.Trigger.PHONE_ADJUSTMENT, _("30 minutes after a phone adjustment: is it stable now?")),
            (CallbackPlan.Trigger.UNCERTAIN_REPAIR, _("3 hours after a repair I am not sure of: still working?")),
        ],
        widget=forms.RadioSelect,
    )
