from rest_framework import serializers

from core.serializers import ModelSerializer, Serializer
from settlement.models import ClaimLine, Deduction, PartShipment, ReturnTag, SettlementStatement, WarrantyClaim


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


class ReturnTagSerializer(ModelSerializer):
    work_order_number = serializers.CharField(source="work_order.number", read_only=True)
    engineer = serializers.StringRelatedField()

    class Meta:
        model = ReturnTag
        fields = [
            "id",
            "code",
            "work_order",
            "work_order_number",
            "outlet",
            "part_code",
            "engineer",
            "due_on",
            "status",
            "shipment",
            "inspected_at",
            "inspection_note",
        ]


class ShipmentSerializer(ModelSerializer):
    parts = serializers.IntegerField(read_only=True)

    class Meta:
        model = PartShipment
        fields = [
            "id",
            "outlet",
            "centre",
            "carrier",
            "tracking_number",
            "status",
            "parts",
            "shipped_at",
            "received_at",
        ]


class ShipmentDetailSerializer(ShipmentSerializer):
    tags = ReturnTagSerializer(many=True, read_only=True)

    class Meta(ShipmentSerializer.Meta):
        fields = [*ShipmentSerializer.Meta.fields, "tags"]


class ShipmentInputSerializer(Serializer):
    tags = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, help_text="Return tag ids.")
    carrier = serializers.CharField(max_length=40)
    tracking_number = serializers.CharField(max_length=40)


class InspectionResultSerializer(Serializer):
    tag = serializers.IntegerField()
    result = serializers.ChoiceField(choices=["receive", "missing", "wrong_part", "not_faulty"])
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=300)


class InspectionInputSerializer(Serializer):
    results = InspectionResultSerializer(many=True, help_text="One result per part of the shipment.")


class DeductionSerializer(ModelSerializer):
    work_order_number = serializers.CharField(source="work_order.number", read_only=True, default="")

    class Meta:
        model = Deduction
        fields = [
            "id",
            "outlet",
            "rule",
            "amount",
            "work_order",
            "work_order_number",
            "note",
            "created_at",
            "statement",
        ]


class StatementSerializer(ModelSerializer):
    outlet_code = serializers.CharField(source="outlet.code", read_only=True)

    class Meta:
        model = SettlementStatement
        fields = [
            "id",
            "outlet",
            "outlet_code",
            "month",
            "status",
            "claim_count",
            "claims_total",
            "deductions_total",
            "payable",
            "issued_at",
            "answered_at",
            "dispute_reason",
            "reply",
            "replied_at",
        ]


class StatementDetailSerializer(StatementSerializer):
    claims = ClaimSerializer(many=True, read_only=True)
    deductions = DeductionSerializer(many=True, read_only=True)

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "claims", "deductions"]


class StatementIssueInputSerializer(Serializer):
    month = serializers.DateField(help_text="Any day of the month; the month must be over.")


class StatementAnswerInputSerializer(Serializer):
    agree = serializers.BooleanField()
    reason = serializers.CharField(required=False, default="", allow_blank=True)


class StatementReplyInputSerializer(Serializer):
    reply = serializers.CharField(max_length=2000)


class ComplaintDeductionInputSerializer(Serializer):
    complaint = serializers.IntegerField(help_text="A complaint case its handler found against the outlet.")
    note = serializers.CharField(required=False, default="", allow_blank=True, help_text="Default: the case's lessons.")
