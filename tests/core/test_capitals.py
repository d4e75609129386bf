"""Amounts in Chinese capitals (大写金额) as receipts write them."""

from decimal import Decimal

import pytest

from core.templatetags.money import capitals, in_capitals


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        ("0", "零元整"),
        ("0.50", "伍角整"),
        ("0.05", "伍分"),
        ("1.05", "壹元零伍分"),
        ("10", "壹拾元整"),
        ("100", "壹佰元整"),
        ("1010", "壹仟零壹拾元整"),
        ("1234.50", "壹仟贰佰叁拾肆元伍角整"),
        ("60036.07", "陆万零叁拾陆元零柒分"),
        ("100010", "壹拾万零壹拾元整"),
        ("105000", "壹拾万伍仟元整"),
        ("10001000", "壹仟万壹仟元整"),
        ("1000000", "壹佰万元整"),
        ("100000001", "壹亿零壹元整"),
        ("-35.80", "负叁拾伍元捌角整"),  # a refund
        ("2.345", "贰元叁角伍分"),  # rounded to the fen
    ],
)
def test_amounts_in_capitals(amount, written):
    assert in_capitals(Decimal(amount)) == written


def test_the_filter_takes_what_templates_hold():
    assert capitals("88") == "捌拾捌元整" and capitals(Decimal("88.8")) == "捌拾捌元捌角整"
    assert capitals(None) == "" and capitals("") == "" and capitals("abc") == ""
