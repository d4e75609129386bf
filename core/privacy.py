"""Personal data (customers' phones and addresses) is shown to the roles whose work needs it.

Administrators keep fee schedules, policies, users and outlets: they see masked values.
"""

import re

from core.roles import Role

ROLES_WITHOUT_PERSONAL_DATA = frozenset({Role.ADMIN})


def sees_personal_data(user) -> bool:
    return bool(user and user.is_authenticated) and user.role not in ROLES_WITHOUT_PERSONAL_DATA


def mask_phone_number(phone: str) -> str:
    """138****5678 for mobiles and landlines alike (the +86 country code dropped)."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("86") and len(digits) > 11:
        digits = digits[2:]
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"


def mask_address(address: str) -> str:
    """Keep the district-level start, hide the street and number."""
    return f"{address[:6]}****" if address else address


def personal(value, user, *, kind: str = "phone") -> str:
    """`value` as this user may see it."""
    text = "" if value is None else str(value)
    if not text or sees_personal_data(user):
        return text
    return mask_address(text) if kind == "address" else mask_phone_number(text)
