from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import DateField, DateTimeField, ModelSerializer, PersonalField, Serializer
from dispatch.models import (
    CHECKLIST,
    Appointment,
    AppointmentChange,
    EngineerProfile,
    LoanerUnit,
    Part,
    PartRequisition,
    PartStock,
    StockMovement,
    StockTransfer,
    VisitReport,
)
from dispatch.selectors import running_late
from dispatch.services.stock import place_key
from workorders.models import Payment, WorkOrder


class EngineerProfileSerializer(ModelSerializer):
    engineer_id = serializers.IntegerField(source="user_id", read_only=True)
    name = serializers.CharField(source="user.name", read_only=True)
    skills = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    outlets = serializers.SlugRelatedField(source="user.outlets", slug_field="code", many=True, read_only=True)

    class Meta:
        model = EngineerProfile
        fields = [
            "engineer_id",
            "name",
            "outlets",
            "skills",
            "service_types",
            "work_start",
            "work_end",
            "days_off",
            "daily_capacity",
            "base_area",
            "active",
        ]


class BoardEngineerSerializer(EngineerProfileSerializer):
    """The same fields, from the codes `selectors.engineer_codes` read for the whole board at once."""

    skills = serializers.ListField(source="skill_codes", child=serializers.CharField(), read_only=True)
    outlets = serializers.ListField(source="outlet_codes", child=serializers.CharField(), read_only=True)


class EngineerProfileInputSerializer(Serializer):
    skills = serializers.ListField(child=serializers.SlugField(), required=False, default=list)
    service_types = serializers.ListField(
        child=serializers.ChoiceField(choices=WorkOrder.ServiceType.choices), required=False, default=list
    )
    work_start = serializers.TimeField()
    work_end = serializers.TimeField()
    days_off = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), required=False, default=list
    )
    daily_capacity = serializers.IntegerField(min_value=1, max_value=50)
    base_area = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    active = serializers.BooleanField(default=True)


class AppointmentChangeSerializer(ModelSerializer):
    from_engineer = serializers.StringRelatedField()
    to_engineer = serializers.StringRelatedField()
    actor = serializers.StringRelatedField()

    class Meta:
        model = AppointmentChange
        fields = [
            "kind",
            "from_engineer",
            "to_engineer",
            "from_starts_at",
            "from_ends_at",
            "to_starts_at",
            "to_ends_at",
            "reason",
            "customer_agreed",
            "actor",
            "at",
        ]


class AppointmentSerializer(ModelSerializer):
    engineer_id = serializers.IntegerField(read_only=True)
    engineer = serializers.StringRelatedField()
    work_order_id = serializers.IntegerField(read_only=True)
    work_order_number = serializers.CharField(source="work_order.number", read_only=True)
    customer = serializers.CharField(source="work_order.customer.name", read_only=True)
    address = PersonalField(source="work_order.address", kind="address")
    product = serializers.CharField(source="work_order.product", read_only=True)
    category = serializers.CharField(source="work_order.product.category.code", read_only=True)
    fault_description = serializers.CharField(source="work_order.fault_description", read_only=True)

    class Meta:
        model = Appointment
        fields = [
            "id",
            "work_order_id",
            "work_order_number",
            "customer",
            "address",
            "product",
            "category",
            "fault_description",
            "engineer_id",
            "engineer",
            "starts_at",
            "ends_at",
            "status",
            "purpose",
            "confirmation",
            "confirmation_note",
            "confirmed_at",
            "travel_minutes",
            "planned_departure_at",
            "reassign_requested",
            "loaner",
            "departed_at",
            "arrived_at",
            "started_at",
            "finished_at",
            "late_minutes",
            "late_call_at",
            "apology_made",
            "gift_given",
            "outcome_note",
            "version",
        ]


class VisitReportSerializer(ModelSerializer):
    class Meta:
        model = VisitReport
        fields = [
            "checklist",
            "checklist_not_done",
            "no_test_run",
            "card_prices",
            "home_damage",
            "home_damage_compensation",
            "proof",
            "parts_complete",
            "tamper_note",
            "tamper_acknowledged",
            "diagnosis",
            "human_damage",
            "human_damage_acknowledged",
            "fee_consent",
            "parts_used",
            "actions",
            "distance_km",
            "test_run_result",
            "pulled_back",
            "pull_back_condition",
            "pull_back_accessories",
            "pull_back_return_date",
            "loaner",
            "rating_quality",
            "rating_attitude",
            "comment",
            "signature",
            "signature_refused_reason",
            "satisfied",
            "billed_later",
            "signed_off_at",
        ]


class RunningLateSerializer(Serializer):
    call_at = DateTimeField(help_text="Call the customer then: 1-2 minutes before the agreed time")
    arrives_at = DateTimeField()
    minutes = serializers.IntegerField()


