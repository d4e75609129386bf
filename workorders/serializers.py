from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from workorders.lifecycle import TRANSITIONS
from workorders.models import Customer, Product, ProductCategory, WorkOrder, WorkOrderEvent


class ProductCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductCategory
        fields = ["id", "code", "name"]


class ProductSerializer(serializers.ModelSerializer):
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
            "dealer",
            "installation_date",
        ]


class CustomerSerializer(serializers.ModelSerializer):
    phones = serializers.SerializerMethodField()
    addresses = serializers.SerializerMethodField()
    products = ProductSerializer(many=True, read_only=True)

    class Meta:
        model = Customer
        fields = ["id", "name", "phones", "addresses", "products"]

    def get_phones(self, customer) -> list[str]:
        return [str(p.number) for p in customer.phones.all()]

    def get_addresses(self, customer) -> list[str]:
        return [a.address for a in customer.addresses.all()]


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = WorkOrderEvent
        fields = ["kind", "transition", "from_status", "to_status", "actor", "at", "text"]


class WorkOrderSerializer(serializers.ModelSerializer):
    customer = serializers.StringRelatedField()
    customer_id = serializers.IntegerField(read_only=True)
    product = serializers.StringRelatedField()
    product_id = serializers.IntegerField(read_only=True)
    category = serializers.CharField(source="product.category.code", read_only=True)
    outlet = serializers.SlugRelatedField(slug_field="code", read_only=True)
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


class WorkOrderDetailSerializer(WorkOrderSerializer):
    warranty_reasons = serializers.JSONField(read_only=True)
    events = EventSerializer(many=True, read_only=True)

    class Meta(WorkOrderSerializer.Meta):
        fields = [
            *WorkOrderSerializer.Meta.fields,
            "address",
            "requirements",
            "warranty_reasons",
            "data_loss_acknowledged",
            "damage_waiver_required",
            "estimated_ready_at",
            "events",
        ]


class IntakeInputSerializer(serializers.Serializer):
    outlet = serializers.IntegerField()
    phone = PhoneNumberField(region="CN")
    customer = serializers.IntegerField(required=False, allow_null=True, default=None)
    customer_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    product = serializers.IntegerField(required=False, allow_null=True, default=None)
    category = serializers.SlugField(required=False, allow_blank=True, default="")
    brand = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    model = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    serial = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    purchase_date = serializers.DateField(required=False, allow_null=True, default=None)
    proof = serializers.ChoiceField(choices=Product.Proof.choices, default=Product.Proof.NONE)
    channel = serializers.ChoiceField(choices=WorkOrder.Channel.choices)
    service_type = serializers.ChoiceField(choices=WorkOrder.ServiceType.choices)
    priority = serializers.ChoiceField(choices=WorkOrder.Priority.choices, default=WorkOrder.Priority.NORMAL)
    fault_description = serializers.CharField()
    water_or_drop_damage = serializers.BooleanField(default=False)
    data_loss_acknowledged = serializers.BooleanField(default=False)
    requested_time = serializers.DateTimeField(required=False, allow_null=True, default=None)
    requirements = serializers.CharField(required=False, allow_blank=True, default="")
    estimated_ready_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    notify_by_phone = serializers.BooleanField(default=True)
    idempotency_key = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class TransitionInputSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=list(TRANSITIONS))
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)
    override_incomplete = serializers.BooleanField(default=False)


class HandOverInputSerializer(serializers.Serializer):
    new_owner = serializers.IntegerField()
    reason = serializers.CharField(max_length=500)


class NoteInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
