from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm
from core.roles import Role
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


class PlanForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("Name in English"), max_length=100, required=False)
    offset_minutes = forms.IntegerField(label=_("Due after (minutes)"), min_value=0, max_value=366 * 24 * 60)
    deadline_minutes = forms.IntegerField(
        label=_("To be made within (minutes)"),
        min_value=1,
        max_value=366 * 24 * 60,
        required=False,
        help_text=_(
            "Leave empty when the callback has no deadline. With one, it falls due no later than the last "
            "calling window before it."
        ),
    )
    caller_role = forms.ChoiceField(label=_("Who calls"), choices=Role.choices)
    script = forms.CharField(label=_("Script"), widget=forms.Textarea(attrs={"rows": 3}))
    max_attempts = forms.IntegerField(label=_("Attempts before it fails"), min_value=1, max_value=10)
    retry_minutes = forms.IntegerField(label=_("Retry after (minutes)"), min_value=5, max_value=7 * 24 * 60)
    enabled = forms.BooleanField(label=_("Enabled"), required=False)

    def clean(self):
        data = super().clean()
        deadline, offset = data.get("deadline_minutes"), data.get("offset_minutes")
        if deadline is not None and offset is not None and deadline <= offset:
            self.add_error("deadline_minutes", _("The deadline must come after the time the callback falls due."))
        return data