class AppointmentDetailSerializer(AppointmentSerializer):
    changes = AppointmentChangeSerializer(many=True, read_only=True)
    report = VisitReportSerializer(read_only=True, allow_null=True)  # None before the visit is reported
    running_late = serializers.SerializerMethodField()

    class Meta(AppointmentSerializer.Meta):
        fields = [*AppointmentSerializer.Meta.fields, "changes", "report", "running_late"]

    @extend_schema_field(RunningLateSerializer(allow_null=True))
    def get_running_late(self, appointment):
        late = running_late(appointment)
        return RunningLateSerializer(late).data if late else None


class BookingInputSerializer(Serializer):
    work_order = serializers.IntegerField()
    engineer = serializers.IntegerField()
    starts_at = DateTimeField()
    ends_at = DateTimeField()


class RescheduleInputSerializer(Serializer):
    starts_at = DateTimeField()
    ends_at = DateTimeField()
    reason = serializers.CharField(max_length=500)
    customer_agreed = serializers.BooleanField()
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReassignInputSerializer(Serializer):
    engineer = serializers.IntegerField()
    reason = serializers.CharField(max_length=500)
    customer_agreed = serializers.BooleanField()
    starts_at = DateTimeField(required=False, allow_null=True, default=None)
    ends_at = DateTimeField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReasonInputSerializer(Serializer):
    reason = serializers.CharField(max_length=500)


class SuggestionSerializer(Serializer):
    engineer_id = serializers.IntegerField(source="candidate.engineer_id")
    name = serializers.CharField(source="candidate.name")
    free_start = DateTimeField(source="candidate.free_start")
    jobs_that_day = serializers.IntegerField(source="candidate.jobs_that_day")
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())


# --- The visit steps ---------------------------------------------------------------------------


class ConfirmInputSerializer(Serializer):
    confirmation = serializers.ChoiceField(choices=Appointment.Confirmation.choices)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class PlanInputSerializer(Serializer):
    travel_minutes = serializers.IntegerField(min_value=1, max_value=600)


class EventInputSerializer(Serializer):
    event = serializers.ChoiceField(choices=["departed", "arrived", "started", "finished"])


class LatenessInputSerializer(Serializer):
    apology_made = serializers.BooleanField()
    gift_given = serializers.BooleanField()
    customer_refused = serializers.BooleanField(default=False)
    another_time = serializers.BooleanField(default=False)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class PhoneGuidanceInputSerializer(Serializer):
    advice = serializers.CharField()


class NoShowInputSerializer(Serializer):
    note_left = serializers.BooleanField()
    centre_informed = serializers.BooleanField()
    note = serializers.CharField(required=False, default="", allow_blank=True)


class PartUsedSerializer(Serializer):
    code = serializers.CharField(max_length=40)
    quantity = serializers.IntegerField(min_value=1, default=1)


class ReportInputSerializer(Serializer):
    checklist = serializers.DictField(child=serializers.BooleanField(), required=False, default=dict)
    proof = serializers.ChoiceField(choices=VisitReport.Proof.choices, required=False, default="", allow_blank=True)
    parts_complete = serializers.BooleanField(default=True)
    tamper_note = serializers.CharField(required=False, default="", allow_blank=True)
    tamper_acknowledged = serializers.BooleanField(default=False)
    diagnosis = serializers.CharField(required=False, default="", allow_blank=True)
    human_damage = serializers.BooleanField(default=False)
    human_damage_acknowledged = serializers.BooleanField(default=False)
    fee_consent = serializers.BooleanField(default=False)
    consent_total = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="The total the customer was shown and agreed to (the order's quote_total): the consent holds "
        "only while the charges stay that total.",
    )
    parts_used = PartUsedSerializer(many=True, required=False, default=list)
    actions = serializers.CharField(required=False, default="", allow_blank=True)
    distance_km = serializers.IntegerField(
        min_value=0,
        max_value=2000,
        required=False,
        allow_null=True,
        default=None,
        help_text="One way from the outlet, in km: the maker pays travel by distance band.",
    )
    test_run_result = serializers.CharField(required=False, default="", allow_blank=True)
    checklist_not_done = serializers.DictField(
        child=serializers.CharField(max_length=200, allow_blank=True), required=False, default=dict
    )
    home_damage = serializers.CharField(required=False, default="", allow_blank=True)
    home_damage_compensation = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    card_prices = serializers.DictField(
        child=serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0),
        required=False,
        default=dict,
        help_text="Prices on the customer's warranty card by code (labour, visit, a part's code): the lower applies",
    )
    no_test_run = serializers.BooleanField(default=False)

    def validate_checklist(self, value):
        unknown = set(value) - set(CHECKLIST)
        if unknown:
            raise serializers.ValidationError(sorted(unknown))
        return value

    validate_checklist_not_done = validate_checklist


class SignOffInputSerializer(Serializer):
    satisfied = serializers.BooleanField()
    rating_quality = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True, default=None)
    rating_attitude = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True, default=None)
    comment = serializers.CharField(required=False, default="", allow_blank=True)
    signature = serializers.CharField(required=False, default="", allow_blank=True)
    signature_refused_reason = serializers.CharField(required=False, default="", allow_blank=True)
    payment_method = serializers.ChoiceField(
        choices=Payment.Method.choices, required=False, default="", allow_blank=True
    )
    bill_later = serializers.BooleanField(default=False)


