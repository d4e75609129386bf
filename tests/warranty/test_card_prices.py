from decimal import Decimal

import pytest
from django import forms

from warranty.forms import CardPricesField, card_prices_text


def test_warranty_card_prices_are_typed_as_code_equals_price():
    field = CardPricesField()
    assert field.clean("labour=60， phone-screen = 300.50") == {
        "labour": Decimal("60"),
        "phone-screen": Decimal("300.50"),
    }
    assert field.clean("") == {}
    assert card_prices_text({"labour": "60", "visit": "20"}) == "labour=60, visit=20"
    for bad in ("labour 60", "labour=-5", "labour=abc", "=60"):
        with pytest.raises(forms.ValidationError):
            field.clean(bad)
