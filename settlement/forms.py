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


class ShipmentForm(StyledForm):
    """Tagged parts of one outlet packed for the centre; the tags are the page's list, ticked."""

    tags = forms.ModelMultipleChoiceField(
        label=_("Parts in the shipment"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    carrier = forms.CharField(label=_("Carrier"), max_length=40)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=40)

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = tags
        self.fields["tags"].error_messages["required"] = _("Choose the parts in the shipment.")


class InspectionForm(StyledForm):
    """What the centre found for each part of a shipment: one result and a note per tag."""

    CHOICES = [
        ("receive", _("Received: as claimed")),
        ("missing", _("Missing from the shipment")),
        ("wrong_part", _("Not the part claimed")),
        ("not_faulty", _("Not faulty")),
    ]

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.tags = tags
        for tag in tags:
            self.fields[f"tag_{tag.pk}"] = forms.ChoiceField(
                label=_("Result (%(tag)s)") % {"tag": tag.code}, choices=[("", "—"), *self.CHOICES], initial="receive"
            )
            self.fields[f"note_{tag.pk}"] = forms.CharField(
                label=_("What was found (%(tag)s)") % {"tag": tag.code}, required=False, max_length=300
            )

    def rows(self):
        return [(tag, self[f"tag_{tag.pk}"], self[f"note_{tag.pk}"]) for tag in self.tags]

    def results(self) -> dict[int, tuple[str, str]]:
        return {tag.pk: (self.cleaned_data[f"tag_{tag.pk}"], self.cleaned_data[f"note_{tag.pk}"]) for tag in self.tags}


class IssueForm(StyledForm):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("Statements of every outlet with claims approved or deductions made by the month's end."),
    )


class AnswerForm(StyledForm):
    answer = forms.ChoiceField(
        label=_("The outlet's answer"),
        choices=[("agree", _("Agree")), ("dispute", _("Dispute"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("What is disputed"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReplyForm(StyledForm):
    reply = forms.CharField(
        label=_("Reply to the outlet"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What headquarters found; corrections it agrees to go on the next month's statement."),
    )


class ComplaintDeductionForm(StyledForm):
    """One row of the complaints found against outlets: the case by its id, a note if not its lessons."""

    case = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
