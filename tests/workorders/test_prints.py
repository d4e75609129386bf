"""What the counter prints: the receipt's facts (outlet, number, lines, amount in capitals, method, fee
schedule), the hand-back signed and rated, the paper each outlet prints slips on, and the codes."""

import re

import pytest
import zxingcpp
from django.urls import reverse

from core.models import Outlet
from core.roles import Role
from core.signatures import drawn_signature
from core.templatetags.codes import code128_svg, qr_svg
from tests.workorders.test_pickup import paid_job  # noqa: F401 - the fixture
from workorders.services import work_order_pickup

pytestmark = pytest.mark.django_db


def _print(client, order, document, **query):
    return client.get(reverse("work-order-print", args=[order.pk, document]), query)


@pytest.fixture
def collected(network, paid_job):  # noqa: F811
    clerk = network.staff[Role.FRONT_DESK]
    return work_order_pickup(
        work_order=paid_job,
        pickup_code=paid_job.pickup_code,
        payment_method="wechat",
        signature=drawn_signature(),
        rating=4,
        comment="师傅很专业",
        actor=clerk,
    )


def test_the_receipt_names_the_outlet_the_amount_in_capitals_and_the_fee_schedule(network, collected, client_for):
    Outlet.objects.filter(pk=network.a1.pk).update(address="上海市徐汇区漕溪北路 88 号", phone="+862164871234")
    receipt = _print(client_for(network.staff[Role.FRONT_DESK]), collected, "receipt").text
    assert "上海市徐汇区漕溪北路 88 号" in receipt and "021 6487 1234" in receipt
    assert f"R{collected.number}-1" in receipt and "¥579.00" in receipt
    assert "人民币伍佰柒拾玖元整" in receipt and "微信支付" in receipt
    assert "2026 收费标准" in receipt and "2026-01-01" in receipt  # the schedule version the price came from
    assert "屏幕总成 × 1" in receipt and "工时费 × 1" in receipt


def test_the_signature_and_rating_of_the_hand_back_are_printed_and_shown(network, collected, client_for):
    client = client_for(network.staff[Role.FRONT_DESK])
    for document in ("repair-record", "pickup-slip"):
        printed = _print(client, collected, document).text
        assert collected.pickup_signature in printed and "满意度: 4/5" in printed and "师傅很专业" in printed
    page = client.get(reverse("work-order-detail", args=[collected.pk])).text
    assert 'data-testid="order-pickup-signed"' in page and collected.pickup_signature in page


def test_before_the_hand_back_a_blank_line_waits_for_the_signature(network, paid_job, client_for):  # noqa: F811
    record = _print(client_for(network.staff[Role.FRONT_DESK]), paid_job, "repair-record").text
    assert 'class="sign-line"' in record and "满意度" not in record
    # The pickup code is the customer's: on the customer copy only.
    assert record.count(paid_job.pickup_code) == 1


def test_slips_print_on_the_outlets_paper_unless_the_print_asks_otherwise(network, collected, client_for):
    client = client_for(network.staff[Role.FRONT_DESK])
    assert 'class="print paper-a4"' in _print(client, collected, "pickup-slip").text
    Outlet.objects.filter(pk=network.a1.pk).update(slip_paper=Outlet.SlipPaper.THERMAL_80)
    roll = _print(client, collected, "receipt").text
    assert 'class="print paper-80mm"' in roll and "?paper=a4" in roll  # the other paper, a click away
    assert 'class="print paper-a4"' in _print(client, collected, "receipt", paper="a4").text
    assert 'class="print paper-80mm"' in _print(client, collected, "pickup-slip", paper="nonsense").text
    # The job sheet is always A4: customer and shop copies, a page each.
    record = _print(client, collected, "repair-record", paper="80mm").text
    assert 'class="print paper-a4"' in record and record.count('class="print-copy page"') == 2


def test_prints_offer_the_other_language_and_keep_the_paper(network, collected, client_for):
    client = client_for(network.staff[Role.FRONT_DESK])
    chinese = _print(client, collected, "pickup-slip", paper="80mm")
    assert "English copy" in chinese.text and "lang=en" in chinese.text and "paper=80mm" in chinese.text
    english = _print(client, collected, "pickup-slip", paper="80mm", lang="en")
    assert "Pickup slip" in english.text and "中文版" in english.text


def test_each_print_carries_the_order_number_as_a_qr_code_and_code_128(network, collected, client_for):
    record = _print(client_for(network.staff[Role.FRONT_DESK]), collected, "repair-record").text
    assert record.count('data-testid="qr-code"') == 2 and record.count('data-testid="barcode"') == 2
    assert re.search(r'src="data:image/svg\+xml;base64,[^"]+" alt="' + collected.number + '"', record)


def _modules(svg: bytes) -> list[list[bool]]:
    """The dark modules of segno's SVG path (one row of runs per line)."""
    size = int(re.search(rb'viewBox="0 0 (\d+) (\d+)"', svg)[1])
    grid = [[False] * size for _ in range(size)]
    path = re.search(rb' d="([^"]+)"', svg)[1].decode()
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmhv])(-?[\d.]+)(?: (-?[\d.]+))?", path.replace("m", " m").replace("h", " h")):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        elif command == "h":
            for column in range(int(x), int(x + float(a))):
                grid[int(y)][column] = True
            x += float(a)
    return grid


def _pixels(grid: list[list[bool]], scale: int = 4) -> memoryview:
    rows = bytearray()
    for row in grid:
        line = bytes(0 if dark else 255 for dark in row for _ in range(scale))
        rows += line * scale
    size = len(grid) * scale
    return memoryview(bytes(rows)).cast("B", shape=[size, size])


def test_the_qr_code_reads_back_as_the_order_number():
    svg = qr_svg("26120400017")
    found = zxingcpp.read_barcodes(_pixels(_modules(svg)))
    assert [(code.text, code.format) for code in found] == [("26120400017", zxingcpp.BarcodeFormat.QRCode)]


def test_the_code_128_reads_back_as_the_order_number():
    svg = code128_svg("26120400017")
    bars = re.findall(
        rb'<rect x="([\d.]+)mm" y="[\d.]+mm" width="([\d.]+)mm" height="[\d.]+mm" style="fill:black;"', svg
    )
    width = int(round(float(re.search(rb'width="([\d.]+)mm"', svg)[1]) / 0.3))
    line = bytearray([255]) * (width * 2)
    for x, w in bars:
        start = int(round(float(x) / 0.3)) * 2
        line[start : start + int(round(float(w) / 0.3)) * 2] = bytes(int(round(float(w) / 0.3)) * 2)
    image = memoryview(bytes(line) * 40).cast("B", shape=[40, width * 2])
    found = zxingcpp.read_barcodes(image)
    assert [(code.text, code.format) for code in found] == [("26120400017", zxingcpp.BarcodeFormat.Code128)]
