"""Machine-readable codes on prints, drawn here as SVG images inside the page (no external service): a QR
code for phones' scanners and Code 128 for the counter's barcode gun, each of a text such as an order
number. Scanned into the order search, the number opens its order."""

import base64
from io import BytesIO

import segno
from barcode import Code128
from barcode.writer import SVGWriter
from django import template
from django.utils.html import format_html

register = template.Library()


def _img(svg: bytes, text: str, css: str, testid: str):
    source = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    return format_html('<img class="{}" src="{}" alt="{}" data-testid="{}">', css, source, text, testid)


def qr_svg(text: str) -> bytes:
    """A full QR code (never a Micro QR, which phones do not read), scaled by its viewBox."""
    out = BytesIO()
    segno.make_qr(text, error="m").save(out, kind="svg", border=4, xmldecl=False, omitsize=True)
    return out.getvalue()


def code128_svg(text: str) -> bytes:
    out = BytesIO()
    options = {"module_width": 0.3, "module_height": 9.0, "quiet_zone": 4.0, "write_text": False}
    Code128(text, writer=SVGWriter()).write(out, options=options)
    return out.getvalue()


@register.simple_tag
def qr_code(text: str):
    return _img(qr_svg(str(text)), str(text), "code-qr", "qr-code")


@register.simple_tag
def barcode(text: str):
    return _img(code128_svg(str(text)), str(text), "code-128", "barcode")
