"""What dispatch announces to the apps beside it (subscribers are listed in the README)."""

from django.dispatch import Signal

# The customer signed off a visit: sent inside the transaction of `visit_sign_off` with
# `appointment`, `report` (saved, signed_off_at set) and `actor`. Followups plans the 2-hour callback
# of a satisfied visit that ended without a test run.
visit_signed_off = Signal()

# The engineer recorded damage caused in the home with the compensation agreed at its price (or changed
# either): sent inside the transaction of `visit_report_save` with `appointment`, `report` and `actor`.
# Complaints puts the compensation up for approval.
home_damage_recorded = Signal()
