"""Prints as a counter uses them, in Chromium: the Print button, each document on its paper (page count
and size from Chromium's own PDF), the 80 mm pickup slip, and the printed codes read back by a decoder and
scanned into the order search."""

import io
import re

import pytest
import zxingcpp

from core.models import Outlet
from core.roles import Role
from core.signatures import drawn_signature
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, OutletFactory, UserFactory
from tests.warranty.factories import published_schedule
from tests.workorders.factories import repaired_paid_job
from workorders.services import work_order_pickup

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
A4 = (595.0, 842.0)  # points
ROLL_WIDTH = 80 / 25.4 * 72  # 226.8 points


def _pdf_pages(page) -> list[tuple[float, float]]:
    """The size (points) of each page of the PDF Chromium prints, with the page's own CSS page size:
    Chromium writes one page object with its MediaBox per page."""
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) == pages
    return [(float(width), float(height)) for width, height in boxes]


def _is_a4(sizes) -> bool:
    return all(abs(width - A4[0]) < 1 and abs(height - A4[1]) < 1 for width, height in sizes)


def _read_code(page, selector: str):
    """Draw the printed code as Chromium renders it (4x) and decode its pixels."""
    grey = page.evaluate(
        """async (selector) => {
          const img = document.querySelector(selector);
          await img.decode();
          const canvas = document.createElement("canvas");
          canvas.width = Math.round(img.getBoundingClientRect().width * 4);
          canvas.height = Math.round(img.getBoundingClientRect().height * 4);
          const context = canvas.getContext("2d");
          context.fillStyle = "#fff";
          context.fillRect(0, 0, canvas.width, canvas.height);
          context.drawImage(img, 0, 0, canvas.width, canvas.height);
          const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
          const grey = [];
          for (let i = 0; i < rgba.length; i += 4) grey.push(rgba[i + 1]);
          return {width: canvas.width, height: canvas.height, grey};
        }""",
        selector,
    )
    image = memoryview(bytes(grey["grey"])).cast("B", shape=[grey["height"], grey["width"]])
    return [(code.text, code.format) for code in zxingcpp.read_barcodes(image)]


@pytest.fixture
def collected_order(migration_data):
    published_schedule()
    outlet = OutletFactory(
        name="上海徐汇网点", address="上海市徐汇区漕溪北路 88 号", slip_paper=Outlet.SlipPaper.THERMAL_80
    )
    clerk = UserFactory(username="e2e-print", role=Role.FRONT_DESK, outlets=[outlet])
    order = repaired_paid_job(clerk, outlet)
    order = work_order_pickup(
        work_order=order,
        pickup_code=order.pickup_code,
        payment_method="cash",
        signature=drawn_signature(),
        rating=5,
        actor=clerk,
    )
    return clerk, order


def test_the_counter_prints_each_document_on_its_paper_and_scans_its_code(collected_order, live_server, page):
    clerk, order = collected_order
    log_in(page, live_server.url, clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    with page.context.expect_page() as tab:
        page.click("[data-testid=print-pickup-slip]")
    slip = tab.value
    slip.wait_for_load_state("load")

    # The outlet prints slips on its 80 mm roll: one page, 80 mm wide, as long as the slip.
    assert slip.locator("body.paper-80mm").count() == 1
    button = slip.locator("[data-print]")
    assert button.is_visible() and button.bounding_box()["width"] >= 40
    slip.evaluate("window.print = () => { window.printed = true; }")
    button.click()
    assert slip.evaluate("window.printed") is True
    sizes = _pdf_pages(slip)
    assert len(sizes) == 1 and abs(sizes[0][0] - ROLL_WIDTH) < 1.5 and 150 < sizes[0][1] < 700
    assert slip.locator("[data-testid=print-stub]").is_hidden()  # the roll carries the customer's part only
    assert slip.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The QR code and the Code 128, as Chromium draws them, read back as the order number.
    assert _read_code(slip, "[data-testid=qr-code]") == [(order.number, zxingcpp.BarcodeFormat.QRCode)]
    assert _read_code(slip, "[data-testid=barcode]") == [(order.number, zxingcpp.BarcodeFormat.Code128)]

    # On A4 on request: the customer's part and the shop stub on one page.
    slip.click("[data-testid=print-paper]")
    slip.wait_for_load_state("load")
    assert slip.locator("body.paper-a4").count() == 1 and slip.locator("[data-testid=print-stub]").is_visible()
    a4_slip = _pdf_pages(slip)
    assert len(a4_slip) == 1 and _is_a4(a4_slip)

    # The job sheet: A4, the customer copy and the shop copy a page each, the signature printed.
    slip.goto(f"{live_server.url}/orders/{order.pk}/print/repair-record/")
    job_sheet = _pdf_pages(slip)
    assert len(job_sheet) == 2 and _is_a4(job_sheet)
    assert slip.locator("[data-testid=print-pickup] img.signature").count() == 2

    # The receipt on the roll: one page; the amount in capitals.
    slip.goto(f"{live_server.url}/orders/{order.pk}/print/receipt/")
    assert len(_pdf_pages(slip)) == 1
    assert "人民币" in slip.inner_text("[data-testid=receipt-capitals]")
    slip.close()

    # A barcode gun types the number and Enter into the order search: the order opens.
    page.goto(f"{live_server.url}/orders/")
    page.fill("#id_q", order.number)
    page.press("#id_q", "Enter")
    page.wait_for_url(f"**/orders/{order.pk}/")


def test_the_order_list_downloads_what_it_shows_as_excel(collected_order, live_server, page):
    from openpyxl import load_workbook

    clerk, order = collected_order
    log_in(page, live_server.url, clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/orders/?status={order.status}")
    buttons = page.locator("[data-testid=export-buttons]")
    assert buttons.is_visible() and page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    with page.expect_download() as download:
        page.click("[data-testid=export-xlsx]")
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert sheet.title == "工单" and "状态" in sheet["A1"].value
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == [order.number]
