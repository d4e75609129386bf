"""Parts and warranty-card prices are typed a row each, by name in either language, and kept by code."""

from decimal import Decimal

import pytest
from django import forms
from django.http import QueryDict
from django.utils import translation

from tests.warranty.factories import published_schedule
from warranty.forms import CardPricesField, PartRowsField, card_price_rows, part_rows

pytestmark = pytest.mark.django_db


def _rows(name: str, rows: list[tuple[str, str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for item, amount in rows:
        data.appendlist(f"{name}-item", item)
        data.appendlist(f"{name}-amount", amount)
    return data


def _clean(field: forms.Field, rows: list[tuple[str, str]]):
    return field.clean(field.widget.value_from_datadict(_rows("f", rows), {}, "f"))


def test_warranty_card_prices_are_typed_by_name_and_kept_by_code():
    schedule = published_schedule()
    schedule.part_prices.filter(code="screen").update(name_en="Screen assembly")
    field = CardPricesField()
    typed = [("工时费", "60"), ("On-site visit fee", "20"), ("screen assembly", "300.50"), ("", ""), ("电池", "99")]
    assert _clean(field, typed) == {
        "labour": Decimal("60"),
        "visit": Decimal("20"),
        "screen": Decimal("300.50"),
        "battery": Decimal("99"),
    }
    assert _clean(field, []) == {}
    with translation.override("en"):
        assert card_price_rows({"labour": "60", "screen": "300.50"}) == [
            ("Labour", "60"),
            ("Screen assembly", "300.50"),
        ]
    with translation.override("zh-hans"):
        assert card_price_rows({"screen": "300.50"}) == [("屏幕总成", "300.50")]


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([("工时费", "")], "工时费"),  # a price is needed
        ([("工时费", "-5")], "工时费"),
        ([("工时费", "abc")], "工时费"),
        ([("", "60")], "60"),  # an amount without its item
        ([("遥控器", "60")], "遥控器"),  # neither a charge nor a part of the schedule
    ],
)
def test_a_wrong_card_price_row_is_named_in_the_error(rows, problem):
    published_schedule()
    with pytest.raises(forms.ValidationError) as refused:
        _clean(CardPricesField(), rows)
    assert problem in " ".join(refused.value.messages)


def test_part_rows_take_a_name_in_either_language_or_a_code_and_default_to_one():
    schedule = published_schedule()
    schedule.part_prices.filter(code="battery").update(name_en="Battery")
    field = PartRowsField()
    assert _clean(field, [("屏幕总成", ""), ("BATTERY", "2"), ("screen", "1"), ("不认识", "1")]) == [
        ("screen", 1),
        ("battery", 2),
        ("screen", 1),
        ("不认识", 1),  # left for the quote to name as unknown
    ]
    with pytest.raises(forms.ValidationError, match="屏幕总成"):
        _clean(field, [("屏幕总成", "0")])
    with translation.override("en"):
        assert part_rows([{"code": "battery", "name": "电池", "name_en": "Battery", "quantity": 2}]) == [("Battery", 2)]


def test_the_rows_widget_suggests_the_parts_by_name_and_keeps_what_was_typed():
    published_schedule()
    field = PartRowsField()
    html = field.widget.render("parts", [("屏幕总成", "2")], attrs={"id": "id_parts"})
    assert 'value="屏幕总成"' in html and 'value="2"' in html
    assert '<option value="电池">battery</option>' in html  # typed by name, the code as the hint
    assert html.count('name="parts-item"') == 3  # the row typed and two blank ones
    assert 'id="id_parts"' in html and 'list="id_parts-suggestions"' in html
