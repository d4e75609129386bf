from drf_spectacular.utils import extend_schema_field
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from core.privacy import personal
from core.serializers import DateField, DateTimeField, ModelSerializer, PersonalField, Serializer
from warranty.engine import COMPONENT_LABELS, WHOLE_UNIT, stored_reason_text
from warranty.serializers import ReasonSerializer
from workorders.lifecycle import TRANSITIONS
from workorders.models import (
    STAFF_CHANNELS,
    Call,
    ChargeWaiver,
    Customer,
    MessageSlip,
    Payment,
    Product,
    ProductCategory,
    UnitSwap,
    WorkOrder,
    WorkOrderEvent,
)
from workorders.services.entitlement import clocks_shown


class UnitHistorySerializer(ModelSerializer):
    """One order of a unit's service history (any outlet: 全国联保), without the customer's details."""

    outlet = serializers.CharField(source="outlet.name")

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "number",
            "status",
            "outlet",
            "created_at",
            "repaired_at",
            "in_warranty",
            "fault_type",
            "fault_component",
            "fault_description",
            "fault_confirmed",
        ]


class ProductCategorySerializer(ModelSerializer):
    class Meta:
        model = ProductCategory
        fields = ["id", "code", "name", "name_en"]


class ProductSerializer(ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "category",
            "brand",
            "model",
            "serial",
            "purchase_date",
            "proof",
            "production_date",
            "price",
            "dealer",
            "installation_date",
            "replaced_on",  # a unit given in exchange: its 三包 periods start that day
            "taken_back_on",  # returned or exchanged: the customer no longer has it
        ]


class CustomerSerializer(ModelSerializer):
    phones = serializers.SerializerMethodField()
    addresses = serializers.SerializerMethodField()
    products = ProductSerializer(many=True, read_only=True)

    class Meta:
        model = Customer
        fields = ["id", "name", "phones", "addresses", "products"]

    def get_phones(self, customer) -> list[str]:
        return [personal(p.number, self._user()) for p in customer.phones.all()]

    def get_addresses(self, customer) -> list[str]:
        return [personal(a.address, self._user(), kind="address") for a in customer.addresses.all()]

    def _user(self):
        return getattr(self.context.get("request"), "user", None)


class EventSerializer(ModelSerializer):
    actor = serializers.StringRelatedField()
    text = serializers.CharField(source="display_text", read_only=True, help_text="In the reader's language.")

    class Meta:
        model = WorkOrderEvent
        fields = ["kind", "transition", "from_status", "to_status", "actor", "at", "text"]


class WorkOrderSerializer(ModelSerializer):
    customer = serializers.StringRelatedField()
    customer_id = serializers.IntegerField(read_only=True)
    product = serializers.StringRelatedField()
    product_id = serializers.IntegerField(read_only=True)
    category = serializers.CharField(source="product.category.code", read_only=True)
    # The outlet as requests name it (its id), and its code to read.
    outlet = serializers.PrimaryKeyRelatedField(read_only=True)
    outlet_code = serializers.CharField(source="outlet.code", read_only=True)
    owner = serializers.StringRelatedField()

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "number",
            "status",
            "channel",
            "service_type",
            "priority",
            "outlet",
            "outlet_code",
            "owner",
            "customer",
            "customer_id",
            "product",
            "product_id",
            "category",
            "fault_description",
            "requested_time",
            "missing_info",
            "in_warranty",
            "warranty_options",
            "warranty_end",
            "pickup_code",
            "version",
            "created_at",
        ]


class SignedInputSerializer(Serializer):
    signature = serializers.CharField(required=False, allow_blank=True, default="", max_length=200_000)
    signature_refused = serializers.BooleanField(default=False)


class ExchangeInputSerializer(SignedInputSerializer):
    new_serial = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    new_model = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class ReturnInputSerializer(SignedInputSerializer):
    price_paid = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    refund_amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    refund_method = serializers.ChoiceField(choices=Payment.Method.choices)


class UnitSwapSerializer(ModelSerializer):
    new_serial = serializers.CharField(source="new_product.serial", default=None)
    new_unit_periods_from = serializers.DateField(source="new_product.replaced_on", default=None)

    class Meta:
        model = UnitSwap
        fields = [
            "kind",
            "number",
            "old_product",
            "new_product",
            "new_serial",
            "new_unit_periods_from",
            "price_paid",
            "depreciation_fee",
            "refund_amount",
            "refund_method",
            "remedy",
            "rules",
            "signature_refused",
            "granted_at",
        ]


