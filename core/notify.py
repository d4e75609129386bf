"""One notifier interface for messages to customers and staff (SMS, e-mail, ... are backends).

The default backend writes to the log (phones masked by the log filter). Set NOTIFIER_BACKEND to
the dotted path of another class with the same `send` method to deliver for real.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("notifications")


class Notifier(Protocol):
    def send(self, *, to: str, message: str, kind: str) -> None: ...


class LogNotifier:
    """Writes each message to the `notifications` log instead of sending it."""

    def send(self, *, to: str, message: str, kind: str) -> None:
        log.info("notify kind=%s to=%s message=%s", kind, to, message)


def notifier() -> Notifier:
    return import_string(settings.NOTIFIER_BACKEND)()
