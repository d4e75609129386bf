from rest_framework import serializers

from complaints.models import CaseStep, ComplaintCase, Feedback, Remedy, Severity
from core.serializers import ModelSerializer, Serializer


class FeedbackSerializer(ModelSerializer):
    # The outlet as requests name it (its id), and its code to read.
    outlet = serializers.PrimaryKeyRelatedField(read_only=True)
    outlet_code = serializers.CharField(source="outlet.code", read_only=True)
    praised_staff = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Feedback
        fields = [
            "id",
            "outlet",
            "outlet_code",
            "type",
            "channel",
            "customer",
            "work_order",
            "text",
            "praised_staff",
            "department",
            "product_model",
            "acknowledged_at",
            "created_at",
        ]


class FeedbackInputSerializer(Serializer):
    outlet = serializers.IntegerField()
    type = serializers.ChoiceField(choices=Feedback.Type.choices)
    channel = serializers.ChoiceField(choices=Feedback.Channel.choices)
    text = serializers.CharField()
    work_order = serializers.IntegerField(required=False, allow_null=True, default=None)
    praised_staff = serializers.IntegerField(required=False, allow_null=True, default=None)
    department = serializers.ChoiceField(
        choices=Feedback.Department.choices, required=False, default="", allow_blank=True
    )
    product_model = serializers.CharField(required=False, default="", allow_blank=True)


class CaseStepSerializer(ModelSerializer):
    by = serializers.StringRelatedField()

    class Meta:
        model = CaseStep
        fields = ["step", "notes", "by", "at"]


class RemedySerializer(ModelSerializer):
    proposed_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Remedy
        fields = ["id", "kind", "amount", "description", "status", "proposed_by", "decided_by", "decision_note"]


class CaseSerializer(ModelSerializer):
    # The outlet as requests name it (its id), and its code to read.
    outlet = serializers.PrimaryKeyRelatedField(read_only=True)
    outlet_code = serializers.CharField(source="outlet.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    handler = serializers.StringRelatedField()
    escalation_reason = serializers.CharField(
        source="escalation_text", read_only=True, help_text="Why escalated, in the reader's language."
    )

    class Meta:
        model = ComplaintCase
        fields = [
            "id",
            "outlet",
            "outlet_code",
            "customer",
            "customer_name",
            "work_order",
            "category",
            "severity",
            "description",
            "request",
            "handler",
            "status",
            "opened_at",
            "first_contact_due",
            "remedy_due",
            "close_due",
            "first_contact_at",
            "remedy_agreed_at",
            "repeat_repairs",
            "escalated_at",
            "escalation_reason",
            "closed_at",
        ]


class CaseDetailSerializer(CaseSerializer):
    steps = CaseStepSerializer(many=True, read_only=True)
    remedies = RemedySerializer(many=True, read_only=True)
    confirmation_callback_status = serializers.CharField(
        source="confirmation_callback.status", read_only=True, default=None, allow_null=True
    )

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "lessons",
            "responsibility",
            "confirmation_callback",
            "confirmation_callback_status",
            "steps",
            "remedies",
        ]


class CaseInputSerializer(Serializer):
    work_order = serializers.IntegerField(
        required=False, help_text="The order complained about; or give customer_phone"
    )
    customer_phone = serializers.CharField(required=False, max_length=20, help_text="When there is no work order")
    caller_phone = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=20, help_text="A complaint call: logged with the case"
    )
    outlet = serializers.IntegerField(required=False, help_text="With customer_phone: the outlet handling it")
    category = serializers.ChoiceField(choices=ComplaintCase.Category.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    description = serializers.CharField()
    request = serializers.CharField(required=False, default="", allow_blank=True)


class StepInputSerializer(Serializer):
    step = serializers.ChoiceField(choices=CaseStep.Step.choices)
    notes = serializers.CharField(required=False, default="", allow_blank=True)


class RemedyInputSerializer(Serializer):
    kind = serializers.ChoiceField(choices=Remedy.Kind.choices)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    description = serializers.CharField(required=False, default="", allow_blank=True)


class EscalateInputSerializer(Serializer):
    reason = serializers.CharField(max_length=500)


class ConfirmationInputSerializer(Serializer):
    lessons = serializers.CharField()
    responsibility = serializers.ChoiceField(choices=ComplaintCase.Responsibility.choices)


class DecisionInputSerializer(Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, default="", allow_blank=True)
