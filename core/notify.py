"""Messages to customers and staff: an outbox written in the event's transaction, sent by a beat task.

`notification_enqueue` stores the message (rendered from the editable `MessageTemplate`, else the
translated text below, and the placeholders' values for an SMS template) with an idempotency key, so an
event announced twice sends one message and a rolled-back event sends none. `notifications_send` (beat,
every tick) delivers the pending messages that are due through the notifier backend (NOTIFIER_BACKEND;
the default writes to the log, core.sms.TencentSmsNotifier sends SMS), under the sending rules:
- a phone that opted out (`MessageOptOut`, "回复TD退订") is sent nothing but the codes it asks for
  (ASKED_FOR_KINDS): the message is withheld;
- marketing-like messages wait out the quiet hours (21:00-08:00 local); service messages go at any hour;
- one phone gets at most NOTIFY_DAILY_CAP messages a day, the rest wait for the next morning;
- a failed delivery is tried again after a growing pause (BACKOFF), and marked failed after MAX_ATTEMPTS
  or at once when the provider refuses it for good (PermanentDeliveryError).
Delivery is at least once: a worker killed between sending and committing sends that message again.
"""

import datetime as dt
import logging
from collections import defaultdict
from functools import cache
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from core.lifecycle import Lifecycle, move
from core.logging import mask_codes

log = logging.getLogger("notifications")
MAX_ATTEMPTS = 5
BACKOFF = [dt.timedelta(minutes=m) for m in (1, 5, 15, 60)]  # the pause after the 1st, 2nd, … failure
QUIET_FROM, QUIET_UNTIL = dt.time(21), dt.time(8)  # local time: no marketing-like messages between
MARKETING_KINDS: frozenset[str] = frozenset()  # kinds held in quiet hours; every kind today is a service message
ASKED_FOR_KINDS = frozenset({"verification_code"})  # sent even to a phone that opted out: the person asked for it

# The built-in texts; admins override them per language in data administration (MessageTemplate).
MESSAGES = {
    "order_received": _("{outlet} has your {product} (order {number}). Follow the repair here: {link}"),
    "verification_code": _("Your verification code is {code}, valid for {minutes} minutes. Do not tell it to anyone."),
    "quote_ready": _("The repair of your {product} (order {number}) costs {total}. Approve or decline it here: {link}"),
    "ready_for_pickup": _("Your {product} is repaired and ready for pickup at {outlet}. Pickup code {code}."),
    "appointment_confirmed": _(
        "Our engineer {engineer} will visit on {window} for your {product} (order {number}). Confirm or ask for "
        "another time: {link}"
    ),
    "appointment_changed": _(
        "The visit for your {product} (order {number}) has changed: engineer {engineer}, {window}. Details: {link}"
    ),
    "engineer_on_the_way": _(
        "Engineer {engineer} (badge {badge}) is on the way for your {product}, arriving about {eta}. Follow: {link}"
    ),
    "complaint_received": _(
        "{outlet} has your complaint (case {case}) about your {product}. We will contact you by {contact_by}."
    ),
    "callback_missed": _(
        "We tried to call you about your {product} several times. Please call us back on {outlet_phone}."
    ),
    "callbacks_overdue": _("{count} callbacks of {outlet} are overdue."),
    "complaint_escalated": _("Complaint #{case} ({category}) of {outlet} is escalated to you: {reason}"),
    "complaint_assigned": _("Complaint #{case} ({category}) of {outlet}, logged by {logger}, is yours to handle."),
    "praise_received": _("A customer praised {staff} ({channel}): {text}"),
    "customer_wrote": _("A customer of {outlet} sent a {type} from the tracking page (order {number}): {text}"),
}


class PermanentDeliveryError(Exception):
    """The provider refuses this message for good (no approved template, a number it cannot reach): no retry."""


class Notifier(Protocol):
    def send(self, message) -> str:
        """Deliver one outbox row (core.models.Notification); answer the provider's reference, if any."""


class LogNotifier:
    """Writes each message to the `notifications` log instead of sending it: the phone masked (the log
    filter), the pickup code hidden (a log must not let its reader collect a customer's product)."""

    def send(self, message) -> str:
        log.info("notify kind=%s to=%s message=%s", message.kind, message.to, mask_codes(message.message))
        return ""


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


def provider_template(kind: str, language: str, id_field: str):
    """The message template a provider sends for this kind (an SMS or WeChat template ID in `id_field`): the
    one of the message's language, else the Chinese one (providers approve templates per text; most
    networks have only Chinese ones). None without one."""
    from core.models import MessageTemplate

    rows = {
        row.language: row
        for row in MessageTemplate.objects.filter(kind=kind, language__in=[language, "zh-hans"]).exclude(
            **{id_field: ""}
        )
    }
    return rows.get(language) or rows.get("zh-hans")


