"""The core serializer bases give every serializer its own fields, copied cheaply (core.serializers.copy_fields)."""

from rest_framework import serializers

from core.serializers import PersonalField, Serializer


class _Line(Serializer):
    phone = PersonalField()


class _Form(Serializer):
    name = serializers.CharField(max_length=5)
    tags = serializers.ListField(child=serializers.SlugField())
    lines = _Line(many=True, required=False)


def test_each_serializer_has_its_own_fields_bound_to_it():
    first, second = _Form(), _Form()
    assert first.fields["name"] is not second.fields["name"]
    assert first.fields["name"].parent is first and second.fields["name"].parent is second
    assert _Form._declared_fields["name"].parent is None  # the class's own field is never bound


def test_a_field_holding_fields_gets_its_own_children():
    first, second = _Form(), _Form()
    assert first.fields["tags"].child is not second.fields["tags"].child
    assert first.fields["tags"].child.parent is first.fields["tags"]
    nested = first.fields["lines"].child.fields["phone"]
    assert nested.root is first  # so a nested field reads the outer serializer's context


def test_validation_of_one_serializer_leaves_another_alone():
    bad = _Form(data={"name": "too long a name", "tags": ["ok"]})
    good = _Form(data={"name": "short", "tags": ["a-b"]})
    assert not bad.is_valid() and set(bad.errors) == {"name"}
    assert good.is_valid(), good.errors
    assert good.validated_data == {"name": "short", "tags": ["a-b"]}


def test_a_nested_personal_field_is_masked_without_the_outer_request():
    assert _Form({"name": "x", "tags": [], "lines": [{"phone": "13812345678"}]}).data["lines"] == [
        {"phone": "138****5678"}
    ]
