"""The customer's tracking link of a work order: an unguessable token, not the order number.

The token is the order's id in base 62 signed with the site's key (HMAC-SHA256, `django.core.signing`): it
names one order, cannot be made up or walked through, and needs no column. Rotating SECRET_KEY (with
SECRET_KEY_FALLBACKS empty) ends every link at once."""

import string

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "workorders.tracking"
DIGITS = string.digits + string.ascii_letters


def _base62(number: int) -> str:
    out = ""
    while True:
        number, digit = divmod(number, 62)
        out = DIGITS[digit] + out
        if number == 0:
            return out


def tracking_token(order_id: int) -> str:
    return signing.Signer(salt=SALT).sign(_base62(order_id))


def order_id_for(token: str) -> int | None:
    """The order a token names, or None for anything not signed by this site."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    number = 0
    for char in value:
        if char not in DIGITS:
            return None
        number = number * 62 + DIGITS.index(char)
    return number


def tracking_url(order_id: int) -> str:
    """The link as messages carry it: the site's public address (PUBLIC_BASE_URL) and the page."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("track", args=[tracking_token(order_id)])