def reasons_shown(stored: list[dict]) -> list[dict]:
    """An order's stored reasons, each sentence in the language of the request."""
    return [{"code": r.get("code", ""), "text": stored_reason_text(r)} for r in stored]


class ClocksSerializer(Serializer):
    parts_wait_days = serializers.IntegerField()
    parts_wait_limit_days = serializers.IntegerField()
    parts_running = serializers.BooleanField()
    repairer_days = serializers.IntegerField()
    repairer_delay_limit_days = serializers.IntegerField()
    repairer_running = serializers.BooleanField()
    limit_on = serializers.DateField(allow_null=True, help_text="The first day past a limit while a clock runs.")
    days_left = serializers.IntegerField(allow_null=True)
    warning = serializers.BooleanField()


class CountedRepairSerializer(Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    repaired_on = serializers.DateField()
    outlet = serializers.CharField()


class EntitlementSerializer(Serializer):
    """The order's 三包 decision with the facts it counted and its legal clocks (read today)."""

    options = serializers.ListField(child=serializers.CharField(), source="warranty_options")
    reasons = serializers.SerializerMethodField()
    in_warranty = serializers.BooleanField()
    warranty_end = serializers.DateField(allow_null=True)
    policy = serializers.CharField(source="warranty_version.policy.code", default=None)
    fault_type = serializers.CharField()
    fault_component = serializers.CharField()
    counted_repairs = CountedRepairSerializer(source="warranty_counted", many=True)
    same_fault_orders = serializers.IntegerField(help_text="Earlier orders of the unit for the same faulty part.")
    complaint_risk = serializers.BooleanField(help_text="Two or more earlier orders for the same fault.")
    clocks = serializers.SerializerMethodField()

    @extend_schema_field(ReasonSerializer(many=True))
    def get_reasons(self, order):
        return reasons_shown(order.warranty_reasons)

    @extend_schema_field(ClocksSerializer(allow_null=True))
    def get_clocks(self, order):
        clocks = clocks_shown(order)
        return ClocksSerializer(clocks).data if clocks else None


class WorkOrderDetailSerializer(WorkOrderSerializer):
    address = PersonalField(kind="address")
    warranty_reasons = serializers.SerializerMethodField()
    entitlement = EntitlementSerializer(source="*", read_only=True)
    swap = serializers.SerializerMethodField()
    events = EventSerializer(source="timeline", many=True, read_only=True)  # selectors.timeline

    class Meta(WorkOrderSerializer.Meta):
        fields = [
            *WorkOrderSerializer.Meta.fields,
            "address",
            "requirements",
            "warranty_reasons",
            "entitlement",
            "swap",
            "data_loss_acknowledged",
            "damage_waiver_required",
            "estimated_ready_at",
            "events",
        ]

    @extend_schema_field(ReasonSerializer(many=True))
    def get_warranty_reasons(self, order):
        return reasons_shown(order.warranty_reasons)

    @extend_schema_field(UnitSwapSerializer(allow_null=True))
    def get_swap(self, order):
        swap = getattr(order, "swap", None)
        return UnitSwapSerializer(swap).data if swap else None


class IntakeInputSerializer(Serializer):
    outlet = serializers.IntegerField()
    phone = PhoneNumberField(region="CN")
    customer = serializers.IntegerField(required=False, allow_null=True, default=None)
    customer_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    product = serializers.IntegerField(required=False, allow_null=True, default=None)
    category = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")  # its code
    brand = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    model = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    serial = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    purchase_date = DateField(required=False, allow_null=True, default=None)
    proof = serializers.ChoiceField(choices=Product.Proof.choices, default=Product.Proof.NONE)
    production_date = DateField(required=False, allow_null=True, default=None)  # from the barcode label
    price = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    channel = serializers.ChoiceField(choices=STAFF_CHANNELS)
    service_type = serializers.ChoiceField(choices=WorkOrder.ServiceType.choices)
    priority = serializers.ChoiceField(choices=WorkOrder.Priority.choices, default=WorkOrder.Priority.NORMAL)
    fault_description = serializers.CharField()
    fault_component = serializers.ChoiceField(choices=list(COMPONENT_LABELS), default=WHOLE_UNIT)
    water_or_drop_damage = serializers.BooleanField(default=False)
    data_loss_acknowledged = serializers.BooleanField(default=False)
    requested_time = DateTimeField(required=False, allow_null=True, default=None)
    requirements = serializers.CharField(required=False, allow_blank=True, default="")
    estimated_ready_at = DateTimeField(required=False, allow_null=True, default=None)
    notify_by_phone = serializers.BooleanField(default=True)
    idempotency_key = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class TransitionInputSerializer(Serializer):
    transition = serializers.ChoiceField(choices=list(TRANSITIONS))
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)
    override_incomplete = serializers.BooleanField(default=False)


