from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import CaseStep, ComplaintCase, Remedy, Severity
from core.forms import StyledForm

STEPS = [(v, label) for v, label in CaseStep.Step.choices if v not in ("satisfaction", "escalation")]


class CaseForm(StyledForm):
    number = forms.CharField(label=_("Work order number"), max_length=20)
    category = forms.ChoiceField(label=_("Category"), choices=ComplaintCase.Category.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM)
    description = forms.CharField(label=_("The complaint"), widget=forms.Textarea(attrs={"rows": 3}))
    request = forms.CharField(
        label=_("What the customer asks for"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StepForm(StyledForm):
    step = forms.ChoiceField(label=_("Step"), choices=STEPS)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RemedyForm(StyledForm):
    kind = forms.ChoiceField(label=_("Remedy"), choices=Remedy.Kind.choices)
    amount = forms.DecimalField(label=_("Value (¥)"), min_value=0, decimal_places=2, initial=0)
    description = forms.CharField(label=_("Description"), required=False)


class EscalateForm(StyledForm):
    reason = forms.CharField(label=_("Why a supervisor should take it"), max_length=500)
