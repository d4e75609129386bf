"""ChoiceLabels: get_FOO_display() as Django's own gives it, in the active language, without rebuilding
the choices on every call."""

from functools import partialmethod

from django.apps import apps
from django.db import models
from django.utils import translation

from core.models import ChoiceLabels


def _choice_fields():
    for model in apps.get_models():
        if issubclass(model, ChoiceLabels):
            for field in model._meta.concrete_fields:
                if field.choices:
                    yield model, field


def test_every_label_is_the_one_django_gives_in_both_languages():
    fields = list(_choice_fields())
    assert {model.__name__ for model, _field in fields} >= {"WorkOrder", "Callback", "Appointment", "ComplaintCase"}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for model, field in fields:
                django_display = partialmethod(models.Model._get_FIELD_display, field=field)
                for value, _label in field.flatchoices:
                    instance = model(**{field.attname: value})
                    shown = getattr(instance, f"get_{field.name}_display")()
                    assert shown == django_display.__get__(instance)(), (model, field.name, value)


def test_the_label_follows_the_language_and_an_unknown_value_shows_as_it_is():
    from workorders.models import WorkOrder

    order = WorkOrder(status="closed")
    with translation.override("zh-hans"):
        assert order.get_status_display() == "已关闭"
    with translation.override("en"):
        assert order.get_status_display() == "Closed"
    order.status = "no-such-status"
    assert order.get_status_display() == "no-such-status"