class PartSerializer(ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Part
        fields = ["id", "code", "name", "name_en", "category", "active"]


@extend_schema_field(OpenApiTypes.STR)
class StockPlaceField(serializers.Field):
    """A stock place as requests name it: its key (``centre-<id>``, ``outlet-<id>``, ``van-<user id>``)."""

    def to_representation(self, value):
        return place_key(value)


class PartStockSerializer(ModelSerializer):
    place = StockPlaceField(read_only=True)
    place_name = serializers.CharField(source="place.__str__", read_only=True)
    level = serializers.CharField(source="place.level", read_only=True)
    part = serializers.SlugRelatedField(slug_field="code", read_only=True)
    on_the_way = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = PartStock
        fields = ["id", "place", "place_name", "level", "part", "bin", "quantity", "on_the_way", "reorder_point"]


class StockMovementSerializer(ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = StockMovement
        fields = ["id", "at", "change", "balance", "reason", "requisition", "transfer", "note", "actor"]


class StockReceiveInputSerializer(Serializer):
    place = serializers.CharField(max_length=40, help_text="centre-<id> or outlet-<id>")
    part = serializers.SlugField()
    quantity = serializers.IntegerField(min_value=1, max_value=10000)
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class StockCountInputSerializer(Serializer):
    counted = serializers.IntegerField(min_value=0, max_value=100000)
    note = serializers.CharField(max_length=200)


class ReorderPointInputSerializer(Serializer):
    outlet = serializers.IntegerField()
    part = serializers.SlugField()
    reorder_point = serializers.IntegerField(min_value=0, max_value=10000)


class StockTransferSerializer(ModelSerializer):
    source = StockPlaceField(read_only=True)
    destination = StockPlaceField(read_only=True)
    part = serializers.SlugRelatedField(slug_field="code", read_only=True)
    requested_by = serializers.StringRelatedField()

    class Meta:
        model = StockTransfer
        fields = [
            "id",
            "source",
            "destination",
            "part",
            "bin",
            "quantity",
            "status",
            "tracking",
            "note",
            "requested_by",
            "requested_at",
            "shipped_at",
            "closed_at",
        ]


class StockTransferInputSerializer(Serializer):
    source = serializers.CharField(max_length=40)
    destination = serializers.CharField(max_length=40)
    part = serializers.SlugField()
    bin = serializers.ChoiceField(choices=PartStock.Bin.choices, default=PartStock.Bin.GOOD)
    quantity = serializers.IntegerField(min_value=1, max_value=10000)
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class TransferActionInputSerializer(Serializer):
    tracking = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    reason = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)


class PartRequisitionSerializer(ModelSerializer):
    part = serializers.SlugRelatedField(slug_field="code", read_only=True)
    work_order_number = serializers.CharField(source="work_order.number", read_only=True)
    requested_by = serializers.StringRelatedField()
    drawn_from = StockPlaceField(read_only=True)

    class Meta:
        model = PartRequisition
        fields = [
            "id",
            "work_order",
            "work_order_number",
            "part",
            "quantity",
            "status",
            "drawn_from",
            "note",
            "requested_by",
            "requested_at",
            "issued_at",
            "closed_at",
        ]


class RequisitionInputSerializer(Serializer):
    work_order = serializers.IntegerField()
    part = serializers.SlugField()
    quantity = serializers.IntegerField(min_value=1, max_value=99)
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class LoanerSerializer(ModelSerializer):
    # The outlet as requests name it (its id), and its code to read.
    outlet = serializers.PrimaryKeyRelatedField(read_only=True)
    outlet_code = serializers.CharField(source="outlet.code", read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    work_order_number = serializers.CharField(source="work_order.number", read_only=True, default=None, allow_null=True)

    class Meta:
        model = LoanerUnit
        fields = [
            "id",
            "outlet",
            "outlet_code",
            "serial",
            "description",
            "category",
            "status",
            "work_order",
            "work_order_number",
            "lent_at",
            "due_back",
        ]


class LoanerInputSerializer(Serializer):
    outlet = serializers.IntegerField()
    serial = serializers.CharField(max_length=64)
    description = serializers.CharField(max_length=100)
    category = serializers.SlugField(required=False, allow_null=True, default=None)


class LendInputSerializer(Serializer):
    work_order = serializers.IntegerField()
    due_back = DateField()


class TakeLoanerInputSerializer(Serializer):
    loaner = serializers.IntegerField(allow_null=True)


class PullBackInputSerializer(Serializer):
    condition = serializers.CharField()
    accessories = serializers.CharField(required=False, default="", allow_blank=True)
    signature = serializers.CharField()
    return_date = DateField()
    loaner = serializers.IntegerField(required=False, allow_null=True, default=None)
