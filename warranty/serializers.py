from rest_framework import serializers

from core.serializers import DateField, ModelSerializer, Serializer
from warranty.engine import WHOLE_UNIT, FaultType, Option, ReturnTerms
from warranty.models import SERVICE_TYPE_CHOICES, FeeSchedule, LabourRate, PartPrice, PolicyVersion, WarrantyPolicy


class EvaluateInputSerializer(Serializer):
    policy = serializers.SlugField(max_length=40)
    purchase_date = DateField(required=False, allow_null=True, default=None)
    fault_date = DateField()
    fault_type = serializers.ChoiceField(choices=[t.value for t in FaultType], default=FaultType.PERFORMANCE.value)
    component = serializers.SlugField(max_length=40, default=WHOLE_UNIT)
    has_proof = serializers.BooleanField(default=True)
    production_date = DateField(required=False, allow_null=True, default=None)
    prior_repairs = serializers.IntegerField(min_value=0, max_value=99, default=0)
    parts_wait_days = serializers.IntegerField(min_value=0, max_value=3650, default=0)
    repairer_days = serializers.IntegerField(min_value=0, max_value=3650, default=0)
    last_repair_date = DateField(required=False, allow_null=True, default=None)
    replacement_date = DateField(required=False, allow_null=True, default=None)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True)


class ReasonSerializer(Serializer):
    code = serializers.CharField()
    text = serializers.CharField()


class PolicyVersionRefSerializer(ModelSerializer):
    code = serializers.CharField(source="policy.code")

    class Meta:
        model = PolicyVersion
        fields = ["id", "code", "effective_from"]


class EvaluateOutputSerializer(Serializer):
    options = serializers.ListField(child=serializers.ChoiceField(choices=[o.value for o in Option]))
    return_terms = serializers.ChoiceField(choices=[t.value for t in ReturnTerms], allow_null=True)
    depreciation_fee = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    reasons = ReasonSerializer(many=True)
    period_start = DateField(allow_null=True)
    warranty_end = DateField(allow_null=True)
    return_until = DateField(allow_null=True)
    exchange_until = DateField(allow_null=True)
    policy_version = PolicyVersionRefSerializer(source="version")
    national_policy_version = PolicyVersionRefSerializer(source="national_version", allow_null=True)

    def to_representation(self, evaluation):
        data = {
            **{f: getattr(evaluation.decision, f) for f in self.fields if hasattr(evaluation.decision, f)},
            "version": evaluation.version,
            "national_version": evaluation.national_version,
        }
        return super().to_representation(data)


class PolicyVersionSerializer(ModelSerializer):
    class Meta:
        model = PolicyVersion
        exclude = ["policy", "created_by"]


class PolicySerializer(ModelSerializer):
    national = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    versions = PolicyVersionSerializer(many=True, read_only=True)

    class Meta:
        model = WarrantyPolicy
        fields = ["id", "code", "name", "name_en", "category", "brand", "national", "is_active", "versions"]


class LabourRateSerializer(ModelSerializer):
    class Meta:
        model = LabourRate
        fields = ["category", "service_type", "amount"]


class PartPriceSerializer(ModelSerializer):
    class Meta:
        model = PartPrice
        fields = ["code", "name", "name_en", "category", "price"]


class FeeScheduleSerializer(ModelSerializer):
    class Meta:
        model = FeeSchedule
        fields = [
            "id",
            "name",
            "name_en",
            "effective_from",
            "status",
            "visit_fee",
            "software_free_months",
            "software_charged_after_months",
            "in_use",
            "published_at",
        ]


class FeeScheduleDetailSerializer(FeeScheduleSerializer):
    labour_rates = LabourRateSerializer(many=True, read_only=True)
    part_prices = PartPriceSerializer(many=True, read_only=True)

    class Meta(FeeScheduleSerializer.Meta):
        fields = [*FeeScheduleSerializer.Meta.fields, "labour_rates", "part_prices"]


class QuotePartSerializer(Serializer):
    code = serializers.SlugField(max_length=40)
    quantity = serializers.IntegerField(min_value=1, max_value=999, default=1)


class QuoteInputSerializer(Serializer):
    category = serializers.SlugField(max_length=40)
    service_type = serializers.ChoiceField(choices=[c for c, _label in SERVICE_TYPE_CHOICES])
    parts = QuotePartSerializer(many=True, required=False, default=list)
    in_warranty = serializers.BooleanField(default=False)
    onsite = serializers.BooleanField(default=False)
    card_prices = serializers.DictField(
        child=serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0), required=False, default=dict
    )
    installation_date = DateField(required=False, allow_null=True, default=None)
    on = DateField(required=False, allow_null=True, default=None)


class QuoteLineSerializer(Serializer):
    kind = serializers.CharField()
    code = serializers.CharField()
    description = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    note = serializers.CharField()


class QuoteOutputSerializer(Serializer):
    schedule = FeeScheduleSerializer()
    lines = QuoteLineSerializer(many=True, source="quote.lines")
    total = serializers.DecimalField(max_digits=12, decimal_places=2, source="quote.total")
    in_warranty = serializers.BooleanField(source="quote.in_warranty")
    notes = serializers.ListField(child=serializers.CharField(), source="quote.notes")
