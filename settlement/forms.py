from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(
        label=_("Amount approved (¥)"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text=_("Blank: the amount claimed. Another amount is an adjustment and needs the reason."),
    )
    note = forms.CharField(
        label=_("Reason or note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to reject, to adjust, or to pay a held claim."),
    )
