from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from complaints.models import CaseStep, ComplaintCase, Feedback, Remedy, Severity
from core.forms import StyledForm
from core.scoping import visible_outlets, visible_staff

STEPS = [(v, label) for v, label in CaseStep.Step.choices if v not in ("satisfaction", "escalation")]


class CaseForm(StyledForm):
    caller_phone = PhoneNumberField(
        label=_("Caller's phone (a complaint call)"),
        region="CN",
        required=False,
        help_text=_("Given, the call is logged on the hotline's call log with the case."),
    )
    number = forms.CharField(
        label=_("Work order number or the customer's phone"),
        max_length=20,
        required=False,
        help_text=_("Empty: the caller's phone finds the customer."),
    )
    outlet = forms.ModelChoiceField(
        label=_("Outlet"),
        queryset=None,
        required=False,
        help_text=_("Needed only for a complaint without a work order, when you work at several outlets."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=ComplaintCase.Category.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM)
    description = forms.CharField(label=_("The complaint"), widget=forms.Textarea(attrs={"rows": 3}))
    request = forms.CharField(
        label=_("What the customer asks for"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outlet"].queryset = visible_outlets(user).order_by("code")
        if not user.has_perm("workorders.add_call"):
            del self.fields["caller_phone"]

    def clean(self):
        data = super().clean()
        if not data.get("number") and not data.get("caller_phone"):
            self.add_error("number", _("Give the work order number or the customer's phone."))
        data["caller_phone"] = str(data.get("caller_phone") or "")
        return data


class StepForm(StyledForm):
    step = forms.ChoiceField(label=_("Step"), choices=STEPS)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RemedyForm(StyledForm):
    kind = forms.ChoiceField(label=_("Remedy"), choices=Remedy.Kind.choices)
    amount = forms.DecimalField(label=_("Value (¥)"), min_value=0, decimal_places=2, initial=0)
    description = forms.CharField(label=_("Description"), required=False)


class EscalateForm(StyledForm):
    reason = forms.CharField(label=_("Why a supervisor should take it"), max_length=500)


class FeedbackForm(StyledForm):
    type = forms.ChoiceField(label=_("Type"), choices=Feedback.Type.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Feedback.Channel.choices)
    outlet = forms.ModelChoiceField(label=_("Outlet"), queryset=None)
    text = forms.CharField(label=_("What the customer said"), widget=forms.Textarea(attrs={"rows": 3}))
    number = forms.CharField(label=_("Work order number (if any)"), max_length=20, required=False)
    praised_staff = forms.ModelChoiceField(label=_("Praised staff member"), queryset=None, required=False)
    department = forms.ChoiceField(
        label=_("Route to"), choices=[("", "—"), *Feedback.Department.choices], required=False
    )
    product_model = forms.CharField(label=_("Product model"), max_length=80, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outlet"].queryset = visible_outlets(user).order_by("code")
        self.fields["praised_staff"].queryset = visible_staff(user).filter(is_active=True).order_by("name")


class ConfirmationForm(StyledForm):
    responsibility = forms.ChoiceField(
        label=_("Who was at fault"), choices=ComplaintCase.Responsibility.choices, widget=forms.RadioSelect
    )
    lessons = forms.CharField(label=_("Lessons learned"), widget=forms.Textarea(attrs={"rows": 3}))


class BadFaithForm(StyledForm):
    reason = forms.CharField(
        label=_("Why this customer is acting in bad faith"), widget=forms.Textarea(attrs={"rows": 2})
    )
