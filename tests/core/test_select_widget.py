"""The project's select template (templates/django/forms/widgets/select.html) writes what Django's does."""

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.test.html import parse_html


def test_select_markup_is_djangos():
    widget = forms.Select(
        attrs={"class": "form-select", "data-x": 'a"b'},
        choices=[("", "---"), ("a", "<A>"), ("Group", [("b", "B"), ("c", "C & D")])],
    )
    for value in ("c", "a", None):
        ours = widget.render("kind", value, renderer=get_default_renderer())
        djangos = widget.render("kind", value, renderer=DjangoTemplates())
        assert "<option" in ours and parse_html(ours) == parse_html(djangos)
    multiple = forms.SelectMultiple(choices=[("a", "A"), ("b", "B")])
    ours = multiple.render("kinds", ["a", "b"], renderer=get_default_renderer())
    assert parse_html(ours) == parse_html(multiple.render("kinds", ["a", "b"], renderer=DjangoTemplates()))
