"""Log redaction: passwords, tokens, one-time codes and full phone numbers never reach a log line."""

import logging
import re
import threading
import time

# Mainland mobile numbers, optionally with +86 / 86 prefix: keep the first 3 and last 4 digits.
_PHONE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_SECRET_FIELD = re.compile(
    r"""(?P<key>["']?(?:password\d?|passwd|secret|token|api[_-]?key|authorization|sessionid|csrfmiddlewaretoken)["']?\s*[:=]\s*)(?P<value>"[^"]*"|'[^']*'|[^\s,;&}]+)""",
    re.IGNORECASE,
)
_AUTH_HEADER = re.compile(r"\b(Token|Bearer)\s+[A-Za-z0-9._\-]{8,}", re.IGNORECASE)
# A code named as one: "取机码 909923", "验证码：1234", "pickup code 909923", "pickup_code=909923".
_NAMED_CODE = re.compile(r"(?P<key>(?:码|code)[\s:：=\"']{0,3})\d{4,8}(?!\d)", re.IGNORECASE)
# Any six digits standing alone in a message to a customer: the pickup code wherever a template puts it
# (order numbers have eleven digits, phones eleven, dates and times are joined by - and :).
_LONE_CODE = re.compile(r"(?<![0-9A-Za-z.:/-])\d{6}(?![0-9A-Za-z.:/-])")


def mask_phone(text: str) -> str:
    """138****5678 for any mainland mobile number in `text`."""
    return _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def mask_codes(text: str) -> str:
    """A customer message as staff and logs may see it: its phones and one-time codes hidden."""
    return mask_phone(_LONE_CODE.sub("******", _NAMED_CODE.sub(lambda m: f"{m.group('key')}******", text)))


def redact(text: str) -> str:
    text = _AUTH_HEADER.sub(lambda m: f"{m.group(1)} [REDACTED]", text)
    text = _SECRET_FIELD.sub(lambda m: f"{m.group('key')}[REDACTED]", text)
    text = _NAMED_CODE.sub(lambda m: f"{m.group('key')}******", text)
    return mask_phone(text)


class RedactFilter(logging.Filter):
    """Rewrites each record's final message; attached to every handler in LOGGING."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class Outage:
    """One warning when a shared service (the cache) stops answering and one when it answers again, with
    how long it was out; not a traceback for every request in between (a process goes on without it)."""

    def __init__(self, service: str):
        self.service = service
        self.since: float | None = None
        self._lock = threading.Lock()

    def failed(self, error: Exception) -> None:
        with self._lock:
            if self.since is not None:
                return
            self.since = time.monotonic()
        _outages.warning("%s unavailable (%s): going on without it until it answers", self.service, error)

    def answered(self) -> None:
        if self.since is None:  # the usual case, without the lock
            return
        with self._lock:
            if self.since is None:
                return
            seconds, self.since = time.monotonic() - self.since, None
        _outages.warning("%s available again after %.0f s", self.service, seconds)


_outages = logging.getLogger("outages")
cache_outage = Outage("cache (Redis)")