class HandOverInputSerializer(Serializer):
    new_owner = serializers.IntegerField()
    reason = serializers.CharField(max_length=500)


class NoteInputSerializer(Serializer):
    text = serializers.CharField(max_length=2000)


class QuotePartInputSerializer(Serializer):
    code = serializers.SlugField(max_length=40)
    quantity = serializers.IntegerField(min_value=1, max_value=999, default=1)


class WorkOrderQuoteInputSerializer(Serializer):
    parts = QuotePartInputSerializer(many=True, required=False, default=list)
    onsite = serializers.BooleanField(default=False)
    card_prices = serializers.DictField(
        child=serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0), required=False, default=dict
    )


class AgreementInputSerializer(Serializer):
    agreement = serializers.ChoiceField(choices=["data_loss", "damage_waiver"])


class DetailsInputSerializer(Serializer):
    version = serializers.IntegerField()
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    model = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    purchase_date = DateField(required=False, allow_null=True, default=None)
    proof = serializers.ChoiceField(choices=Product.Proof.choices)
    fault_description = serializers.CharField()
    requested_time = DateTimeField(required=False, allow_null=True, default=None)


class RepairRecordInputSerializer(Serializer):
    fault_confirmed = serializers.CharField(required=False, allow_blank=True, default="")
    cause = serializers.CharField(required=False, allow_blank=True, default="")
    actions_taken = serializers.CharField(required=False, allow_blank=True, default="")
    parts_replaced = serializers.CharField(required=False, allow_blank=True, default="")
    fault_component = serializers.ChoiceField(
        choices=list(COMPONENT_LABELS), required=False, allow_blank=True, default=""
    )


class PickupInputSerializer(SignedInputSerializer):
    pickup_code = serializers.CharField(max_length=8)
    payment_method = serializers.ChoiceField(
        choices=Payment.Method.choices, required=False, allow_blank=True, default=""
    )
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True, default=None)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class CallSerializer(ModelSerializer):
    caller_phone = PersonalField()
    outlet = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "outlet",
            "at",
            "caller_phone",
            "customer",
            "call_type",
            "summary",
            "outcome",
            "phone_guidance",
            "guidance_advice",
            "work_order",
        ]
        read_only_fields = ["id", "at", "customer"]


class CallInputSerializer(Serializer):
    outlet = serializers.IntegerField()
    caller_phone = PhoneNumberField(region="CN")
    call_type = serializers.ChoiceField(
        choices=[choice for choice in Call.Type.choices if choice[0] != Call.Type.COMPLAINT],
        help_text="A complaint call opens its case: POST /api/v1/complaints/ with the caller's phone.",
    )
    summary = serializers.CharField()
    outcome = serializers.CharField(required=False, allow_blank=True, default="")
    phone_guidance = serializers.BooleanField(default=False)
    guidance_advice = serializers.CharField(required=False, allow_blank=True, default="")
    work_order = serializers.IntegerField(required=False, allow_null=True, default=None)
    product = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Phone guidance without a work order, for a caller with several products: the one it was for.",
    )


class MessageSlipSerializer(ModelSerializer):
    caller_phone = PersonalField()
    address = PersonalField(kind="address")

    class Meta:
        model = MessageSlip
        fields = [
            "id",
            "outlet",
            "at",
            "caller_name",
            "caller_phone",
            "address",
            "message",
            "best_time",
            "recipient",
            "recipient_role",
            "status",
            "answered_by",
            "answered_at",
            "answer",
        ]


class MessageSlipInputSerializer(Serializer):
    outlet = serializers.IntegerField()
    caller_name = serializers.CharField(max_length=100)
    caller_phone = PhoneNumberField(region="CN")
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    message = serializers.CharField()
    best_time = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    recipient = serializers.IntegerField(required=False, allow_null=True, default=None)
    recipient_role = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class SlipAnswerInputSerializer(Serializer):
    answer = serializers.CharField(max_length=1000)


class ChargeWaiverSerializer(ModelSerializer):
    work_order_number = serializers.CharField(source="work_order.number", read_only=True)
    requested_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = ChargeWaiver
        fields = [
            "id",
            "work_order",
            "work_order_number",
            "original_total",
            "new_total",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class WaiverInputSerializer(Serializer):
    new_total = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    reason = serializers.CharField()


class WaiverDecisionInputSerializer(Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, default="", allow_blank=True)
