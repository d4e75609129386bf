"""Messages to customers and staff: an outbox written in the event's transaction, sent by a beat task.

`notification_enqueue` stores the message (rendered from the editable `MessageTemplate`, else the
translated text below) with an idempotency key, so an event announced twice sends one message and
a rolled-back event sends none. `notifications_send` (beat, every tick) delivers pending messages
through the notifier backend (NOTIFIER_BACKEND; the default writes to the log), retrying failures
and marking a message failed after MAX_ATTEMPTS. Delivery is at least once: a worker killed between
sending and committing sends that message again.
"""

import logging
from collections import defaultdict
from functools import cache
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from core.lifecycle import Lifecycle, move
from core.logging import mask_codes

log = logging.getLogger("notifications")
MAX_ATTEMPTS = 5

# The built-in texts; admins override them per language in data administration (MessageTemplate).
MESSAGES = {
    "order_received": _("{outlet} has your {product} (order {number}). Follow the repair here: {link}"),
    "quote_ready": _("The repair of your {product} (order {number}) costs {total}. Approve or decline it here: {link}"),
    "ready_for_pickup": _("Your {product} is repaired and ready for pickup at {outlet}. Pickup code {code}."),
    "appointment_confirmed": _("Our engineer {engineer} will visit on {window} for your {product} (order {number})."),
    "callback_missed": _(
        "We tried to call you about your {product} several times. Please call us back on {outlet_phone}."
    ),
    "callbacks_overdue": _("{count} callbacks of {outlet} are overdue."),
    "complaint_escalated": _("Complaint #{case} ({category}) of {outlet} is escalated to you: {reason}"),
    "complaint_assigned": _("Complaint #{case} ({category}) of {outlet}, logged by {logger}, is yours to handle."),
    "praise_received": _("A customer praised {staff} ({channel}): {text}"),
    "customer_wrote": _("A customer of {outlet} sent a {type} from the tracking page (order {number}): {text}"),
}


class Notifier(Protocol):
    def send(self, *, to: str, message: str, kind: str) -> None: ...


class LogNotifier:
    """Writes each message to the `notifications` log instead of sending it: the phone masked (the log
    filter), the pickup code hidden (a log must not let its reader collect a customer's product)."""

    def send(self, *, to: str, message: str, kind: str) -> None:
        log.info("notify kind=%s to=%s message=%s", kind, to, mask_codes(message))


def notifier() -> Notifier:
    return import_string(settings.NOTIFIER_BACKEND)()


def render(kind: str, context: dict, language: str | None = None) -> str:
    """The message text: the admin's template for the language, else the built-in one; an unknown
    placeholder in an edited template stays as typed instead of failing."""
    from core import reference
    from core.models import MessageTemplate

    language = language or settings.LANGUAGE_CODE
    edited = reference.remembered(
        "message_templates", lambda: {(t.kind, t.language): t.text for t in MessageTemplate.objects.all()}
    )
    text = edited.get((kind, language))
    with translation.override(language):  # lazy labels in the context also speak the reader's language
        return (text or str(MESSAGES[kind])).format_map(defaultdict(lambda: "", context))


def notification_enqueue(*, kind: str, to: str, context: dict, key: str, language: str | None = None) -> None:
    """Put a message in the outbox, in the caller's transaction; a repeated key adds nothing."""
    from core.models import Notification

    if not to:
        return
    message = render(kind, context, language)
    Notification.objects.bulk_create(
        [Notification(kind=kind, to=to, message=message, idempotency_key=key)], ignore_conflicts=True
    )


@cache
def outbox_lifecycle() -> Lifecycle:
    """An outbox row's lifecycle (core.lifecycle): pending until sent, or failed after MAX_ATTEMPTS tries.
    Made on first use: this module is imported before the models are ready."""
    from core.models import Notification

    N = Notification.Status
    return Lifecycle(
        N, [move("send", {N.PENDING}, N.SENT), move("give_up", {N.PENDING}, N.FAILED)], initial={N.PENDING}
    )


def notifications_send(*, batch: int = 100) -> int:
    """Send pending messages in batches (rows locked, SKIP LOCKED: two senders never send one twice)."""
    from core.models import Notification

    sent = 0
    backend, outbox = notifier(), outbox_lifecycle()
    while True:
        with transaction.atomic():
            rows = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(status=Notification.Status.PENDING)
                .order_by("id")[:batch]
            )
            for row in rows:
                try:
                    backend.send(to=row.to, message=row.message, kind=row.kind)
                except Exception as exc:  # noqa: BLE001 - any delivery error is retried, then recorded
                    row.attempts += 1
                    row.last_error = str(exc)[:500]
                    if row.attempts >= MAX_ATTEMPTS:
                        outbox.move(row, "give_up")
                else:
                    outbox.move(row, "send")
                    row.sent_at = timezone.now()
                    sent += 1
                row.save(update_fields=["status", "attempts", "last_error", "sent_at"])
        if len(rows) < batch:
            return sent
