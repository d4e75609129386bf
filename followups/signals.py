"""What followups announces to the outer apps (subscribers are listed in the README)."""

from django.dispatch import Signal

# A callback reached the customer and its outcome is recorded: sent inside the transaction of
# `callback_record` with `callback` (status done, outcome set) and `actor`. Complaints closes or
# reopens the case a confirmation callback was made for.
callback_completed = Signal()