def notification_enqueue(*, kind: str, to: str, context: dict, key: str, language: str | None = None) -> None:
    """Put a message in the outbox, in the caller's transaction; a repeated key adds nothing."""
    from core.models import Notification

    if not to:
        return
    language = language or settings.LANGUAGE_CODE
    message = render(kind, context, language)
    with translation.override(language):  # the values as the text reads them: an SMS template's parameters
        values = {name: str(value) for name, value in context.items()}
    Notification.objects.bulk_create(
        [
            Notification(
                kind=kind,
                to=to,
                message=message,
                language=language,
                context=values,
                marketing=kind in MARKETING_KINDS,
                idempotency_key=key,
            )
        ],
        ignore_conflicts=True,
    )


@cache
def outbox_lifecycle() -> Lifecycle:
    """An outbox row's lifecycle (core.lifecycle): pending until sent, failed after MAX_ATTEMPTS tries or a
    refusal, withheld when the recipient opted out. Made on first use: this module is imported before the
    models are ready."""
    from core.models import Notification

    N = Notification.Status
    return Lifecycle(
        N,
        [
            move("send", {N.PENDING}, N.SENT),
            move("give_up", {N.PENDING}, N.FAILED),
            move("withhold", {N.PENDING}, N.WITHHELD),
        ],
        initial={N.PENDING},
    )


def _next_morning(now: dt.datetime) -> dt.datetime:
    """The end of the quiet hours following `now`: 08:00 local, today or tomorrow."""
    local = timezone.localtime(now)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, QUIET_UNTIL, tzinfo=local.tzinfo)


def _quiet(now: dt.datetime) -> bool:
    local = timezone.localtime(now).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def notifications_send(*, batch: int = 100, now: dt.datetime | None = None) -> int:
    """Send the pending messages that are due, in batches (rows locked, SKIP LOCKED: two senders never send
    one twice). Three queries a batch besides the writes: the rows, the opt-outs, today's counts."""
    from core.models import Notification

    sent = 0
    backend = notifier()
    while True:
        now = now or timezone.now()
        with transaction.atomic():
            rows = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(status=Notification.Status.PENDING)
                .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
                .order_by("id")[:batch]
            )
            rules = _SendingRules(rows, now)
            for row in rows:
                sent += _deliver(row, backend, rules, now)
        if len(rows) < batch:
            return sent


class _SendingRules:
    """The opt-outs and today's counts of one batch's recipients, read once for the batch."""

    def __init__(self, rows, now: dt.datetime):
        from core.models import MessageOptOut, Notification

        phones = {row.to for row in rows}
        self.opted_out = set(MessageOptOut.objects.filter(phone__in=phones).values_list("phone", flat=True))
        day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        self.sent_today = defaultdict(
            int,
            Notification.objects.filter(status=Notification.Status.SENT, to__in=phones, sent_at__gte=day_start)
            .values_list("to")
            .annotate(n=Count("id"))
            .values_list("to", "n"),
        )


def _deliver(row, backend, rules: _SendingRules, now: dt.datetime) -> int:
    """Send one row under the rules (module docstring) and record what happened; 1 when sent."""
    outbox = outbox_lifecycle()
    fields = ["status", "attempts", "last_error", "sent_at", "not_before", "provider_ref"]
    if row.to in rules.opted_out and row.kind not in ASKED_FOR_KINDS:
        outbox.move(row, "withhold")
    elif row.marketing and _quiet(now):
        row.not_before = _next_morning(now)
    elif rules.sent_today[row.to] >= settings.NOTIFY_DAILY_CAP:
        tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
        row.not_before = dt.datetime.combine(tomorrow, QUIET_UNTIL, tzinfo=timezone.get_current_timezone())
        row.last_error = "daily cap reached"
    else:
        try:
            row.provider_ref = (backend.send(row) or "")[:64]
        except Exception as exc:  # noqa: BLE001 - any delivery error is retried, then recorded
            row.attempts += 1
            row.last_error = str(exc)[:500]
            if row.attempts >= MAX_ATTEMPTS or isinstance(exc, PermanentDeliveryError):
                outbox.move(row, "give_up")
            else:
                row.not_before = now + BACKOFF[row.attempts - 1]
        else:
            outbox.move(row, "send")
            row.sent_at, row.last_error = now, ""
            rules.sent_today[row.to] += 1
    row.save(update_fields=fields)
    return int(row.status == row.Status.SENT)
