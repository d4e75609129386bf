from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warranty.fees import LineKind, QuoteError, Rates, ServiceType, quote

RATES = Rates(
    labour={
        ("phone", ServiceType.REPAIR): Decimal("80.00"),
        ("phone", ServiceType.SOFTWARE_ADJUSTMENT): Decimal("30.00"),
        ("air_conditioner", ServiceType.INSTALLATION): Decimal("150.00"),
    },
    parts={"screen": ("屏幕总成", Decimal("499.00")), "battery": ("电池", Decimal("129.50"))},
    visit_fee=Decimal("50.00"),
)


def test_out_of_warranty_repair_is_labour_plus_parts_per_schedule():
    result = quote(
        rates=RATES, category="phone", service_type=ServiceType.REPAIR, parts=[("screen", 1), ("battery", 2)]
    )
    assert [(line.kind, line.amount) for line in result.lines] == [
        (LineKind.LABOUR, Decimal("80.00")),
        (LineKind.PART, Decimal("499.00")),
        (LineKind.PART, Decimal("259.00")),
    ]
    assert result.total == Decimal("838.00")


def test_onsite_adds_the_visit_fee():
    result = quote(rates=RATES, category="air_conditioner", service_type=ServiceType.INSTALLATION, onsite=True)
    assert result.total == Decimal("200.00")


def test_in_warranty_work_costs_the_customer_nothing_but_shows_the_lines():
    result = quote(
        rates=RATES, category="phone", service_type=ServiceType.REPAIR, parts=[("screen", 1)], in_warranty=True
    )
    assert result.total == Decimal("0.00")
    assert len(result.lines) == 2 and result.notes


def test_the_lower_of_schedule_and_warranty_card_price_wins():
    cheaper = quote(
        rates=RATES,
        category="phone",
        service_type=ServiceType.REPAIR,
        parts=[("screen", 1)],
        card_prices={"screen": Decimal("450"), "labour": Decimal("100")},
    )
    assert [line.unit_price for line in cheaper.lines] == [Decimal("80.00"), Decimal("450.00")]
    assert cheaper.lines[1].note and not cheaper.lines[0].note
    assert cheaper.total == Decimal("530.00")


@pytest.mark.parametrize(
    ("service_date", "charged_after", "labour"),
    [
        (date(2026, 2, 28), 3, Decimal("0.00")),  # within the first month
        (date(2026, 4, 30), 3, Decimal("0.00")),  # months 2-3: the manual is silent, the customer's favour
        (date(2026, 5, 1), 3, Decimal("30.00")),  # after 3 months: charged
        (date(2026, 3, 1), 1, Decimal("30.00")),  # an admin who sets both limits to one month
    ],
)
def test_software_adjustment_is_free_until_the_schedules_limit_after_installation(service_date, charged_after, labour):
    result = quote(
        rates=replace(RATES, software_free_months=1, software_charged_after_months=charged_after),
        category="phone",
        service_type=ServiceType.SOFTWARE_ADJUSTMENT,
        installation_date=date(2026, 1, 31),
        service_date=service_date,
    )
    assert result.total == labour


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"category": "tv", "service_type": ServiceType.REPAIR}, "service_type"),
        ({"parts": [("unknown", 1)]}, "parts"),
        ({"parts": [("screen", 0)]}, "parts"),
        ({"card_prices": {"screen": Decimal("-1")}}, "card_prices"),
    ],
)
def test_bad_input_names_the_field(kwargs, field):
    args = {"rates": RATES, "category": "phone", "service_type": ServiceType.REPAIR, **kwargs}
    with pytest.raises(QuoteError) as exc:
        quote(**args)
    assert exc.value.field == field


@given(
    quantities=st.lists(st.tuples(st.sampled_from(["screen", "battery"]), st.integers(1, 5)), max_size=5),
    card=st.none() | st.decimals(min_value=0, max_value=1000, places=2),
)
def test_total_is_the_sum_of_lines_and_a_card_price_never_raises_it(quantities, card):
    plain = quote(rates=RATES, category="phone", service_type=ServiceType.REPAIR, parts=quantities)
    assert plain.total == sum(line.amount for line in plain.lines)
    with_card = quote(
        rates=RATES,
        category="phone",
        service_type=ServiceType.REPAIR,
        parts=quantities,
        card_prices={} if card is None else {"screen": card, "battery": card, "labour": card},
    )
    assert with_card.total <= plain.total
