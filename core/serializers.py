from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from core.models import Outlet, ServiceCentre, User


class CentreOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceCentre
        fields = ["id", "code", "name", "region", "is_active"]


class OutletOutputSerializer(serializers.ModelSerializer):
    centre = CentreOutputSerializer(read_only=True)

    class Meta:
        model = Outlet
        fields = ["id", "code", "name", "centre", "address", "phone", "is_active"]


class OutletInputSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=32)
    name = serializers.CharField(max_length=100)
    centre = serializers.PrimaryKeyRelatedField(queryset=ServiceCentre.objects.all())
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    phone = PhoneNumberField(required=False, allow_blank=True, default="", region="CN")
    is_active = serializers.BooleanField(required=False, default=True)


class MeSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="role.value", allow_null=True, default=None)
    outlet_ids = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name", "role", "language", "is_headquarters", "centre", "outlet_ids"]

    def get_outlet_ids(self, user) -> list[int]:
        return sorted(o.pk for o in user.outlets.all())
