from rest_framework import serializers

from core.serializers import ModelSerializer, PersonalField, Serializer
from followups.models import Callback
from followups.services import starts_a_work_order


class CallbackSerializer(ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)
    plan_name = serializers.CharField(source="plan.name", read_only=True)
    script = serializers.CharField(source="plan.script", read_only=True)
    # The outlet as requests name it (its id), and its code to read.
    outlet = serializers.PrimaryKeyRelatedField(read_only=True)
    outlet_code = serializers.CharField(source="outlet.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    work_order_number = serializers.CharField(source="work_order.number", read_only=True, default=None, allow_null=True)
    claimed_by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Callback
        fields = [
            "id",
            "plan",
            "plan_name",
            "script",
            "outlet",
            "outlet_code",
            "customer",
            "customer_name",
            "product",
            "work_order",
            "work_order_number",
            "due_at",
            "deadline_at",
            "status",
            "attempts",
            "claimed_by",
            "claimed_until",
            "outcome",
            "notes",
            "finding",
        ]


class CallbackDetailSerializer(CallbackSerializer):
    phones = serializers.SerializerMethodField()
    starts_work_order = serializers.SerializerMethodField(
        help_text="A purchase callback that found a fault: open a work order for the product (POST /work-orders/)"
    )

    class Meta(CallbackSerializer.Meta):
        fields = [*CallbackSerializer.Meta.fields, "phones", "starts_work_order"]

    def get_starts_work_order(self, callback) -> bool:
        return callback.status == Callback.Status.DONE and starts_a_work_order(callback, callback.outcome)

    def get_phones(self, callback) -> list[str]:
        field = PersonalField()
        field.bind("phones", self)
        return [field.to_representation(str(p.number)) for p in callback.customer.phones.all()]


class OutcomeInputSerializer(Serializer):
    outcome = serializers.ChoiceField(choices=Callback.Outcome.choices)
    notes = serializers.CharField(required=False, default="", allow_blank=True)
