from rest_framework import serializers

from core.serializers import ModelSerializer, Serializer
from settlement.models import ClaimLine, WarrantyClaim


class ClaimLineSerializer(ModelSerializer):
    description = serializers.CharField(source="text", read_only=True, help_text="In the reader's language.")

    class Meta:
        model = ClaimLine
        fields = ["kind", "code", "description", "quantity", "unit_price", "amount"]


class FindingSerializer(serializers.Serializer):
    rule = serializers.CharField()
    found = serializers.CharField(help_text="What the check found, in the reader's language.")
    clears = serializers.CharField(help_text="What clears it.")
    blocking = serializers.BooleanField(
        help_text="Cleared only by the records changing; otherwise approvable with a note."
    )


class ClaimSerializer(ModelSerializer):
    outlet = serializers.PrimaryKeyRelatedField(read_only=True)
    outlet_code = serializers.CharField(source="outlet.code", read_only=True)
    work_order_number = serializers.CharField(source="work_order.number", read_only=True)
    findings = serializers.SerializerMethodField()

    class Meta:
        model = WarrantyClaim
        fields = [
            "id",
            "work_order",
            "work_order_number",
            "outlet",
            "outlet_code",
            "status",
            "claimed",
            "approved",
            "service_day",
            "closed_at",
            "findings",
            "checked_at",
            "decided_at",
            "decision_note",
        ]

    def get_findings(self, claim) -> list[dict]:
        blocking = [bool(f.get("blocking")) for f in claim.findings]
        return FindingSerializer(
            [
                {"rule": rule, "found": found, "clears": clears, "blocking": block}
                for (rule, found, clears), block in zip(claim.finding_texts, blocking, strict=True)
            ],
            many=True,
        ).data


class ClaimDetailSerializer(ClaimSerializer):
    lines = ClaimLineSerializer(many=True, read_only=True)
    price_list = serializers.StringRelatedField()
    visit = serializers.PrimaryKeyRelatedField(read_only=True)
    callback = serializers.PrimaryKeyRelatedField(read_only=True)
    decided_by = serializers.StringRelatedField()

    class Meta(ClaimSerializer.Meta):
        fields = [
            *ClaimSerializer.Meta.fields,
            "lines",
            "price_list",
            "visit",
            "callback",
            "distance_km",
            "in_warranty",
            "warranty_end",
            "decided_by",
        ]


class ClaimDecisionInputSerializer(Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    amount = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text="Approve at another amount than claimed (an adjustment: the note gives the reason).",
    )
    note = serializers.CharField(required=False, default="", allow_blank=True)
