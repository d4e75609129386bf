import copy

from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField

from core.models import Outlet, ServiceCentre, User
from core.privacy import personal
from core.validation import plausible_day


def copy_fields(fields: dict) -> dict:
    """Each serializer's own copies of its fields, as DRF's deepcopy gives, at a fraction of its cost.

    DRF copies a field by calling its __init__ again with the original arguments (an eighth of the
    instructions of an intake through the API). A field is only changed by being bound to its
    serializer, so a copy of its attributes will do; a field holding other fields (a nested serializer,
    a list or dict of a child, a many-related field) is bound to its children and gets DRF's deep copy.
    """
    return {
        name: copy.deepcopy(field) if isinstance(field, _PARENT_FIELDS) else _attributes_copy(field)
        for name, field in fields.items()
    }


_PARENT_FIELDS = (serializers.BaseSerializer, serializers.ListField, serializers.DictField, ManyRelatedField)


def _attributes_copy(field):
    # copy.copy's own result, without its generic protocol (a third of the copies' cost)
    new = object.__new__(type(field))
    new.__dict__.update(field.__dict__)
    return new


class DateField(serializers.DateField):
    """A date between 1980 and 2099 (core.validation.plausible_day): the only date field the API uses."""

    default_validators = [plausible_day]


class DateTimeField(serializers.DateTimeField):
    default_validators = [plausible_day]


class Serializer(serializers.Serializer):
    """DRF's Serializer with its fields copied by copy_fields."""

    def get_fields(self):
        return copy_fields(self._declared_fields)


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer with its fields made from the model once per class, not for every
    serializer made (0.6 ms of a work order's detail); each serializer still gets its own copies."""

    def get_fields(self):
        cls = type(self)
        if "_fields_made" not in cls.__dict__:
            cls._fields_made = super().get_fields()
        return copy_fields(cls._fields_made)


class CentreOutputSerializer(ModelSerializer):
    class Meta:
        model = ServiceCentre
        fields = ["id", "code", "name", "region", "is_active"]


class OutletOutputSerializer(ModelSerializer):
    centre = CentreOutputSerializer(read_only=True)

    class Meta:
        model = Outlet
        fields = ["id", "code", "name", "centre", "address", "phone", "slip_paper", "is_active"]


class OutletInputSerializer(Serializer):
    code = serializers.SlugField(max_length=32)
    name = serializers.CharField(max_length=100)
    centre = serializers.PrimaryKeyRelatedField(queryset=ServiceCentre.objects.all())
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    phone = PhoneNumberField(required=False, allow_blank=True, default="", region="CN")
    slip_paper = serializers.ChoiceField(choices=Outlet.SlipPaper.choices, required=False, default=Outlet.SlipPaper.A4)
    is_active = serializers.BooleanField(required=False, default=True)


class MeSerializer(ModelSerializer):
    role = serializers.CharField(source="role.value", allow_null=True, default=None)
    outlet_ids = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name", "role", "language", "is_headquarters", "centre", "outlet_ids"]

    def get_outlet_ids(self, user) -> list[int]:
        return sorted(o.pk for o in user.outlets.all())


class PersonalField(serializers.CharField):
    """A customer's phone or address, masked for roles that do not need it (core.privacy).

    Without a request in the serializer context the value is masked: safe by default.
    """

    def __init__(self, *, kind: str = "phone", **kwargs):
        self.kind = kind
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return personal(value, user, kind=self.kind)
