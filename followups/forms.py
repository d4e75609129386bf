from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm
from followups.models import Callback


class OutcomeForm(StyledForm):
    outcome = forms.ChoiceField(
        label=_("Outcome of the call"), choices=Callback.Outcome.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(label=_("What the customer said"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
